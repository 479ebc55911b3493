"""Every named check of the knowledge base, each with a mutation of the fixture that it alone
must report (and the fixture itself passes every check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cudacompat.kb.checks import REGISTRY, _load_all, run_checks
from cudacompat.kb.load import parse_rows
from cudacompat.kb.yamlread import read
from tests.conftest import FIXTURE_KB

TEXT = FIXTURE_KB.read_text(encoding="utf-8")
_load_all()

# check name -> (text replaced, replacement, expected message, expected row)
CASES: dict[str, tuple[str, str, str, str]] = {
    "ids-unique": ("  - id: nccl-2.21.5", "  - id: nccl-2.18.1", "duplicate id 'nccl-2.18.1'", "nccl-2.18.1"),
    "image-builds-exist": ('torch: "9.1.0"\n    variant: cu121', 'torch: "9.1.0"\n    variant: cu999',
                           "no torch 9.1.0 cu999 build", "pytorch/pytorch:9.1.0-cuda12.1-cudnn9-runtime"),
    "evidence-files-exist": ('sources: ["https://example.invalid/gpus"]',
                             'sources: ["evidence:data/evidence/wheels/none.json"]',
                             "evidence file data/evidence/wheels/none.json does not exist", "card-a"),
    "cc-in-one-architecture": ('compute_capabilities: ["9.0"]', 'compute_capabilities: ["9.0", "8.6"]',
                               "compute capability 8.6 is already listed under 'alpha'", "beta"),
    "gpu-architecture": ("architecture: beta", "architecture: delta", "unknown architecture 'delta'", "card-b"),
    "gpu-names-unique": ('aliases: ["C"]', 'aliases: ["card\u200ba"]', f"{'card' + chr(0x200b) + 'a'!r} reads as "
                         "'card-a', already used by 'card-a'", "card-c"),
    "cuda-major-once": ("major: 13", "major: 12", "CUDA 12 is listed twice", "cuda-13"),
    "toolkit-rows": ('{version: "12.1.1", name: Update 1', '{version: "12.2.1", name: Update 1',
                     "release 12.2.1 does not belong to toolkit 12.1", "cuda-12.1"),
    "driver-minimums-never-decrease": ('linux: "570.124.06"', 'linux: "500.1"',
                                       "linux driver minimum 500.1 for CUDA 12.8.1 is lower than", "cuda-12.8"),
    "library-versions-once": ('version: "2.26.2"', 'version: "2.21.5"', "nccl 2.21.5 is listed twice", "nccl-2.26.2"),
    "cudnn-cuda-ranges": ('cuda: [{min: "12.0", max: "12.4"}]', 'cuda: [{min: "12.4", max: "12.0"}]',
                          "CUDA range min 12.4 is above max 12.0", "cudnn-9.1.0"),
    "release-once": ('version: "9.2.0"', 'version: "9.1.0"', "torch 9.1.0 is listed twice", "torch-9.2.0"),
    "variant-once": ("      - variant: cpu", "      - variant: cu128", "variant cu128 is listed twice",
                     "torch-9.2.0+cu128"),
    "variant-cuda": ('      - variant: cu128\n        cuda: "12.8"\n        cudnn: "9.8.0.87"',
                     '      - variant: cu128\n        cuda: "13.0"\n        cudnn: "9.8.0.87"',
                     "CUDA 13.0 does not match variant cu128", "torch-9.1.0+cu128"),
    "arch-inside-toolkit-range": ('sm: ["5.0", "8.0", "9.0"]', 'sm: ["3.5", "8.0", "9.0"]',
                                  "sm_35 is outside what CUDA 12.1 can compile for (sm_50..sm_90)", "torch-9.0.0+cu121"),
    "arch-lists-unique": ('sm: ["5.0", "8.0", "9.0"]', 'sm: ["8.0", "8.0", "9.0"]', "sm list has duplicates",
                          "torch-9.0.0+cu121"),
    "library-rows-exist": ('cudnn: "9.1.0.70"', 'cudnn: "9.2.0.1"', "cuDNN 9.2.0.1 has no cudnn row",
                           "torch-9.1.0+cu121"),
    "error-patterns-match-their-messages": ('pattern: "widget failed to spin"', 'pattern: "widget failed to stop"',
                                            "message is not matched by the entry's own pattern", "widget-failed"),
    "announcement-subjects": ('subject: "5.0"', 'subject: "sm_50"', "'sm_50': a architecture announcement names",
                              "drop-sm50-9.1"),
    "tegra-capabilities": ('tegra: ["8.7"]', 'tegra: ["8.9"]', "8.9 is not one of alpha's compute capabilities",
                           "alpha"),
    "driver-support-gpus": ('gpus: ["card-b"]', 'gpus: ["card-z"]', "unknown GPU 'card-z'", "card-b-family"),
    "jetpack-rows": ('    version: "6.0"\n    l4t: "36.3"', '    version: "5.1"\n    l4t: "36.3"',
                     "JetPack 5.1 is listed twice", "jetpack-6.0"),
    "image-driver-allows-its-cuda": ('cuda: "12.8.0"\n    min_driver: {linux: "570"}',
                                     'cuda: "12.8.0"\n    min_driver: {linux: "520"}',
                                     "driver 520 is below what CUDA 12.8.0 allows", "nvcr.io/nvidia/pytorch:31.01-py3"),
    "architecture-capabilities": ('    name: Beta\n    compute_capabilities: ["9.0"]',
                                  '    name: Beta\n    compute_capabilities: ["9.0"]\n    announced: true',
                                  "an announced architecture lists no compute capability", "beta"),
    "patch-rebuilds": ('rebuilds: "9.1.0"', 'rebuilds: "9.0.0"', "torch 9.1.1 cannot rebuild 9.0.0", "torch-9.1.1"),
    "image-id-is-its-tag": ('    tag: "9.1.0-cuda12.1-cudnn9-runtime"', '    tag: "9.1.0-cuda12.1-cudnn9-devel"',
                            "the id must be pytorch/pytorch:9.1.0-cuda12.1-cudnn9-devel",
                            "pytorch/pytorch:9.1.0-cuda12.1-cudnn9-runtime"),
    "ids-not-page-names": ('  - id: gamma', '  - id: index', "'index' is the name of a generated page", "index"),
    "companion-rows": ('torch: "9.1.0"\n    torchvision:', 'torch: "9.9.9"\n    torchvision:', "no torch 9.9.9 in the knowledge base",
                       "companions-9.1.0"),
    "triton-pins-recorded": ('triton: "==9.1.0"', 'triton: "==9.9.0"', "triton 9.9.0 has no triton row", "torch-9.1.0+cu121"),
    "jetson-builds": ('jetpack: ["5.1"]', 'jetpack: ["4.9"]', "unknown JetPack '4.9'", "jetson-wheel-9.0.0a0"),
}


def problems(text: str, tmp_path: Path, only: str | None = None):
    f = tmp_path / "data" / "compat.yaml"
    f.parent.mkdir(exist_ok=True)
    f.write_text(text, encoding="utf-8")
    doc, found = read(f)
    assert not found, found
    rows, row_problems = parse_rows(doc)
    assert not row_problems, row_problems
    return run_checks(rows, doc, f, only=None if only is None else [only])


def test_every_check_has_a_case():
    assert set(CASES) == set(REGISTRY)
    assert all(c.doc for c in REGISTRY.values()), "every check says what it checks in its docstring"


def test_the_fixture_passes_every_check(tmp_path):
    assert problems(TEXT, tmp_path) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_check(name, tmp_path):
    old, new, message, row = CASES[name]
    assert TEXT.count(old) >= 1, old
    text = TEXT.replace(old, new, 1)
    mine = problems(text, tmp_path, only=name)
    assert mine, f"{name} reported nothing"
    assert any(message in p.message and p.row == row for p in mine), mine
    line = next(p.line for p in mine if message in p.message)
    assert 1 <= line <= text.count("\n") + 1
