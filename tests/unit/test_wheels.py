"""Reading wheels and building pip's download commands (no network, no torch)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from cudacompat.wheels import download, read
from cudacompat.wheels.download import write_json
from cudacompat.wheels.read import (
    find_arch_flags,
    parse_arch_flags,
    parse_pins,
    parse_version_py,
    read_wheel,
    scan_stream_for_flags,
    wheel_tags,
)


def gencode(*pairs: tuple[str, str]) -> str:
    """Build a ';'-separated CUDA_ARCH_FLAGS string from (arch, code) pairs."""
    return ";".join(f"-gencode;arch=compute_{a},code={c}" for a, c in pairs)


# ---------------------------------------------------------------- parse_arch_flags


def test_parse_cu118_style_with_sm37_and_ptx() -> None:
    flags = gencode(
        ("37", "sm_37"), ("50", "sm_50"), ("60", "sm_60"), ("70", "sm_70"),
        ("75", "sm_75"), ("80", "sm_80"), ("86", "sm_86"), ("90", "sm_90"),
        ("37", "compute_37"),
    )
    sm, ptx = parse_arch_flags(flags)
    assert sm == ["3.7", "5.0", "6.0", "7.0", "7.5", "8.0", "8.6", "9.0"]
    assert ptx == ["3.7"]


def test_parse_blackwell_sm100_sm120_and_compute120_ptx() -> None:
    flags = gencode(
        ("75", "sm_75"), ("80", "sm_80"), ("86", "sm_86"), ("90", "sm_90"),
        ("100", "sm_100"), ("120", "sm_120"), ("120", "compute_120"),
    )
    sm, ptx = parse_arch_flags(flags)
    assert sm == ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"]
    assert ptx == ["12.0"]


def test_parse_sm90a_and_numeric_sorting() -> None:
    # unsorted input with duplicates; 10.0 must sort after 9.0, not after 1.x
    flags = gencode(("100", "sm_100"), ("90a", "sm_90a"), ("90", "sm_90"),
                    ("86", "sm_86"), ("86", "sm_86"), ("90", "compute_90"))
    sm, ptx = parse_arch_flags(flags)
    assert sm == ["8.6", "9.0", "9.0a", "10.0"]
    assert ptx == ["9.0"]


def test_parse_space_separated_and_bracket_lists() -> None:
    flags = ("-gencode arch=compute_80,code=sm_80 -gencode=arch=compute_86,code=sm_86 "
             "-gencode arch=compute_90,code=[sm_90,compute_90]")
    sm, ptx = parse_arch_flags(flags)
    assert sm == ["8.0", "8.6", "9.0"]
    assert ptx == ["9.0"]


def test_parse_empty() -> None:
    assert parse_arch_flags("") == ([], [])


def test_find_arch_flags_in_binary_noise() -> None:
    flags = gencode(("50", "sm_50"), ("90", "sm_90"), ("90", "compute_90"))
    blob = b"\x00\x7fELF junk\x00" + flags.encode() + b"\x00more\x00-gencode;arch=compute_50,code=sm_50\x00"
    assert find_arch_flags(blob) == flags  # the longest run wins


def test_scan_stream_finds_flags_across_chunk_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "_CHUNK", 64)
    monkeypatch.setattr(read, "_OVERLAP", 512)
    flags = gencode(("80", "sm_80"), ("86", "sm_86"), ("90", "sm_90"))
    data = b"\x00" * 100 + flags.encode() + b"\x00" * 100
    assert scan_stream_for_flags(io.BytesIO(data)) == flags


# ---------------------------------------------------------------- metadata helpers


def test_parse_version_py() -> None:
    text = ("from typing import Optional\n__version__ = '2.7.1+cu126'\n"
            "debug = False\ncuda: Optional[str] = '12.6'\n"
            "git_version = 'e2d141dbde55c2a4370fac5165b0561b6af4798b'\nhip: Optional[str] = None\n")
    got = parse_version_py(text)
    assert got == {"__version__": "2.7.1+cu126", "cuda": "12.6",
                   "git_version": "e2d141dbde55c2a4370fac5165b0561b6af4798b"}
    assert parse_version_py("__version__ = '2.1.0+cpu'\ncuda = None\n")["cuda"] is None


def test_parse_pins_markers_and_extras() -> None:
    reqs = [
        'nvidia-cuda-runtime-cu12==12.6.77; platform_system == "Linux" and platform_machine == "x86_64"',
        'nvidia-cudnn-cu12==9.5.1.17; platform_system == "Linux" and platform_machine == "x86_64"',
        "triton==3.3.1; platform_system == 'Linux' and platform_machine == 'x86_64'",
        "filelock",
        "sympy>=1.13.3",
        'opt-einsum>=3.3; extra == "opt-einsum"',
        "nvidia-nccl-cu12>=2.0",  # not an exact pin
    ]
    x86 = read.marker_env("linux-x86_64", "3.12")
    arm = read.marker_env("linux-aarch64", "3.12")
    assert parse_pins(reqs, x86) == {
        "nvidia-cuda-runtime-cu12": "12.6.77",
        "nvidia-cudnn-cu12": "9.5.1.17",
        "triton": "3.3.1",
    }
    assert parse_pins(reqs, arm) == {}


def test_parse_pins_reads_compatible_release_and_python_limited_pins() -> None:
    # as torch 2.15.0 and 2.2.1 print them: a ~= pin, and a pin limited to older Pythons
    reqs = ['triton~=3.9.0; platform_system == "Linux" and python_version < "3.16"',
            'triton (==2.2.0) ; platform_system == "Linux" and platform_machine == "x86_64" and python_version < "3.12"']
    x86 = read.marker_env("linux-x86_64", "3.12")
    assert parse_pins(reqs[:1], x86) == {"triton": "~=3.9.0"}
    assert parse_pins(reqs[1:], x86) == {"triton": "2.2.0"}
    assert parse_pins(reqs[1:], read.marker_env("linux-aarch64", "3.12")) == {}


# ---------------------------------------------------------------- read_wheel


METADATA = """Metadata-Version: 2.1
Name: torch
Version: 9.9.9
Requires-Python: >=3.9.0
Classifier: Programming Language :: Python :: 3.9
Classifier: Programming Language :: Python :: 3.13
Classifier: Programming Language :: Python :: 3.10
Classifier: Programming Language :: C++
Requires-Dist: filelock
Requires-Dist: nvidia-cuda-runtime-cu12==12.8.90; platform_system == "Linux" and platform_machine == "x86_64"
Requires-Dist: nvidia-nccl-cu12==2.26.2; platform_system == "Linux" and platform_machine == "x86_64"
Requires-Dist: triton==3.4.0; platform_system == "Linux" and platform_machine == "x86_64"

