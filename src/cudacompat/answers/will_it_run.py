"""Will it run? Every torch build for a GPU, a driver, an OS and a Python, with reason codes.

The answer is computed in two steps so that the site's lookup page shares it: :func:`lookup_table`
precomputes everything that does not depend on what the reader types (the builds and their
commands, and for every compute capability whether each build has native code, PTX or nothing),
and :func:`decide` applies the driver and Python. ``docs/assets/lookup-core.js`` implements
``decide`` over the same table; the parity test holds the two equal. No sentence is made here:
:mod:`cudacompat.text.verdicts` words the reason codes, for the terminal and (through the same
templates) for the browser.
"""

from __future__ import annotations

import functools
from typing import Any

from .. import versions
from . import commands
from .cuda import driver_via, find_toolkit, minor_version_minimums
from .gpus import build_code
from .index import KB, QueryError, find_gpu
from .names import MAX_AROUND, MAX_SUGGESTIONS, MIN_SIMILARITY, NOISE

OS_PLATFORM = {"linux": "linux-x86_64", "windows": "windows-x86_64"}
CODE_CHAR = {"native": "n", "ptx": "p", None: "-"}
CHAR_CODE = {"n": "native", "p": "ptx", "-": None, "?": "?"}


def lookup_table(kb: KB, ccs: list[str] | None = None) -> dict[str, Any]:
    """The reader-independent part of every answer; ``ccs`` limits the code strings computed."""
    builds, lists = [], []
    for t in kb.releases:
        for v in t.variants:
            if v.variant == "cpu" or not v.cuda:
                continue
            rng = v.python or t.python
            for plat in OS_PLATFORM.values():
                os_ = plat.split("-")[0]
                al = v.platforms.get(plat)
                images = [i.id for i in kb.images_for(t.version, v.variant)] if os_ == "linux" else []
                builds.append({
                    "torch": t.version, "variant": v.variant, "cuda": v.cuda, "platform": plat,
                    "python": [rng.min, rng.max] if rng else None,
                    "install": commands.pip_install(t, v, os_),
                    "conda_python": commands.conda_python(t, v),
                    "default": v.default and plat == "linux-x86_64",
                    "images": images,
                    "docker": [commands.docker_run(i) for i in images],
                    "sm": [versions.cc(c).sm for c in al.sm] if al else None,
                    "ptx": [versions.cc(c).compute for c in al.ptx] if al else None,
                })
                lists.append(al)
    if ccs is None:
        ccs = sorted({g.compute_capability for g in kb.data.gpus}, key=versions.cc)
    codes = {c: "".join("?" if al is None else CODE_CHAR[build_code(al, c)] for al in lists) for c in ccs}
    drivers = {}
    for tk in kb.data.cuda:
        rel = min(tk.releases, key=lambda r: versions.parse(r.version))
        mvc = minor_version_minimums(kb, tk)
        drivers[tk.version] = {os_: [getattr(rel.min_driver, os_), getattr(mvc, os_) if mvc else None]
                               for os_ in ("linux", "windows")}
    gpus = [{"id": g.id, "name": g.name, "cc": g.compute_capability, "sm": versions.cc(g.compute_capability).sm,
             "arch": kb.architecture_name(g.architecture), "names": sorted({g.name, *g.smi_names, *g.aliases})}
            for g in kb.data.gpus]
    position = {g.id: i for i, g in reversed(list(enumerate(kb.data.gpus)))}
    index = {n: position[gid] for n, gid in kb.gpu_index.items()}
    return {"builds": builds, "codes": codes, "drivers": drivers, "gpus": gpus, "index": index,
            "names": {"noise": list(NOISE), "max_around": MAX_AROUND, "max_suggestions": MAX_SUGGESTIONS,
                      "min_similarity": MIN_SIMILARITY}}


def _minor(text: str) -> tuple[int, int]:
    r = versions.parse(text).release
    return (r[0], r[1] if len(r) > 1 else 0)


