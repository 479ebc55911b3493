"""What the knowledge base covers and what it does not: counts, newest versions, known gaps, the
deprecation timeline and announced removals checked against the builds. Data and codes only."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import versions
from ..kb.vocab import PLATFORMS
from .gpus import code_for
from .index import KB
from .platforms import architecture_floor, driver_floor

SECTIONS_WITH_CONFIDENCE = ("architectures", "gpus", "cuda", "cuda_majors", "cudnn", "nccl", "torch", "images",
                            "ngc", "announcements")


def source_kind(src: str) -> str:
    if src.startswith("evidence:"):
        return "measured"
    if src.startswith("https://github.com/") and ("/issues/" in src or "/pull/" in src):
        return "github-thread"
    if src.startswith("https://"):
        host = src.split("/")[2]
        return {"docs.nvidia.com": "nvidia-docs", "developer.nvidia.com": "nvidia-docs",
                "catalog.ngc.nvidia.com": "ngc", "hub.docker.com": "docker-hub",
                "pytorch.org": "pytorch-site"}.get(host, "other-url")
    return "repository-file"


def _all_sources(obj: Any):
    yield from getattr(obj, "sources", None) or []
    for v in getattr(obj, "variants", None) or []:
        yield from _all_sources(v)
    plats = getattr(obj, "platforms", None)
    if isinstance(plats, dict):
        for al in plats.values():
            yield from al.sources


def newer_than_data(kb: KB) -> list[tuple[str, str]]:
    """CUDA releases the knowledge base's own rows cite (NGC images) that its CUDA rows do not have yet:
    the data is behind where it says so itself. (JetPack's CUDA numbers its Tegra builds its own way.)"""
    out = []
    newest = {tk.version: max((versions.parse(r.version) for r in tk.releases), default=None) for tk in kb.data.cuda}
    oldest = min((versions.parse(k) for k in newest), default=None)
    for text, who in [(n.cuda, n.id) for n in kb.data.ngc if n.cuda]:
        try:
            v = versions.parse(text)
        except versions.InvalidVersion:
            continue
        key = ".".join(map(str, (v.release + (0,))[:2]))
        if oldest is None or versions.parse(key) < oldest:
            continue
        rel = versions.parse(".".join(map(str, (v.release + (0, 0))[:3])))
        if key not in newest or (len(v.release) >= 3 and newest[key] is not None and rel > newest[key]):
            out.append((f"CUDA {text}", who))
    return out


def stats(kb: KB) -> dict[str, Any]:
    d = kb.data
    variants = [(t, v) for t in d.torch for v in t.variants]
    arch_lists = Counter(p for _, v in variants for p in v.platforms)
    kinds: Counter = Counter()
    for section in (*SECTIONS_WITH_CONFIDENCE, "errors"):
        for row in getattr(d, section):
            kinds.update(source_kind(s) for s in _all_sources(row))

    def newest(rows: Any, key=lambda r: r.version) -> str | None:
        return max((key(r) for r in rows), key=versions.parse, default=None)

    return {
        "counts": {
            "architectures": len(d.architectures),
            "gpus": len(d.gpus),
            "gpus_by_segment": dict(sorted(Counter(g.segment for g in d.gpus).items())),
            "gpus_with_smi_names": sum(1 for g in d.gpus if g.smi_names),
            "cuda_toolkits": len(d.cuda),
            "cuda_releases": sum(len(c.releases) for c in d.cuda),
            "cuda_majors": len(d.cuda_majors),
            "cudnn": len(d.cudnn),
            "nccl": len(d.nccl),
            "torch_releases": len(d.torch),
            "torch_variants": len(variants),
            "arch_lists_by_platform": dict(sorted(arch_lists.items())),
            "images": len(d.images),
            "images_by_flavor": dict(sorted(Counter(i.flavor for i in d.images).items())),
            "ngc": len(d.ngc),
            "errors": len(d.errors),
            "errors_by_family": dict(sorted(Counter(e.family for e in d.errors).items())),
            "announcements": len(d.announcements),
            "announcements_by_kind": dict(sorted(Counter(a.kind for a in d.announcements).items())),
        },
        "sources_by_kind": dict(sorted(kinds.items())),
        "confidence_medium": sum(1 for s in (*SECTIONS_WITH_CONFIDENCE, "errors")
                                 for r in getattr(d, s) if r.confidence == "medium"),
        "newest": {
            "torch": newest(d.torch),
            "cuda": newest(d.cuda),
            "cudnn": newest(d.cudnn),
            "nccl": newest(d.nccl),
            "cuda_release": max((r.version for c in d.cuda for r in c.releases), key=versions.parse, default=None),
            "ngc": max((n.release for n in d.ngc), default=None),
            "jetpack": max(d.jetpack, key=lambda j: versions.parse(j.l4t.split()[0])).version if d.jetpack else None,
            "image": max((i.torch for i in d.images), key=versions.parse, default=None),
            "triton": max((v.triton.lstrip("=~") for t in d.torch for v in t.variants if v.triton),
                          key=versions.parse, default=None),
        },
        "oldest": {
            "torch": min((t.version for t in d.torch), key=versions.parse, default=None),
            "cuda": min((c.version for c in d.cuda), key=versions.parse, default=None),
        },
    }


def gaps(kb: KB) -> list[tuple[str, dict[str, Any], list[str]]]:
    """What the knowledge base does not know yet, computed from the rows: (code, parameters, items)
    in page order; :mod:`cudacompat.text.titles` words each code as a heading."""
    out: dict[tuple, list[str]] = {}

    def add(code: str, item: str, **params: Any) -> None:
        out.setdefault((code, tuple(sorted(params.items()))), []).append(item)

    for t in kb.releases:
        if not t.date:
            add("release-date", t.version)
        if not t.python:
            add("release-python", t.version)
        for v in t.variants:
            for p in PLATFORMS:
                if p not in v.platforms and v.variant != "cpu":
                    if p == "linux-aarch64" and not v.default:
                        continue
                    add("build-arch-list", f"{t.version}+{v.variant}", platform=p)
            if v.cuda and not v.cudnn:
                add("build-cudnn", f"{t.version}+{v.variant}")
            if v.cuda and not v.nccl:
                add("build-nccl", f"{t.version}+{v.variant}")
    for what, cited_by in newer_than_data(kb):
        add("newer-than-data", f"{what} (cited by {cited_by})")
    for a in kb.data.architectures:
        if a.announced:
            add("architecture-announced", a.name)
    for tk in kb.data.cuda:
        if not tk.arch_range:
            add("toolkit-arch-range", tk.version)
        for r in tk.releases:
            if not r.min_driver.linux:
                add("cuda-linux-driver", r.version)
            if not r.min_driver.windows:
                add("cuda-windows-driver", r.version)
    for c in kb.data.cudnn:
        if not c.cuda:
            add("cudnn-cuda-range", c.version)
    months = sorted({(int(n.release[:2]), int(n.release[3:])) for n in kb.data.ngc})
    if months:
        (y, m), missing = months[0], []
        while (y, m) < months[-1]:
            if (y, m) not in months:
                missing.append(f"{y:02d}.{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        for month in missing:
            add("ngc-months", month, first=f"{months[0][0]:02d}.{months[0][1]:02d}",
                last=f"{months[-1][0]:02d}.{months[-1][1]:02d}")
    for n in sorted(kb.data.ngc, key=lambda n: n.release):
        for field in ("torch", "cuda", "cudnn", "nccl", "python", "ubuntu", "min_driver"):
            if getattr(n, field) is None:
                add("ngc-field", n.release, field=field)
    for a in kb.data.announcements:
        if announcement_status(kb, a)["status"] == "unknown":
            add("announcement-unconfirmed", a.id)
    for g in kb.data.gpus:
        if not g.smi_names:
            add("gpu-smi-name", g.name)
        if g.compute_capability not in kb.tegra and not driver_floor(kb, g.id):
            arch = architecture_floor(kb, g.compute_capability)
            add("gpu-first-driver", f"{g.name} ({arch['branch']} branch, from its architecture)" if arch
                else f"{g.name} (none known)")
    for r in kb.data.driver_support:
        if not r.min_driver.windows:
            add("gpu-first-driver-windows", r.name)
    for j in kb.data.jetpack:
        if len(versions.parse(j.l4t.split()[0]).release) == 1:
            add("jetpack-l4t", f"JetPack {j.version} (L4T {j.l4t})")
    for b in kb.data.jetson_builds:
        if not b.python:
            add("jetson-build-python", b.torch + (f" ({b.container})" if b.container else ""))
    for s in SECTIONS_WITH_CONFIDENCE:
        for r in getattr(kb.data, s):
            if r.confidence == "medium":
                add("medium-confidence", f"{s}: {getattr(r, 'id', '')}")
    return [(code, dict(params), items) for (code, params), items in out.items()]


def deprecation_rows(kb: KB) -> list[dict[str, Any]]:
    """Per compute capability (of the GPUs in the knowledge base) and platform: the newest release with
    native code in any variant, and in the PyPI default variant; ``current`` when the newest has it."""
    newest = kb.releases[0].version if kb.releases else None
    out = []
    # Jetson (embedded) modules are aarch64 systems: the x86_64 wheels below do not apply to them
    gpus = [g for g in kb.data.gpus if g.segment != "embedded"]
    for c in sorted({g.compute_capability for g in gpus}, key=versions.cc):
        for p in ("linux-x86_64", "windows-x86_64"):
            last_any = last_default = None
            for t in kb.releases:  # newest first
                for v in t.variants:
                    al = v.platforms.get(p)
                    if al is None or code_for(kb, al, c) != "native":
                        continue
                    if last_any is None:
                        last_any = (t.version, v.variant)
                    if v.default and p == "linux-x86_64" and last_default is None:
                        last_default = (t.version, v.variant)
            out.append({"cc": c, "platform": p, "last_any": last_any, "last_default": last_default,
                        "current": bool(last_any and last_any[0] == newest),
                        "gpus": [g.name for g in gpus if g.compute_capability == c]})
    return out


def announcement_status(kb: KB, a: Any) -> dict[str, Any]:
    """What the recorded builds say about an announced removal: ``planned`` (no release at or after
    the announced one is recorded yet), ``done`` (the first such release no longer has it),
    ``not-done`` (it still has it: which builds) or ``unknown`` (the release lacks the data).
    ``why`` names the finding and ``params`` its values (:data:`cudacompat.text.templates.SENTENCES`
    words them as ``announce.<why>``)."""
    want = versions.parse(a.torch)
    later = [t for t in kb.releases if versions.parse(t.version) >= want]  # newest first
    base = {"id": a.id, "kind": a.kind, "subject": a.subject, "torch": a.torch, "variant": a.variant}
    if not later:
        return {**base, "status": "planned", "checked": None, "why": "unreleased", "params": {"torch": a.torch}}
    t = later[-1]

    def result(status: str, why: str, **params: Any) -> dict[str, Any]:
        return {**base, "checked": t.version, "status": status, "why": why,
                "params": {"checked": t.version, "subject": a.subject, **params}}

    if a.kind == "cuda":
        sub = versions.parse(a.subject).release[:2]
        still = [v.variant for v in t.variants if v.cuda and versions.parse(v.cuda).release[:2] == sub]
        if still:
            return result("not-done", "cuda-still", variants=", ".join(still))
        return result("done", "cuda-gone")
    if a.kind == "python":
        r = t.python or next((v.python for v in t.variants if v.python), None)
        if r is None:
            return result("unknown", "python-unrecorded")
        py = versions.parse(a.subject)
        inside = versions.parse(r.min) <= py and (r.max is None or py <= versions.parse(r.max))
        span = f"{r.min}–{r.max}" if r.max else f"{r.min} and later"
        return result("not-done" if inside else "done", "python-range", span=span)
    # architecture: native code in the Linux x86_64 builds (the measured ones)
    builds = [v for v in t.variants if v.variant.startswith("cu") and (a.variant is None or v.variant == a.variant)]
    if a.variant and not builds:
        return result("done", "variant-gone", variant=a.variant)
    lists = [(v, v.platforms["linux-x86_64"]) for v in builds if "linux-x86_64" in v.platforms]
    if not lists:
        return result("unknown", "arch-unrecorded")
    sm = versions.sm_name(a.subject)  # the target itself, not SASS of a lower CC that also runs there
    native = [v.variant for v, al in lists if any(versions.cc(s) == versions.cc(a.subject) for s in al.sm)]
    if native:
        return result("not-done", "arch-still", variants=", ".join(native), sm=sm)
    return result("done", "arch-gone", variants=", ".join(v.variant for v, _ in lists), sm=sm)
