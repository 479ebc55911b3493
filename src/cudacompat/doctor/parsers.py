"""Pure parsers: text in, facts out; none of them raises, whatever the text."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import versions
from .probes import FIELD_RE, SMI_FIELDS, TORCH_MARK, Raw

# libraries a CUDA wheel brings (in torch/lib or nvidia/*/lib) that a directory on
# LD_LIBRARY_PATH can shadow
CUDA_LIB_PREFIXES = ("libcudart", "libcublas", "libcudnn", "libcufft", "libcurand", "libcusolver",
                     "libcusparse", "libnccl", "libnvrtc", "libnvJitLink", "libcupti", "libnvToolsExt",
                     "libcufile", "libnvshmem", "libcusparseLt", "libnvperf", "libcudss")

_NO_DRIVER_RE = re.compile(r"couldn.t communicate with the NVIDIA driver", re.I)
_MISMATCH_RE = re.compile(r"Driver/library version mismatch", re.I)
_NVML_LIB_RE = re.compile(r"NVML library version:\s*([\d.]+)")
_NA = {"", "n/a", "[n/a]", "[not supported]", "not supported", "[unknown error]", "[insufficient permissions]"}
_HEADER_CELL = re.compile(r"^[a-z][a-z0-9_.]*(?: \[[^\]]*\])?$", re.I)


def _clean(value: str) -> str | None:
    v = value.strip()
    return None if v.casefold() in _NA or (v.startswith("[") and v.endswith("]")) else v


def cc_or_none(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(versions.cc(text))
    except ValueError:
        return None


def driver_or_none(text: str | None) -> str | None:
    if not text:
        return None
    try:
        versions.driver(text)
    except versions.InvalidVersion:
        return None
    return text.strip()


def _int(text: str | None) -> int | None:
    """A plain decimal number, or None: ``"²".isdigit()`` is true but int() rejects it, and int()
    raises on more than 4300 digits."""
    t = (text or "").strip()
    return int(t) if t.isdecimal() and len(t) <= 30 else None


def _mib(text: str | None) -> int | None:
    m = re.match(r"^\s*(\d+)\s*(MiB)?\s*$", text or "")
    return _int(m.group(1)) if m else None


def parse_smi(text: str | None, fields: tuple[str, ...] | list[str] = SMI_FIELDS) -> dict[str, Any]:
    """``nvidia-smi --query-gpu=... --format=csv[,noheader]`` output (or its failure message).

    ``status``: ``ok``, ``no-driver``, ``no-devices``, ``nvml-mismatch``, ``field-unsupported``,
    ``error`` or ``empty``. A header line, when present, overrides ``fields``; rows with fewer
    cells than fields are kept and marked ``truncated``; rows that cannot be read are counted."""
    out: dict[str, Any] = {"status": "empty", "gpus": [], "message": None, "skipped_lines": 0}
    if not text or not text.strip():
        return out
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    msg = next((ln for ln in lines if _NO_DRIVER_RE.search(ln) or _MISMATCH_RE.search(ln)
                or FIELD_RE.search(ln) or "No devices were found" in ln
                or ln.startswith(("Failed to initialize NVML", "NVIDIA-SMI has failed"))), None)
    if msg:
        out["message"] = msg[:500]
        if _NO_DRIVER_RE.search(msg):
            out["status"] = "no-driver"
        elif _MISMATCH_RE.search(text):
            out["status"] = "nvml-mismatch"
            m = _NVML_LIB_RE.search(text)
            out["nvml_library"] = m.group(1) if m else None
        elif m := FIELD_RE.search(msg):
            out["status"], out["unsupported_field"] = "field-unsupported", m.group(1)
        elif "No devices were found" in msg:
            out["status"] = "no-devices"
        else:
            out["status"] = "error"
        return out
    cols = [f.strip() for f in fields]
    for ln in lines:
        cells = [c.strip() for c in ln.split(",")]
        if all(_HEADER_CELL.match(c) for c in cells) and any(c.split(" ")[0] in {
                "name", "compute_cap", "driver_version", "index", "memory.total", "gpu_name", "uuid"} for c in cells):
            cols = [c.split(" ")[0] for c in cells]
            continue
        if len(cells) > len(cols):
            out["skipped_lines"] += 1
            continue
        row = dict(zip(cols, cells, strict=False))
        name = _clean(row.get("name") or row.get("gpu_name") or "")
        cc_raw = _clean(row.get("compute_cap") or "")
        cc = cc_or_none(cc_raw)
        drv_raw = _clean(row.get("driver_version") or "")
        idx = row.get("index", "").strip()
        if not name and not cc:
            out["skipped_lines"] += 1
            continue
        out["gpus"].append({
            "index": _int(idx),
            "name": name,
            "compute_capability": cc,
            "driver": driver_or_none(drv_raw),
            "driver_text": drv_raw,
            "memory_mib": _mib(row.get("memory.total")),
            "truncated": len(cells) < len(cols),
        })
    out["status"] = "ok" if out["gpus"] else ("error" if out["skipped_lines"] else "empty")
    return out


def parse_proc_version(text: str | None) -> dict[str, Any]:
    """``/proc/driver/nvidia/version``: the kernel module's version, open or proprietary.
    On Jetson the number is an L4T release, not a driver branch, and is reported as such."""
    out: dict[str, Any] = {"driver": None, "open": None, "l4t": None, "line": None}
    if not text:
        return out
    m = re.search(r"NVRM version:.*?Kernel Module(?: for \S+)?\s+(\d+(?:\.\d+)+)", text)
    if not m:
        return out
    out["line"] = m.group(0)[:300]
    out["open"] = "Open Kernel Module" in m.group(0)
    ver = m.group(1)
    major = _int(ver.split(".")[0])
    if major is not None and major < 100:
        out["l4t"] = ver
    else:
        out["driver"] = driver_or_none(ver)
    return out


def parse_nvcc(text: str | None) -> dict[str, Any]:
    """``nvcc --version``: the toolkit's release (``13.0``) and full version (``13.0.88``)."""
    m = re.search(r"release (\d+\.\d+), V(\d+(?:\.\d+)+)", text or "")
    return {"release": m.group(1), "version": m.group(2)} if m else {"release": None, "version": None}


