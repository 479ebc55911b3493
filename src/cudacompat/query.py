"""Pure query functions over the knowledge base. The CLI and the site answer from these."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import versions

if TYPE_CHECKING:  # annotations only: answers from the cache never import pydantic
    from . import model

OS_PLATFORM = {"linux": "linux-x86_64", "windows": "windows-x86_64"}
DOCKER_RUN = "docker run --gpus all --ipc=host --rm -it"


class QueryError(Exception):
    """A question the knowledge base cannot answer; ``suggestions`` lists near matches."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


def _norm(text: str) -> str:
    t = text.casefold().replace("-", " ").replace("_", " ")
    t = re.sub(r"\b(nvidia|geforce|tesla|quadro|gpu)\b", " ", t)
    return " ".join(re.findall(r"[a-z0-9]+", t))


@dataclass(frozen=True, eq=False)
class KB:
    """The knowledge base with the indexes the queries need."""

    data: model.KnowledgeBase

    @cached_property
    def arch(self) -> dict[str, model.Architecture]:
        return {a.id: a for a in self.data.architectures}

    @cached_property
    def toolkits(self) -> dict[str, model.Cuda]:
        return {c.version: c for c in self.data.cuda}

    @cached_property
    def majors(self) -> dict[int, model.CudaMajor]:
        return {m.major: m for m in self.data.cuda_majors}

    @cached_property
    def releases(self) -> list[model.Torch]:
        """Newest first."""
        return sorted(self.data.torch, key=lambda t: versions.parse(t.version), reverse=True)

    @cached_property
    def gpu_names(self) -> dict[str, model.Gpu]:
        out: dict[str, model.Gpu] = {}
        for g in self.data.gpus:
            for n in [g.name, *g.smi_names, *g.aliases, g.id]:
                out.setdefault(_norm(n), g)
        return out

    @cached_property
    def _images(self) -> dict[tuple[str, str], list[model.Image]]:
        out: dict[tuple[str, str], list[model.Image]] = {}
        for i in self.data.images:
            out.setdefault((i.torch, i.variant), []).append(i)
        return out

    def images_for(self, torch: str, variant: str) -> list[model.Image]:
        return list(self._images.get((torch, variant), ()))


# --- GPUs -------------------------------------------------------------------------------------

def find_gpu(kb: KB, name: str) -> model.Gpu:
    """Forgiving lookup: ``4090``, ``RTX 4090`` and ``NVIDIA GeForce RTX 4090`` find one GPU."""
    q = _norm(name)
    if not q:
        raise QueryError(f"{name!r} is not a GPU name")
    if q in kb.gpu_names:
        return kb.gpu_names[q]
    qt = set(q.split())
    # names all of whose words are in the query ("NVIDIA GeForce RTX 4090 24GB" contains "rtx 4090")
    inside = [(len(n.split()), n, g) for n, g in kb.gpu_names.items() if set(n.split()) <= qt]
    if inside:
        best = max(t[0] for t in inside)
        found = {t[2].id: t[2] for t in inside if t[0] == best}
        if len(found) == 1:
            return next(iter(found.values()))
    # the query's words all appear in the name ("v100" in "tesla v100 sxm2 16gb")
    around = {g.id: g for n, g in kb.gpu_names.items() if qt <= set(n.split())}
    if len(around) == 1 or (around and len({g.compute_capability for g in around.values()}) == 1
                            and len(around) <= 8):
        return sorted(around.values(), key=lambda g: len(g.name))[0]
    near = around or {
        kb.gpu_names[n].id: kb.gpu_names[n]
        for n in difflib.get_close_matches(q, list(kb.gpu_names), n=8, cutoff=0.5)
    }
    raise QueryError(f"no GPU named {name!r} in the knowledge base",
                     sorted({g.name for g in near.values()})[:8])


