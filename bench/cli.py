"""CLI start-up: `cudacompat gpu` and `cudacompat will-it-run` wall time (torch is never imported),
against `python -c pass` (the interpreter's own start-up, the floor), with the validated-data cache
warm (the usual case), and with the cache off (every run parses and validates the YAML)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .common import ENV, OUT, PY, ROOT, Runs, fresh, log, run_timed

RUNS = 10
GPU = ["gpu", "NVIDIA GeForce RTX 4090"]
WIR = ["will-it-run", "--gpu", "Tesla V100-SXM2-16GB", "--driver", "535.54.03", "--python", "3.11"]


def _exe() -> str:
    exe = Path(PY).parent / "cudacompat"
    return str(exe) if exe.exists() else ""


def run() -> dict:
    exe = _exe()
    base = [exe] if exe else [PY, "-m", "cudacompat"]
    cache_dir = fresh(OUT / "cli-cache")
    env = {**ENV, "CUDACOMPAT_CACHE_DIR": str(cache_dir)}
    env.pop("CUDACOMPAT_NO_CACHE", None)
    off = {**env, "CUDACOMPAT_NO_CACHE": "1"}
    # the first run fills the cache: validation + writing the entry
    cold = Runs()
    run_timed(base + GPU, cold, env=env)
    cases = {
        "python -c pass": ([PY, "-c", "pass"], env),
        "gpu": (base + GPU, env),
        "will-it-run": (base + WIR, env),
        "gpu, cache off": (base + GPU, off),
        "will-it-run, cache off": (base + WIR, off),
    }
    res = {name: Runs() for name in cases}
    for _ in range(RUNS):  # interleaved
        for name, (cmd, e) in cases.items():
            run_timed(cmd, res[name], env=e)
    log(f"CLI: {RUNS} runs of each done")
    # same answers with and without the cache
    same = all(
        subprocess.run(base + args + ["--json"], env=env, cwd=ROOT, capture_output=True).stdout
        == subprocess.run(base + args + ["--json"], env=off, cwd=ROOT, capture_output=True).stdout
        for args in (GPU, WIR))
    # what a cached answer imports
    p = subprocess.run([PY, "-X", "importtime", "-m", "cudacompat", *GPU], env=env, cwd=ROOT,
                       capture_output=True, text=True)
    mods = {line.rsplit("|", 1)[-1].strip() for line in p.stderr.splitlines() if line.startswith("import time:")}
    return {
        "runs": RUNS, "cold": cold, "cases": res, "same_answers": same,
        "imports_torch": any(m == "torch" or m.startswith("torch.") for m in mods),
        "imports_pydantic": any(m == "pydantic" or m.startswith("pydantic.") for m in mods),
        "imports_yaml": any(m == "yaml" or m.startswith("yaml.") for m in mods),
        "modules": len(mods),
        "entries": len(list(cache_dir.glob("kb-*.pickle"))),
        "cache_entry_bytes": sum(f.stat().st_size for f in cache_dir.glob("kb-*.pickle")),
    }
