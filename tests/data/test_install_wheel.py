"""The command-line tool as people install it: the wheel built from this checkout, into a fresh virtual
environment, with its knowledge base inside; `cudacompat --help` and a question run there."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

from cudacompat import ROOT


def test_the_built_wheel_installs_and_answers_in_a_fresh_venv(tmp_path):
    dist = tmp_path / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                        "--disable-pip-version-check", "-w", str(dist), str(ROOT)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(dist.glob("cudacompat-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # its three dependencies come from the registry, pinned as in constraints.txt
    r = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-c", str(ROOT / "constraints.txt"), str(wheel)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    exe = env_dir / "bin" / "cudacompat"
    out = tmp_path / "elsewhere"
    out.mkdir()  # not the checkout: the packaged knowledge base must answer
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True, cwd=out, timeout=60)
    assert r.returncode == 0 and "will-it-run" in r.stdout
    r = subprocess.run([str(exe), "gpu", "RTX 4090", "--json"], capture_output=True, text=True, cwd=out, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["compute_capability"] == "8.9"
    r = subprocess.run([str(exe), "check"], capture_output=True, text=True, cwd=out, timeout=120)
    assert r.returncode == 0 and "OK" in r.stdout, r.stderr[-1000:]
    assert Path(json.loads(subprocess.run([str(py), "-c", "import cudacompat, json; print(json.dumps(str(cudacompat.data_path())))"],
                                          capture_output=True, text=True, cwd=out).stdout)).is_file()