def build_code(arch: model.ArchList, gpu_cc: str) -> str | None:
    """``native`` when the build has SASS that runs on this capability, ``ptx`` when it can only
    JIT PTX, ``None`` when it has neither."""
    if gpu_cc in arch.sm:  # the exact target: always runs (the common case, checked first)
        return "native"
    c = versions.cc(gpu_cc)
    if any(c.runs_cubin(versions.cc(s)) for s in arch.sm):
        return "native"
    if any(c.jits_ptx(versions.cc(p)) for p in arch.ptx):
        return "ptx"
    return None


def gpu_report(kb: KB, name: str) -> dict[str, Any]:
    g = find_gpu(kb, name)
    native, ptx, none = [], [], []
    for t in kb.releases:
        for v in t.variants:
            for plat, al in v.platforms.items():
                row = {"torch": t.version, "variant": v.variant, "platform": plat}
                code = build_code(al, g.compute_capability)
                (native if code == "native" else ptx if code == "ptx" else none).append(row)
    a = kb.arch.get(g.architecture)
    return {
        "name": g.name,
        "id": g.id,
        "smi_names": list(g.smi_names),
        "aliases": list(g.aliases),
        "compute_capability": g.compute_capability,
        "sm": versions.sm_name(g.compute_capability),
        "architecture": a.name if a else g.architecture,
        "segment": g.segment,
        "builds": {"native": native, "ptx_only": ptx},
        "no_code": none,
        "sources": list(g.sources),
    }


# --- torch releases ---------------------------------------------------------------------------

def find_release(kb: KB, text: str) -> tuple[model.Torch, str | None]:
    """``2.7`` (newest 2.7.x), ``2.7.1`` or ``2.7.1+cu128`` -> (release, variant or None)."""
    base, _, local = text.strip().partition("+")
    try:
        want = versions.parse(base)
    except versions.InvalidVersion:
        raise QueryError(f"{text!r} is not a torch version; expected e.g. 2.7, 2.7.1 or 2.7.1+cu128") from None
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


def _python(t: model.Torch, v: model.Variant | None = None) -> dict[str, str | None] | None:
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
            "default": v.default,
            "index": v.index,
            "python": _python(t, v),
            "install": install_command(t, v, "linux"),
            "arch": {p: {"sm": list(a.sm), "ptx": list(a.ptx), "confidence": a.confidence}
                     for p, a in v.platforms.items()},
            "images": [i.id for i in kb.images_for(t.version, v.variant)],
            "sources": list(v.sources),
        })
    return {"version": t.version, "date": t.date, "python": _python(t), "variants": out,
            "sources": list(t.sources)}


def install_command(t: model.Torch, v: model.Variant, os: str) -> str:
    """The exact pip command. PyPI's default build is a Linux x86_64 thing: on Windows PyPI
    serves the CPU build, so CUDA builds always need their index there."""
    if v.index == "pypi" and os == "linux":
        return f"pip install torch=={t.version}"
    index = v.index if v.index != "pypi" else f"https://download.pytorch.org/whl/{v.variant}"
    return f"pip install torch=={t.version} --index-url {index}"


# --- CUDA toolkits ------------------------------------------------------------------------------

def find_toolkit(kb: KB, text: str) -> tuple[model.Cuda, model.CudaRelease]:
    try:
        want = versions.parse(text.strip())
    except versions.InvalidVersion:
        raise QueryError(f"{text!r} is not a CUDA version; expected e.g. 12.8 or 12.8.1") from None
    key = ".".join(map(str, (want.release + (0,))[:2]))
    tk = kb.toolkits.get(key)
    if tk is None:
        raise QueryError(f"no CUDA {text} in the knowledge base",
                         [c.version for c in sorted(kb.toolkits.values(), key=lambda c: versions.parse(c.version))])
    rels = sorted(tk.releases, key=lambda r: versions.parse(r.version))
    if len(want.release) >= 3:
        exact = [r for r in rels if versions.parse(r.version) <= want]
        return tk, (exact[-1] if exact else rels[0])
    return tk, rels[0]


