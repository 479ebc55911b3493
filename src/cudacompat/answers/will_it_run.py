"""Will it run? Every PyTorch build for a GPU, a driver, a platform, a Python and (on Jetson) a JetPack,
each judged on everything that is known about it, with reason codes.

Two steps, so that the site's lookup page shares the answer: :func:`lookup_table` precomputes what does
not depend on what the reader types (the builds and their commands, for every compute capability
whether each build has native code, PTX only or nothing, the driver minimums, the GPUs' driver floors),
and :func:`decide` applies the reader's driver, platform, Python and JetPack. ``lookup-core.js``
implements ``decide`` over the same table and the parity test holds the two equal. No sentence is made
here: :mod:`cudacompat.text.verdicts` words the reason codes, for the terminal and the browser alike.

A build is judged on every condition, in this order, and keeps every reason that fails: ``arch`` (no
native code and no PTX for the GPU), ``libraries`` (PTX only, and the CUDA libraries or cuDNN it bundles
predate the GPU), ``jetpack``, ``python``, ``gpu-driver`` (the driver predates the GPU),
``driver`` (too old for the build's CUDA runtime, even under minor-version compatibility) and
``driver-ptx`` (PTX only, on a driver that runs the CUDA only through minor-version compatibility,
which cannot JIT newer PTX). A build whose architectures are not recorded but that fails nothing else
is ``unknown``, named, never dropped.
"""

from __future__ import annotations

import functools
from typing import Any

from .. import versions
from . import commands
from .companions import install_extras
from .cuda import driver_via, minor_version_minimums
from .gpus import build_code
from .index import KB, InvalidQuery, find_gpu
from .names import MAX_AROUND, MAX_SUGGESTIONS, MIN_SIMILARITY, NOISE
from .platforms import (
    BUILD_PLATFORM,
    DRIVER_OS,
    OS_PLATFORM,
    PLATFORMS,
    default_platform,
    find_jetpack,
    gpu_floor,
    release_for,
    tegra_ccs,
)

CODE_CHAR = {"native": "n", "ptx": "p", None: "-"}
CHAR_CODE = {"n": "native", "p": "ptx", "-": None, "?": "?"}
REASONS = ("arch", "libraries", "jetpack", "python", "gpu-driver", "driver", "driver-ptx")
DRIVER_REASONS = ("gpu-driver", "driver", "driver-ptx")


def _cuda_builds(kb: KB) -> list[tuple[dict[str, Any], Any]]:
    out = []
    for t in kb.releases:
        for v in t.variants:
            if v.variant == "cpu" or not v.cuda:
                continue
            rel = release_for(kb, v)
            tk = kb.toolkits.get(".".join(map(str, versions.parse(v.cuda).release[:2])))
            cudnn = next((c for c in kb.data.cudnn if v.cudnn and _prefix(c.version, v.cudnn)), None)
            for plat in ("linux-x86_64", "windows-x86_64", "linux-aarch64"):
                al = v.platforms.get(plat)
                if plat == "linux-aarch64" and al is None:
                    continue  # aarch64 CUDA builds are listed where their architectures were measured
                rng = v.python or t.python_by_platform.get(plat) or t.python
                images = [i.id for i in kb.images_for(t.version, v.variant)] if plat == "linux-x86_64" else []
                out.append(({
                    "torch": t.version, "variant": v.variant, "cuda": v.cuda, "platform": plat, "kind": "pip",
                    "python": [rng.min, rng.max] if rng else None,
                    "install": commands.pip_install(t, v, plat, install_extras(kb, t, v)),
                    "conda_python": commands.conda_python(t, v),
                    "default": v.default and plat == "linux-x86_64",
                    "images": images, "docker": [commands.docker_run(i) for i in images],
                    "sm": [versions.cc(c).sm for c in al.sm] if al else None,
                    "ptx": [versions.cc(c).compute for c in al.ptx] if al else None,
                    "release": rel.version if rel else None, "jetpack": None,
                    "toolkit_max": tk.arch_range.max if tk and tk.arch_range else None,
                    "cudnn": v.cudnn, "cudnn_max": _cudnn_max(cudnn),
                }, al))
    return out


