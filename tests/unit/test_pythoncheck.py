"""verify --offline holds the recorded Python ranges to the measured wheels: a changed value fails."""

from __future__ import annotations

import json

from cudacompat.answers.index import KB
from cudacompat.kb.load import load
from cudacompat.wheels import pythoncheck
from tests.conftest import FIXTURE_KB


def evidence(version: str, x86: dict, **others: dict) -> dict:
    return {"torch": version, "_path": f"data/evidence/pythons/torch-{version}.json",
            "platforms": {"linux-x86_64": x86, **others}}


def cells(*have: str, tried=("3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.14t")) -> dict:
    return {py: (f"torch-x-cp{py.replace('.', '')}.whl" if py in have else None) for py in tried}


def test_a_range_that_differs_from_the_wheels_is_reported():
    kb = KB(load(FIXTURE_KB))  # 9.1.0: Python 3.10-3.13
    t = next(t for t in kb.data.torch if t.version == "9.1.0")
    ev = evidence("9.1.0", cells("3.10", "3.11", "3.12", "3.13"))
    ev["_path"] = t.sources[0].removeprefix("evidence:") if t.sources[0].startswith("evidence:") else ev["_path"]
    lines = pythoncheck.compare(kb.data, [ev])
    assert not any("Python" in x and "recorded" in x for x in lines), lines
    lines = pythoncheck.compare(kb.data, [evidence("9.1.0", cells("3.10", "3.11", "3.12", "3.13", "3.14"))])
    assert any("Python 3.10–3.13 recorded; the wheels are 3.10–3.14" in x for x in lines)
    lines = pythoncheck.compare(kb.data, [evidence("9.1.0", cells("3.10", "3.12", "3.13"))])
    assert any("no wheel for Python 3.11 inside its range" in x for x in lines)
    assert any("does not cite it" in x for x in lines)


def test_the_real_evidence_agrees(kb):
    evs = pythoncheck.load_all()
    assert len(evs) == len(kb.data.torch)
    assert pythoncheck.compare(kb.data, evs) == []
    assert json.loads((pythoncheck.PYTHONS_DIR / "torch-2.2.0.json").read_text())["platforms"]["linux-x86_64"]["3.12"]
