"""doctor in a real environment with a deliberately mismatched torchvision: the installed torch (this
project's pinned CPU build) with a torchvision of another release installed beside it (no dependencies,
nothing else changes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch

from cudacompat.answers.companions import row_for


def test_doctor_names_a_mismatched_torchvision_and_the_fix(kb, tmp_path):
    base = torch.__version__.split("+")[0]
    want = row_for(kb, base).torchvision
    other = next(c.torchvision for c in kb.data.companions if c.torchvision and c.torchvision != want
                 and c.torch.startswith("2.7"))
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--disable-pip-version-check", "--target", str(target), f"torchvision=={other}"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run([sys.executable, "-m", "cudacompat", "doctor", "--json"], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(r.stdout)
    assert doc["facts"]["torch"]["packages"]["torchvision"] == other
    v = next(x for x in doc["verdicts"] if x["id"] == "companion-mismatch")
    assert f"torchvision {want}" in v["detail"] and f"torchvision {other}" in v["detail"]
    assert f"torchvision=={want}" in v["command"]