def cuda_report(kb: KB, text: str) -> dict[str, Any]:
    tk, rel = find_toolkit(kb, text)
    major = kb.majors.get(versions.parse(tk.version).release[0])
    mvc = major.minor_version_compat_min_driver if major else None
    return {
        "version": tk.version,
        "release": rel.version,
        "release_name": rel.name,
        "min_driver": {"linux": rel.min_driver.linux, "windows": rel.min_driver.windows},
        "minor_version_compat_min_driver": {"linux": mvc.linux, "windows": mvc.windows} if mvc else None,
        "forward_compat": major.forward_compat if major else None,
        "arch_range": {"min": tk.arch_range.min, "max": tk.arch_range.max,
                       "min_sm": versions.sm_name(tk.arch_range.min),
                       "max_sm": versions.sm_name(tk.arch_range.max)} if tk.arch_range else None,
        "releases": [{"version": r.version, "name": r.name, "date": r.date,
                      "min_driver": {"linux": r.min_driver.linux, "windows": r.min_driver.windows}}
                     for r in sorted(tk.releases, key=lambda r: versions.parse(r.version))],
        "sources": list(tk.sources) + (list(major.sources) if major else []),
    }


def driver_verdict(kb: KB, cuda: str, driver: str, os: str) -> dict[str, Any]:
    """Can this driver run CUDA ``cuda`` (X.Y)? ``via`` is ``toolkit``, ``minor-version`` or None."""
    tk, rel = find_toolkit(kb, cuda)
    d = versions.driver(driver)
    need = getattr(rel.min_driver, os)
    major = kb.majors.get(versions.parse(tk.version).release[0])
    mvc = getattr(major.minor_version_compat_min_driver, os) if major else None
    out = {"cuda": tk.version, "toolkit_min": need, "minor_version_min": mvc, "via": None}
    if need and d >= versions.driver(need):
        out["via"] = "toolkit"
    elif mvc and d >= versions.driver(mvc):
        out["via"] = "minor-version"
    elif need is None and mvc is None:
        out["via"] = "unknown"
    return out


# --- will it run? -----------------------------------------------------------------------------
#
# The answer is computed in two steps so that the site's lookup page can share it: lookup_table()
# precomputes everything that does not depend on the reader's driver and Python (the builds, and
# for every compute capability whether each build has native code, PTX or nothing), and decide()
# applies the driver and Python. docs/assets/lookup.js implements decide() over the same table,
# and tests/test_lookup.py holds the two equal on a grid of inputs.

MVC_LIMITS = ("runs through minor-version compatibility: features that need a newer driver are "
              "unavailable, and PTX produced by this CUDA cannot be JIT-compiled by the older driver")
CODE_CHAR = {"native": "n", "ptx": "p", None: "-"}
LOOKUP_PLATFORMS = ("linux-x86_64", "windows-x86_64")