def _cudnn_max(row: Any) -> str | None:
    """The newest GPU a cuDNN version has code for: its support matrix's upper bound, else the newest
    native code measured in its wheel."""
    if row is None:
        return None
    if row.compute_capability and row.compute_capability.max:
        return row.compute_capability.max
    return max(row.sass, key=versions.cc) if row.sass else None


def _jetson_builds(kb: KB) -> list[dict[str, Any]]:
    by_version = {j.version: j for j in kb.data.jetpack}
    out = []
    for b in sorted(kb.data.jetson_builds, key=lambda b: _torch_key(b.torch), reverse=True):
        jps = [by_version[v] for v in b.jetpack if v in by_version]
        out.append({
            "torch": b.torch, "variant": "jetson", "cuda": jps[0].cuda if jps else None, "platform": "jetson",
            "kind": "wheel" if b.wheel else "container",
            "python": [b.python, b.python] if b.python else None,
            "install": commands.pip_wheel(b.wheel) if b.wheel else commands.docker_pull(b.container),
            "conda_python": b.python or commands.DEFAULT_PYTHON, "default": False,
            "images": [b.container] if b.container else [], "docker": [commands.docker_pull(b.container)]
            if b.container else [], "sm": None, "ptx": None, "release": None, "jetpack": list(b.jetpack),
            "toolkit_max": None, "cudnn": None, "cudnn_max": None,
            "ccs": sorted({c for j in jps for c in j.compute_capabilities}, key=versions.cc),
        })
    return out


def _torch_key(text: str) -> Any:
    """NVIDIA's Jetson version strings (2.4.0a0+3bcc3cddb5) in release order."""
    try:
        return versions.parse(text)
    except versions.InvalidVersion:
        return versions.parse("0")


def _prefix(short: str, full: str) -> bool:
    a, b = versions.parse(short).release, versions.parse(full).release
    return b[: len(a)] == a


def lookup_table(kb: KB, ccs: list[str] | None = None) -> dict[str, Any]:
    """The reader-independent part of every answer; ``ccs`` limits the code strings computed."""
    cuda = _cuda_builds(kb)
    jetson = _jetson_builds(kb)
    builds = [b for b, _ in cuda] + jetson
    tegra = tegra_ccs(kb)
    if ccs is None:
        ccs = sorted({g.compute_capability for g in kb.data.gpus}, key=versions.cc)
    codes = {}
    for c in ccs:
        chars = ["?" if al is None else CODE_CHAR[build_code(al, c, c in tegra)] for _, al in cuda]
        chars += ["n" if c in b["ccs"] else "-" for b in jetson]
        codes[c] = "".join(chars)
    drivers = {}
    for tk in kb.data.cuda:
        mvc = minor_version_minimums(kb, tk)
        for r in tk.releases:
            drivers[r.version] = {os_: [getattr(r.min_driver, os_), getattr(mvc, os_) if mvc else None]
                                  for os_ in ("linux", "windows")}
    gpus = []
    for g in kb.data.gpus:
        floor = gpu_floor(kb, g)
        gpus.append({"id": g.id, "name": g.name, "cc": g.compute_capability,
                     "sm": versions.cc(g.compute_capability).sm, "arch": kb.architecture_name(g.architecture),
                     "names": sorted({g.name, *g.smi_names, *g.aliases}), "tegra": g.compute_capability in tegra,
                     "floor": floor})
    position = {g.id: i for i, g in enumerate(kb.data.gpus)}
    return {"builds": builds, "codes": codes, "drivers": drivers, "gpus": gpus,
            "index": {n: position[gid] for n, gid in kb.gpu_index.items()},
            "jetpacks": [{"version": j.version, "l4t": j.l4t, "cuda": j.cuda, "ccs": list(j.compute_capabilities),
                          "sbsa": j.sbsa} for j in kb.data.jetpack],
            "platforms": list(PLATFORMS),
            "names": {"noise": list(NOISE), "max_around": MAX_AROUND, "max_suggestions": MAX_SUGGESTIONS,
                      "min_similarity": MIN_SIMILARITY}}


