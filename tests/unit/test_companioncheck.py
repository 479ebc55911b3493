"""verify --offline holds the companion pairings to the companions' own wheel metadata."""

from __future__ import annotations

import json
from types import SimpleNamespace

from cudacompat.wheels import companioncheck


def kb_with(torch: str, **libs: str):
    row = SimpleNamespace(torch=torch, **{lib: libs.get(lib) for lib in companioncheck.LIBRARIES})
    return SimpleNamespace(companions=[row])


def test_an_exact_pin_must_be_the_pairing(tmp_path):
    (tmp_path / "torchvision-0.22.1.json").write_text(json.dumps({"torch_pin": "torch (==2.7.1)"}))
    assert companioncheck.compare(kb_with("2.7.1", torchvision="0.22.1"), tmp_path) == (1, [])
    n, out = companioncheck.compare(kb_with("2.7.0", torchvision="0.22.1"), tmp_path)
    assert n == 1 and "pins torch==2.7.1" not in out[0] and "requires torch==2.7.1" in out[0]


def test_a_floor_must_hold_and_one_agreeing_wheel_is_enough(tmp_path):
    (tmp_path / "torchaudio-2.11.1.json").write_text(json.dumps({"requires_dist": ["torch>=2.11"]}))
    assert companioncheck.compare(kb_with("2.13.0", torchaudio="2.11.1"), tmp_path)[1] == []
    assert companioncheck.compare(kb_with("2.10.0", torchaudio="2.11.1"), tmp_path)[1]
    (tmp_path / "torchtext-0.16.2.json").write_text(json.dumps({"torch_pin": "torch (==2.2.0)"}))
    (tmp_path / "torchtext-0.16.2-cp310.json").write_text(json.dumps({"torch_pin": "torch (==2.1.2)"}))
    assert companioncheck.compare(kb_with("2.1.2", torchtext="0.16.2"), tmp_path) == (2, [])
