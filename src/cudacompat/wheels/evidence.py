"""Rows drafted from measured wheel evidence, and the knowledge base checked against it.

Evidence files (``data/evidence/wheels/torch-<version>-<platform>.json``) are written by
:mod:`cudacompat.wheels.download` from the published wheels. ``draft`` turns them into torch rows for a
human to review (``cudacompat new-release``); ``compare`` lists where the knowledge base
disagrees with them (``cudacompat verify --offline``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .. import ROOT, versions

EVIDENCE_DIR = ROOT / "data" / "evidence" / "wheels"
RUNTIME_PINS = ("nvidia-cuda-runtime-cu11", "nvidia-cuda-runtime-cu12", "nvidia-cuda-runtime-cu13",
                "nvidia-cuda-runtime")
CUDNN_PINS = ("nvidia-cudnn-cu11", "nvidia-cudnn-cu12", "nvidia-cudnn-cu13")
NCCL_PINS = ("nvidia-nccl-cu11", "nvidia-nccl-cu12", "nvidia-nccl-cu13")
TRITON_PINS = ("triton", "pytorch-triton")


def triton_pin(ev: dict[str, Any]) -> str | None:
    """The triton requirement as the knowledge base writes it: ``==3.4.0`` or ``~=3.9.0``."""
    pin = _pin(ev, TRITON_PINS)
    return None if pin is None else pin if pin.startswith("~=") else "==" + pin


def load_all(directory: Path = EVIDENCE_DIR, kind: str = "wheels") -> list[dict[str, Any]]:
    """The ``torch-*.json`` evidence files of a directory, each with the path rows cite it by
    (``data/evidence/<kind>/<file>``) under ``_path``."""
    out = []
    for f in sorted(directory.glob("torch-*.json")):
        ev = json.loads(f.read_text(encoding="utf-8"))
        ev["_path"] = f"data/evidence/{kind}/{f.name}"
        out.append(ev)
    return out


def _pin(ev: dict, names: tuple[str, ...]) -> str | None:
    return next((ev["pins"][n] for n in names if n in (ev.get("pins") or {})), None)


def runtime_pin(ev: dict[str, Any]) -> str | None:
    """The CUDA runtime a wheel pins: the ``nvidia-cuda-runtime-cu1X`` package's version (up to 2.10),
    else the release of the ``cuda-toolkit`` metapackage when it is required with its ``cudart``
    extra (2.11 on: ``cuda-toolkit[cudart,…]==13.0.2`` is toolkit release 13.0.2's runtime)."""
    pin = _pin(ev, RUNTIME_PINS)
    if pin:
        return pin
    for req in ev.get("requires_dist") or []:
        m = re.match(r"\s*cuda-toolkit\s*\[([^\]]*)\]\s*\(?\s*==\s*([0-9][\w.]*)", req)
        if m and "cudart" in {x.strip() for x in m.group(1).split(",")}:
            return m.group(2)
    return None


def facts(ev: dict[str, Any]) -> dict[str, Any]:
    """What a wheel says about its build, in the knowledge base's terms."""
    cuda = ev.get("cuda")
    local = (ev.get("version") or "").partition("+")[2]
    variant = local or (f"cu{cuda.replace('.', '')}" if cuda else "cpu")
    return {
        "variant": variant,
        "cuda": ".".join(cuda.split(".")[:2]) if cuda else None,
        "cuda_runtime": runtime_pin(ev),
        "cudnn": _pin(ev, CUDNN_PINS),
        "nccl": _pin(ev, NCCL_PINS),
        "triton": triton_pin(ev),
        "sm": list(ev.get("sm") or []),
        "ptx": list(ev.get("ptx") or []),
    }


def python_range(ev: dict[str, Any]) -> dict[str, str] | None:
    """The CPython versions with a published wheel (measured), else Requires-Python and classifiers."""
    wheels = [v for v in ev.get("python_wheels") or [] if re.fullmatch(r"3\.\d+", v)]
    if wheels:
        return {"min": min(wheels, key=versions.parse), "max": max(wheels, key=versions.parse)}
    m = re.search(r">=\s*(\d+\.\d+)", ev.get("requires_python") or "")
    if not m:
        return None
    out = {"min": m.group(1)}
    minors = [c.rsplit(":: ", 1)[-1] for c in ev.get("python_classifiers") or []]
    minors = [v for v in minors if re.fullmatch(r"3\.\d+", v)]
    if minors:
        out["max"] = max(minors, key=versions.parse)
    return out


def draft(version: str, evs: list[dict[str, Any]]) -> dict[str, Any]:
    """A torch row for ``version`` from its evidence (Linux x86_64 default, plus aarch64 if CUDA)."""
    x86 = next((e for e in evs if e["platform"] == "linux-x86_64"), None)
    if x86 is None:
        raise ValueError(f"no linux-x86_64 evidence for torch {version}")
    f = facts(x86)
    srcs = [f"evidence:{e['_path']}" for e in evs]
    v: dict[str, Any] = {"variant": f["variant"]}
    for k in ("cuda", "cuda_runtime", "cudnn", "nccl", "triton"):
        if f[k]:
            v[k] = f[k]
    v.update({"index": "pypi", "default": True, "platforms": {}, "sources": srcs})
    for e in evs:
        ef = facts(e)
        if ef["cuda"] and ef["variant"] == f["variant"] and (ef["sm"] or ef["ptx"]):
            v["platforms"][e["platform"]] = {"sm": ef["sm"], "ptx": ef["ptx"],
                                             "sources": [f"evidence:{e['_path']}"]}
    if not v["platforms"]:
        del v["platforms"]
    row: dict[str, Any] = {"id": f"torch-{version}", "version": version}
    py = python_range(x86)
    if py:
        row["python"] = py
    row["sources"] = srcs
    row["variants"] = [v]
    return row


def compare(kb: Any, evs: list[dict[str, Any]]) -> list[str]:
    """Disagreements between the knowledge base and the measured wheels, one line each."""
    out = []
    releases = {versions.parse(t.version): t for t in kb.torch}
    for ev in evs:
        where = ev["_path"]
        t = releases.get(versions.parse(ev["requested"]))
        if t is None:
            out.append(f"{where}: torch {ev['requested']} is measured but not in the knowledge base")
            continue
        f = facts(ev)
        if ev["platform"] == "linux-x86_64":
            defaults = [v for v in t.variants if v.default]
            if not defaults:
                out.append(f"{where}: torch {t.version} has no default variant; the PyPI wheel is {f['variant']}")
                continue
            v = defaults[0]
            if v.variant != f["variant"]:
                out.append(f"{where}: torch {t.version} default variant is {v.variant}; the PyPI wheel is {f['variant']}")
                continue
            for k in ("cuda", "cuda_runtime", "cudnn", "nccl", "triton"):
                mine, theirs = getattr(v, k), f[k]
                if theirs and mine != theirs:
                    out.append(f"{where}: torch {t.version}+{v.variant} {k} is {mine!r}; the wheel pins {theirs!r}")
        else:
            v = next((v for v in t.variants if v.variant == f["variant"]), None)
            claimed = [x.variant for x in t.variants if getattr(x, "default_aarch64", False)]
            if v is None or not f["cuda"]:
                if v is not None and ev["platform"] in v.platforms and v.default_aarch64:
                    out.append(f"{where}: the {ev['platform']} PyPI wheel has no CUDA, yet "
                               f"{t.version}+{v.variant} says it is that wheel")
                if claimed and ev["platform"] == "linux-aarch64":
                    out.append(f"{where}: the {ev['platform']} PyPI wheel is {f['variant']}; torch {t.version} "
                               f"says it is {claimed[0]}")
                continue
            if ev["platform"] == "linux-aarch64" and claimed != [v.variant]:
                out.append(f"{where}: the {ev['platform']} PyPI wheel is {v.variant}; torch {t.version} says it is "
                           + (claimed[0] if claimed else "none (default_aarch64 is not set)"))
        al = v.platforms.get(ev["platform"])
        if f["cuda"] and al is None:
            out.append(f"{where}: torch {t.version}+{v.variant} has no {ev['platform']} architecture list; "
                       f"the wheel has sm {f['sm']} ptx {f['ptx']}")
        elif al is not None:
            if sorted(al.sm, key=versions.cc) != sorted(f["sm"], key=versions.cc):
                out.append(f"{where}: torch {t.version}+{v.variant} {ev['platform']} sm is {al.sm}; the wheel has {f['sm']}")
            if sorted(al.ptx, key=versions.cc) != sorted(f["ptx"], key=versions.cc):
                out.append(f"{where}: torch {t.version}+{v.variant} {ev['platform']} ptx is {al.ptx}; the wheel has {f['ptx']}")
    return out