def parse_cgroup(text: str | None) -> str | None:
    """The container runtime a ``/proc/self/cgroup`` names, if any."""
    t = (text or "").casefold()
    for needle, runtime in (("kubepods", "kubernetes"), ("libpod", "podman"), ("docker", "docker"),
                            ("containerd", "containerd"), ("lxc", "lxc"), ("garden", "garden")):
        if needle in t:
            return runtime
    return None


def parse_statvfs(text: str | None) -> dict[str, int] | None:
    """``f_frsize f_blocks f_bavail`` -> total and free bytes."""
    m = re.match(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s*$", text or "")
    if not m:
        return None
    frsize, blocks, avail = (_int(g) for g in m.groups())
    if frsize is None or blocks is None or avail is None:
        return None
    return {"total_bytes": frsize * blocks, "free_bytes": frsize * avail}


def cudnn_version(value: Any) -> str | None:
    """``torch.backends.cudnn.version()`` (``90100``, ``8902``) -> ``9.1.0`` / ``8.9.2``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    if value >= 10000:
        return f"{value // 10000}.{value % 10000 // 100}.{value % 100}"
    return f"{value // 1000}.{value % 1000 // 100}.{value % 100}"


def nccl_version(value: Any) -> str | None:
    """``torch.cuda.nccl.version()``: a tuple ``(2, 21, 5)`` or, before 1.13, an int ``2708``."""
    if isinstance(value, list | tuple) and value and all(isinstance(x, int) for x in value):
        return ".".join(map(str, value))
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return f"{value // 1000}.{value % 1000 // 100}.{value % 100}"
    return None


def parse_arch_flags(text: Any) -> dict[str, list[str]] | None:
    """``sm_80 sm_90 compute_90`` -> ``{"sm": ["8.0", "9.0"], "ptx": ["9.0"]}``."""
    if not isinstance(text, str) or not text.strip():
        return None
    sm, ptx = [], []
    for tok in re.split(r"[\s;,]+", text.strip()):
        try:
            c = str(versions.cc(tok))
        except ValueError:
            continue
        (ptx if tok.lower().startswith("compute_") else sm).append(c)
    return {"sm": sm, "ptx": ptx} if sm or ptx else None


def soname(name: str) -> str | None:
    m = re.match(r"^(lib[A-Za-z0-9_+-]+?)\.so\.(\d+)", name)
    return f"{m.group(1)}.so.{m.group(2)}" if m and m.group(1).startswith(CUDA_LIB_PREFIXES) else None


def parse_torch(raw: Raw) -> dict[str, Any]:
    """The torch probe's JSON line -> facts. ``status``: ``ok``, ``missing``, ``broken``, ``unreadable``."""
    out: dict[str, Any] = {"status": "unreadable", "version": None, "cuda": None, "hip": None,
                           "cudnn": None, "nccl": None, "arch": None, "available": None,
                           "device_count": None, "devices": [], "why_unavailable": None,
                           "warnings": [], "python": None, "executable": None, "file": None,
                           "wheel_libs": [], "packages": {}, "error": raw.error}
    line = next((ln for ln in reversed((raw.text or "").splitlines()) if ln.startswith(TORCH_MARK)), None)
    try:
        data = json.loads(line[len(TORCH_MARK):]) if line else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if raw.text is not None:
            tail = " ".join((raw.text or "").split())[-300:]
            out["error"] = f"the torch probe printed no result (exit status {raw.rc}): {tail or 'no output'}"
        return out

    def s(key: str) -> str | None:
        v = data.get(key)
        return str(v)[:300] if isinstance(v, str | int | float) and not isinstance(v, bool) else None

    out["python"], out["executable"], out["file"] = s("python"), s("executable"), s("file")
    if "import_error" in data:
        err = s("import_error") or "import failed"
        out["status"] = "missing" if err.startswith("ModuleNotFoundError") else "broken"
        out["error"] = err
        return out
    out["status"], out["error"] = "ok", None
    out["version"], out["cuda"], out["hip"] = s("version"), s("cuda"), s("hip")
    out["cudnn"] = cudnn_version(data.get("cudnn"))
    out["nccl"] = nccl_version(data.get("nccl"))
    out["arch"] = parse_arch_flags(data.get("arch_flags"))
    out["available"] = data.get("available") if isinstance(data.get("available"), bool) else None
    dc = data.get("device_count")
    out["device_count"] = dc if isinstance(dc, int) and not isinstance(dc, bool) else None
    for d in _list(data.get("devices")):
        if isinstance(d, dict):
            out["devices"].append({"name": str(d.get("name", ""))[:200] or None,
                                   "compute_capability": cc_or_none(str(d.get("capability", ""))),
                                   "error": str(d["error"])[:300] if d.get("error") else None})
    out["warnings"] = [" ".join(str(w).split())[:1000] for w in _list(data.get("warnings")) if str(w).strip()][:20]
    out["wheel_libs"] = [p for p in _list(data.get("libs")) if isinstance(p, str)][:2000]
    pk = data.get("packages") if isinstance(data.get("packages"), dict) else {}
    out["packages"] = {str(k)[:40]: str(v)[:40] for k, v in list(pk.items())[:20] if isinstance(v, str)}
    if out["available"] is False or (out["available"] is None and "available_error" in data):
        if out["cuda"] is None and out["hip"] is None:
            out["why_unavailable"] = "CPU-only build (torch.version.cuda is None)"
        elif s("available_error"):
            out["why_unavailable"] = s("available_error")
        elif out["warnings"]:
            out["why_unavailable"] = out["warnings"][0]
        else:
            out["why_unavailable"] = ("the CUDA runtime sees no device: no driver, no GPU, or "
                                      "CUDA_VISIBLE_DEVICES hides them")
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


_TEGRA_RE = re.compile(r"#\s*R(\d{1,3})\s*\(release\),\s*REVISION:\s*(\d{1,3})\.(\d{1,3})")
_LIBCUDA_RE = re.compile(r"^libcuda\.so\.([1-9]\d{2}(?:\.\d{1,4}){1,2})$")  # a driver branch, not .so.1.1


def parse_tegra_release(text: str | None) -> str | None:
    """``/etc/nv_tegra_release`` (``# R38 (release), REVISION: 2.0, ...``) -> the L4T release ``38.2.0``."""
    m = _TEGRA_RE.search(text or "")
    return f"{int(m.group(1))}.{int(m.group(2))}.{int(m.group(3))}" if m else None


def parse_device_model(text: str | None) -> str | None:
    """The device tree's model (``NVIDIA Jetson AGX Orin Developer Kit``), NUL-terminated on disk."""
    t = " ".join((text or "").replace("\x00", " ").split())
    return t[:200] or None


def is_wsl_kernel(text: str | None) -> bool:
    """A kernel release or ``/proc/version`` of Microsoft's WSL kernels (``5.15.153.1-microsoft-standard-WSL2``;
    WSL 1 reports ``4.4.0-19041-Microsoft``)."""
    return "microsoft" in (text or "").casefold()


def libcuda_version(name: str) -> str | None:
    """``libcuda.so.575.57.08`` -> ``575.57.08``: the driver release a user-space libcuda belongs to
    (``libcuda.so.1.1``, WSL's, names none)."""
    m = _LIBCUDA_RE.match(name)
    return driver_or_none(m.group(1)) if m else None


def parse_os_release(text: str | None) -> str | None:
    """``/etc/os-release`` -> the distribution as it names itself (``Ubuntu 24.04.1 LTS``)."""
    fields = {}
    for line in (text or "").splitlines()[:200]:
        k, sep, v = line.partition("=")
        if sep and k.strip() in ("PRETTY_NAME", "NAME", "VERSION"):
            fields[k.strip()] = v.strip().strip('"').strip("'")[:120]
    return fields.get("PRETTY_NAME") or (" ".join(x for x in (fields.get("NAME"), fields.get("VERSION")) if x) or None)