# --- deciding ------------------------------------------------------------------------------------

def _minor(text: str) -> tuple[int, int]:
    r = versions.parse(text).release
    return (r[0], r[1] if len(r) > 1 else 0)


def _cc_key(text: str) -> tuple[int, int]:
    c = versions.cc(text)
    return (c.major, c.minor)


def _floor_ok(driver: str, floor: dict | None, os_: str) -> str | None:
    """None when the driver can drive the GPU, else the driver it needs (on Windows without a sourced
    Windows version, the branch of the Linux one: ``570`` for 570.86.16; for a GPU without a product
    row, its architecture's branch)."""
    if not floor:
        return None
    d = versions.driver(driver)
    if floor.get(os_):
        return None if d >= versions.driver(floor[os_]) else floor[os_]
    branch = floor.get("branch") or (floor["linux"].split(".")[0] if os_ == "windows" and floor.get("linux") else None)
    if branch:  # a bare branch: no exact version is sourced for this OS
        return None if d.release[0] >= int(branch) else branch
    return None


def least_driver(code: str | None, need: str | None, mvc: str | None) -> str | None:
    """The oldest driver that runs a build's code: native code runs on its CUDA major's minor-version
    floor, PTX needs the release's own minimum."""
    return mvc if code == "native" and mvc else need or mvc


def floor_driver(floor: dict | None, os_: str) -> str | None:
    """The driver (or bare branch) a GPU's own driver floor asks for on ``os_`` (see :func:`_floor_ok`)."""
    if not floor:
        return None
    return floor.get(os_) or floor.get("branch") or (floor["linux"].split(".")[0]
                                                      if os_ == "windows" and floor.get("linux") else None)


def applies(build: dict, platform: str, jetpack: dict | None, jetpacks: list[dict], cc: str) -> bool:
    """Whether a build is one the platform runs at all (see :mod:`cudacompat.answers.platforms`)."""
    if platform == "jetson":
        if build["platform"] == "jetson":
            return True
        if build["platform"] != "linux-aarch64":
            return False
        if jetpack is not None:
            return bool(jetpack["sbsa"])
        return any(j["sbsa"] and cc in j["ccs"] for j in jetpacks)
    return build["platform"] == BUILD_PLATFORM[platform]


def decide(table: dict[str, Any], gpu: dict[str, Any], driver: str | None, platform: str, python: str | None,
           jetpack: str | None = None) -> dict[str, Any]:
    """Judge every build the platform runs for ``gpu`` (a ``table["gpus"]`` entry): ``options``,
    ``rejected`` (every failing reason, with what each needs) and ``unknown``; or, when the GPU and the
    platform do not go together at all, ``mismatch``."""
    cc = gpu["cc"]
    out: dict[str, Any] = {"options": [], "rejected": [], "unknown": [], "mismatch": None}
    if gpu["tegra"] != (platform == "jetson"):
        out["mismatch"] = "tegra-not-jetson" if gpu["tegra"] else "jetson-not-tegra"
        return out
    jp = next((j for j in table["jetpacks"] if j["version"] == jetpack), None) if jetpack else None
    os_ = DRIVER_OS[platform]
    codes = table["codes"][cc]
    for i, b in enumerate(table["builds"]):
        if not applies(b, platform, jp, table["jetpacks"], cc):
            continue
        code = CHAR_CODE[codes[i]]
        reasons: list[dict[str, Any]] = []
        if code is None:
            reasons.append({"reason": "arch"})
        elif code == "ptx" and (b["toolkit_max"] and _cc_key(cc) > _cc_key(b["toolkit_max"])
                                or b["cudnn_max"] and _cc_key(cc) > _cc_key(b["cudnn_max"])):
            reasons.append({"reason": "libraries", "toolkit_max": b["toolkit_max"], "cudnn": b["cudnn"],
                            "cudnn_max": b["cudnn_max"]})
        if jetpack and b["jetpack"] is not None and jetpack not in b["jetpack"]:
            reasons.append({"reason": "jetpack", "built_for": b["jetpack"]})
        if python and b["python"]:
            lo, hi = b["python"]
            if _minor(python) < _minor(lo) or (hi and _minor(python) > _minor(hi)):
                reasons.append({"reason": "python", "range": [lo, hi]})
        via, need, mvc = None, None, None
        if driver and b["platform"] != "jetson":
            need_floor = _floor_ok(driver, gpu["floor"], os_)
            if need_floor:
                reasons.append({"reason": "gpu-driver", "needs": need_floor, "family": gpu["floor"]["name"]})
            need, mvc = table["drivers"][b["release"]][os_]
            via = driver_via(driver, need, mvc)
            if via is None:
                reasons.append({"reason": "driver", "needs": least_driver(code, need, mvc), "toolkit_min": need,
                                "minor_version_min": mvc})
            elif code == "ptx" and via in ("minor-version", "branch"):
                reasons.append({"reason": "driver-ptx", "needs": need or mvc, "toolkit_min": need,
                                "minor_version_min": mvc})
        item = {"build": i, "torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"]}
        if reasons:
            out["rejected"].append({**item, "reason": reasons[0]["reason"], "reasons": reasons})
        elif code == "?":
            out["unknown"].append({**item, "reason": "no-arch-data", "driver_via": via})
        else:
            out["options"].append({**item, "code": code, "driver_via": via or "not-checked", "toolkit_min": need,
                                   "minor_version_min": mvc})
    return out