A description.
"""


def make_wheel(tmp_path: Path, flags: str | None) -> Path:
    """Build a tiny fake torch wheel with METADATA, version.py and a .so."""
    path = tmp_path / "torch-9.9.9-cp312-cp312-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("torch-9.9.9.dist-info/METADATA", METADATA)
        zf.writestr("torch/version.py",
                    "__version__ = '9.9.9+cu128'\ncuda: Optional[str] = '12.8'\ngit_version = 'abc123'\n")
        zf.writestr("torch/lib/libtorch_python.so", b"\x7fELF" + b"\x00" * 4096)
        payload = b"\x7fELF\x00" + (flags.encode() if flags else b"") + b"\x00" * 1000
        zf.writestr("torch/lib/libtorch_cuda.so", payload)
        zf.writestr("torch/lib/libcudnn.so.9", b"\x7fELF")
    return path


def test_read_wheel_synthetic(tmp_path: Path) -> None:
    flags = gencode(("75", "sm_75"), ("90", "sm_90"), ("100", "sm_100"),
                    ("120", "sm_120"), ("120", "compute_120"))
    whl = make_wheel(tmp_path, flags)
    ev = read_wheel(whl, requested="9.9.9")
    assert ev["schema"] == 1 and ev["package"] == "torch"
    assert ev["version"] == "9.9.9+cu128"
    assert ev["requested"] == "9.9.9"
    assert ev["platform"] == "linux-x86_64"
    assert ev["python_tag"] == "cp312"
    assert ev["filename"] == whl.name
    assert ev["size"] == whl.stat().st_size
    assert ev["sha256"] == hashlib.sha256(whl.read_bytes()).hexdigest()
    assert ev["requires_python"] == ">=3.9.0"
    assert ev["python_classifiers"][-1] == "Programming Language :: Python :: 3.13"
    assert ev["pins"] == {"nvidia-cuda-runtime-cu12": "12.8.90", "nvidia-nccl-cu12": "2.26.2",
                          "triton": "3.4.0"}
    assert ev["cuda"] == "12.8"
    assert ev["cuda_arch_flags"] == flags
    assert ev["sm"] == ["7.5", "9.0", "10.0", "12.0"]
    assert ev["ptx"] == ["12.0"]
    assert ev["where"] == "torch/lib/libtorch_cuda.so"
    assert "libcudnn.so.9" in ev["torch_lib"]
    assert len(ev["recorded"]) == 10


def test_read_wheel_without_flags(tmp_path: Path) -> None:
    ev = read_wheel(make_wheel(tmp_path, None))
    assert ev["cuda_arch_flags"] is None and ev["where"] is None
    assert ev["sm"] == [] and ev["ptx"] == []


def test_write_json_format(tmp_path: Path) -> None:
    out = tmp_path / "x" / "e.json"
    write_json(out, {"b": 1, "a": [1]})
    text = out.read_text()
    assert text.endswith("}\n") and text.index('"a"') < text.index('"b"')
    assert json.loads(text) == {"a": [1], "b": 1}


def test_pip_download_cmd_is_isolated(tmp_path: Path) -> None:
    cmd = download.pip_download_cmd("2.7.1", "linux-aarch64", "3.12", tmp_path)
    assert "--isolated" in cmd and "--no-deps" in cmd and "--only-binary=:all:" in cmd
    assert cmd[-1] == "torch==2.7.1"
    plats = [cmd[i + 1] for i, c in enumerate(cmd) if c == "--platform"]
    assert plats[0] == "manylinux_2_28_aarch64" and "manylinux2014_aarch64" in plats


def test_versions_from_pip_error() -> None:
    err = ("ERROR: Could not find a version that satisfies the requirement torch==0.0.0 "
           "(from versions: 1.13.0, 2.0.0, 2.10.0)\nERROR: No matching distribution found for torch==0.0.0\n")
    assert download._versions_from_pip_error(err) == ["1.13.0", "2.0.0", "2.10.0"]
    assert download._versions_from_pip_error("(from versions: none)") == []


def test_read_wheel_keeps_raw_requires_dist(tmp_path: Path) -> None:
    ev = read_wheel(make_wheel(tmp_path, None))
    assert "filelock" in ev["requires_dist"]
    assert len(ev["requires_dist"]) == 4


def test_wheel_tags_uses_packagings_parser():
    t = wheel_tags("torch-2.7.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert t == {"name": "torch", "version": "2.7.1+cu128", "python": "cp312", "abi": "cp312",
                 "platform": "manylinux_2_28_x86_64"}
    with pytest.raises(ValueError):
        wheel_tags("torch-2.7.1.tar.gz")
    with pytest.raises(ValueError):
        wheel_tags("not a wheel.whl")
