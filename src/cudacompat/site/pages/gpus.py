"""The GPU list, one page per architecture, and the architectures index."""

from __future__ import annotations

from typing import Any

from ... import versions
from ...answers.gpus import code_for
from ...answers.index import KB
from ...text.markdown import code, esc, indent, sm_label, sources, table
from ...text.titles import PLATFORM_TITLE, SEGMENT_TITLE
from ..links import md
from ..page import Page
from .arch_support import variant_order


def gpu_table(kb: KB, gpus: list, here: str, architecture: bool = True) -> str:
    """GPUs with their compute capability in the second column, next to the name: on a narrow screen
    the name column stays in place (compat.css) and the capability is the first thing beside it."""
    rows = []
    for g in gpus:
        row = [esc(g.name), esc(g.compute_capability), code(sm_label(g.compute_capability))]
        if architecture:
            row.append(f"[{esc(kb.arch[g.architecture].name)}]({md(here, f'architectures/{g.architecture}.md')})"
                       if g.architecture in kb.arch else esc(g.architecture))
        row += [esc(SEGMENT_TITLE[g.segment]), "<br>".join(code(n) for n in g.smi_names), esc(", ".join(g.aliases))]
        rows.append(row)
    head = ["GPU", "Compute capability", "Code", *(["Architecture"] if architecture else []), "Segment",
            "nvidia-smi prints", "Also called"]
    return nowrap(table(head, rows))


def unindexed_fold(title: str, body: str) -> list[str]:
    """A folded block (like ``??? note``) that the site search leaves out: for lists that repeat what
    other pages hold (every visitor downloads the search index, searching or not)."""
    return ['<details class="note" data-search-exclude markdown>', f"<summary>{title}</summary>", "", body, "",
            "</details>", ""]


def nowrap(tbl: str) -> str:
    """On a phone, one line per row beside the key column, which stays in place (compat.css)."""
    return f'<div class="compat-nowrap" markdown>\n\n{tbl}\n\n</div>'


def _newest_first(kb: KB, arch_id: str) -> tuple:
    a = kb.arch.get(arch_id)
    return max((versions.cc(c) for c in a.compute_capabilities), default=versions.CC(0, 0)) if a else versions.CC(0, 0)


def page_gpus(kb: KB) -> Page:
    groups: dict[str, list] = {}
    for g in kb.data.gpus:
        groups.setdefault(g.architecture, []).append(g)
    body = ["# GPUs and compute capabilities", "",
            "Every GPU in the knowledge base, grouped by architecture, newest first. Each architecture's page "
            "says which PyTorch builds run it.", ""]
    for arch_id in sorted(groups, key=lambda a: (_newest_first(kb, a), a), reverse=True):
        name = kb.arch[arch_id].name if arch_id in kb.arch else arch_id
        gpus = sorted(groups[arch_id], key=lambda g: (versions.cc(g.compute_capability), g.name), reverse=True)
        link = (f"[Which builds run {esc(name)} GPUs]({md('gpus.md', f'architectures/{arch_id}.md')})"
                if arch_id in kb.arch else "")
        body += [f"## {esc(name)} {{#{arch_id}}}", "", *([link, ""] if link else []),
                 gpu_table(kb, gpus, "gpus.md", architecture=False), ""]
    return Page("gpus.md", "\n".join(body))