def lookup_table(kb: KB, ccs: list[str] | None = None) -> dict[str, Any]:
    """The driver-independent part of every answer; ``ccs`` limits the code strings computed."""
    builds, lists = [], []
    for t in kb.releases:
        for v in t.variants:
            if v.variant == "cpu" or not v.cuda:
                continue
            rng = v.python or t.python
            for plat in LOOKUP_PLATFORMS:
                os_ = plat.split("-")[0]
                al = v.platforms.get(plat)
                builds.append({
                    "torch": t.version, "variant": v.variant, "cuda": v.cuda, "platform": plat,
                    "python": [rng.min, rng.max] if rng else None,
                    "install": install_command(t, v, os_), "default": v.default and plat == "linux-x86_64",
                    "images": [i.id for i in kb.images_for(t.version, v.variant)] if os_ == "linux" else [],
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
        major = kb.majors.get(versions.parse(tk.version).release[0])
        mvc = major.minor_version_compat_min_driver if major else None
        drivers[tk.version] = {os_: [getattr(rel.min_driver, os_), getattr(mvc, os_) if mvc else None]
                               for os_ in ("linux", "windows")}
    gpus = [{"id": g.id, "name": g.name, "cc": g.compute_capability, "sm": versions.cc(g.compute_capability).sm,
             "arch": kb.arch[g.architecture].name if g.architecture in kb.arch else g.architecture,
             "names": sorted({g.name, *g.smi_names, *g.aliases})} for g in kb.data.gpus]
    first = {}
    for i, x in enumerate(kb.data.gpus):
        first.setdefault(x.id, i)
    index = {n: first[g.id] for n, g in kb.gpu_names.items()}
    return {"builds": builds, "codes": codes, "drivers": drivers, "gpus": gpus, "index": index}


def _minor(text: str) -> tuple[int, int]:
    r = versions.parse(text).release
    return (r[0], r[1] if len(r) > 1 else 0)


def decide(table: dict[str, Any], cc: str, driver: str, os: str, python: str | None) -> dict[str, list]:
    """Sort every build of ``os`` into options / rejected / unknown (structured, no prose)."""
    d = versions.driver(driver)
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
        code = {"n": "native", "p": "ptx", "-": None, "?": "?"}[codes[i]]
        if code == "?":
            out["unknown"].append({**item, "reason": "no-arch-data"})
            continue
        if code is None:
            out["rejected"].append({**item, "reason": "arch"})
            continue
        need, mvc = table["drivers"][b["cuda"]][os]
        if need and d >= versions.driver(need):
            via = "toolkit"
        elif mvc and d >= versions.driver(mvc):
            via = "minor-version"
        elif need is None and mvc is None:
            via = "unknown"
        else:
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
    """Every torch build, newest first, sorted into ``options`` and ``rejected`` with reasons."""
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
    c = versions.cc(g.compute_capability)
    raw = decide(table, g.compute_capability, driver, os, python)
    options, rejected, unknown = [], [], []
    for o in raw["options"]:
        b = table["builds"][o["build"]]
        notes = []
        if o["code"] == "ptx":
            notes.append(f"no native {c.sm} code: kernels are JIT-compiled from PTX at first use "
                         "(slow start), and bundled libraries without code for this GPU can still fail")
        if o["driver_via"] == "minor-version":
            notes.append(MVC_LIMITS)
        if o["driver_via"] == "unknown":
            notes.append(f"the {os} driver minimum for CUDA {b['cuda']} is not recorded")
        options.append({"torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"], "platform": b["platform"],
                        "code": o["code"], "driver_via": o["driver_via"],
                        "minor_version_compat": o["driver_via"] == "minor-version",
                        "install": b["install"],
                        "images": [{"tag": t, "run": f"{DOCKER_RUN} {t}"} for t in b["images"]],
                        "notes": notes, "default": b["default"]})
    for x in raw["rejected"]:
        b = table["builds"][x["build"]]
        item = {"torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"], "platform": b["platform"],
                "reason": x["reason"]}
        if x["reason"] == "python":
            lo, hi = x["range"]
            item.update(detail=f"Python {python} is outside torch {b['torch']}'s range {lo}–{hi or '…'}",
                        fix="use a Python inside that range")
        elif x["reason"] == "arch":
            have = ", ".join(b["sm"]) or "none"
            ptx = f"; PTX {', '.join(b['ptx'])}" if b["ptx"] else ""
            item.update(detail=f"no native code or PTX for {c.sm} in {b['torch']}+{b['variant']} (it has {have}{ptx})",
                        fix=f"choose a release or variant that lists {c.sm}")
        elif x["reason"] == "driver":
            item.update(detail=f"driver {driver} is too old for CUDA {b['cuda']} even under minor-version "
                               f"compatibility (needs ≥ {x['minor_version_min']}; the toolkit minimum is "
                               f"{x['toolkit_min']})", fix=f"upgrade the driver to ≥ {x['needs']}", needs=x["needs"])
        else:  # driver-ptx
            item.update(reason="driver",
                        detail=f"{c.sm} runs this build only by JIT-compiling its PTX, which needs the CUDA "
                               f"{b['cuda']} driver (≥ {x['toolkit_min']}); minor-version compatibility does not "
                               f"cover JIT of newer PTX", fix=f"upgrade the driver to ≥ {x['toolkit_min']}",
                        needs=x["toolkit_min"])
        rejected.append(item)
    for x in raw["unknown"]:
        b = table["builds"][x["build"]]
        unknown.append({"torch": b["torch"], "variant": b["variant"], "cuda": b["cuda"], "platform": b["platform"],
                        "reason": "no-arch-data",
                        "detail": f"the architectures compiled into {b['torch']}+{b['variant']} on {b['platform']} "
                                  "are not recorded (a known gap)"})
    return {"gpu": {"name": g.name, "compute_capability": g.compute_capability, "sm": c.sm,
                    "architecture": kb.arch[g.architecture].name if g.architecture in kb.arch else g.architecture},
            "driver": driver, "os": os, "python": python, "platform": OS_PLATFORM[os],
            "options": options, "rejected": rejected, "unknown": unknown}


