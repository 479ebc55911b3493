"""The container image catalogue: pytorch/pytorch tags and NVIDIA NGC containers."""

from __future__ import annotations

from typing import Any

from ... import versions
from ...answers.cuda import cuda_report
from ...answers.index import KB
from ...text.markdown import code, esc, sources, table
from ..links import md
from ..page import Page, unindexed


def image_tables(kb: KB, here: str = "images.md") -> str:
    rows = []
    variants: dict[tuple[str, str], Any] = {}  # an index: a scan per image is quadratic in the rows
    for t in kb.releases:
        for v in t.variants:
            variants.setdefault((t.version, v.variant), v)
    for im in sorted(kb.data.images, key=lambda i: (versions.parse(i.torch), i.tag), reverse=True):
        var = variants.get((im.torch, im.variant))
        need = ""
        if var and var.cuda:
            rep = cuda_report(kb, var.cuda)
            need = f"≥ {esc(rep['min_driver']['linux'] or 'n/a')}"
            if rep["minor_version_compat_min_driver"]:
                need += f" (≥ {esc(rep['minor_version_compat_min_driver']['linux'] or 'n/a')} with minor-version compat)"
        rows.append([code(im.id), esc(im.flavor), f"[{esc(im.torch)}]({md(here, f'releases/{im.torch}.md')})",
                     code(im.variant), esc(var.cuda if var and var.cuda else ""), esc(im.cudnn or ""), need,
                     esc(", ".join(im.platforms)), sources(im.sources)])
    return table(["Image", "Flavor", "torch", "Variant", "CUDA", "cuDNN", "Host driver (Linux)", "Platforms",
                  "Source"], rows)


def ngc_table(kb: KB) -> str:
    rows = []
    for n in sorted(kb.data.ngc, key=lambda n: n.release, reverse=True):
        md_ = n.min_driver.linux if n.min_driver and n.min_driver.linux else ""
        tk = n.toolkit_driver.linux if n.toolkit_driver and n.toolkit_driver.linux else ""
        gpus = f"{versions.cc(n.min_compute_capability).sm} and newer" if n.min_compute_capability else ""
        rows.append([code(n.id), esc(n.torch or ""), esc(n.cuda or ""), esc(n.cudnn or ""), esc(n.nccl or ""),
                     esc(n.python or ""), esc(n.ubuntu or ""), esc(md_) + (f" ({esc(tk)} for every feature)" if tk else ""),
                     esc(gpus), esc(", ".join(n.forward_compat_drivers)), sources(n.sources)])
    return table(["Container", "torch", "CUDA", "cuDNN", "NCCL", "Python", "Ubuntu", "Driver ≥", "GPUs",
                  "Data-center forward-compat drivers", "Source"], rows)


def page_images(kb: KB) -> Page:
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
        unindexed(image_tables(kb)) if kb.data.images else "_None recorded yet._",
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


def pages(kb: KB) -> list[Page]:
    return [page_images(kb)]
