"""Which builds carry code for a GPU."""

from __future__ import annotations

from typing import Any

from .. import versions
from .index import KB, find_gpu


def build_code(arch: Any, gpu_cc: str, tegra: bool = False) -> str | None:
    """``native`` when the build has SASS that runs on this capability, ``ptx`` when it can only
    JIT PTX, ``None`` when it has neither. ``tegra``: the GPU is an integrated Tegra GPU (Jetson),
    which runs native code built for exactly its capability only."""
    if gpu_cc in arch.sm:  # the exact target: always runs (the common case, checked first)
        return "native"
    c = versions.cc(gpu_cc)
    if any(c.runs_cubin(versions.cc(s), tegra) for s in arch.sm):
        return "native"
    if any(c.jits_ptx(versions.cc(p)) for p in arch.ptx):
        return "ptx"
    return None


def code_for(kb: KB, arch: Any, gpu_cc: str) -> str | None:
    """:func:`build_code` with the knowledge base saying whether ``gpu_cc`` is a Tegra GPU."""
    return build_code(arch, gpu_cc, gpu_cc in kb.tegra)


def gpu_report(kb: KB, name: str) -> dict[str, Any]:
    g = find_gpu(kb, name)
    native, ptx, none = [], [], []
    for t in kb.releases:
        for v in t.variants:
            for plat, al in v.platforms.items():
                row = {"torch": t.version, "variant": v.variant, "platform": plat}
                code = code_for(kb, al, g.compute_capability)
                (native if code == "native" else ptx if code == "ptx" else none).append(row)
    return {
        "name": g.name,
        "id": g.id,
        "smi_names": list(g.smi_names),
        "aliases": list(g.aliases),
        "compute_capability": g.compute_capability,
        "sm": versions.sm_name(g.compute_capability),
        "architecture": kb.architecture_name(g.architecture),
        "segment": g.segment,
        "builds": {"native": native, "ptx_only": ptx},
        "no_code": none,
        "sources": list(g.sources),
    }
