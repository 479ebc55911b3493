"""Pure renderers: knowledge base in, Markdown / JSON out.

Every string that comes from the data goes through :func:`esc` (inline text), :func:`code`
(inline code) or :func:`fence` (code blocks) before it lands in Markdown, so that a row cannot
inject HTML, script or Markdown structure into a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import query, versions
from .vocab import PLATFORMS

if TYPE_CHECKING:
    from .model import KnowledgeBase

PLATFORM_TITLE = {"linux-x86_64": "Linux x86_64", "linux-aarch64": "Linux aarch64",
                  "windows-x86_64": "Windows x86_64"}
SEGMENT_TITLE = {"datacenter": "Data center", "workstation": "Workstation", "consumer": "Consumer",
                 "embedded": "Embedded"}

_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~^=:<>\"'&$"}
_ESC = str.maketrans({**_ENTITIES, "\n": " "})


def esc(text: Any) -> str:
    """Inline text that renders literally in Markdown and HTML (no markup, no tags)."""
    return str(text).translate(_ESC)


def code(text: Any) -> str:
    """Inline code from data: an HTML ``<code>`` whose content is entity-escaped."""
    return f"<code>{esc(text)}</code>"


def fence(text: str, lang: str = "text") -> str:
    """A fenced block that no line of ``text`` can close early."""
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


def url(href: str) -> str:
    """A data URL made safe for a Markdown link target (only https links reach this)."""
    if not href.startswith("https://"):
        raise ValueError(f"refusing to link {href!r}")
    return quote(href, safe=":/?#[]@!$&*+,;=%~.-_")


def source_link(src: str) -> str:
    if src.startswith("https://"):
        short = re.sub(r"^https://(www\.)?", "", src)
        short = short if len(short) <= 70 else short[:67] + "…"
        return f"[{esc(short)}]({url(src)})"
    if src.startswith("evidence:"):
        return f"measured: {code(src.removeprefix('evidence:'))}"
    repo, _, path = src.partition(":")
    path, _, commit = path.partition("@")
    ref = commit or "HEAD"
    label = f"{esc(repo)}: {esc(path)}" + (esc("@" + commit[:10]) if commit else "")
    return f"[{label}]({url(f'https://github.com/{repo}/blob/{ref}/{path}')})"


def sources(srcs: list[str]) -> str:
    return "; ".join(source_link(s) for s in dict.fromkeys(srcs))


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def slug(version: str) -> str:
    return "v" + re.sub(r"[^0-9a-z]+", "-", version.lower())


def sm_label(c: str) -> str:
    return versions.cc(c).sm


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, e.g. "releases/2.7.1.md"
    content: str


def _rel(from_page: str, to: str) -> str:
    """A Markdown link from one source page to another (MkDocs rewrites and validates it)."""
    depth = from_page.count("/")
    return "../" * depth + to


def _html_rel(from_page: str, to_dir: str) -> str:
    """A raw-HTML link (not rewritten by MkDocs) from a page's built URL to ``to_dir/``."""
    depth = from_page.count("/") + (0 if from_page.endswith("index.md") else 1)
    return "../" * depth + to_dir


# --- pages ------------------------------------------------------------------------------------

def release_matrix(kb: query.KB, here: str = "matrix.md") -> str:
    rows = []
    for t in kb.releases:
        py = t.python
        for v in t.variants:
            rows.append([
                f"[{esc(t.version)}]({_rel(here, f'releases/{t.version}.md')})",
                esc(t.date or ""),
                esc(f"{py.min}–{py.max or '…'}") if py else "",
                code(v.variant),
                esc(v.cuda or "—"),
                esc(v.cudnn or ""),
                esc(v.nccl or ""),
                "**PyPI default**" if v.default else "",
            ])
    return table(["Release", "Date", "Python", "Variant", "CUDA", "cuDNN", "NCCL", "`pip install torch`"], rows)


def page_matrix(kb: query.KB) -> Page:
    body = [
        "# Release matrix",
        "",
        "Every PyTorch release in the knowledge base with every official build variant: the CUDA "
        "version it was built with, the cuDNN and NCCL it pins, the Python versions it supports, and "
        "which variant plain `pip install torch` installs on Linux x86_64. Blank cells are not recorded "
        "yet ([gaps](gaps.md)). Architectures per variant are on the [support map](arch-support.md).",
        "",
        release_matrix(kb),
        "",
    ]
    return Page("matrix.md", "\n".join(body))


def arch_columns(kb: query.KB, platform: str | None = None) -> list[str]:
    ccs = set()
    for t in kb.data.torch:
        for v in t.variants:
            for p, al in v.platforms.items():
                if platform is None or p == platform:
                    ccs.update(al.sm)
                    ccs.update(al.ptx)
    return sorted(ccs, key=versions.cc)


