"""Benchmarks: `bash bench/run` or `.venv/bin/python -m bench`; results in bench/RESULTS.md."""