# --- announcements -----------------------------------------------------------------------------

def announcement_status(kb: KB, a: model.Announcement) -> dict[str, Any]:
    """What the recorded builds say about an announced removal: ``planned`` (no release at or after
    the announced one is recorded yet), ``done`` (the first such release no longer has it),
    ``not-done`` (it still has it: which builds) or ``unknown`` (the release lacks the data)."""
    want = versions.parse(a.torch)
    later = [t for t in kb.releases if versions.parse(t.version) >= want]  # newest first
    base = {"id": a.id, "kind": a.kind, "subject": a.subject, "torch": a.torch, "variant": a.variant}
    if not later:
        return {**base, "status": "planned", "checked": None, "detail": f"torch {a.torch} is not released yet"}
    t = later[-1]
    out = {**base, "checked": t.version}
    if a.kind == "cuda":
        sub = versions.parse(a.subject).release[:2]
        still = [v.variant for v in t.variants if v.cuda and versions.parse(v.cuda).release[:2] == sub]
        if still:
            return {**out, "status": "not-done", "detail": f"torch {t.version} still has {', '.join(still)}"}
        return {**out, "status": "done", "detail": f"torch {t.version} has no CUDA {a.subject} build"}
    if a.kind == "python":
        r = t.python or next((v.python for v in t.variants if v.python), None)
        if r is None:
            return {**out, "status": "unknown", "detail": f"torch {t.version}'s Python range is not recorded"}
        py = versions.parse(a.subject)
        inside = versions.parse(r.min) <= py and (r.max is None or py <= versions.parse(r.max))
        span = f"{r.min}–{r.max}" if r.max else f"{r.min} and later"
        if inside:
            return {**out, "status": "not-done", "detail": f"torch {t.version} supports Python {span}"}
        return {**out, "status": "done", "detail": f"torch {t.version} supports Python {span}"}
    # architecture: native code in the Linux x86_64 builds (the measured ones)
    builds = [v for v in t.variants if v.variant.startswith("cu") and (a.variant is None or v.variant == a.variant)]
    if a.variant and not builds:
        return {**out, "status": "done", "detail": f"torch {t.version} has no {a.variant} build"}
    lists = [(v, v.platforms["linux-x86_64"]) for v in builds if "linux-x86_64" in v.platforms]
    if not lists:
        return {**out, "status": "unknown",
                "detail": f"torch {t.version} has no Linux x86_64 architecture list for these builds"}
    sm = versions.sm_name(a.subject)  # the target itself, not SASS of a lower CC that also runs there
    native = [v.variant for v, al in lists if any(versions.cc(s) == versions.cc(a.subject) for s in al.sm)]
    if native:
        return {**out, "status": "not-done", "detail": f"torch {t.version} {', '.join(native)} still has {sm}"}
    return {**out, "status": "done",
            "detail": f"no {sm} in torch {t.version} {', '.join(v.variant for v, _ in lists)} (Linux x86_64)"}