def fixes(table: dict[str, Any], decided: dict[str, Any]) -> list[dict[str, Any]]:
    """What a reader can change without choosing another build, and the newest build each change
    unlocks: the smallest driver upgrade that makes any build run, and the one that makes the newest
    run (``driver``, when they differ); a Python inside the newest rejected build's range (``python``);
    the JetPack the newest Jetson build is for (``jetpack``)."""
    out = []

    def entry(kind: str, x: dict, **extra: Any) -> dict[str, Any]:
        b = table["builds"][x["build"]]
        return {"kind": kind, "build": x["build"], "torch": b["torch"], "variant": b["variant"], **extra}

    by_driver = [(max((r["needs"] for r in x["reasons"]), key=_driver_key), x) for x in decided["rejected"]
                 if all(r["reason"] in DRIVER_REASONS for r in x["reasons"])]  # newest first
    if by_driver:
        least = min((n for n, _ in by_driver), key=_driver_key)
        first = next(x for n, x in by_driver if n == least)
        out.append(entry("driver", first, needs=least))
        if first is not by_driver[0][1]:
            out.append(entry("driver", by_driver[0][1], needs=by_driver[0][0]))
    for kind, key in (("python", "range"), ("jetpack", "built_for")):
        x = next((x for x in decided["rejected"] if all(r["reason"] == kind for r in x["reasons"])), None)
        if x is not None:
            out.append(entry(kind, x, **{"range" if kind == "python" else "jetpack": x["reasons"][0][key]}))
    return out


def _driver_key(text: str) -> Any:
    """A driver version or a bare branch (``570``) as a comparable version."""
    return versions.parse(text)


def carriers(table: dict[str, Any], gpu: dict[str, Any], platform: str) -> list[dict[str, Any]]:
    """The builds that run on ``gpu`` (a ``table["gpus"]`` entry) on ``platform`` whatever the driver
    (:func:`decide` without one), one group per CUDA variant and kind of code: its oldest and newest
    release, the newest's install command, and the oldest driver that runs the newest (its CUDA's
    minimum for its kind of code, and never below the GPU's own floor). Sorted by that driver, so that
    the groups read as driver ranges."""
    os_ = DRIVER_OS[platform]
    floor = floor_driver(gpu["floor"], os_)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for o in decide(table, gpu, None, platform, None)["options"]:  # newest first
        b = table["builds"][o["build"]]
        g = groups.get((b["variant"], o["code"]))
        if g is not None:
            g["oldest"] = b["torch"]
            continue
        need, mvc = table["drivers"][b["release"]][os_] if b["release"] else (None, None)
        d = least_driver(o["code"], need, mvc)
        if floor and (d is None or _driver_key(floor) > _driver_key(d)):
            d = floor
        groups[(b["variant"], o["code"])] = {"variant": b["variant"], "cuda": b["cuda"], "code": o["code"],
                                             "newest": b["torch"], "oldest": b["torch"], "install": b["install"],
                                             "driver": d}
    order = {"native": 0, "ptx": 1}
    return sorted(groups.values(), key=lambda g: (order[g["code"]], _driver_key(g["driver"] or "0"),
                                                  versions.parse(g["cuda"] or "0"), g["variant"]))


