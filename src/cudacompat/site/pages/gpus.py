"""The GPU list, one page per architecture, and the architectures index."""

from __future__ import annotations

from typing import Any

from ... import versions
from ...answers.gpus import code_for
from ...answers.index import KB
from ...text.markdown import code, esc, sm_label, sources, table
from ...text.titles import PLATFORM_TITLE, SEGMENT_TITLE
from ..links import md
from ..page import Page


def gpu_table(kb: KB, gpus: list, here: str) -> str:
    rows = [[esc(g.name), "<br>".join(code(n) for n in g.smi_names), esc(", ".join(g.aliases)),
             esc(g.compute_capability), code(sm_label(g.compute_capability)),
             f"[{esc(kb.arch[g.architecture].name)}]({md(here, f'architectures/{g.architecture}.md')})"
             if g.architecture in kb.arch else esc(g.architecture),
             esc(SEGMENT_TITLE[g.segment])] for g in gpus]
    return table(["GPU", "nvidia-smi prints", "Also called", "Compute capability", "Code", "Architecture",
                  "Segment"], rows)


def page_gpus(kb: KB) -> Page:
    gpus = sorted(kb.data.gpus, key=lambda g: (versions.cc(g.compute_capability), g.name), reverse=True)
    body = ["# GPUs and compute capabilities", "",
            "Every GPU in the knowledge base, newest architecture first. The architecture page says "
            "which PyTorch builds run it.", "", gpu_table(kb, gpus, "gpus.md"), ""]
    return Page("gpus.md", "\n".join(body))


def _runs(items: list[tuple[str, bool]]) -> str:
    """Compress [(version, ok)] in release order into 'a – b, c' runs of ok."""
    runs, start, prev = [], None, None
    for ver, ok in items:
        if ok and start is None:
            start = ver
        if not ok and start is not None:
            runs.append((start, prev))
            start = None
        prev = ver
    if start is not None:
        runs.append((start, prev))
    return ", ".join(esc(a) if a == b else f"{esc(a)} – {esc(b)}" for a, b in runs)


def support_summary(kb: KB, cc: str) -> str:
    """Per variant and platform: the releases with native code, and those with PTX only."""
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for t in reversed(kb.releases):
        for v in t.variants:
            for p, al in v.platforms.items():
                groups.setdefault((v.variant, p), []).append((t.version, code_for(kb, al, cc)))
    rows = []
    for (variant, p), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        native = _runs([(ver, c == "native") for ver, c in items])
        ptx = _runs([(ver, c == "ptx") for ver, c in items])
        none = _runs([(ver, c is None) for ver, c in items])
        rows.append([code(variant), esc(PLATFORM_TITLE[p]), native or "—", ptx or "—", none or "—"])
    return table(["Variant", "Platform", "Native", "PTX only", "No code"], rows)


def page_architecture(kb: KB, a: Any) -> Page:
    here = f"architectures/{a.id}.md"
    if a.announced:
        body = [f"# {esc(a.name)}", "",
                "Announced by NVIDIA; its compute capability is not in NVIDIA's own table yet, so no build is "
                "judged for it ([a known gap](../gaps.md)).", "", esc(a.notes or ""), "",
                f"Sources: {sources(a.sources)}", ""]
        return Page(here, "\n".join(body))
    body = [f"# {esc(a.name)}", "",
            f"Compute capabilities: {', '.join(code(c) for c in a.compute_capabilities)}. "
            f"Sources: {sources(a.sources)}", ""]
    gpus = [g for g in kb.data.gpus if g.architecture == a.id]
    if gpus:
        body += ["## GPUs", "", gpu_table(kb, sorted(gpus, key=lambda g: g.name), here), ""]
    by_version: dict[str, list] = {}  # an index: a scan per image is quadratic in the rows
    for t in kb.releases:
        by_version.setdefault(t.version, []).append(t)
    for c in sorted(a.compute_capabilities, key=versions.cc):
        body += [f"## {esc(sm_label(c))} (compute capability {esc(c)}) {{#{sm_label(c)}}}", ""]
        body += ["Releases that run it, per variant and platform (release ranges in release order):", "",
                 support_summary(kb, c), ""]
        imgs = [i for i in kb.data.images
                if any(code_for(kb, al, c) == "native"
                       for t in by_version.get(i.torch, ())
                       for v in t.variants if v.variant == i.variant
                       for p, al in v.platforms.items() if p == "linux-x86_64")]
        if imgs:
            body += [f"Images with native {esc(sm_label(c))} code (Linux x86_64): "
                     + ", ".join(code(i.id) for i in imgs), ""]
    return Page(here, "\n".join(body))


def page_architectures_index(kb: KB) -> Page:
    rows = []
    def first(a: Any) -> Any:
        return min((versions.cc(c) for c in a.compute_capabilities), default=versions.CC(99, 9))

    for a in sorted(kb.data.architectures, key=first):
        n = sum(1 for g in kb.data.gpus if g.architecture == a.id)
        ccs = ", ".join(code(c) for c in a.compute_capabilities) or "announced; not in NVIDIA's table yet"
        rows.append([f"[{esc(a.name)}]({a.id}.md)", ccs, str(n)])
    body = ["# GPU architectures", "", table(["Architecture", "Compute capabilities", "GPUs"], rows), ""]
    return Page("architectures/index.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_gpus(kb), page_architectures_index(kb), *(page_architecture(kb, a) for a in kb.data.architectures)]