def decide(table: dict[str, Any], cc: str, driver: str, os: str, python: str | None) -> dict[str, list]:
    """Sort every build of ``os`` into options / rejected / unknown (reason codes, no prose)."""
    plat = OS_PLATFORM[os]
    codes = table["codes"][cc]
    out: dict[str, list] = {"options": [], "rejected": [], "unknown": []}
    for i, b in enumerate(table["builds"]):
        if b["platform"] != plat:
            continue
        item = {"build": i, "torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"]}
        if python and b["python"]:
            lo, hi = b["python"]
            if _minor(python) < _minor(lo) or (hi and _minor(python) > _minor(hi)):
                out["rejected"].append({**item, "reason": "python", "range": [lo, hi]})
                continue
        code = CHAR_CODE[codes[i]]
        if code == "?":
            out["unknown"].append({**item, "reason": "no-arch-data"})
            continue
        if code is None:
            out["rejected"].append({**item, "reason": "arch"})
            continue
        need, mvc = table["drivers"][b["cuda"]][os]
        via = driver_via(driver, need, mvc)
        if via is None:
            out["rejected"].append({**item, "reason": "driver", "needs": need or mvc, "toolkit_min": need,
                                    "minor_version_min": mvc})
            continue
        if code == "ptx" and via == "minor-version":
            out["rejected"].append({**item, "reason": "driver-ptx", "needs": need, "toolkit_min": need,
                                    "minor_version_min": mvc})
            continue
        out["options"].append({**item, "code": code, "driver_via": via})
    return out


@functools.lru_cache(maxsize=64)
def _table(kb: KB, cc: str) -> dict[str, Any]:
    return lookup_table(kb, [cc])


def will_it_run(kb: KB, gpu: str, driver: str, os: str = "linux", python: str | None = None) -> dict[str, Any]:
    """Every torch build, newest first, sorted into ``options``, ``rejected`` and ``unknown``; each
    item carries its build's facts and a reason code with the parameters the sentence needs."""
    g = find_gpu(kb, gpu)
    try:
        versions.driver(driver)
    except versions.InvalidVersion as e:
        raise QueryError(str(e)) from None
    if os not in OS_PLATFORM:
        raise QueryError(f"unknown OS {os!r}; expected linux or windows")
    if python:
        try:
            versions.parse(python)
        except versions.InvalidVersion:
            raise QueryError(f"{python!r} is not a Python version; expected e.g. 3.12") from None
    table = _table(kb, g.compute_capability)
    raw = decide(table, g.compute_capability, driver, os, python)

    def build(x: dict) -> dict[str, Any]:
        b = table["builds"][x["build"]]
        return {"torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"], "platform": b["platform"],
                "sm_list": b["sm"], "ptx_list": b["ptx"], "python_range": b["python"]}

    options = [{**build(o), "code": o["code"], "driver_via": o["driver_via"],
                "install": table["builds"][o["build"]]["install"],
                "images": [{"tag": t, "run": r} for t, r in zip(table["builds"][o["build"]]["images"],
                                                               table["builds"][o["build"]]["docker"], strict=True)],
                "default": table["builds"][o["build"]]["default"]} for o in raw["options"]]
    rejected = [{**build(x), **{k: x[k] for k in ("reason", "needs", "toolkit_min", "minor_version_min", "range")
                                if k in x}} for x in raw["rejected"]]
    unknown = [{**build(x), "reason": x["reason"]} for x in raw["unknown"]]
    c = versions.cc(g.compute_capability)
    return {"gpu": {"name": g.name, "compute_capability": g.compute_capability, "sm": c.sm,
                    "architecture": kb.architecture_name(g.architecture)},
            "driver": driver, "os": os, "python": python, "platform": OS_PLATFORM[os],
            "options": options, "rejected": rejected, "unknown": unknown}


__all__ = ["OS_PLATFORM", "decide", "find_toolkit", "lookup_table", "will_it_run"]