FOLD_GPUS = 8  # an architecture page folds a longer GPU table


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
    """The builds with code for ``cc``: one row per CUDA variant (newest first), one column per
    platform, release ranges in release order; the variants' releases without code folded below."""
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for t in reversed(kb.releases):
        for v in t.variants:
            for p, al in v.platforms.items():
                groups.setdefault((v.variant, p), []).append((t.version, code_for(kb, al, cc)))
    platforms = [p for p in PLATFORM_TITLE if any(q == p for _, q in groups)]
    order = variant_order(kb)
    rows, missing = [], []
    for variant in sorted({v for v, _ in groups}, key=lambda v: order.get(v, ((), v))):
        cells, gaps = [], []
        for p in platforms:
            items = groups.get((variant, p))
            if not items:
                cells.append("")
                continue
            native = _runs([(ver, c == "native") for ver, c in items])
            ptx = _runs([(ver, c == "ptx") for ver, c in items])
            cells.append("; ".join(x for x in (native, f"PTX: {ptx}" if ptx else "") if x))
            none = _runs([(ver, c is None) for ver, c in items])
            if none:
                gaps.append(f"{esc(PLATFORM_TITLE[p])} {none}")
        if any(cells):
            rows.append([code(variant), *(c or "—" for c in cells)])
        if gaps:
            missing.append(f"- {code(variant)}: " + "; ".join(gaps))
    out = [nowrap(table(["Variant", *(esc(PLATFORM_TITLE[p]) for p in platforms)], rows)) if rows
           else f"_No build has code for {esc(sm_label(cc))}._", ""]
    if missing:
        n = f"{len(missing)} variant" + ("s" if len(missing) > 1 else "")
        out += unindexed_fold(f"Releases without code for {esc(sm_label(cc))}, per variant ({n})", "\n".join(missing))
    return "\n".join(out)


def _images(kb: KB, cc: str, by_version: dict[str, list]) -> list[str]:
    imgs = [i for i in kb.data.images
            if any(code_for(kb, al, cc) == "native"
                   for t in by_version.get(i.torch, ())
                   for v in t.variants if v.variant == i.variant
                   for p, al in v.platforms.items() if p == "linux-x86_64")]
    if not imgs:
        return []
    lines: dict[str, list] = {}
    for i in imgs:
        lines.setdefault(".".join(i.torch.split(".")[:2]), []).append(i)
    body = []
    for line in sorted(lines, key=versions.parse, reverse=True):
        ims = sorted(lines[line], key=lambda i: (versions.parse(i.torch), i.id), reverse=True)
        body.append(f"- **{esc(line)}**: " + ", ".join(code(i.id) for i in ims))
    # the images page and each release page list them too
    return unindexed_fold(f"Images with native {esc(sm_label(cc))} code (Linux x86&#95;64): {len(imgs)}, by release line",
                          "\n".join(body))


def page_architecture(kb: KB, a: Any) -> Page:
    here = f"architectures/{a.id}.md"
    if a.announced:
        body = [f"# {esc(a.name)}", "",
                "Announced by NVIDIA; its compute capability is not in NVIDIA's own table yet, so no build is "
                "judged for it ([a known gap](../gaps.md)).", "", esc(a.notes or ""), "",
                f"Sources: {sources(a.sources)}", ""]
        return Page(here, "\n".join(body))
    ccs = sorted(a.compute_capabilities, key=versions.cc)
    body = [f"# {esc(a.name)}", "",
            f"Compute capabilities: {', '.join(code(c) for c in a.compute_capabilities)}. "
            f"Sources: {sources(a.sources)}", "",
            "One section per compute capability: its GPUs, then the PyTorch builds with code for it, one row "
            "per CUDA variant (newest first) and one column per platform. Release ranges are in release order; "
            "native code unless marked PTX (compiled by the driver at first use). "
            + " · ".join(f"[{esc(sm_label(c))}](#{sm_label(c)})" for c in ccs), ""]
    gpus = sorted((g for g in kb.data.gpus if g.architecture == a.id), key=lambda g: g.name)
    if gpus:
        tbl = gpu_table(kb, gpus, here, architecture=False)
        body += ["## GPUs", ""]
        body += ([f'??? note "The {len(gpus)} {esc(a.name)} GPUs: names as nvidia-smi prints them, other names, '
                  f'segment"', "", *indent(tbl), ""] if len(gpus) > FOLD_GPUS else [tbl, ""])
    by_version: dict[str, list] = {}  # an index: a scan per image is quadratic in the rows
    for t in kb.releases:
        by_version.setdefault(t.version, []).append(t)
    for c in ccs:
        body += [f"## {esc(sm_label(c))} (compute capability {esc(c)}) {{#{sm_label(c)}}}", ""]
        named = [esc(g.name) for g in gpus if g.compute_capability == c]
        if named:
            body += [f"GPUs: {', '.join(named)}.", ""]
        body += [support_summary(kb, c), *_images(kb, c, by_version)]
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
