"""The knowledge base's companion pairings against the companions' own wheel metadata
(``data/evidence/companions/<package>-<version>.json``, the ``torch`` requirement each wheel states):
part of ``cudacompat verify --offline``. Where a wheel pins ``torch==X`` exactly, the pairing must be X;
where it states only a floor, the recorded torch must satisfy it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from .. import ROOT

COMPANIONS_DIR = ROOT / "data" / "evidence" / "companions"
LIBRARIES = ("torchvision", "torchaudio", "torchtext", "torchdata")


def torch_requirement(ev: dict[str, Any]) -> Requirement | None:
    """The ``torch`` requirement a companion wheel states (its Requires-Dist), if any."""
    text = ev.get("torch_pin") or ""
    if not text:
        for line in ev.get("requires_dist") or []:
            if re.match(r"\s*torch\b(?![-_.\w])", line):
                text = line
                break
    try:
        return Requirement(text) if text else None
    except InvalidRequirement:
        return None


def compare(kb: Any, directory: Path = COMPANIONS_DIR) -> tuple[int, list[str]]:
    out, n = [], 0
    for c in kb.companions:
        for lib in LIBRARIES:
            version = getattr(c, lib)
            if not version:
                continue
            # one file per wheel measured: <lib>-<version>.json, and -cpXYZ.json where wheels of one release
            # state different requirements (torchtext 0.16.2's cp310 wheel pins 2.1.2, its cp312 one 2.2.0)
            files = sorted(directory.glob(f"{lib}-{version}.json")) + sorted(directory.glob(f"{lib}-{version}-cp*.json"))
            if not files:
                continue
            n += len(files)
            said = []
            for f in files:
                try:
                    req = torch_requirement(json.loads(f.read_text(encoding="utf-8")))
                except ValueError:
                    out.append(f"data/evidence/companions/{f.name}: not JSON")
                    continue
                if req is None:
                    said.append(None)
                    continue
                pins = [s.version for s in req.specifier if s.operator in ("==", "===")]
                ok = pins[0] == c.torch if pins else req.specifier.contains(c.torch, prereleases=True)
                said.append((f.name, str(req.specifier), ok))
            judged = [x for x in said if x]
            if judged and not any(ok for _, _, ok in judged):
                name, spec, _ = judged[0]
                out.append(f"data/evidence/companions/{name}: {lib} {version} requires torch{spec}; the knowledge "
                           f"base pairs it with torch {c.torch}")
    return n, out