def arch_map_table(kb: query.KB, platform: str, here: str, series: str | None = None) -> str:
    cols = arch_columns(kb, platform)
    if not cols:
        return "_No architecture lists recorded for this platform yet._"
    head = "".join(f'<th scope="col">{esc(sm_label(c))}</th>' for c in cols)
    out = ['<div class="compat-scroll"><table class="compat-archmap">',
           f'<thead><tr><th scope="col">Release</th><th scope="col">Variant</th>{head}</tr></thead><tbody>']
    for t in kb.releases:
        for v in t.variants:
            al = v.platforms.get(platform)
            if al is None or (series and v.variant != series):
                continue
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
            href = _html_rel(here, f"releases/{t.version}/")
            out.append(f'<tr><th scope="row"><a href="{esc(href)}">{esc(t.version)}</a></th>'
                       f"<td>{esc(v.variant)}{conf}</td>{''.join(cells)}</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def arch_changes(kb: query.KB, platform: str) -> list[str]:
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


def page_arch_support(kb: query.KB) -> Page:
    here = "arch-support.md"
    body = [
        "# Architecture support map",
        "",
        "Which GPU architectures are compiled into each PyTorch build. **●** native code (`sm_XX`, "
        "SASS); **PTX** only a virtual architecture the driver JIT-compiles at first use; empty: "
        "not compiled in. Native code for `sm_XY` also runs on GPUs of the same major and a higher "
        "minor (code for `sm_80` runs on `sm_86` and `sm_89`); PTX runs on any newer GPU but needs a "
        "driver that knows the CUDA version that produced it. Rows marked * rest on a secondary source.",
        "",
        "Find your GPU's compute capability on the [GPU list](gpus.md).",
        "",
    ]
    for p in PLATFORMS:
        body += [f'=== "{PLATFORM_TITLE[p]}"', ""]
        block = [arch_map_table(kb, p, here), ""]
        changes = arch_changes(kb, p)
        if changes:
            block += ["**Changes between releases** (per variant):", "", *changes, ""]
        body += ["    " + line if line else "" for line in "\n".join(block).split("\n")]
    return Page(here, "\n".join(body))


def page_release(kb: query.KB, t) -> Page:
    here = f"releases/{t.version}.md"
    py = t.python
    body = [f"# PyTorch {esc(t.version)}", ""]
    facts = []
    if t.date:
        facts.append(f"Released {esc(t.date)}")
    if py:
        facts.append(f"Python {esc(py.min)}–{esc(py.max or '…')}")
    body += [". ".join(facts) + "." if facts else "", ""]
    body += [f"Sources: {sources(t.sources)}", ""]
    for v in t.variants:
        body += [f"## {esc(v.variant)} {{#{v.variant}}}", ""]
        facts = [f"CUDA {esc(v.cuda)}" if v.cuda else "CPU only"]
        if v.cuda_runtime:
            facts.append(f"CUDA runtime {esc(v.cuda_runtime)}")
        if v.cudnn:
            facts.append(f"cuDNN {esc(v.cudnn)}")
        if v.nccl:
            facts.append(f"NCCL {esc(v.nccl)}")
        if v.default:
            facts.append("what plain `pip install torch` installs on Linux x86_64")
        body += [", ".join(facts) + ".", ""]
        if v.cuda:
            body += [f"Needs a driver for CUDA {esc(v.cuda)}: see [CUDA {esc(v.cuda)}]"
                     f"({_rel(here, 'cuda-drivers.md')}#{slug(v.cuda)}).", ""]
        body += [fence(query.install_command(t, v, "linux"), "bash"), ""]
        if v.platforms:
            rows = [[esc(PLATFORM_TITLE[p]), " ".join(code(sm_label(s)) for s in al.sm) or "—",
                     " ".join(code(versions.cc(c).compute) for c in al.ptx) or "—",
                     sources(al.sources) + (" (medium confidence)" if al.confidence == "medium" else "")]
                    for p, al in v.platforms.items()]
            body += [table(["Platform", "Native code", "PTX", "Source"], rows), ""]
        else:
            body += ["Architectures compiled in: not recorded.", ""]
        imgs = kb.images_for(t.version, v.variant)
        if imgs:
            body += ["Images: " + ", ".join(code(i.id) for i in imgs), ""]
        body += [f"Sources: {sources(v.sources)}", ""]
    return Page(here, "\n".join(body))


def page_releases_index(kb: query.KB) -> Page:
    rows = [[f"[{esc(t.version)}]({t.version}.md)", esc(t.date or ""),
             esc(f"{t.python.min}–{t.python.max or '…'}") if t.python else "",
             ", ".join(code(v.variant) for v in t.variants)] for t in kb.releases]
    body = ["# PyTorch releases", "", "One page per release with its build variants, install commands, "
            "architectures and images.", "", table(["Release", "Date", "Python", "Variants"], rows), ""]
    return Page("releases/index.md", "\n".join(body))


def driver_table(kb: query.KB, here: str = "cuda-drivers.md") -> str:
    rows = []
    for tk in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version), reverse=True):
        major = kb.majors.get(versions.parse(tk.version).release[0])
        mvc = major.minor_version_compat_min_driver if major else None
        for r in sorted(tk.releases, key=lambda r: versions.parse(r.version)):
            rows.append([
                f'<span id="{slug(tk.version)}"></span>{esc(tk.version)}' if r is min(tk.releases, key=lambda r: versions.parse(r.version)) else esc(tk.version),
                esc(f"{r.version} {r.name}"),
                esc(r.min_driver.linux or "n/a"),
                esc(r.min_driver.windows or "n/a"),
                esc(f"{mvc.linux or 'n/a'} / {mvc.windows or 'n/a'}") if mvc else "",
                esc(f"{sm_label(tk.arch_range.min)}–{sm_label(tk.arch_range.max)}") if tk.arch_range else "",
            ])
    return table(["CUDA", "Release", "Linux ≥", "Windows ≥", "Minor-version compat ≥ (Linux / Windows)",
                  "Compiles for"], rows)


