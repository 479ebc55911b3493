"""The knowledge base's Python ranges against the measured Python × platform availability
(``data/evidence/pythons/torch-<version>.json``, written by :mod:`cudacompat.wheels.pythons`):
part of ``cudacompat verify --offline``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import ROOT
from . import evidence
from .pythons import python_range

PYTHONS_DIR = ROOT / "data" / "evidence" / "pythons"
CHECKED = ("linux-x86_64", "linux-aarch64", "windows-x86_64")


def load_all(directory: Path = PYTHONS_DIR) -> list[dict[str, Any]]:
    return evidence.load_all(directory, "pythons")


def compare(kb: Any, evs: list[dict[str, Any]]) -> list[str]:
    """Where a release's recorded Python range (``python`` for Linux x86_64, ``python_by_platform``
    for a platform that differs) is not what its wheels measure, or the wheels have a hole."""
    releases = {t.version: t for t in kb.torch}
    out = []
    for ev in evs:
        where, t = ev["_path"], releases.get(ev.get("torch"))
        if t is None:
            out.append(f"{where}: torch {ev.get('torch')} is measured but not in the knowledge base")
            continue
        if f"evidence:{where}" not in t.sources:
            out.append(f"{where}: torch {t.version} does not cite it")
        for plat in CHECKED:
            cells = (ev.get("platforms") or {}).get(plat)
            if not cells:
                continue
            m = python_range(cells)
            mine = t.python_by_platform.get(plat) or t.python
            have = (mine.min, mine.max) if mine else (None, None)
            if (m["min"], m["max"]) != have:
                out.append(f"{where}: torch {t.version} on {plat}: Python {have[0]}–{have[1]} recorded; the "
                           f"wheels are {m['min']}–{m['max']}")
            if m["holes"]:
                out.append(f"{where}: torch {t.version} on {plat} has no wheel for Python {', '.join(m['holes'])} "
                           "inside its range")
    return out
