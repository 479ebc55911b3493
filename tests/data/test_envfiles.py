"""Environment files that get the right build, read back by their tools: uv resolves the default-index case
against the registry this machine reaches and accepts the explicit-index case (offline it stops only at
the network); pixi and conda files parse as what they are."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from cudacompat.answers.envfiles import env_file

UV = Path(sys.executable).with_name("uv")
PY = f"{sys.version_info.major}.{sys.version_info.minor}"


def uv(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
    return subprocess.run([str(UV), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_rtx_5090_on_575_gets_cu128_from_one_explicit_index_and_uv_accepts_it(kb, tmp_path):
    r = env_file(kb, "uv", "RTX 5090", "575.57.08", "linux-x86_64", PY)
    assert r["variant"] == "cu128" and r["code"] == "native"
    doc = tomllib.loads(r["text"])
    deps = doc["project"]["dependencies"]
    assert [d.split("==")[0] for d in deps] == ["torch", "torchvision", "torchaudio"]
    assert {k: v[0]["index"] for k, v in doc["tool"]["uv"]["sources"].items()} == dict.fromkeys(
        ["torch", "torchvision", "torchaudio"], "pytorch-cu128")
    assert doc["tool"]["uv"]["index"] == [{"name": "pytorch-cu128", "url": "https://download.pytorch.org/whl/cu128",
                                           "explicit": True}]
    (tmp_path / "pyproject.toml").write_text(r["text"])
    p = uv("lock", "--offline", "--python", sys.executable, cwd=tmp_path)
    # offline, uv reads and accepts the project, then stops where it needs the network: the index is reached
    assert "network was disabled" in p.stderr, p.stderr
    assert "failed to parse" not in p.stderr.lower() and "TOML parse error" not in p.stderr


def test_the_default_index_case_resolves_with_uv(kb, tmp_path):
    r = env_file(kb, "requirements", "RTX 4090", "600.10", "linux-x86_64", PY)
    assert r["index"] is None and r["packages"][0] == f"torch=={r['torch']}"
    (tmp_path / "requirements.txt").write_text(r["text"])
    p = uv("pip", "compile", "requirements.txt", "--python-version", PY, "--python-platform", "x86_64-manylinux_2_28",
           cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert f"torch=={r['torch']}" in p.stdout and "triton==" in p.stdout
    proj = env_file(kb, "uv", "RTX 4090", "600.10", "linux-x86_64", PY)
    (tmp_path / "pyproject.toml").write_text(proj["text"])
    p = uv("lock", "--python", sys.executable, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    lock = tomllib.loads((tmp_path / "uv.lock").read_text())
    assert any(x["name"] == "torch" and x["version"] == r["torch"] for x in lock["package"])


@pytest.mark.parametrize("gpu, driver", [("RTX 5090", "575.57.08"), ("RTX 4090", "600.10")])
def test_pixi_and_conda_files_parse(kb, gpu, driver):
    pixi = tomllib.loads(env_file(kb, "pixi", gpu, driver, "linux-x86_64", PY)["text"])
    assert pixi["workspace"]["platforms"] == ["linux-64"] and pixi["dependencies"]["python"] == f"{PY}.*"
    torch = pixi["pypi-dependencies"]["torch"]
    assert torch["version"].startswith("==")
    conda = yaml.safe_load(env_file(kb, "conda", gpu, driver, "linux-x86_64", PY)["text"])
    pip = next(d for d in conda["dependencies"] if isinstance(d, dict))["pip"]
    assert f"python={PY}" in conda["dependencies"] and any(x.startswith("torch==") for x in pip)
    if gpu == "RTX 5090":
        assert torch["index"].endswith("/cu128") and pip[0] == "--index-url https://download.pytorch.org/whl/cu128"