def page_cuda_drivers(kb: query.KB) -> Page:
    body = [
        "# CUDA toolkits and the drivers they need",
        "",
        "Three different driver minimums apply to a CUDA application such as a PyTorch wheel:",
        "",
        "1. **Toolkit minimum**: the driver released with that CUDA version. At or above it, "
        "everything works, including JIT compilation of PTX produced by that CUDA.",
        "2. **Minor-version compatibility minimum**: one floor for a whole CUDA major. An application "
        "built with any CUDA 12.x runs on a driver at or above the 12.x floor, but features that need a "
        "newer driver are unavailable and PTX produced by the newer CUDA cannot be JIT-compiled.",
        "3. **Forward compatibility**: on supported data-center GPUs only, the `cuda-compat` package "
        "lets a newer CUDA run on an older driver branch.",
        "",
        "The `CUDA Version` in the `nvidia-smi` header is the newest CUDA the installed driver "
        "supports, not an installed toolkit. A PyTorch wheel brings its own CUDA runtime; a host "
        "toolkit only matters for compiling extensions.",
        "",
    ]
    for m in sorted(kb.data.cuda_majors, key=lambda m: m.major, reverse=True):
        mv = m.minor_version_compat_min_driver
        body += [f"- **CUDA {m.major}.x** minor-version compatibility: Linux ≥ {esc(mv.linux or 'n/a')}, "
                 f"Windows ≥ {esc(mv.windows or 'n/a')}. "
                 + (f"Forward compatibility: {esc(m.forward_compat)} " if m.forward_compat else "")
                 + f"({sources(m.sources)})"]
    body += ["", driver_table(kb), "", "## Sources", ""]
    for tk in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version), reverse=True):
        body.append(f"- CUDA {esc(tk.version)}: {sources(tk.sources)}")
    body.append("")
    return Page("cuda-drivers.md", "\n".join(body))


def gpu_table(kb: query.KB, gpus: list, here: str) -> str:
    rows = [[esc(g.name), "<br>".join(code(n) for n in g.smi_names), esc(", ".join(g.aliases)),
             esc(g.compute_capability), code(sm_label(g.compute_capability)),
             f"[{esc(kb.arch[g.architecture].name)}]({_rel(here, f'architectures/{g.architecture}.md')})"
             if g.architecture in kb.arch else esc(g.architecture),
             esc(SEGMENT_TITLE[g.segment])] for g in gpus]
    return table(["GPU", "nvidia-smi prints", "Also called", "Compute capability", "Code", "Architecture",
                  "Segment"], rows)


def page_gpus(kb: query.KB) -> Page:
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


def support_summary(kb: query.KB, cc: str) -> str:
    """Per variant and platform: the releases with native code, and those with PTX only."""
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for t in reversed(kb.releases):
        for v in t.variants:
            for p, al in v.platforms.items():
                groups.setdefault((v.variant, p), []).append((t.version, query.build_code(al, cc)))
    rows = []
    for (variant, p), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        native = _runs([(ver, c == "native") for ver, c in items])
        ptx = _runs([(ver, c == "ptx") for ver, c in items])
        none = _runs([(ver, c is None) for ver, c in items])
        rows.append([code(variant), esc(PLATFORM_TITLE[p]), native or "—", ptx or "—", none or "—"])
    return table(["Variant", "Platform", "Native", "PTX only", "No code"], rows)


def page_architecture(kb: query.KB, a) -> Page:
    here = f"architectures/{a.id}.md"
    body = [f"# {esc(a.name)}", "",
            f"Compute capabilities: {', '.join(code(c) for c in a.compute_capabilities)}. "
            f"Sources: {sources(a.sources)}", ""]
    gpus = [g for g in kb.data.gpus if g.architecture == a.id]
    if gpus:
        body += ["## GPUs", "", gpu_table(kb, sorted(gpus, key=lambda g: g.name), here), ""]
    by_version: dict[str, list] = {}  # an index: a scan per image is quadratic in the rows
    for t in kb.data.torch:
        by_version.setdefault(t.version, []).append(t)
    for c in sorted(a.compute_capabilities, key=versions.cc):
        body += [f"## {esc(sm_label(c))} (compute capability {esc(c)}) {{#{sm_label(c)}}}", ""]
        body += ["Releases that run it, per variant and platform (release ranges in release order):", "",
                 support_summary(kb, c), ""]
        imgs = [i for i in kb.data.images
                if any(query.build_code(al, c) == "native"
                       for t in by_version.get(i.torch, ())
                       for v in t.variants if v.variant == i.variant
                       for p, al in v.platforms.items() if p == "linux-x86_64")]
        if imgs:
            body += [f"Images with native {esc(sm_label(c))} code (Linux x86_64): "
                     + ", ".join(code(i.id) for i in imgs), ""]
    return Page(here, "\n".join(body))


