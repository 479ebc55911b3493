"""The release matrix, the releases index and one page per torch release."""

from __future__ import annotations

from typing import Any

from ... import versions
from ...answers import commands
from ...answers.companions import LIBRARIES, companions_report, install_extras
from ...answers.index import KB
from ...text.markdown import code, esc, fence, slug, sm_label, sources, table
from ...text.titles import PLATFORM_TITLE
from ..links import md
from ..page import Page


def companions_section(kb: KB, t: Any) -> list[str]:
    """What goes with this release: its domain libraries and the triton each build pins."""
    c = companions_report(kb, t)
    libs = [f"{lib} {code(c[lib])}" for lib in LIBRARIES if c[lib]]
    if not libs and not c["triton"]:
        return []
    out = ["## Goes with", ""]
    if libs:
        out += ["Released with it: " + ", ".join(libs) + f" ([all releases]({md(f'releases/{t.version}.md', 'companions.md')}))."
                + (" Sources: " + sources(c["sources"]) if c["sources"] else ""), ""]
    for variant, tr in c["triton"].items():
        if tr and tr.get("version"):
            out.append(f"- {code(variant)} pins triton {code(tr['pin'])}: triton {esc(tr['version'])} bundles ptxas "
                       f"{esc(tr['ptxas'])}" + (f" and {esc(tr['ptxas_blackwell'])} for Blackwell" if tr["ptxas_blackwell"] else "")
                       + f", targets up to {code(tr['max_target_sm'])}.")
        elif tr:
            out.append(f"- {code(variant)} pins triton {code(tr['pin'])}.")
    return out + [""]


def release_matrix(kb: KB, here: str = "matrix.md") -> str:
    rows = []
    for t in kb.releases:
        py = t.python
        for v in t.variants:
            rows.append([
                f"[{esc(t.version)}]({md(here, f'releases/{t.version}.md')})",
                esc(t.date or ""),
                esc(f"{py.min}–{py.max or '…'}") if py else "",
                code(v.variant),
                esc(v.cuda or "—"),
                esc(v.cudnn or ""),
                esc(v.nccl or ""),
                "**PyPI default**" if v.default else ("as built for " + esc(v.inherited_from)
                                                      if v.inherited_from else ""),
            ])
    return table(["Release", "Date", "Python", "Variant", "CUDA", "cuDNN", "NCCL", "`pip install torch`"], rows)


def page_matrix(kb: KB) -> Page:
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


def page_release(kb: KB, t: Any) -> Page:
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
    body += companions_section(kb, t)
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
        if v.inherited_from:
            body += [f"Not measured for this patch release: as built for [{esc(v.inherited_from)}]"
                     f"({md(here, f'releases/{v.inherited_from}.md')}), whose build set it rebuilt.", ""]
        if v.cuda:
            body += [f"Needs a driver for CUDA {esc(v.cuda)}: see [CUDA {esc(v.cuda)}]"
                     f"({md(here, 'cuda-drivers.md')}#{slug(v.cuda)}).", ""]
        body += [fence(commands.pip_install(t, v, "linux", install_extras(kb, t, v)), "bash"), ""]
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


def page_releases_index(kb: KB) -> Page:
    rows = [[f"[{esc(t.version)}]({t.version}.md)", esc(t.date or ""),
             esc(f"{t.python.min}–{t.python.max or '…'}") if t.python else "",
             ", ".join(code(v.variant) for v in t.variants)] for t in kb.releases]
    body = ["# PyTorch releases", "", "One page per release with its build variants, install commands, "
            "architectures and images.", "", table(["Release", "Date", "Python", "Variants"], rows), ""]
    return Page("releases/index.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_matrix(kb), page_releases_index(kb), *(page_release(kb, t) for t in kb.releases)]
