"""Facts about the kind of machine: the signs of WSL 2 and of a Jetson (its L4T and JetPack), and the
user-space libcuda files the loader finds ahead of the host driver's (CUDA forward compatibility)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import versions
from ..answers.index import KB
from ..answers.platforms import jetpack_for_l4t
from .parsers import is_wsl_kernel, libcuda_version, parse_device_model, parse_tegra_release
from .probes import MAX_LD_DIRS, Probes, ld_dirs, ldconf_dirs


@dataclass(frozen=True)
class Jetson:
    """A Jetson: its L4T release (``/etc/nv_tegra_release``, else the kernel module's version), the
    JetPack that L4T belongs to in the knowledge base, the board's model."""

    l4t: str | None
    jetpack: str | None
    model: str | None
    cuda: str | None = None
    sbsa: bool | None = None


@dataclass(frozen=True)
class ForwardCompat:
    """A user-space ``libcuda`` the loader finds before the host driver's: ``via`` LD_LIBRARY_PATH or
    an ``/etc/ld.so.conf.d`` file. ``newer``: it is newer than the kernel module (CUDA forward
    compatibility); otherwise it is older and mismatches the driver."""

    path: str
    version: str
    via: str
    host: str | None
    newer: bool | None


def wsl_signals(p: Probes) -> list[str]:
    """Why this Linux is WSL 2: its kernel, its GPU paravirtualisation device, the Windows driver's
    libraries mounted into it (NVIDIA's CUDA on WSL User Guide)."""
    out = []
    if is_wsl_kernel(str(p.platform.get("release") or "")) or is_wsl_kernel(p.kernel_version.text):
        out.append("kernel: " + " ".join(str(p.platform.get("release") or "microsoft").split())[:80])
    if "dxg" in (p.dev.text or "").split("\n"):
        out.append("/dev/dxg")
    if p.wsl_lib.text is not None:
        out.append("/usr/lib/wsl/lib")
    if p.env.get("WSL_DISTRO_NAME"):
        out.append("WSL_DISTRO_NAME")
    return out


def jetson_signals(p: Probes, pv: dict[str, Any]) -> list[str]:
    """Why this is a Jetson: L4T's release file, a kernel module that reports an L4T release, a
    Jetson device-tree model, a ``-tegra`` kernel."""
    out = []
    if parse_tegra_release(p.tegra_release.text):
        out.append("/etc/nv_tegra_release")
    if pv["l4t"]:
        out.append("/proc/driver/nvidia/version (L4T)")
    model = parse_device_model(p.device_model.text) or ""
    if "jetson" in model.casefold():
        out.append("device-tree model")
    if str(p.platform.get("release") or "").endswith("-tegra"):
        out.append("kernel: " + str(p.platform.get("release"))[:80])
    return out


def jetpack_info(p: Probes, pv: dict[str, Any], kb: KB | None) -> Jetson:
    l4t = parse_tegra_release(p.tegra_release.text) or pv["l4t"]
    jp = jetpack_for_l4t(kb, l4t) if kb is not None and l4t else None
    return Jetson(l4t, jp.version if jp else None, parse_device_model(p.device_model.text),
                  jp.cuda if jp else None, jp.sbsa if jp else None)


def forward_compat(p: Probes, host: str | None) -> list[ForwardCompat]:
    """The user-space libcuda files the loader finds first: in a directory on LD_LIBRARY_PATH, or one
    an ``/etc/ld.so.conf.d`` file names (where the CUDA images' ``cuda-compat`` package is put in use)."""
    places = [(d, "LD_LIBRARY_PATH", p.ld.get(d)) for d in ld_dirs(p.env)[:MAX_LD_DIRS]]
    for conf, raw in p.ldconf.items():
        for d in ldconf_dirs({conf: raw}):
            places.append((d, conf, p.ldconf_dirs.get(d)))
    out, seen = [], set()
    for d, via, raw in places:
        for name in ((raw.text or "").split("\n") if raw and raw.text else []):
            ver = libcuda_version(name)
            path = f"{d.rstrip('/')}/{name}"
            if ver is None or path in seen:
                continue
            seen.add(path)
            newer = None
            if host:
                newer = versions.driver(ver) > versions.driver(host) if ver != host else None
            if newer is not None:
                out.append(ForwardCompat(path, ver, via, host, newer))
    return out