def page_architectures_index(kb: query.KB) -> Page:
    rows = []
    for a in sorted(kb.data.architectures, key=lambda a: min(versions.cc(c) for c in a.compute_capabilities)):
        n = sum(1 for g in kb.data.gpus if g.architecture == a.id)
        rows.append([f"[{esc(a.name)}]({a.id}.md)", ", ".join(code(c) for c in a.compute_capabilities), str(n)])
    body = ["# GPU architectures", "", table(["Architecture", "Compute capabilities", "GPUs"], rows), ""]
    return Page("architectures/index.md", "\n".join(body))


def image_tables(kb: query.KB, here: str = "images.md") -> str:
    rows = []
    variants: dict[tuple[str, str], Any] = {}  # an index: a scan per image is quadratic in the rows
    for t in kb.data.torch:
        for v in t.variants:
            variants.setdefault((t.version, v.variant), v)
    for im in sorted(kb.data.images, key=lambda i: (versions.parse(i.torch), i.tag), reverse=True):
        var = variants.get((im.torch, im.variant))
        need = ""
        if var and var.cuda:
            rep = query.cuda_report(kb, var.cuda)
            need = f"≥ {esc(rep['min_driver']['linux'] or 'n/a')}"
            if rep["minor_version_compat_min_driver"]:
                need += f" (≥ {esc(rep['minor_version_compat_min_driver']['linux'] or 'n/a')} with minor-version compat)"
        rows.append([code(im.id), esc(im.flavor), f"[{esc(im.torch)}]({_rel(here, f'releases/{im.torch}.md')})",
                     code(im.variant), esc(var.cuda if var and var.cuda else ""), esc(im.cudnn or ""), need,
                     esc(", ".join(im.platforms)), sources(im.sources)])
    out = [table(["Image", "Flavor", "torch", "Variant", "CUDA", "cuDNN", "Host driver (Linux)", "Platforms",
                  "Source"], rows)]
    return "\n".join(out)


def ngc_table(kb: query.KB) -> str:
    rows = []
    for n in sorted(kb.data.ngc, key=lambda n: n.release, reverse=True):
        md = n.min_driver.linux if n.min_driver and n.min_driver.linux else ""
        rows.append([code(n.id), esc(n.torch or ""), esc(n.cuda or ""), esc(n.cudnn or ""), esc(n.nccl or ""),
                     esc(n.python or ""), esc(n.ubuntu or ""), esc(md),
                     esc(", ".join(n.forward_compat_drivers)), sources(n.sources)])
    return table(["Container", "torch", "CUDA", "cuDNN", "NCCL", "Python", "Ubuntu", "Driver ≥",
                  "Data-center forward-compat drivers", "Source"], rows)


def page_images(kb: query.KB) -> Page:
    body = [
        "# Container images",
        "",
        "`pytorch/pytorch` tags read `X.Y.Z-cudaA.B-cudnnN-runtime` or `-devel`. **runtime** images "
        "hold PyTorch and the CUDA libraries it needs; **devel** images add the CUDA toolkit (`nvcc`, "
        "headers) and compilers, which building extensions and `torch.compile`'s C++/Triton paths need. "
        "An image brings its own CUDA runtime: the host needs only a driver new enough for it "
        "([CUDA drivers](cuda-drivers.md)) and the NVIDIA Container Toolkit. Only tags with evidence "
        "that they exist are listed.",
        "",
        "## pytorch/pytorch",
        "",
        image_tables(kb) if kb.data.images else "_None recorded yet._",
        "",
        "## NVIDIA NGC PyTorch containers",
        "",
        "NGC containers carry NVIDIA's own PyTorch build (a pre-release version string) and newer CUDA "
        "than the host driver may support; on data-center GPUs they can use forward compatibility.",
        "",
        ngc_table(kb) if kb.data.ngc else "_None recorded yet._",
        "",
    ]
    return Page("images.md", "\n".join(body))


