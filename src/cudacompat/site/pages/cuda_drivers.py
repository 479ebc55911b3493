"""CUDA toolkits and the drivers they need."""

from __future__ import annotations

from ... import versions
from ...answers.index import KB
from ...text.markdown import esc, slug, sm_label, sources, table
from ..page import Page, unindexed


def driver_table(kb: KB) -> str:
    rows = []
    for tk in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version), reverse=True):
        major = kb.majors.get(versions.parse(tk.version).release[0])
        mvc = major.minor_version_compat_min_driver if major else None
        first = min(tk.releases, key=lambda r: versions.parse(r.version))
        for r in sorted(tk.releases, key=lambda r: versions.parse(r.version)):
            rows.append([
                f'<span id="{slug(tk.version)}"></span>{esc(tk.version)}' if r is first else esc(tk.version),
                esc(f"{r.version} {r.name}"),
                esc(r.min_driver.linux or "n/a"),
                esc(r.min_driver.windows or "n/a"),
                esc(f"{mvc.linux or 'n/a'} / {mvc.windows or 'n/a'}") if mvc else "",
                esc(f"{sm_label(tk.arch_range.min)}–{sm_label(tk.arch_range.max)}") if tk.arch_range else "",
            ])
    return table(["CUDA", "Release", "Linux ≥", "Windows ≥", "Minor-version compat ≥ (Linux / Windows)",
                  "Compiles for"], rows)


def page_cuda_drivers(kb: KB) -> Page:
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
    body.append(unindexed("\n".join(f"- CUDA {esc(tk.version)}: {sources(tk.sources)}" for tk in
                                     sorted(kb.data.cuda, key=lambda c: versions.parse(c.version), reverse=True))))
    body.append("")
    return Page("cuda-drivers.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_cuda_drivers(kb)]
