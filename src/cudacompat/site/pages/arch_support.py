"""The architecture support map: which architectures each build compiled in, per platform."""

from __future__ import annotations

from typing import Any

from ... import versions
from ...answers.index import KB
from ...kb.vocab import PLATFORMS
from ...text.markdown import code, esc, indent, sm_label
from ...text.titles import PLATFORM_TITLE
from ..links import ref
from ..page import Page


def arch_columns(kb: KB, platform: str | None = None) -> list[str]:
    ccs: set[str] = set()
    for t in kb.releases:
        for v in t.variants:
            for p, al in v.platforms.items():
                if platform is None or p == platform:
                    ccs.update(al.sm)
                    ccs.update(al.ptx)
    return sorted(ccs, key=versions.cc)


def variant_order(kb: KB) -> dict[str, tuple]:
    """A sort key per variant: the newest CUDA first (cu132 before cu130 before cu129), then the name."""
    cuda: dict[str, tuple] = {}
    for t in kb.releases:
        for v in t.variants:
            if v.cuda:
                cuda.setdefault(v.variant, versions.parse(v.cuda).release)
    return {v: (tuple(-x for x in c), v) for v, c in cuda.items()}


def release_line(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _row(kb: KB, t: Any, v: Any, al: Any, cols: list[str]) -> str:
    cells = []
    for c in cols:
        if c in al.sm:
            cls, txt, title = "native", "●", f"{sm_label(c)}: native code"
        elif c in al.ptx:
            cls, txt, title = "ptx", "PTX", f"compute_{sm_label(c)[3:]}: PTX only"
        else:
            cls, txt, title = "none", "", f"{sm_label(c)}: not compiled in"
        cells.append(f'<td class="cc-{cls}" title="{esc(title)}">{txt}</td>')
    conf = ' <span title="medium confidence: secondary source">*</span>' if al.confidence == "medium" else ""
    return (f'<tr><th scope="row"><a href="{ref(f"releases/{t.version}.md")}">{esc(t.version)}</a></th>'
            f'<td class="compat-variant">{esc(v.variant)}{conf}</td>{"".join(cells)}</tr>')


def arch_map_table(kb: KB, platform: str, series: str | None = None, open_lines: int | None = None) -> str:
    """The map of one platform: a row per build, newest release first and, within a release, newest
    CUDA first. ``open_lines``: show that many release lines (2.14, 2.13, ...) and fold each older
    line into a ``<details>`` of its own; None: one table."""
    cols = arch_columns(kb, platform)
    if not cols:
        return "_No architecture lists recorded for this platform yet._"
    order = variant_order(kb)
    lines: dict[str, list[str]] = {}
    for t in kb.releases:
        for v in sorted(t.variants, key=lambda v: order.get(v.variant, ((), v.variant))):
            al = v.platforms.get(platform)
            if al is None or (series and v.variant != series):
                continue
            lines.setdefault(release_line(t.version), []).append(_row(kb, t, v, al, cols))
    head = "".join(f'<th scope="col">{esc(sm_label(c))}</th>' for c in cols)

    def tbl(rows: list[str]) -> str:
        return "\n".join([f'<div class="compat-scroll"><table class="compat-archmap" data-platform="{esc(platform)}">',
                          f'<thead><tr><th scope="col">Release</th><th scope="col">Variant</th>{head}</tr></thead>'
                          "<tbody>", *rows, "</tbody></table></div>"])

    names = list(lines)
    shown = names if open_lines is None else names[:open_lines]
    out = [tbl([r for n in shown for r in lines[n]])]
    for n in names[len(shown):]:
        builds = f"{len(lines[n])} build" + ("s" if len(lines[n]) > 1 else "")
        out.append(f'<details class="compat-fold"><summary>{esc(n)} ({builds})</summary>\n{tbl(lines[n])}\n</details>')
    return "\n".join(out)


def arch_changes(kb: KB, platform: str) -> list[str]:
    """For each variant series, the releases where compiled-in architectures were dropped or added."""
    lines = []
    series: dict[str, list[tuple[str, Any]]] = {}
    for t in reversed(kb.releases):
        for v in t.variants:
            if platform in v.platforms:
                series.setdefault(v.variant, []).append((t.version, v.platforms[platform]))
    for variant, items in sorted(series.items()):
        for (pv, pa), (tv, ta) in zip(items, items[1:], strict=False):
            dropped = sorted(set(pa.sm) - set(ta.sm), key=versions.cc)
            added = sorted(set(ta.sm) - set(pa.sm), key=versions.cc)
            parts = []
            if dropped:
                parts.append("drops " + ", ".join(f"**{sm_label(c)}**" for c in dropped))
            if added:
                parts.append("adds " + ", ".join(sm_label(c) for c in added))
            if parts:
                lines.append(f"- {code(variant)} {esc(tv)} (vs {esc(pv)}): " + "; ".join(parts))
    return lines


OPEN_LINES = 3  # release lines shown in full on the map; older lines are folded, one each


def page_arch_support(kb: KB) -> Page:
    here = "arch-support.md"
    body = [
        "# Architecture support map",
        "",
        "Which GPU architectures are compiled into each PyTorch build. **●** native code (`sm_XX`, "
        "SASS); **PTX** only a virtual architecture the driver JIT-compiles at first use; empty: "
        "not compiled in. Native code for `sm_XY` also runs on GPUs of the same major and a higher "
        "minor (code for `sm_80` runs on `sm_86` and `sm_89`); PTX runs on any newer GPU but needs a "
        "driver that knows the CUDA version that produced it. Rows marked * rest on a secondary source. "
        f"The newest {OPEN_LINES} release lines are shown in full; each older one opens on its own.",
        "",
        "Find your GPU's compute capability on the [GPU list](gpus.md).",
        "",
    ]
    for p in PLATFORMS:
        body += [f'=== "{PLATFORM_TITLE[p]}"', ""]
        block = [arch_map_table(kb, p, open_lines=OPEN_LINES), ""]
        changes = arch_changes(kb, p)
        if changes:
            block += ["**Changes between releases** (per variant):", "", *changes, ""]
        body += indent("\n".join(block))
    return Page(here, "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_arch_support(kb)]