def pages(kb: query.KB) -> list[Page]:
    """Every generated page."""
    out = [page_matrix(kb), page_arch_support(kb), page_cuda_drivers(kb), page_gpus(kb), page_images(kb),
           page_releases_index(kb), page_architectures_index(kb), page_gaps(kb), page_deprecations(kb)]
    out += [page_release(kb, t) for t in kb.releases]
    out += [page_architecture(kb, a) for a in kb.data.architectures]
    if kb.data.errors:
        out.append(page_troubleshooting_index(kb))
        out += [page_troubleshooting_family(kb, f) for f in sorted({e.family for e in kb.data.errors})]
        out += [page_troubleshooting_entry(kb, e) for e in kb.data.errors]
    return out


def compat_json(kb: KnowledgeBase | query.KB) -> str:
    data = kb.data if isinstance(kb, query.KB) else kb
    return json.dumps(plain(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def plain(value: Any) -> Any:
    """A validated row (pydantic model or cached row) as JSON values, ``None`` fields left out: what
    pydantic's ``model_dump(mode="json", exclude_none=True)`` gives, for both forms."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        pairs = ((k, getattr(value, k)) for k in fields)
    elif hasattr(value, "_kind"):  # cache.Row
        pairs = iter(value)
    elif isinstance(value, list):
        return [plain(v) for v in value]
    elif isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    else:
        return value
    return {k: plain(v) for k, v in pairs if v is not None}


def lookup_json(table: dict) -> str:
    return json.dumps(table, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def lookup_js(table: dict) -> str:
    """The lookup table as a script, so the page also works opened from a file (no fetch)."""
    data = json.dumps(table, sort_keys=True, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    return f"window.cudacompatTable = {data};\n"


def js_pattern(pattern: str) -> str:
    """A catalogue pattern (Python ``re``) in JavaScript RegExp syntax."""
    return re.sub(r"\(\?P=(\w+)\)", r"\\k<\1>", pattern.replace("(?P<", "(?<"))


def errors_js(kb: query.KB) -> str:
    """The error catalogue for the site search's "catalogue match" results (docs/assets/errorsearch.js)."""
    rows = [{"id": e.id, "family": e.family, "heading": entry_heading(e), "cause": e.cause,
             "messages": list(e.messages), "pattern": js_pattern(e.pattern),
             "url": f"troubleshooting/{e.family}/{e.id}/"} for e in kb.data.errors]
    data = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    return f"window.cudacompatErrors = {data};\n"


# --- shortcodes -------------------------------------------------------------------------------

SHORTCODE = re.compile(r"<!--\s*compat:([a-z-]+)((?:\s+[\w.+-]+=[^\s>]+)*)\s*-->")


class ShortcodeError(ValueError):
    pass


def _args(raw: str, allowed: set[str], name: str) -> dict[str, str]:
    out = {}
    for part in raw.split():
        k, _, v = part.partition("=")
        if k not in allowed:
            raise ShortcodeError(f"compat:{name} has no argument {k!r}; expected: {', '.join(sorted(allowed)) or 'none'}")
        out[k] = v
    return out


def _sc_arch_map(kb, args, here):
    p = args.get("platform", "linux-x86_64")
    if p not in PLATFORMS:
        raise ShortcodeError(f"unknown platform {p!r}; expected one of {', '.join(PLATFORMS)}")
    if args.get("variant") and not any(v.variant == args["variant"] for t in kb.data.torch for v in t.variants):
        raise ShortcodeError(f"unknown variant {args['variant']!r}")
    return arch_map_table(kb, p, here, args.get("variant"))


def _sc_gpu(kb, args, here):
    try:
        g = query.find_gpu(kb, args["name"].replace("_", " "))
    except (KeyError, query.QueryError) as e:
        raise ShortcodeError(f"compat:gpu needs name=<a known GPU>: {e}") from None
    return gpu_table(kb, [g], here)


def _sc_cuda(kb, args, here):
    try:
        r = query.cuda_report(kb, args["version"])
    except (KeyError, query.QueryError) as e:
        raise ShortcodeError(f"compat:cuda-driver needs version=<a known CUDA>: {e}") from None
    mvc = r["minor_version_compat_min_driver"] or {}
    return (f"CUDA {esc(r['version'])} needs driver ≥ {esc(r['min_driver']['linux'] or 'n/a')} on Linux and "
            f"≥ {esc(r['min_driver']['windows'] or 'n/a')} on Windows; with minor-version compatibility, "
            f"≥ {esc(mvc.get('linux') or 'n/a')} / {esc(mvc.get('windows') or 'n/a')}.")


SHORTCODES: dict[str, tuple[set[str], Callable[[query.KB, dict, str], str]]] = {
    "release-matrix": (set(), lambda kb, a, here: release_matrix(kb, here)),
    "arch-map": ({"platform", "variant"}, _sc_arch_map),
    "cuda-drivers": (set(), lambda kb, a, here: driver_table(kb, here)),
    "gpus": ({"segment"}, lambda kb, a, here: gpu_table(
        kb, [g for g in kb.data.gpus if g.segment == a.get("segment", g.segment)], here)),
    "gpu": ({"name"}, _sc_gpu),
    "cuda-driver": ({"version"}, _sc_cuda),
    "images": (set(), lambda kb, a, here: image_tables(kb, here)),
    "ngc": (set(), lambda kb, a, here: ngc_table(kb)),
    "deprecations": (set(), lambda kb, a, here: deprecation_table(kb, here)),
    "install": ({"release"}, lambda kb, a, here: _sc_install(kb, a, here)),
    "troubleshooting": ({"family"}, lambda kb, a, here: _sc_troubleshooting(kb, a, here)),
}


def install_tabs(kb: query.KB, version: str | None = None) -> str:
    """pip / conda / docker content tabs for one release (default: the newest), from the data."""
    t = kb.releases[0] if version is None else query.find_release(kb, version)[0]
    pip_lines, images = [], []
    for v in t.variants:
        if v.variant == "cpu" and v.index == "pypi":
            continue
        pip_lines.append(f"# {v.variant}" + (" (what plain `pip install torch` gets on Linux x86_64)" if v.default else ""))
        pip_lines.append(query.install_command(t, v, "linux"))
        images += [i.id for i in kb.images_for(t.version, v.variant)]
    py = t.python.max if t.python and t.python.max else "3.12"
    default = next((v for v in t.variants if v.default), t.variants[0] if t.variants else None)
    conda = (f"conda create -n torch python={py} -y\nconda activate torch\n"
             + (query.install_command(t, default, "linux") if default else "pip install torch"))
    docker = "\n".join(f"docker run --gpus all --ipc=host --rm -it {i}" for i in images) or \
        "# no pytorch/pytorch image with evidence for this release yet: see the image catalogue"
    out = [f"PyTorch {esc(t.version)}:", ""]
    for title, text in (("pip", "\n".join(pip_lines)), ("conda", conda), ("docker", docker)):
        out += [f'=== "{title}"', "", *("    " + line for line in fence(text, "bash").splitlines()), ""]
    return "\n".join(out)


def _sc_install(kb, args, here):
    try:
        return install_tabs(kb, args.get("release"))
    except query.QueryError as e:
        raise ShortcodeError(f"compat:install: {e}") from None


def _sc_troubleshooting(kb, args, here):
    fam = args.get("family")
    entries = [e for e in kb.data.errors if fam is None or e.family == fam]
    if not entries:
        raise ShortcodeError(f"compat:troubleshooting: no entries for family {fam!r}")
    return "\n".join(f"- [{esc(e.title)}]({_rel(here, f'troubleshooting/{e.family}.md')}#{e.id})" for e in entries)


def expand_shortcodes(markdown: str, kb: query.KB, here: str) -> str:
    """Replace every ``<!-- compat:NAME k=v -->``; an unknown name or argument raises."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in SHORTCODES:
            raise ShortcodeError(f"unknown shortcode compat:{name}; expected one of: {', '.join(sorted(SHORTCODES))}")
        allowed, fn = SHORTCODES[name]
        return fn(kb, _args(m.group(2), allowed, name), here)

    bad = re.search(r"<!--\s*compat:(?![a-z-]+(?:\s+[\w.+-]+=[^\s>]+)*\s*-->)", markdown)
    if bad:
        line = markdown.count("\n", 0, bad.start()) + 1
        raise ShortcodeError(f"line {line}: malformed compat shortcode; expected <!-- compat:NAME key=value -->")
    return SHORTCODE.sub(sub, markdown)


def gaps(kb: query.KB) -> dict[str, list[str]]:
    """What the knowledge base does not know yet, computed from the rows themselves."""
    out: dict[str, list[str]] = {}
    for t in kb.releases:
        if not t.date:
            out.setdefault("Releases without a sourced date", []).append(t.version)
        if not t.python:
            out.setdefault("Releases without a Python range", []).append(t.version)
        for v in t.variants:
            for p in PLATFORMS:
                if p not in v.platforms and v.variant != "cpu":
                    if p == "linux-aarch64" and not v.default:
                        continue
                    out.setdefault(f"Builds without an architecture list for {PLATFORM_TITLE[p]}", []).append(
                        f"{t.version}+{v.variant}")
            if v.cuda and not v.cudnn:
                out.setdefault("Builds without a recorded cuDNN", []).append(f"{t.version}+{v.variant}")
            if v.cuda and not v.nccl:
                out.setdefault("Builds without a recorded NCCL", []).append(f"{t.version}+{v.variant}")
    for tk in kb.data.cuda:
        if not tk.arch_range:
            out.setdefault("CUDA toolkits without an architecture range", []).append(tk.version)
        for r in tk.releases:
            if not r.min_driver.windows:
                out.setdefault("CUDA releases without a Windows driver minimum (N/A since the Windows "
                               "driver was unbundled, or not recorded)", []).append(r.version)
    for c in kb.data.cudnn:
        if not c.cuda:
            out.setdefault("cuDNN versions without a supported-CUDA range", []).append(c.version)
    months = sorted({(int(n.release[:2]), int(n.release[3:])) for n in kb.data.ngc})
    if months:
        (y, m), missing = months[0], []
        while (y, m) < months[-1]:
            if (y, m) not in months:
                missing.append(f"{y:02d}.{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if missing:
            out[f"NGC PyTorch containers not recorded between {months[0][0]:02d}.{months[0][1]:02d} and "
                f"{months[-1][0]:02d}.{months[-1][1]:02d}"] = missing
    for n in sorted(kb.data.ngc, key=lambda n: n.release):
        for field, label in (("torch", "PyTorch"), ("cuda", "CUDA"), ("cudnn", "cuDNN"), ("nccl", "NCCL"),
                             ("python", "Python"), ("ubuntu", "Ubuntu"), ("min_driver", "driver requirement")):
            if getattr(n, field) is None:
                out.setdefault(f"NGC containers without a recorded {label}", []).append(n.release)
    for a in kb.data.announcements:
        st = query.announcement_status(kb, a)
        if st["status"] == "unknown":
            out.setdefault("Announced removals the recorded builds cannot confirm", []).append(
                f"{a.id} ({st['detail']})")
    for g in kb.data.gpus:
        if not g.smi_names:
            out.setdefault("GPUs without a sourced nvidia-smi name", []).append(g.name)
    medium = [f"{s}: {getattr(r, 'id', '')}" for s in ("architectures", "gpus", "cuda", "cuda_majors", "cudnn",
                                                       "nccl", "torch", "images", "ngc", "announcements")
              for r in getattr(kb.data, s) if r.confidence == "medium"]
    if medium:
        out["Rows resting on secondary or indirect sources (medium confidence)"] = medium
    return out


def page_gaps(kb: query.KB) -> Page:
    body = ["# Known gaps", "",
            "The edge of the map: facts this guide does not state because no primary source for them "
            "was found yet. Contributions with a source are welcome.", ""]
    for title, items in gaps(kb).items():
        body += [f"## {esc(title)}", "", f"{len(items)}: " + ", ".join(esc(i) for i in items), ""]
    return Page("gaps.md", "\n".join(body))


SEE_PAGES = {"arch-support": ("Architecture support map", "arch-support.md"),
             "release-matrix": ("Release matrix", "matrix.md"),
             "cuda-drivers": ("CUDA and drivers", "cuda-drivers.md"),
             "images": ("Container images", "images.md"),
             "gpus": ("GPUs", "gpus.md")}


def entry_heading(e) -> str:
    """The message itself where it fits in a heading (what people paste), else the entry's title."""
    first = e.messages[0]
    return first if len(first) <= 140 else e.title


def _entry_body(e, here: str, level: str) -> list[str]:
    h = esc(entry_heading(e))
    body = [f"{level} {h} {{#{e.id}}}" if level == "##" else f"{level} {h}", "",
            fence("\n".join(e.messages)), "",
            f"**Cause.** {esc(e.cause)}", "", "**Confirm.**", "", fence(e.confirm, "bash"), "",
            f"**Fix.** {esc(e.fix)}", ""]
    if e.see:
        body += ["**See also:** " + ", ".join(f"[{SEE_PAGES[s][0]}]({_rel(here, SEE_PAGES[s][1])})"
                                              for s in e.see), ""]
    if e.threads:
        body += ["**Diagnosed in:** " + "; ".join(source_link(t) for t in e.threads), ""]
    extra = [s for s in e.sources if s not in e.threads]
    if extra:
        body += [f"**Sources:** {sources(extra)}", ""]
    if e.confidence == "medium":
        body += ["*Medium confidence: no maintainer-confirmed root cause in the threads.*", ""]
    return body


def page_troubleshooting_family(kb: query.KB, family: str) -> Page:
    """One page per family, one anchor per entry: for reading. Left out of the search index, because
    Material ranks a page's own document above its sections; search finds the entry pages instead."""
    from .troubleshoot import FAMILY_TITLE

    here = f"troubleshooting/{family}.md"
    body = ["---", "search:", "  exclude: true", "---", "", f"# {esc(FAMILY_TITLE[family])}", ""]
    for e in kb.data.errors:
        if e.family == family:
            body += _entry_body(e, here, "##")
            body += [f"[This entry on its own page]({family}/{e.id}.md)", ""]
    return Page(here, "\n".join(body))


def page_troubleshooting_entry(kb: query.KB, e) -> Page:
    """One page per entry, titled with the message: what the site search returns for a pasted error."""
    from .troubleshoot import FAMILY_TITLE

    here = f"troubleshooting/{e.family}/{e.id}.md"
    body = ["---", "search:", "  boost: 4", "---", ""] + _entry_body(e, here, "#")
    body += [f"More in [{esc(FAMILY_TITLE[e.family])}](../{e.family}.md#{e.id}).", ""]
    return Page(here, "\n".join(body))


def page_troubleshooting_index(kb: query.KB) -> Page:
    from .troubleshoot import FAMILY_TITLE

    body = ["# Troubleshooting", "",
            "Paste an error message into the search box, or run `cudacompat explain \"<message>\"` for a "
            "fix that names the builds for your GPU. Each entry gives the message as it prints, the cause, "
            "a command that confirms it and the fix.", ""]
    for fam, title in FAMILY_TITLE.items():
        entries = [e for e in kb.data.errors if e.family == fam]
        if not entries:
            continue
        body += [f"## [{esc(title)}]({fam}.md)", ""]
        body += [f"- [{esc(e.title)}]({fam}.md#{e.id})" for e in entries]
        body.append("")
    return Page("troubleshooting/index.md", "\n".join(body))


def deprecation_rows(kb: query.KB) -> list[dict[str, Any]]:
    """Per compute capability (of the GPUs in the knowledge base) and platform: the newest release with
    native code in any variant, and in the PyPI default variant; empty when the newest still has it."""
    newest = kb.releases[0].version if kb.releases else None
    out = []
    # Jetson (embedded) modules are aarch64 systems: the x86_64 wheels below do not apply to them
    gpus = [g for g in kb.data.gpus if g.segment != "embedded"]
    ccs = sorted({g.compute_capability for g in gpus}, key=versions.cc)
    for c in ccs:
        for p in ("linux-x86_64", "windows-x86_64"):
            last_any = last_default = None
            for t in kb.releases:  # newest first
                for v in t.variants:
                    al = v.platforms.get(p)
                    if al is None or query.build_code(al, c) != "native":
                        continue
                    if last_any is None:
                        last_any = (t.version, v.variant)
                    if v.default and p == "linux-x86_64" and last_default is None:
                        last_default = (t.version, v.variant)
            out.append({"cc": c, "platform": p, "last_any": last_any, "last_default": last_default,
                        "current": bool(last_any and last_any[0] == newest),
                        "gpus": [g.name for g in gpus if g.compute_capability == c]})
    return out


def deprecation_table(kb: query.KB, here: str = "deprecations.md") -> str:
    rows = []
    all_rows = deprecation_rows(kb)  # once: it walks every build
    for r in all_rows:
        if r["platform"] != "linux-x86_64":
            continue
        win = next(x for x in all_rows if x["cc"] == r["cc"] and x["platform"] == "windows-x86_64")
        fmt = lambda x: f"{esc(x[0])} {code(x[1])}" if x else "none recorded"  # noqa: E731
        oldest = kb.releases[-1].version if kb.releases else "?"
        status = ("supported by the newest release" if r["current"] else "**dropped**" if r["last_any"]
                  else f"not in any release since {esc(oldest)}")
        names = r["gpus"][:4]
        rows.append([code(sm_label(r["cc"])), esc(", ".join(names)) + (" …" if len(r["gpus"]) > 4 else ""),
                     status, fmt(r["last_any"]), fmt(r["last_default"]), fmt(win["last_any"])])
    return table(["Code", "GPUs", "Linux x86_64", "Last release with native code (any variant)",
                  "Last PyPI default with native code", "Last Windows build with native code"], rows)


STATUS_TEXT = {"planned": "planned", "done": "happened as announced", "not-done": "**not as announced**",
               "unknown": "not measurable from the recorded data"}


def announcement_table(kb: query.KB) -> str:
    what = {"cuda": lambda a: f"CUDA {esc(a.subject)} builds",
            "python": lambda a: f"Python {esc(a.subject)}",
            "architecture": lambda a: f"{code(sm_label(a.subject))} native code"
            + (f" in the {code(a.variant)} build" if a.variant else "")}
    rows = []
    for a in sorted(kb.data.announcements, key=lambda a: (versions.parse(a.torch), a.kind, a.subject),
                    reverse=True):
        st = query.announcement_status(kb, a)
        rows.append([esc(a.torch), what[a.kind](a), esc(a.announced or "—"),
                     f"{STATUS_TEXT[st['status']]}: {esc(st['detail'])}", esc(a.summary) + " " + sources(a.sources)])
    return table(["Torch release", "Removal", "Announced", "Recorded builds", "What was said"], rows)


def page_deprecations(kb: query.KB) -> Page:
    body = ["# Deprecation timeline", "",
            "When each GPU generation lost native code in the published PyTorch builds, computed from the "
            "architecture lists on the [support map](arch-support.md). \"Last release\" is the newest release "
            "in which some build still has native code for that compute capability; a GPU may still run a "
            "newer build through PTX (see its architecture page). Windows lists are partly secondary sources. "
            "Jetson modules are aarch64 systems and are not listed: these x86_64 builds do not run on them.",
            "", deprecation_table(kb), ""]
    if kb.data.announcements:
        body += ["## Announced removals", "",
                 "Removals as PyTorch announced them, each checked against the builds recorded here: the "
                 "first recorded release at or after the announced one either no longer has the CUDA "
                 "version, Python version or native target (`sm_XX` in the Linux x86_64 list, measured "
                 "for the PyPI default), or still has it. Plans change: an announcement that did not "
                 "happen stays listed with what the builds show.", "",
                 announcement_table(kb), ""]
    return Page("deprecations.md", "\n".join(body))