@functools.lru_cache(maxsize=64)
def table_for(kb: KB, cc: str) -> dict[str, Any]:
    """:func:`lookup_table` for one compute capability (cached)."""
    return lookup_table(kb, [cc])


def will_it_run(kb: KB, gpu: str, driver: str | None, platform: str | None = None, python: str | None = None,
                jetpack: str | None = None) -> dict[str, Any]:
    """Every build the platform runs, newest first, judged for this GPU, driver, Python and JetPack."""
    g = find_gpu(kb, gpu)
    if platform in OS_PLATFORM:  # --os linux / windows
        platform = OS_PLATFORM[platform]
    platform = platform or default_platform(kb, g.compute_capability)
    if platform not in PLATFORMS:
        raise InvalidQuery(f"unknown platform {platform!r}; expected one of: {', '.join(PLATFORMS)}")
    if driver is not None and str(driver).strip():
        try:
            versions.driver(driver)
        except versions.InvalidVersion as e:
            raise InvalidQuery(str(e)) from None
        driver = str(driver).strip(" \t\r\n")
    else:
        driver = None
        if platform != "jetson":
            raise InvalidQuery("a driver version is needed (as nvidia-smi prints it, e.g. 570.86.10); only "
                             "Jetson answers without one")
    if python:
        try:
            versions.parse(python)
        except versions.InvalidVersion:
            raise InvalidQuery(f"{python!r} is not a Python version; expected e.g. 3.12") from None
    jp = find_jetpack(kb, jetpack).version if jetpack else None
    if jp and platform != "jetson":
        raise InvalidQuery("--jetpack is for the jetson platform")
    table = table_for(kb, g.compute_capability)
    entry = next(x for x in table["gpus"] if x["id"] == g.id)
    raw = decide(table, entry, driver, platform, python, jp)

    def build(x: dict) -> dict[str, Any]:
        b = table["builds"][x["build"]]
        return {"torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"], "platform": b["platform"],
                "kind": b["kind"], "sm_list": b["sm"], "ptx_list": b["ptx"], "python_range": b["python"],
                "jetpack": b["jetpack"], "ccs": b.get("ccs"), "install": b["install"], "default": b["default"],
                "images": [{"tag": t, "run": r} for t, r in zip(b["images"], b["docker"], strict=True)]}

    c = versions.cc(g.compute_capability)
    return {"gpu": {"name": g.name, "compute_capability": g.compute_capability, "sm": c.sm,
                    "architecture": kb.architecture_name(g.architecture), "tegra": entry["tegra"],
                    "driver_floor": entry["floor"]},
            "driver": driver, "platform": platform, "os": DRIVER_OS[platform], "python": python, "jetpack": jp,
            "mismatch": raw["mismatch"],
            "options": [{**build(o), "code": o["code"], "driver_via": o["driver_via"], "toolkit_min": o["toolkit_min"],
                         "minor_version_min": o["minor_version_min"]} for o in raw["options"]],
            "rejected": [{**build(x), "reason": x["reason"], "reasons": x["reasons"]} for x in raw["rejected"]],
            "unknown": [{**build(u), "reason": u["reason"], "driver_via": u["driver_via"]} for u in raw["unknown"]],
            "fixes": [{k: v for k, v in f.items() if k != "build"} for f in fixes(table, raw)]}


__all__ = ["OS_PLATFORM", "REASONS", "carriers", "decide", "fixes", "least_driver", "lookup_table", "will_it_run"]
