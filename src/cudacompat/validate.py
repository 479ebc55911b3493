"""Cross-record invariants of the knowledge base.

Each check walks the rows that passed the per-row schema and reports :class:`Problem` lines
pointing at the offending value. Rows that failed the schema are still counted as existing, so
one broken row does not cause a cascade of "unknown reference" reports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import versions
from .loader import Document, Problem


def _rel(version: str) -> tuple[int, ...]:
    return versions.parse(version).release


def _prefix_match(short: str, full: str) -> bool:
    """``9.1.0`` names the release ``9.1.0.70``; ``2.21.5`` names ``2.21.5``."""
    a, b = _rel(short), _rel(full)
    return b[: len(a)] == a


def _declared_rows(doc: Document, section: str) -> list[dict]:
    """The rows of a section as written, including those that failed the schema (any shape)."""
    rows = doc.data.get(section) if isinstance(doc.data, dict) else None
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _declared_ids(doc: Document, section: str) -> set[str]:
    return {r["id"] for r in _declared_rows(doc, section) if isinstance(r.get("id"), str)}


def invariants(rows: dict[str, list[tuple[int, Any]]], doc: Document, file: Path) -> list[Problem]:
    out: list[Problem] = []

    def bad(path: tuple, message: str, key: bool = False) -> None:
        out.append(doc.problem(path, message, key))

    # 1. ids unique within each section
    for section, items in rows.items():
        seen: dict[str, int] = {}
        for i, row in items:
            rid = getattr(row, "id", None)
            if rid is None:
                continue
            if rid in seen:
                line = doc.where((section, seen[rid]))[0]
                bad((section, i, "id"), f"duplicate id {rid!r} (first at line {line}); ids must be unique")
            else:
                seen[rid] = i

    # 2. architectures and GPUs
    arch_ccs: dict[str, set[str]] = {}
    cc_owner: dict[tuple[int, int], str] = {}
    for i, a in rows["architectures"]:
        arch_ccs[a.id] = set(a.compute_capabilities)
        for j, c in enumerate(a.compute_capabilities):
            k = (versions.cc(c).major, versions.cc(c).minor)
            if k in cc_owner and cc_owner[k] != a.id:
                bad(("architectures", i, "compute_capabilities", j),
                    f"compute capability {c} is already listed under {cc_owner[k]!r}")
            cc_owner[k] = a.id
    arch_declared = _declared_ids(doc, "architectures")
    for i, g in rows["gpus"]:
        if g.architecture not in arch_ccs:
            if g.architecture not in arch_declared:
                bad(("gpus", i, "architecture"), f"unknown architecture {g.architecture!r}; expected one of: "
                    + ", ".join(sorted(arch_ccs)))
        elif g.compute_capability not in arch_ccs[g.architecture]:
            bad(("gpus", i, "compute_capability"),
                f"compute capability {g.compute_capability} is not one of {g.architecture}'s "
                f"({', '.join(sorted(arch_ccs[g.architecture], key=versions.cc))})")
    names: dict[str, tuple[int, str]] = {}
    for i, g in rows["gpus"]:
        for field, values in (("name", [g.name]), ("smi_names", g.smi_names)):
            for j, n in enumerate(values):
                key = n.casefold()
                if key in names and names[key][0] != i:
                    p = ("gpus", i, field) if field == "name" else ("gpus", i, field, j)
                    bad(p, f"name {n!r} is already used by {names[key][1]!r}")
                names.setdefault(key, (i, g.id))

    # 3. CUDA toolkits and majors
    majors = {m.major: (i, m) for i, m in rows["cuda_majors"]}
    seen_major: set[int] = set()
    for i, m in rows["cuda_majors"]:
        if m.major in seen_major:
            bad(("cuda_majors", i, "major"), f"CUDA {m.major} is listed twice")
        seen_major.add(m.major)
    declared_majors = {r.get("major") for r in _declared_rows(doc, "cuda_majors") if isinstance(r.get("major"), int)}
    toolkits: dict[str, Any] = {}
    by_major: dict[int, list[tuple[tuple, tuple, Any]]] = defaultdict(list)
    for i, c in rows["cuda"]:
        if c.version in toolkits:
            bad(("cuda", i, "version"), f"CUDA {c.version} is listed twice")
        toolkits[c.version] = c
        rel = _rel(c.version)
        if len(rel) != 2:
            bad(("cuda", i, "version"), f"{c.version!r}: a toolkit row is a minor version such as \"12.8\"")
        if rel[0] not in majors and rel[0] not in declared_majors:
            bad(("cuda", i, "version"), f"no cuda_majors row for CUDA {rel[0]}")
        if c.arch_range and versions.cc(c.arch_range.min) > versions.cc(c.arch_range.max):
            bad(("cuda", i, "arch_range"), f"arch_range min {c.arch_range.min} is above max {c.arch_range.max}")
        for j, r in enumerate(c.releases):
            if _rel(r.version)[:2] != rel[:2]:
                bad(("cuda", i, "releases", j, "version"),
                    f"release {r.version} does not belong to toolkit {c.version}")
            by_major[rel[0]].append((_rel(r.version), ("cuda", i, "releases", j), r))
    for major, items in by_major.items():
        items.sort(key=lambda t: t[0])
        for osname in ("linux", "windows"):
            prev = None
            for _, path, r in items:
                cur = getattr(r.min_driver, osname)
                if cur is None:
                    continue
                if prev and versions.driver(cur) < versions.driver(prev[1]):
                    bad(path + ("min_driver", osname),
                        f"{osname} driver minimum {cur} for CUDA {r.version} is lower than {prev[1]} "
                        f"for CUDA {prev[0]}; minimums never decrease along CUDA {major}.x")
                prev = (r.version, cur)

    # 4. cuDNN / NCCL rows
    for section in ("cudnn", "nccl"):
        seen_v: set[tuple] = set()
        for i, r in rows[section]:
            if _rel(r.version) in seen_v:
                bad((section, i, "version"), f"{section} {r.version} is listed twice")
            seen_v.add(_rel(r.version))
    for i, r in rows["cudnn"]:
        for j, rng in enumerate(r.cuda):
            if rng.max and versions.parse(rng.min) > versions.parse(rng.max):
                bad(("cudnn", i, "cuda", j), f"CUDA range min {rng.min} is above max {rng.max}")
    cudnn_versions = [r.version for _, r in rows["cudnn"]]
    nccl_versions = [r.version for _, r in rows["nccl"]]

    # 5. torch releases and variants
    seen_torch: set[tuple] = set()
    variants: set[tuple[str, str]] = set()
    for i, t in rows["torch"]:
        if versions.parse(t.version) in seen_torch:
            bad(("torch", i, "version"), f"torch {t.version} is listed twice")
        seen_torch.add(versions.parse(t.version))
        if t.python and t.python.max and versions.parse(t.python.min) > versions.parse(t.python.max):
            bad(("torch", i, "python"), f"Python range min {t.python.min} is above max {t.python.max}")
        defaults = 0
        seen_v: set[str] = set()
        for j, v in enumerate(t.variants):
            vp = ("torch", i, "variants", j)
            if v.variant in seen_v:
                bad(vp + ("variant",), f"variant {v.variant} is listed twice in torch {t.version}")
            seen_v.add(v.variant)
            variants.add((t.version, v.variant))
            defaults += v.default
            if v.default and v.index != "pypi":
                bad(vp + ("index",), "the default variant is the one on PyPI: index must be 'pypi'")
            if v.variant.startswith("cu"):
                if v.cuda is None:
                    bad(vp, f"variant {v.variant} needs its CUDA version (cuda: \"X.Y\")")
                else:
                    rel = _rel(v.cuda)
                    if f"cu{rel[0]}{rel[1] if len(rel) > 1 else 0}" != v.variant:
                        bad(vp + ("cuda",), f"CUDA {v.cuda} does not match variant {v.variant}")
                    tk = toolkits.get(".".join(map(str, rel[:2])))
                    if tk is None:
                        bad(vp + ("cuda",), f"unknown CUDA toolkit {v.cuda}; add a cuda row for it")
                    elif tk.arch_range:
                        lo, hi = versions.cc(tk.arch_range.min), versions.cc(tk.arch_range.max)
                        for plat, al in v.platforms.items():
                            for kind in ("sm", "ptx"):
                                for k, c in enumerate(getattr(al, kind)):
                                    x = versions.cc(c)
                                    if not (lo.major, lo.minor) <= (x.major, x.minor) <= (hi.major, hi.minor):
                                        bad(vp + ("platforms", plat, kind, k),
                                            f"{x.sm if kind == 'sm' else x.compute} is outside what CUDA "
                                            f"{tk.version} can compile for ({lo.sm}..{hi.sm})")
            elif v.cuda is not None:
                bad(vp + ("cuda",), f"variant {v.variant} has no CUDA; remove cuda")
            for plat, al in v.platforms.items():
                for kind in ("sm", "ptx"):
                    vals = getattr(al, kind)
                    if len(set(vals)) != len(vals):
                        bad(vp + ("platforms", plat, kind), f"{kind} list has duplicates")
            if v.cudnn and cudnn_versions and not any(_prefix_match(c, v.cudnn) for c in cudnn_versions):
                bad(vp + ("cudnn",), f"cuDNN {v.cudnn} has no cudnn row; add one")
            if v.nccl and nccl_versions and not any(_prefix_match(c, v.nccl) for c in nccl_versions):
                bad(vp + ("nccl",), f"NCCL {v.nccl} has no nccl row; add one")
        if defaults > 1:
            bad(("torch", i, "variants"), f"torch {t.version} has {defaults} default variants; at most one")

    # 6. images refer to a release and variant
    for i, im in rows["images"]:
        if (im.torch, im.variant) not in variants:
            known = versions.parse(im.torch) in seen_torch
            bad(("images", i, "variant" if known else "torch"),
                f"no torch {im.torch} {im.variant} build in the knowledge base"
                if known else f"unknown torch release {im.torch}")

    # 7. error entries: the pattern compiles and matches every message of its own
    for i, e in rows["errors"]:
        try:
            rx = re.compile(e.pattern, re.I)
        except re.error as err:
            bad(("errors", i, "pattern"), f"pattern is not a valid regular expression: {err}")
            continue
        for j, msg in enumerate(e.messages):
            if not rx.search(msg):
                bad(("errors", i, "messages", j), "message is not matched by the entry's own pattern")

    # 8. announcements: the subject is what the kind says
    for i, a in rows["announcements"]:
        ap = ("announcements", i)
        try:
            if a.kind == "architecture":
                if not re.fullmatch(r"\d{1,2}\.\d[af]?", a.subject):
                    raise ValueError
            elif len(_rel(a.subject)) != 2:
                raise ValueError
        except (ValueError, versions.InvalidVersion):
            bad(ap + ("subject",), f"{a.subject!r}: a {a.kind} announcement names "
                + ('a compute capability such as "7.0"' if a.kind == "architecture"
                   else 'a minor version such as "12.6"' if a.kind == "cuda" else 'a Python version such as "3.9"'))
        if a.variant and a.kind != "architecture":
            bad(ap + ("variant",), "variant narrows architecture drops only; remove it")

    # 9. evidence files exist
    root = file.resolve().parent.parent
    for section, items in rows.items():
        for i, row in items:
            for path, src in _sources(row, (section, i)):
                if src.startswith("evidence:") and not (root / src.removeprefix("evidence:")).is_file():
                    bad(path, f"evidence file {src.removeprefix('evidence:')} does not exist")
    return out


def _sources(obj: Any, path: tuple) -> Iterable[tuple[tuple, str]]:
    """Every source string in a row, with its path."""
    for j, s in enumerate(getattr(obj, "sources", None) or []):
        yield path + ("sources", j), s
    for name in ("variants",):
        for j, v in enumerate(getattr(obj, name, None) or []):
            yield from _sources(v, path + (name, j))
    platforms = getattr(obj, "platforms", None)
    if isinstance(platforms, dict):
        for plat, al in platforms.items():
            yield from _sources(al, path + ("platforms", plat))
