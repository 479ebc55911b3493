"""The stack around torch: which torchvision, torchaudio, triton and extension packages go with each
release (one page, found by searching e.g. "torchvision 0.22.1")."""

from __future__ import annotations

from collections import defaultdict

from ... import versions
from ...answers.companions import LIBRARIES, triton_row
from ...answers.index import KB
from ...text.markdown import code, esc, sources, table
from ..page import Page, unindexed


def companions_table(kb: KB) -> str:
    rows = []
    for t in kb.releases:
        c = kb.companions.get(t.version)
        pins = sorted({v.triton for v in t.variants if v.triton})
        rows.append([f"[{esc(t.version)}](releases/{t.version}.md)",
                     *[code(getattr(c, lib)) if c and getattr(c, lib) else "—" for lib in LIBRARIES],
                     ", ".join(code(p) for p in pins) or "—", sources(c.sources) if c else ""])
    return table(["torch", *LIBRARIES, "triton", "Sources"], rows)


def triton_table(kb: KB) -> str:
    used: dict[str, list[str]] = defaultdict(list)
    for t in kb.releases:
        for v in t.variants:
            r = triton_row(kb, v.triton)
            if r is not None and t.version not in used[r.version]:
                used[r.version].append(t.version)
    rows = [[code(r.version), esc(r.ptxas), esc(r.ptxas_blackwell or "—"), code(versions.cc(r.max_target).sm),
             esc(", ".join(used.get(r.version, [])) or "—"), sources(r.sources)]
            for r in sorted(kb.data.triton, key=lambda r: versions.parse(r.version), reverse=True)]
    return table(["triton", "Bundled ptxas", "ptxas for Blackwell", "Newest target", "Pinned by torch", "Sources"], rows)


def extensions_tables(kb: KB) -> list[str]:
    out = []
    for package in sorted({e.package for e in kb.data.extensions}):
        rows = []
        for e in sorted((e for e in kb.data.extensions if e.package == package),
                        key=lambda e: versions.parse(e.version), reverse=True):
            built = "wheels" if e.binary else "source only" + (f" ({esc(e.build_needs)})" if e.build_needs else "")
            rows.append([code(e.version), esc(", ".join(e.torch) or "—"), esc(", ".join(e.cuda) or "—"),
                         esc(", ".join(versions.cc(c).sm for c in e.sass) or "—"), built, sources(e.sources)])
        out += [f"### {esc(package)}", "",
                unindexed(table(["Version", "torch", "CUDA", "Native code", "Binaries", "Sources"], rows)), ""]
    return out


def page_companions(kb: KB) -> Page:
    body = ["# torchvision, torchaudio, triton and extensions", "",
            "What goes with each torch release. A mismatched torchvision or an extension built for another "
            "torch fails at import (`operator torchvision::nms does not exist`, \"built for PyTorch X, you have "
            "Y\"). The install commands on this site install torch with its torchvision and torchaudio from "
            "one index. Pairings are read from the companions' own wheels (an exact `torch==X` pin) where "
            "they state one, else from their release notes.", "",
            "## Domain libraries", "", companions_table(kb), "",
            "## triton", "",
            "Every Linux build pins a triton; triton compiles `torch.compile` kernels with the NVIDIA assembler "
            "(ptxas) it bundles, which must know the GPU's architecture.", "", triton_table(kb), "",
            "## Extension packages", ""] + extensions_tables(kb)
    return Page("companions.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_companions(kb)]
