"""The facts about a machine: typed records built from the probes by the pure parsers.

:func:`build` never raises on what the machine answered; what it could not read is listed in
``unreadable``. ``dataclasses.asdict`` gives the ``--json`` document's ``facts``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from .. import __version__, versions
from ..answers.index import KB, QueryError, find_gpu
from .parsers import (
    cc_or_none,
    parse_cgroup,
    parse_nvcc,
    parse_os_release,
    parse_proc_version,
    parse_smi,
    parse_statvfs,
    parse_torch,
    soname,
)
from .platform_facts import ForwardCompat, Jetson, forward_compat, jetpack_info, jetson_signals, wsl_signals
from .probes import MAX_LD_DIRS, SMI_FIELDS, Probes, Raw, ld_dirs


@dataclass(frozen=True)
class Platform:
    """``key``: the wheels' platform (``linux-x86_64``); ``guide``: the guide's platform, which tells
    WSL 2 (Linux wheels, the Windows host's driver) and Jetson (Tegra) apart; ``signals``: why."""

    os: str
    arch: str
    key: str
    system: str | None = None
    kernel: str | None = None
    python: str | None = None
    python_executable: str | None = None
    guide: str | None = None
    signals: tuple[str, ...] = ()
    distribution: str | None = None  # /etc/os-release's name, e.g. Ubuntu 24.04.1 LTS


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str | None
    compute_capability: str | None
    sm: str | None
    capability_from: str | None
    memory_mib: int | None
    kb_name: str | None
    truncated: bool = False
    segment: str | None = None  # datacenter, workstation, consumer, embedded (the knowledge base's)


@dataclass(frozen=True)
class Smi:
    status: str
    gpus: tuple[dict, ...] = ()
    message: str | None = None
    skipped_lines: int = 0
    fields: tuple[str, ...] = SMI_FIELDS
    where: str | None = None
    nvml_library: str | None = None
    unsupported_field: str | None = None
    retried_without: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Driver:
    version: str | None
    source: str | None
    kernel_module: str | None
    open_kernel_module: bool | None
    l4t: str | None
    nvml_library: str | None


@dataclass(frozen=True)
class Torch:
    status: str
    version: str | None = None
    cuda: str | None = None
    hip: str | None = None
    cudnn: str | None = None
    nccl: str | None = None
    arch: dict | None = None
    available: bool | None = None
    device_count: int | None = None
    devices: tuple[dict, ...] = ()
    why_unavailable: str | None = None
    warnings: tuple[str, ...] = ()
    python: str | None = None
    executable: str | None = None
    file: str | None = None
    wheel_libs: tuple[str, ...] = ()
    packages: dict[str, str] = field(default_factory=dict)  # torchvision, triton, xformers, ... as installed
    error: str | None = None


@dataclass(frozen=True)
class Container:
    detected: bool
    signals: tuple[str, ...]
    runtime: str | None
    nvidia_env: dict[str, str]
    image: str | None


@dataclass(frozen=True)
class Nvcc:
    path: str | None
    release: str | None
    version: str | None


@dataclass(frozen=True)
class LdDir:
    dir: str
    readable: bool
    cuda_libs: tuple[str, ...]


@dataclass(frozen=True)
class Unreadable:
    what: str
    why: str


@dataclass(frozen=True)
class Facts:
    cudacompat: str
    platform: Platform
    gpus: tuple[Gpu, ...]
    nvidia_smi: Smi
    driver: Driver
    device_nodes: tuple[str, ...]
    torch: Torch
    cuda_visible_devices: str | None
    container: Container
    shm: dict[str, int] | None
    ld_library_path: tuple[LdDir, ...]
    nvcc: Nvcc
    cuda_home: str | None
    unreadable: tuple[Unreadable, ...] = field(default_factory=tuple)
    jetson: Jetson | None = None
    forward_compat: tuple[ForwardCompat, ...] = ()

    def gpu_seen(self) -> bool:
        return bool(self.gpus) or any(re.fullmatch(r"nvidia\d+", n) for n in self.device_nodes)


def platform_key(system: str, machine: str) -> tuple[str, str]:
    os_ = {"linux": "linux", "windows": "windows", "darwin": "macos"}.get(system.casefold(), system.casefold() or "unknown")
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}.get(
        machine.casefold(), machine.casefold() or "unknown")
    return os_, arch


