"""torch releases and their build variants."""

from __future__ import annotations

from typing import Any

from .. import versions
from . import commands
from .companions import companions_report, install_extras
from .index import KB, InvalidQuery, QueryError


def find_release(kb: KB, text: str) -> tuple[Any, str | None]:
    """``2.7`` (newest 2.7.x), ``2.7.1`` or ``2.7.1+cu128`` -> (release, variant or None)."""
    base, _, local = text.strip().partition("+")
    try:
        want = versions.parse(base)
    except versions.InvalidVersion:
        raise InvalidQuery(f"{text!r} is not a torch version; expected e.g. 2.7, 2.7.1 or 2.7.1+cu128") from None
    matches = [t for t in kb.releases
               if versions.parse(t.version) == want
               or (len(want.release) == 2 and versions.parse(t.version).release[:2] == want.release)]
    if not matches:
        raise QueryError(f"no torch {base} in the knowledge base",
                         [t.version for t in kb.releases[:8]])
    t = matches[0]
    if local and local not in {v.variant for v in t.variants}:
        raise QueryError(f"torch {t.version} has no {local} build in the knowledge base",
                         [f"{t.version}+{v.variant}" for v in t.variants])
    return t, local or None


def python_range(t: Any, v: Any | None = None) -> dict[str, str | None] | None:
    r = (v.python if v and v.python else None) or t.python
    return {"min": r.min, "max": r.max} if r else None


def torch_report(kb: KB, text: str) -> dict[str, Any]:
    t, only = find_release(kb, text)
    out = []
    for v in t.variants:
        if only and v.variant != only:
            continue
        out.append({
            "variant": v.variant,
            "cuda": v.cuda,
            "cuda_runtime": v.cuda_runtime,
            "cudnn": v.cudnn,
            "nccl": v.nccl,
            "triton": v.triton,
            "default": v.default,
            "index": v.index,
            "python": python_range(t, v),
            "install": commands.pip_install(t, v, "linux", install_extras(kb, t, v)),
            "arch": {p: {"sm": list(a.sm), "ptx": list(a.ptx), "confidence": a.confidence}
                     for p, a in v.platforms.items()},
            "images": [i.id for i in kb.images_for(t.version, v.variant)],
            "inherited_from": v.inherited_from,
            "confidence": v.confidence,
            "sources": list(v.sources),
        })
    return {"version": t.version, "date": t.date, "python": python_range(t), "variants": out,
            "companions": companions_report(kb, t), "sources": list(t.sources)}