def _kb_gpu(kb: KB | None, name: str | None) -> Any:
    if kb is None or not name:
        return None
    try:
        return find_gpu(kb, name)
    except QueryError:
        return None


def build(p: Probes, kb: KB | None = None) -> Facts:
    """All probes -> facts. ``kb`` only names GPUs and fills in capabilities."""
    unread: list[Unreadable] = []

    def unreadable(what: str, why: str | None) -> None:
        if why:
            unread.append(Unreadable(what, why.removeprefix(what + ": ")))

    env = p.env
    os_, arch = platform_key(str(p.platform.get("system", "")), str(p.platform.get("machine", "")))
    t = parse_torch(p.torch)
    if t["status"] == "unreadable":
        unreadable("torch", t["error"] or "the probe gave no answer")

    smi = parse_smi(p.smi.text, p.smi_fields)
    smi["fields"] = tuple(p.smi_fields)
    smi["where"] = p.smi.where
    if p.smi.text is None:
        smi["status"] = "absent" if "not found" in (p.smi.error or "not found") else "unreadable"
        smi["message"] = p.smi.error
        unreadable("nvidia-smi", p.smi.error)
    elif smi["status"] not in ("ok", "no-devices"):
        unreadable("nvidia-smi", smi["message"] or f"no GPU rows in its output (exit status {p.smi.rc})")
    if p.smi_first is not None:
        first = parse_smi(p.smi_first.text, SMI_FIELDS)
        smi["retried_without"] = first.get("unsupported_field")
        smi["note"] = (f"this nvidia-smi does not know the {first.get('unsupported_field')} field "
                       "(drivers before the 510 branch); capabilities come from the knowledge base")
    pv = parse_proc_version(p.proc_version.text)
    wsl = wsl_signals(p) if os_ == "linux" else []
    tegra = jetson_signals(p, pv) if (os_, arch) == ("linux", "aarch64") else []
    wsl2 = arch == "x86_64" and bool({"/dev/dxg", "/usr/lib/wsl/lib"} & set(wsl))  # WSL 1 has neither
    guide = "jetson" if tegra else "wsl2" if wsl2 else f"{os_}-{arch}"
    if p.proc_version.text is None and os_ == "linux" and guide != "wsl2":
        unreadable("/proc/driver/nvidia/version", p.proc_version.error)
    elif p.proc_version.text is not None and not pv["line"]:
        unreadable("/proc/driver/nvidia/version", "no NVRM version line in it")

    gpus = []
    for i, g in enumerate(smi["gpus"]):
        tdev = t["devices"][i] if i < len(t["devices"]) else None
        kg = _kb_gpu(kb, g["name"])
        cc, src = g["compute_capability"], "nvidia-smi"
        if not cc and tdev and tdev.get("compute_capability"):
            cc, src = tdev["compute_capability"], "torch"
        if not cc and kg:
            cc, src = kg.compute_capability, "knowledge base"
        gpus.append(Gpu(g["index"] if g["index"] is not None else i, g["name"], cc, versions.cc(cc).sm if cc else None,
                        src if cc else None, g["memory_mib"], kg.name if kg else None, g["truncated"],
                        kg.segment if kg else None))
    if not gpus and t["devices"]:  # nvidia-smi unreadable but torch sees devices
        for i, d in enumerate(t["devices"]):
            kg = _kb_gpu(kb, d["name"])
            cc = d["compute_capability"] or (kg.compute_capability if kg else None)
            gpus.append(Gpu(i, d["name"], cc, versions.cc(cc).sm if cc else None, "torch" if cc else None,
                            None, kg.name if kg else None, False, kg.segment if kg else None))
    jetson = jetpack_info(p, pv, kb) if tegra else None
    if not gpus and jetson and jetson.model:  # JetPack 5 and older have no nvidia-smi
        kg = _kb_gpu(kb, jetson.model)
        if kg:
            gpus.append(Gpu(0, jetson.model, kg.compute_capability, versions.cc(kg.compute_capability).sm,
                            "knowledge base", None, kg.name, False, kg.segment))

    smi_drivers = sorted({g["driver"] for g in smi["gpus"] if g["driver"]})
    driver = Driver(version=smi_drivers[0] if smi_drivers else pv["driver"],
                    source="nvidia-smi" if smi_drivers else ("/proc/driver/nvidia/version" if pv["driver"] else None),
                    kernel_module=pv["driver"], open_kernel_module=pv["open"], l4t=pv["l4t"],
                    nvml_library=smi.get("nvml_library"))

    nodes = tuple(n for n in ((p.dev.text or "").split("\n") if p.dev.text else []) if n.startswith("nvidia"))

    runtime = parse_cgroup(p.cgroup.text)
    signals = []
    if p.dockerenv:
        signals.append("/.dockerenv")
    if p.containerenv:
        signals.append("/run/.containerenv")
    if runtime:
        signals.append(f"cgroup: {runtime}")
    if env.get("KUBERNETES_SERVICE_HOST"):
        signals.append("KUBERNETES_SERVICE_HOST")
    if env.get("container"):
        signals.append(f"container={env['container'][:40]}")
    nv_env = {k: v[:300] for k, v in sorted(env.items())
              if k.startswith(("NVIDIA_", "NV_CUDA")) or k in ("CUDA_VERSION", "PYTORCH_VERSION")}
    container = Container(bool(signals), tuple(signals),
                          runtime or ("docker" if p.dockerenv else "podman" if p.containerenv else None),
                          nv_env, p.image)

    shm = parse_statvfs(p.shm.text)
    if shm is None and os_ == "linux":
        unreadable("/dev/shm", p.shm.error or "unreadable statvfs numbers")

    nv = parse_nvcc(p.nvcc.text)
    nvcc = Nvcc(p.nvcc.where if p.nvcc.text is not None else None, nv["release"], nv["version"])
    if p.nvcc.text is not None and not nv["release"]:
        unreadable("nvcc", "no release line in `nvcc --version`")

    ld = []
    for d in ld_dirs(env)[:MAX_LD_DIRS]:
        r = p.ld.get(d, Raw(error="not listed"))
        names = (r.text or "").split("\n") if r.text else []
        ld.append(LdDir(d, r.text is not None, tuple(sorted({n for n in names if soname(n)})[:200])))

    python = t["python"] or str(p.platform.get("python") or "") or None
    torch = Torch(**{**t, "devices": tuple(t["devices"]), "warnings": tuple(t["warnings"]),
                     "wheel_libs": tuple(t["wheel_libs"])})
    return Facts(
        cudacompat=__version__,
        platform=Platform(os_, arch, f"{os_}-{arch}", p.platform.get("system"), p.platform.get("release"), python,
                          t["executable"] or p.platform.get("executable"), guide, tuple(wsl or tegra),
                          parse_os_release(p.os_release.text)),
        gpus=tuple(gpus),
        nvidia_smi=Smi(**{**smi, "gpus": tuple(smi["gpus"])}),
        driver=driver,
        device_nodes=nodes,
        torch=torch,
        cuda_visible_devices=env.get("CUDA_VISIBLE_DEVICES"),
        container=container,
        shm=shm,
        ld_library_path=tuple(ld),
        nvcc=nvcc,
        cuda_home=env.get("CUDA_HOME") or env.get("CUDA_PATH"),
        unreadable=tuple(unread),
        jetson=jetson,
        forward_compat=tuple(forward_compat(p, driver.kernel_module or driver.version)),
    )


def wheel_library_dirs(t: Torch) -> dict[str, str]:
    """soname -> the wheel directory that holds it."""
    out: dict[str, str] = {}
    for path in t.wheel_libs:
        key = soname(os.path.basename(path))
        if key:
            out.setdefault(key, os.path.dirname(path))
    return out


__all__ = ["Facts", "build", "cc_or_none"]
