"""``cudacompat doctor``: diagnose this machine against the knowledge base.

Three layers, so that every verdict can be tested from recorded output:

1. **probes** (:func:`collect`) read raw text through a :class:`Reader`: ``nvidia-smi``'s query
   interface, ``/proc/driver/nvidia/version``, ``nvcc --version``, cgroups, ``/dev/shm``, the
   environment, and torch's own answers from a subprocess (so a broken torch cannot take the
   command down, and the command stays fast). A probe returns text or ``None`` with the reason;
2. **pure parsers** (``parse_*`` and :func:`parse`) turn that text into facts and never raise,
   whatever the text;
3. :func:`diagnose` turns facts into :class:`Verdict` rows through :mod:`cudacompat.query`
   (``build_code``, ``driver_verdict``, ``will_it_run``, ``install_command``), and the renderers
   print them as text, JSON or a Markdown environment block.
"""

from __future__ import annotations

import json
import os
import platform as _platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from . import __version__, model, query, troubleshoot, versions

SEVERITIES = ("error", "warning", "info")
SMI_FIELDS = ("index", "name", "compute_cap", "driver_version", "memory.total")
SHM_MIN_BYTES = 1 << 30  # below this, DataLoader workers run out of shared memory
MAX_TEXT = 256 * 1024
MAX_LD_DIRS = 32
TORCH_TIMEOUT = 60.0
TORCH_MARK = "CUDACOMPAT_TORCH_JSON="
# libraries a CUDA wheel brings (in torch/lib or nvidia/*/lib) that a directory on
# LD_LIBRARY_PATH can shadow
CUDA_LIB_PREFIXES = ("libcudart", "libcublas", "libcudnn", "libcufft", "libcurand", "libcusolver",
                     "libcusparse", "libnccl", "libnvrtc", "libnvJitLink", "libcupti", "libnvToolsExt",
                     "libcufile", "libnvshmem", "libcusparseLt", "libnvperf", "libcudss")


# --- probes ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """What one probe read: ``text`` (stdout and stderr, or a file's content), or ``None`` and
    ``error`` saying why not. ``where`` is the executable or path actually read."""

    text: str | None = None
    error: str | None = None
    rc: int | None = None
    where: str | None = None


TORCH_PROBE = r"""
import json, os, sys, glob, warnings
out = {"python": sys.version.split()[0], "executable": sys.executable}
try:
    import torch
except BaseException as e:
    out["import_error"] = type(e).__name__ + ": " + str(e)[:2000]
else:
    def attempt(key, fn):
        try:
            out[key] = fn()
        except BaseException as e:
            out[key + "_error"] = type(e).__name__ + ": " + str(e)[:1000]
    out["version"] = str(getattr(torch, "__version__", ""))
    out["file"] = getattr(torch, "__file__", None)
    attempt("cuda", lambda: torch.version.cuda)
    attempt("hip", lambda: getattr(torch.version, "hip", None))
    attempt("cudnn", lambda: torch.backends.cudnn.version())
    attempt("arch_flags", lambda: torch._C._cuda_getArchFlags())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        attempt("available", lambda: bool(torch.cuda.is_available()))
        attempt("device_count", lambda: int(torch.cuda.device_count()))
    out["warnings"] = [str(w.message)[:2000] for w in caught]
    if out.get("available"):
        attempt("nccl", lambda: torch.cuda.nccl.version())
        attempt("driver_api", lambda: torch._C._cuda_getDriverVersion())
        devs = []
        for i in range(out.get("device_count") or 0):
            try:
                devs.append({"name": torch.cuda.get_device_name(i),
                             "capability": "%d.%d" % torch.cuda.get_device_capability(i)})
            except BaseException as e:
                devs.append({"error": type(e).__name__ + ": " + str(e)[:500]})
        out["devices"] = devs
    libs = []
    try:
        here = os.path.dirname(os.path.abspath(torch.__file__))
        dirs = [os.path.join(here, "lib")] + sorted(glob.glob(os.path.join(os.path.dirname(here), "nvidia", "*", "lib")))
        for d in dirs:
            for f in sorted(os.listdir(d)):
                if ".so" in f or f.endswith(".dll"):
                    libs.append(os.path.join(d, f))
    except BaseException:
        pass
    out["libs"] = libs[:2000]
sys.stdout.write("\n" + MARK + json.dumps(out, default=str) + "\n")
""".replace("MARK", repr(TORCH_MARK))


class Reader:
    """Reads this machine. Tests pass an object with the same methods and recorded answers."""

    def run(self, argv: list[str], timeout: float = 15.0) -> Raw:
        exe = argv[0] if os.path.isabs(argv[0]) else shutil.which(argv[0])
        if not exe or not os.path.exists(exe):
            return Raw(error=f"{argv[0]}: not found" + ("" if os.path.isabs(argv[0]) else " on PATH"))
        try:
            p = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, errors="replace",
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return Raw(error=f"{argv[0]}: no answer within {timeout:g} s", where=exe)
        except (OSError, ValueError) as e:
            return Raw(error=f"{argv[0]}: {getattr(e, 'strerror', None) or e}", where=exe)
        text = (p.stdout or "") + (("\n" + p.stderr) if p.stderr and p.stderr.strip() else "")
        return Raw(text=text[:MAX_TEXT], rc=p.returncode, where=exe)

    def read(self, path: str) -> Raw:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return Raw(text=f.read(MAX_TEXT), where=path)
        except FileNotFoundError:
            return Raw(error=f"{path}: not present", where=path)
        except OSError as e:
            return Raw(error=f"{path}: {e.strerror or e}", where=path)

    def exists(self, path: str) -> bool:
        try:
            return os.path.exists(path)
        except (OSError, ValueError):
            return False

    def listdir(self, path: str) -> Raw:
        try:
            return Raw(text="\n".join(sorted(os.listdir(path))[:5000]), where=path)
        except FileNotFoundError:
            return Raw(error=f"{path}: not present", where=path)
        except (OSError, ValueError) as e:
            return Raw(error=f"{path}: {getattr(e, 'strerror', None) or e}", where=path)

    def statvfs(self, path: str) -> Raw:
        """``f_frsize f_blocks f_bavail`` as text."""
        try:
            s = os.statvfs(path)
        except (OSError, AttributeError, ValueError) as e:
            return Raw(error=f"{path}: {getattr(e, 'strerror', None) or e}", where=path)
        return Raw(text=f"{s.f_frsize} {s.f_blocks} {s.f_bavail}", where=path)

    def environ(self) -> dict[str, str]:
        return dict(os.environ)

    def platform(self) -> dict[str, str]:
        return {"system": _platform.system(), "machine": _platform.machine(),
                "release": _platform.release(), "python": _platform.python_version(),
                "executable": sys.executable}

    def torch(self, python: str) -> Raw:
        return self.run([python, "-c", TORCH_PROBE], timeout=TORCH_TIMEOUT)


@dataclass
class Probes:
    """Everything :func:`collect` read, uninterpreted."""

    env: dict[str, str]
    platform: dict[str, str]
    smi: Raw
    smi_fields: tuple[str, ...] = SMI_FIELDS
    smi_first: Raw | None = None  # the first answer, when it named a field this driver lacks
    proc_version: Raw = field(default_factory=Raw)
    dev: Raw = field(default_factory=Raw)
    nvcc: Raw = field(default_factory=Raw)
    cgroup: Raw = field(default_factory=Raw)
    dockerenv: bool = False
    containerenv: bool = False
    shm: Raw = field(default_factory=Raw)
    torch: Raw = field(default_factory=Raw)
    ld: dict[str, Raw] = field(default_factory=dict)
    image: str | None = None


def _smi_argv(fields: tuple[str, ...]) -> list[str]:
    return ["nvidia-smi", "--query-gpu=" + ",".join(fields), "--format=csv,noheader"]


def ld_dirs(env: Mapping[str, str]) -> list[str]:
    return [d for d in dict.fromkeys((env.get("LD_LIBRARY_PATH") or "").split(os.pathsep)) if d]


def collect(reader: Any, python: str | None = None, image: str | None = None) -> Probes:
    """Run every probe through ``reader``; nothing here interprets what it reads."""
    env = dict(reader.environ())
    fields = SMI_FIELDS
    smi = reader.run(_smi_argv(fields))
    first = None
    if smi.text and _FIELD_RE.search(smi.text):  # drivers before the 510 branch lack compute_cap
        first, fields = smi, tuple(f for f in SMI_FIELDS if f != "compute_cap")
        smi = reader.run(_smi_argv(fields))
    nvcc = reader.run(["nvcc", "--version"])
    if nvcc.text is None:
        for home in [env.get("CUDA_HOME"), env.get("CUDA_PATH"), "/usr/local/cuda"]:
            if home:
                alt = reader.run([os.path.join(home, "bin", "nvcc"), "--version"])
                if alt.text is not None:
                    nvcc = alt
                    break
    return Probes(
        env=env, platform=dict(reader.platform()), smi=smi, smi_fields=fields, smi_first=first,
        proc_version=reader.read("/proc/driver/nvidia/version"),
        dev=reader.listdir("/dev"),
        nvcc=nvcc,
        cgroup=reader.read("/proc/self/cgroup"),
        dockerenv=reader.exists("/.dockerenv"),
        containerenv=reader.exists("/run/.containerenv"),
        shm=reader.statvfs("/dev/shm"),
        torch=reader.torch(python or sys.executable),
        ld={d: reader.listdir(d) for d in ld_dirs(env)[:MAX_LD_DIRS]},
        image=image,
    )


# --- pure parsers: text in, facts out; none of them raises -----------------------------------------

_FIELD_RE = re.compile(r'Field "([^"]+)" is not a valid field to query')
_NO_DRIVER_RE = re.compile(r"couldn.t communicate with the NVIDIA driver", re.I)
_MISMATCH_RE = re.compile(r"Driver/library version mismatch", re.I)
_NVML_LIB_RE = re.compile(r"NVML library version:\s*([\d.]+)")
_NA = {"", "n/a", "[n/a]", "[not supported]", "not supported", "[unknown error]", "[insufficient permissions]"}
_HEADER_CELL = re.compile(r"^[a-z][a-z0-9_.]*(?: \[[^\]]*\])?$", re.I)


def _clean(value: str) -> str | None:
    v = value.strip()
    return None if v.casefold() in _NA or (v.startswith("[") and v.endswith("]")) else v


def _cc_or_none(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(versions.cc(text))
    except ValueError:
        return None


def _driver_or_none(text: str | None) -> str | None:
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
                or _FIELD_RE.search(ln) or "No devices were found" in ln
                or ln.startswith(("Failed to initialize NVML", "NVIDIA-SMI has failed"))), None)
    if msg:
        out["message"] = msg[:500]
        if _NO_DRIVER_RE.search(msg):
            out["status"] = "no-driver"
        elif _MISMATCH_RE.search(text):
            out["status"] = "nvml-mismatch"
            m = _NVML_LIB_RE.search(text)
            out["nvml_library"] = m.group(1) if m else None
        elif m := _FIELD_RE.search(msg):
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
        cc = _cc_or_none(cc_raw)
        drv_raw = _clean(row.get("driver_version") or "")
        idx = row.get("index", "").strip()
        if not name and not cc:
            out["skipped_lines"] += 1
            continue
        out["gpus"].append({
            "index": _int(idx),
            "name": name,
            "compute_capability": cc,
            "driver": _driver_or_none(drv_raw),
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
        out["driver"] = _driver_or_none(ver)
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


def _soname(name: str) -> str | None:
    m = re.match(r"^(lib[A-Za-z0-9_+-]+?)\.so\.(\d+)", name)
    return f"{m.group(1)}.so.{m.group(2)}" if m and m.group(1).startswith(CUDA_LIB_PREFIXES) else None


def parse_torch(raw: Raw) -> dict[str, Any]:
    """The torch probe's JSON line -> facts. ``status``: ``ok``, ``missing``, ``broken``, ``unreadable``."""
    out: dict[str, Any] = {"status": "unreadable", "version": None, "cuda": None, "hip": None,
                           "cudnn": None, "nccl": None, "arch": None, "available": None,
                           "device_count": None, "devices": [], "why_unavailable": None,
                           "warnings": [], "python": None, "executable": None, "file": None,
                           "wheel_libs": [], "error": raw.error}
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
                                   "compute_capability": _cc_or_none(str(d.get("capability", ""))),
                                   "error": str(d["error"])[:300] if d.get("error") else None})
    out["warnings"] = [" ".join(str(w).split())[:1000] for w in _list(data.get("warnings")) if str(w).strip()][:20]
    out["wheel_libs"] = [p for p in _list(data.get("libs")) if isinstance(p, str)][:2000]
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


def _platform_key(system: str, machine: str) -> tuple[str, str]:
    os_ = {"linux": "linux", "windows": "windows", "darwin": "macos"}.get(system.casefold(), system.casefold() or "unknown")
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}.get(
        machine.casefold(), machine.casefold() or "unknown")
    return os_, arch


def _find_gpu(kb: query.KB | None, name: str | None) -> model.Gpu | None:
    if kb is None or not name:
        return None
    try:
        return query.find_gpu(kb, name)
    except query.QueryError:
        return None


def _unread(out: list[dict[str, str]], what: str, why: str | None) -> None:
    if why:
        out.append({"what": what, "why": why.removeprefix(what + ": ")})


def parse(p: Probes, kb: query.KB | None = None) -> dict[str, Any]:
    """All probes -> one facts dict (JSON-ready). ``kb`` only names GPUs and fills in capabilities."""
    unread: list[dict[str, str]] = []
    env = p.env
    os_, arch = _platform_key(str(p.platform.get("system", "")), str(p.platform.get("machine", "")))
    t = parse_torch(p.torch)
    if t["status"] == "unreadable":
        _unread(unread, "torch", t["error"] or "the probe gave no answer")

    smi = parse_smi(p.smi.text, p.smi_fields)
    smi["fields"] = list(p.smi_fields)
    smi["where"] = p.smi.where
    if p.smi.text is None:
        smi["status"] = "absent" if "not found" in (p.smi.error or "not found") else "unreadable"
        smi["message"] = p.smi.error
        _unread(unread, "nvidia-smi", p.smi.error)
    elif smi["status"] not in ("ok", "no-devices"):
        _unread(unread, "nvidia-smi", smi["message"] or f"no GPU rows in its output (exit status {p.smi.rc})")
    if p.smi_first is not None:
        first = parse_smi(p.smi_first.text, SMI_FIELDS)
        smi["retried_without"] = first.get("unsupported_field")
        smi["note"] = (f"this nvidia-smi does not know the {first.get('unsupported_field')} field "
                       "(drivers before the 510 branch); capabilities come from the knowledge base")
    pv = parse_proc_version(p.proc_version.text)
    if p.proc_version.text is None and os_ == "linux":
        _unread(unread, "/proc/driver/nvidia/version", p.proc_version.error)
    elif p.proc_version.text is not None and not pv["line"]:
        _unread(unread, "/proc/driver/nvidia/version", "no NVRM version line in it")

    gpus = []
    for i, g in enumerate(smi["gpus"]):
        tdev = t["devices"][i] if i < len(t["devices"]) else None
        kg = _find_gpu(kb, g["name"])
        cc, src = g["compute_capability"], "nvidia-smi"
        if not cc and tdev and tdev.get("compute_capability"):
            cc, src = tdev["compute_capability"], "torch"
        if not cc and kg:
            cc, src = kg.compute_capability, "knowledge base"
        gpus.append({"index": g["index"] if g["index"] is not None else i, "name": g["name"],
                     "compute_capability": cc, "sm": versions.cc(cc).sm if cc else None,
                     "capability_from": src if cc else None, "memory_mib": g["memory_mib"],
                     "kb_name": kg.name if kg else None, "truncated": g["truncated"]})
    if not gpus and t["devices"]:  # nvidia-smi unreadable but torch sees devices
        for i, d in enumerate(t["devices"]):
            kg = _find_gpu(kb, d["name"])
            cc = d["compute_capability"] or (kg.compute_capability if kg else None)
            gpus.append({"index": i, "name": d["name"], "compute_capability": cc,
                         "sm": versions.cc(cc).sm if cc else None, "capability_from": "torch" if cc else None,
                         "memory_mib": None, "kb_name": kg.name if kg else None, "truncated": False})

    smi_drivers = sorted({g["driver"] for g in smi["gpus"] if g["driver"]})
    driver = {"version": smi_drivers[0] if smi_drivers else pv["driver"],
              "source": "nvidia-smi" if smi_drivers else ("/proc/driver/nvidia/version" if pv["driver"] else None),
              "kernel_module": pv["driver"], "open_kernel_module": pv["open"], "l4t": pv["l4t"],
              "nvml_library": smi.get("nvml_library")}

    dev_names = (p.dev.text or "").split("\n") if p.dev.text else []
    nodes = [n for n in dev_names if n.startswith("nvidia")]

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
    container = {"detected": bool(signals), "signals": signals, "runtime": runtime or (
                 "docker" if p.dockerenv else "podman" if p.containerenv else None),
                 "nvidia_env": nv_env, "image": p.image}

    shm = parse_statvfs(p.shm.text)
    if shm is None and os_ == "linux":
        _unread(unread, "/dev/shm", p.shm.error or "unreadable statvfs numbers")

    nv = parse_nvcc(p.nvcc.text)
    nvcc = {"path": p.nvcc.where if p.nvcc.text is not None else None, **nv}
    if p.nvcc.text is not None and not nv["release"]:
        _unread(unread, "nvcc", "no release line in `nvcc --version`")

    ld = []
    for d in ld_dirs(env)[:MAX_LD_DIRS]:
        r = p.ld.get(d, Raw(error="not listed"))
        names = (r.text or "").split("\n") if r.text else []
        ld.append({"dir": d, "readable": r.text is not None,
                   "cuda_libs": sorted({n for n in names if _soname(n)})[:200]})

    python = t["python"] or str(p.platform.get("python") or "") or None
    return {
        "cudacompat": __version__,
        "platform": {"os": os_, "arch": arch, "key": f"{os_}-{arch}", "system": p.platform.get("system"),
                     "kernel": p.platform.get("release"), "python": python,
                     "python_executable": t["executable"] or p.platform.get("executable")},
        "gpus": gpus,
        "nvidia_smi": smi,
        "driver": driver,
        "device_nodes": nodes,
        "torch": t,
        "cuda_visible_devices": env.get("CUDA_VISIBLE_DEVICES"),
        "container": container,
        "shm": shm,
        "ld_library_path": ld,
        "nvcc": nvcc,
        "cuda_home": env.get("CUDA_HOME") or env.get("CUDA_PATH"),
        "unreadable": unread,
    }


# --- verdicts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    id: str
    severity: str  # error | warning | info
    title: str
    detail: str
    fix: str | None = None
    command: str | None = None  # the exact command to run, when there is one
    see: str | None = None  # a page of the guide

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _release_of(kb: query.KB, t: dict) -> tuple[model.Torch | None, model.Variant | None]:
    """The installed torch in the knowledge base: ``2.7.1+cu126`` -> (release, variant)."""
    base, _, local = (t.get("version") or "").partition("+")
    if not _valid(base):
        return None, None
    try:
        rel, _ = query.find_release(kb, base)
    except query.QueryError:
        return None, None
    if versions.parse(rel.version) != versions.parse(base):  # 2.7 found 2.7.1; a nightly is not a release
        return None, None
    want = local or None
    if not want and t.get("cuda"):
        want = "cu" + t["cuda"].replace(".", "")
    var = next((v for v in rel.variants if v.variant == want), None)
    if var is None and not local:
        var = next((v for v in rel.variants if v.default), None)
    return rel, var


def _valid(text: str) -> bool:
    try:
        versions.parse(text)
        return True
    except versions.InvalidVersion:
        return False


def _arch_list(kb: query.KB, facts: dict) -> tuple[model.ArchList | None, str]:
    """What the installed build compiled in: measured by torch itself, else the knowledge base."""
    t = facts["torch"]
    if t.get("arch"):
        return model.ArchList.model_construct(sm=t["arch"]["sm"], ptx=t["arch"]["ptx"], sources=[]), "torch"
    _, var = _release_of(kb, t)
    if var is not None:
        al = var.platforms.get(facts["platform"]["key"])
        if al is not None:
            return al, "knowledge base"
    return None, ""


def recommend(kb: query.KB, facts: dict, gpu: dict) -> dict[str, Any] | None:
    """The newest build with native code for ``gpu`` that this driver and Python run."""
    plat = facts["platform"]
    os_, arch = plat["os"], plat["arch"]
    if os_ not in query.OS_PLATFORM or not gpu.get("compute_capability"):
        return None
    drv, py = facts["driver"]["version"], plat.get("python")
    if py and not _valid(py):
        py = None
    if gpu.get("kb_name") and drv and arch == "x86_64":  # will_it_run answers for x86_64
        try:
            r = query.will_it_run(kb, gpu["kb_name"], drv, os=os_, python=py)
        except query.QueryError:
            r = None
        if r and r["options"]:
            native = [o for o in r["options"] if o["code"] == "native"]
            pick = next((o for o in native if not o["minor_version_compat"]), None) or (native or r["options"])[0]
            return {"torch": pick["torch"], "variant": pick["variant"], "install": pick["install"],
                    "reason": f"the newest build with {'native ' if pick['code'] == 'native' else 'PTX-only '}"
                              f"{gpu['sm']} code that driver {drv} runs"
                              + (f" on Python {py}" if py else "")}
    rows = [x for x in troubleshoot.builds_for(kb, gpu["compute_capability"], limit=1000)["native"]
            if x["platform"] == plat["key"]]
    if rows:
        x = rows[0]
        return {"torch": x["torch"], "variant": x["variant"], "install": x["install"],
                "reason": f"the newest build with native {gpu['sm']} code; it needs driver ≥ "
                          f"{x['min_driver'] or 'n/a'}" + (f" (this one: {drv})" if drv else " (driver unknown)")}
    return None


def support_outlook(kb: query.KB, cc: str, platform: str) -> dict[str, Any] | None:
    """Whether native code for ``cc`` is leaving the builds, from the knowledge base alone.

    ``ended``: the newest release with recorded architectures has no native code for it, an
    older one did; ``narrowing``: the newest release still has it, but not in every variant."""
    rows = []
    for t in kb.releases:
        vs = [(v, query.build_code(al, cc)) for v in t.variants if (al := v.platforms.get(platform))]
        if vs:
            rows.append((t, vs))
    if not rows:
        return None
    newest, nvs = rows[0]
    native_now = [v.variant for v, c in nvs if c == "native"]
    last = next(((t, [v.variant for v, c in vs if c == "native"]) for t, vs in rows
                 if any(c == "native" for _, c in vs)), None)
    if last is None:
        return None
    if not native_now:
        lt, lvs = last
        lv = next(v for v in lt.variants if v.variant == lvs[0])
        return {"status": "ended", "newest": newest.version, "newest_variants": [v.variant for v, _ in nvs],
                "last": lt.version, "last_variants": lvs, "install": query.install_command(lt, lv, platform.split("-")[0])}
    if len(native_now) < len(nvs):
        without = [v.variant for v, c in nvs if c != "native"]
        v0 = next(v for v in newest.variants if v.variant == native_now[0])
        return {"status": "narrowing", "newest": newest.version, "native_variants": native_now,
                "without": without, "default_without": any(v.default for v, c in nvs if c != "native"),
                "install": query.install_command(newest, v0, platform.split("-")[0])}
    return None


def _human_bytes(n: int | None) -> str:
    if n is None:
        return "unknown"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit in ("B", "KiB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _gpu_label(g: dict) -> str:
    return f"{g['name'] or 'GPU ' + str(g['index'])}" + (f" ({g['sm']})" if g.get("sm") else "")


def diagnose(facts: dict, kb: query.KB) -> list[Verdict]:
    """Facts -> verdicts, most severe first. Each check is independent: one that fails on
    unexpected facts is reported under ``unreadable`` instead of stopping the others."""
    out: list[Verdict] = []
    for check in CHECKS:
        try:
            out += check(facts, kb)
        except Exception as e:  # a bug in one check must not cost the rest of the report
            facts.setdefault("unreadable", []).append(
                {"what": f"check {check.__name__.removeprefix('_check_')}", "why": f"{type(e).__name__}: {e}"})
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda v: order.get(v.severity, 9))


def _gpu_seen(facts: dict) -> bool:
    return bool(facts["gpus"]) or any(re.fullmatch(r"nvidia\d+", n) for n in facts["device_nodes"])


def _check_nvidia_smi(facts: dict, kb: query.KB) -> list[Verdict]:
    smi, drv = facts["nvidia_smi"], facts["driver"]
    out = []
    if smi["status"] == "no-driver":
        out.append(Verdict(
            "driver-not-loaded", "error", "nvidia-smi cannot reach the NVIDIA driver",
            f"nvidia-smi says: {smi['message']} The kernel driver is not loaded (or not installed "
            "for the running kernel), so nothing can use the GPU.",
            "Check `lsmod | grep nvidia` and `dmesg | grep -i nvrm`; reinstall the driver for the "
            "running kernel (DKMS), or sign it / turn off Secure Boot, then reboot. Inside a "
            "container the driver comes from the host: fix it there."))
    km, user = drv.get("kernel_module"), drv.get("version") if drv.get("source") == "nvidia-smi" else None
    if smi["status"] == "nvml-mismatch" or (km and user and km != user):
        lib = drv.get("nvml_library") or user
        out.append(Verdict(
            "driver-library-mismatch", "error", "Driver/library version mismatch",
            f"The loaded kernel module ({km or 'unknown'}) and the user-space driver libraries "
            f"({lib or 'unknown'}) differ, typically after a driver upgrade without a reboot; "
            "CUDA initialisation fails until they match.",
            "Reboot (or unload and reload the nvidia kernel modules) so the new module loads."))
    return out


def _check_container(facts: dict, kb: query.KB) -> list[Verdict]:
    c, t, smi = facts["container"], facts["torch"], facts["nvidia_smi"]
    if not c["detected"] or _gpu_seen(facts) or t.get("devices"):
        return []
    nvd = c["nvidia_env"].get("NVIDIA_VISIBLE_DEVICES")
    reasons = []
    if t["status"] == "ok" and t.get("cuda"):
        reasons.append(f"torch {t['version']} is a CUDA build")
    if nvd and nvd.strip().casefold() not in ("void", "none", ""):
        reasons.append(f"the image sets NVIDIA_VISIBLE_DEVICES={nvd}")
    if smi["status"] == "no-devices":
        reasons.append("nvidia-smi is present but finds no devices")
    if not reasons:
        return []
    where = c["runtime"] or "container"
    return [Verdict(
        "container-no-gpu", "error", "Container without GPU access",
        f"This is a {where} container ({', '.join(c['signals'])}) and no NVIDIA device is visible "
        f"(no /dev/nvidia* node, no GPU from nvidia-smi), yet {'; '.join(reasons)}.",
        "Start it with GPUs: `docker run --gpus all ...` (needs the NVIDIA Container Toolkit on the "
        "host; Podman: `--device nvidia.com/gpu=all`; Kubernetes: a `nvidia.com/gpu` resource limit).",
        f"{query.DOCKER_RUN} <image>")]


def _check_torch(facts: dict, kb: query.KB) -> list[Verdict]:
    t, plat = facts["torch"], facts["platform"]
    gpus = [g for g in facts["gpus"] if g.get("compute_capability")]
    out: list[Verdict] = []
    if t["status"] == "broken":
        return [Verdict("torch-broken", "error", "torch fails to import",
                        f"`import torch` in {plat['python_executable']} raised: {t['error']}",
                        "Reinstall torch in that environment (`pip install --force-reinstall torch==<version> "
                        "--index-url <the variant's index>`); look for a mixed install of two CUDA variants.")]
    if t["status"] == "missing":
        rec = recommend(kb, facts, gpus[0]) if gpus else None
        if rec:
            detail = f"torch is not installed for {plat['python_executable']}. For {_gpu_label(gpus[0])}: {rec['reason']}."
        else:
            detail = f"torch is not installed for {plat['python_executable']}."
        return [Verdict("torch-missing", "info", "torch is not installed", detail,
                        "Install the build below." if rec else None, rec["install"] if rec else None)]
    if t["status"] != "ok":
        return []
    if not t.get("cuda") and not t.get("hip"):
        if _gpu_seen(facts):
            g = gpus[0] if gpus else None
            rec = recommend(kb, facts, g) if g else None
            out.append(Verdict(
                "cpu-build-with-gpu", "error", "CPU-only torch on a machine with an NVIDIA GPU",
                f"torch {t['version']} is a CPU-only build (torch.version.cuda is None), but "
                + (f"this machine has {_gpu_label(g)}" if g else "this machine has NVIDIA device nodes")
                + "; torch.cuda.is_available() is False and everything runs on the CPU.",
                ("Replace it with a CUDA build: " + rec["reason"] + ".") if rec else
                "Replace it with a CUDA build that has code for this GPU (`cudacompat will-it-run`).",
                rec["install"] if rec else None))
        else:
            where = ""
            c = facts["container"]
            if c["detected"]:
                where = (" This is a container: if the host has an NVIDIA GPU, start it with `--gpus all` "
                         "and install a CUDA build of torch.")
            smi = facts["nvidia_smi"]
            seen = ("nvidia-smi is not installed" if smi["status"] == "absent"
                    else f"nvidia-smi: {smi.get('message') or smi['status']}")
            out.append(Verdict(
                "cpu-only", "info", "CPU-only torch, and no NVIDIA GPU here",
                f"torch {t['version']} is a CPU-only build and no NVIDIA GPU is visible ({seen}, "
                "no /dev/nvidia* device): torch runs on the CPU, torch.cuda.is_available() is False. "
                "That is consistent; nothing is broken." + where))
        return out
    if t.get("hip"):
        return [Verdict("rocm-build", "info", "ROCm build of torch",
                        f"torch {t['version']} is a ROCm (HIP {t['hip']}) build; this guide covers CUDA only.")]
    if not _gpu_seen(facts) and not t.get("devices") and not facts["driver"]["version"]:
        if not facts["container"]["detected"]:  # in a container, _check_container speaks
            out.append(Verdict(
                "cuda-build-no-gpu", "info", "CUDA build of torch, but no NVIDIA GPU here",
                f"torch {t['version']} is a CUDA {t['cuda']} build and no NVIDIA GPU is visible "
                f"(nvidia-smi: {facts['nvidia_smi'].get('message') or facts['nvidia_smi']['status']}, "
                "no /dev/nvidia* device): it runs on the CPU. A CPU-only build does the same in a "
                "fraction of the download."))
        return out
    # a CUDA build on a machine with a GPU: architecture, then driver
    al, al_src = _arch_list(kb, facts)
    codes: dict[str, str | None] = {}
    seen_cc: set[str] = set()
    for g in gpus:
        cc = g["compute_capability"]
        if cc in seen_cc:
            continue
        seen_cc.add(cc)
        if al is None:
            out.append(Verdict("arch-unknown", "info", f"Cannot check {g['sm']} against this build",
                               f"torch {t['version']} did not report its architecture list and the knowledge "
                               f"base has none for it on {plat['key']}."))
            continue
        code = codes[cc] = query.build_code(al, cc)
        have = " ".join(versions.cc(s).sm for s in al.sm) + (
            " + PTX " + " ".join(versions.cc(p).compute for p in al.ptx) if al.ptx else "")
        if code is None:
            rec = recommend(kb, facts, g)
            out.append(Verdict(
                "arch-not-in-build", "error", f"{_gpu_label(g)} is not in this torch build",
                f"torch {t['version']} has code for {have or 'nothing'} (from {al_src}); none of it runs on "
                f"{g['sm']}: expect 'no kernel image is available for execution on the device'.",
                ("Install " + f"{rec['torch']}+{rec['variant']}, {rec['reason']}.") if rec else
                f"No build in the knowledge base has native {g['sm']} code.",
                rec["install"] if rec else None, "arch-support/"))
        elif code == "ptx":
            rec = recommend(kb, facts, g)
            out.append(Verdict(
                "arch-ptx-only", "warning", f"{_gpu_label(g)} runs this build only through PTX JIT",
                f"torch {t['version']} has no native {g['sm']} code ({have}); kernels are JIT-compiled at "
                "first use (slow start) and bundled libraries without code for it can still fail.",
                (f"Prefer {rec['torch']}+{rec['variant']}: {rec['reason']}.") if rec else None,
                rec["install"] if rec and rec["torch"] != (t["version"] or "").split("+")[0] else None))
    drv = facts["driver"]["version"]
    if drv and facts["platform"]["os"] in query.OS_PLATFORM:
        try:
            dv = query.driver_verdict(kb, t["cuda"], drv, plat["os"])
        except (query.QueryError, versions.InvalidVersion) as e:
            facts["unreadable"].append({"what": "driver check", "why": str(e)})
            dv = None
        if dv and dv["via"] is None:
            need = dv["toolkit_min"] or dv["minor_version_min"]
            rec = recommend(kb, facts, gpus[0]) if gpus else None
            out.append(Verdict(
                "driver-too-old", "error", f"Driver {drv} is too old for CUDA {dv['cuda']}",
                f"torch {t['version']} bundles the CUDA {t['cuda']} runtime, which needs driver ≥ "
                f"{dv['toolkit_min'] or 'n/a'} (≥ {dv['minor_version_min'] or 'n/a'} under minor-version "
                f"compatibility); this machine has {drv} ({facts['driver']['source']}). CUDA initialisation "
                "fails: 'The NVIDIA driver on your system is too old'.",
                f"Upgrade the driver to ≥ {need}"
                + (f", or install {rec['torch']}+{rec['variant']}, {rec['reason']}." if rec else "."),
                rec["install"] if rec else None, "cuda-drivers/"))
        elif dv and dv["via"] == "minor-version":
            ptx = any(c == "ptx" for c in codes.values())
            out.append(Verdict(
                "driver-minor-version", "error" if ptx else "warning",
                f"Driver {drv} runs CUDA {dv['cuda']} only through minor-version compatibility",
                f"Driver {drv} is below CUDA {dv['cuda']}'s toolkit minimum {dv['toolkit_min']} but at or above "
                f"the minor-version minimum {dv['minor_version_min']}: it {query.MVC_LIMITS}."
                + (" This GPU needs exactly that JIT (no native code in this build)." if ptx else ""),
                f"Upgrade the driver to ≥ {dv['toolkit_min']} to remove the limits.", None, "cuda-drivers/"))
    if t.get("available") is False and gpus and not any(v.severity == "error" for v in out):
        see = None
        for w in t.get("warnings") or []:
            m = troubleshoot.explain(kb, w)["matches"]
            if m:
                see = m[0]["page"]
                break
        out.append(Verdict(
            "cuda-unavailable", "error", "torch.cuda.is_available() is False",
            f"torch {t['version']} is a CUDA {t['cuda']} build and the GPU is there, but CUDA does not "
            f"initialise: {t.get('why_unavailable') or 'no reason given'}",
            "Read the reason above; `cudacompat explain '<message>'` matches it to its cause.", None, see))
    return out


def _check_visible_devices(facts: dict, kb: query.KB) -> list[Verdict]:
    cvd = facts["cuda_visible_devices"]
    if cvd is None or not facts["gpus"]:
        return []
    ids = [x.strip() for x in cvd.split(",") if x.strip()]
    hidden = not ids or ids[0] in ("-1", "NoDevFiles", "none") or (
        all(x.isdigit() for x in ids) and all(int(x) >= len(facts["gpus"]) for x in ids))
    if not hidden:
        return []
    return [Verdict(
        "gpus-hidden", "warning", "CUDA_VISIBLE_DEVICES hides every GPU",
        f"CUDA_VISIBLE_DEVICES={cvd!r} while nvidia-smi lists {len(facts['gpus'])} GPU(s): CUDA "
        "programs (torch included) see none of them.",
        "Unset it (`unset CUDA_VISIBLE_DEVICES`) or list the GPUs to use, e.g. `CUDA_VISIBLE_DEVICES=0`.")]


def _check_support_outlook(facts: dict, kb: query.KB) -> list[Verdict]:
    plat = facts["platform"]["key"]
    if plat not in model.PLATFORMS:
        return []
    out = []
    for cc in dict.fromkeys(g["compute_capability"] for g in facts["gpus"] if g.get("compute_capability")):
        g = next(x for x in facts["gpus"] if x.get("compute_capability") == cc)
        o = support_outlook(kb, cc, plat)
        if not o:
            continue
        sm = versions.cc(cc).sm
        if o["status"] == "ended":
            out.append(Verdict(
                "gpu-support-ending", "warning", f"New torch releases no longer carry {sm} code",
                f"The newest release in the knowledge base with recorded architectures (torch {o['newest']}: "
                f"{', '.join(o['newest_variants'])}) has no native {sm} code for {_gpu_label(g)}; the last "
                f"that does is torch {o['last']} ({', '.join(o['last_variants'])}). Later upgrades will not run "
                "on this GPU.",
                f"Pin torch {o['last']} with its {o['last_variants'][0]} variant (and plan the hardware change).",
                o["install"], "arch-support/"))
        else:
            out.append(Verdict(
                "gpu-support-ending", "warning", f"{sm} support is ending",
                f"In torch {o['newest']}, only the {', '.join(o['native_variants'])} variant(s) carry native "
                f"{sm} code for {_gpu_label(g)}; {', '.join(o['without'])}"
                + (" (the default)" if o["default_without"] else "")
                + " no longer do. Expect the next releases to drop it.",
                f"Install from the {o['native_variants'][0]} index, not the default one.",
                o["install"], "arch-support/"))
    return out


def _check_shm(facts: dict, kb: query.KB) -> list[Verdict]:
    shm = facts["shm"]
    if not shm or facts["platform"]["os"] != "linux" or shm["total_bytes"] >= SHM_MIN_BYTES:
        return []
    c = facts["container"]
    fix = ("Restart the container with `--ipc=host` or `--shm-size=16g` (Kubernetes: mount an "
           "`emptyDir` with `medium: Memory` on /dev/shm)." if c["detected"] else
           "Enlarge it: `sudo mount -o remount,size=16G /dev/shm`.")
    return [Verdict(
        "shm-too-small", "warning", f"/dev/shm is only {_human_bytes(shm['total_bytes'])}",
        "DataLoader workers (num_workers > 0) pass batches through shared memory in /dev/shm; at this size "
        "they die with 'unable to write to file </torch_…>' or 'bus error' (64 MiB is Docker's default).",
        fix, f"{query.DOCKER_RUN} <image>" if c["detected"] else None)]


def _check_shadowing(facts: dict, kb: query.KB) -> list[Verdict]:
    t = facts["torch"]
    if t["status"] != "ok" or not t.get("cuda"):
        return []
    wheel: dict[str, str] = {}
    for path in t["wheel_libs"]:
        key = _soname(os.path.basename(path))
        if key:
            wheel.setdefault(key, os.path.dirname(path))
    wheel_dirs = {os.path.normpath(d) for d in wheel.values()}
    hits = []
    for entry in facts["ld_library_path"]:
        if os.path.normpath(entry["dir"]) in wheel_dirs:
            continue
        for name in entry["cuda_libs"]:
            key = _soname(name)
            if key in wheel:
                hits.append((entry["dir"], name, key))
    if not hits:
        return []
    shown = "; ".join(f"{d}/{n} shadows {k} from {wheel[k]}" for d, n, k in hits[:6])
    return [Verdict(
        "shadowed-libraries", "warning", "LD_LIBRARY_PATH shadows the wheel's CUDA libraries",
        f"The dynamic loader searches LD_LIBRARY_PATH before the wheel's own directories, so these load "
        f"instead of what torch {t['version']} was built against: {shown}"
        + (f" (and {len(hits) - 6} more)" if len(hits) > 6 else "")
        + ". Typical symptoms: 'undefined symbol ... libnvJitLink', cuDNN version mismatch errors.",
        "Remove those directories from LD_LIBRARY_PATH for Python (or unset it); pip wheels need no host CUDA.")]


def _check_nvcc(facts: dict, kb: query.KB) -> list[Verdict]:
    n, t = facts["nvcc"], facts["torch"]
    if not n.get("release"):
        return []
    where = n.get("path") or "nvcc"
    if t["status"] != "ok" or not t.get("cuda"):
        return [Verdict(
            "host-toolkit-unused", "info", f"Host CUDA toolkit {n['release']} (nvcc) is not used by torch",
            f"{where} is CUDA {n['version']}. pip wheels bring their own CUDA runtime; the host toolkit matters "
            "only to compile CUDA extensions (torch.utils.cpp_extension, flash-attn, apex), which needs a CUDA "
            "build of torch" + (f" — this one is {t['version']}." if t.get("version") else "."))]
    tm, nm = t["cuda"].split(".")[0], n["release"].split(".")[0]
    if tm != nm:
        return [Verdict(
            "host-toolkit-mismatch", "warning",
            f"nvcc is CUDA {n['release']}, torch was built with CUDA {t['cuda']}",
            f"Runtime is unaffected (the wheel bundles CUDA {t['cuda']}), but compiling CUDA extensions "
            "(torch.utils.cpp_extension: flash-attn, apex, custom ops) fails on a CUDA major mismatch.",
            f"For extension builds, point CUDA_HOME at a CUDA {tm}.x toolkit "
            f"(ideally {t['cuda']}).")]
    if n["release"] != t["cuda"]:
        return [Verdict(
            "host-toolkit-minor", "info", f"nvcc is CUDA {n['release']}, torch was built with CUDA {t['cuda']}",
            "Same major version: extensions compile (torch warns about the minor mismatch) and run.")]
    return []


def _check_platform(facts: dict, kb: query.KB) -> list[Verdict]:
    if facts["platform"]["os"] == "macos":
        return [Verdict("no-cuda-platform", "info", "macOS has no CUDA",
                        "NVIDIA's CUDA does not run on macOS; torch uses the CPU or Apple's MPS backend.")]
    return []


CHECKS: list[Callable[[dict, query.KB], list[Verdict]]] = [
    _check_nvidia_smi, _check_container, _check_torch, _check_visible_devices,
    _check_support_outlook, _check_shm, _check_shadowing, _check_nvcc, _check_platform,
]


# --- renderers ---------------------------------------------------------------------------------

def report(facts: dict, verdicts: list[Verdict]) -> dict[str, Any]:
    """The ``--json`` document."""
    worst = next((s for s in SEVERITIES if any(v.severity == s for v in verdicts)), None)
    return {"facts": facts, "verdicts": [v.to_dict() for v in verdicts], "worst": worst,
            "unreadable": facts.get("unreadable", [])}


_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}


def _torch_line(t: dict) -> str:
    if t["status"] == "missing":
        return "not installed"
    if t["status"] == "broken":
        return f"fails to import: {t['error']}"
    if t["status"] != "ok":
        return f"unknown ({t['error'] or 'no answer'})"
    kind = f"CUDA {t['cuda']}" if t.get("cuda") else f"ROCm {t['hip']}" if t.get("hip") else "CPU-only build"
    parts = [f"{t['version']} ({kind})"]
    if t.get("cudnn"):
        parts.append(f"cuDNN {t['cudnn']}")
    if t.get("nccl"):
        parts.append(f"NCCL {t['nccl']}")
    return ", ".join(parts)


def _arch_line(t: dict) -> str | None:
    a = t.get("arch")
    if not a:
        return None
    return " ".join(versions.cc(s).sm for s in a["sm"]) + (
        "  + PTX " + " ".join(versions.cc(p).compute for p in a["ptx"]) if a["ptx"] else "")


def _machine_rows(f: dict) -> list[tuple[str, str]]:
    t, d, c, p = f["torch"], f["driver"], f["container"], f["platform"]
    rows = [("Platform", f"{p['key']}" + (f" (kernel {p['kernel']})" if p.get("kernel") else "")),
            ("Python", f"{p['python'] or 'unknown'}" + (f" ({p['python_executable']})" if p.get("python_executable") else ""))]
    if f["gpus"]:
        for g in f["gpus"]:
            mem = f", {g['memory_mib']} MiB" if g.get("memory_mib") else ""
            cc = (f"compute capability {g['compute_capability']} (from {g['capability_from']})"
                  if g.get("compute_capability") else "compute capability unknown")
            known = "" if g.get("kb_name") else ", not in the knowledge base"
            rows.append((f"GPU {g['index']}", f"{g['name'] or 'unnamed'}: {cc}{mem}{known}"))
    else:
        s = f["nvidia_smi"]["status"]
        why = {"absent": "nvidia-smi not installed", "no-devices": "nvidia-smi: No devices were found",
               "no-driver": "nvidia-smi cannot reach the driver", "nvml-mismatch": "driver/library mismatch",
               "empty": "nvidia-smi listed none"}.get(s, f"nvidia-smi: {f['nvidia_smi'].get('message') or s}")
        rows.append(("GPU", f"none visible ({why}; /dev/nvidia*: {', '.join(f['device_nodes']) or 'none'})"))
    if d["version"] or d["l4t"]:
        extra = []
        if d.get("kernel_module") and d["kernel_module"] != d["version"]:
            extra.append(f"kernel module {d['kernel_module']}")
        if d.get("open_kernel_module"):
            extra.append("open kernel module")
        rows.append(("Driver", (d["version"] or f"L4T {d['l4t']} (Jetson)") + (f" (from {d['source']})" if d["source"] else "")
                     + (f"; {', '.join(extra)}" if extra else "")))
    else:
        rows.append(("Driver", "unknown"))
    rows.append(("torch", _torch_line(t)))
    if t["status"] == "ok":
        if _arch_line(t):
            rows.append(("torch arch list", _arch_line(t)))
        avail = {True: "yes", False: "no", None: "unknown"}[t.get("available")]
        rows.append(("CUDA available", avail + (f" — {t['why_unavailable']}" if t.get("why_unavailable") else "")
                     + (f", {t['device_count']} device(s)" if t.get("available") else "")))
    if f["cuda_visible_devices"] is not None:
        rows.append(("CUDA_VISIBLE_DEVICES", repr(f["cuda_visible_devices"])))
    if c["detected"]:
        img = c.get("image") or "unknown (pass --image)"
        env = ", ".join(f"{k}={v}" for k, v in c["nvidia_env"].items()) or "no NVIDIA_* variables"
        rows.append(("Container", f"{c['runtime'] or 'yes'} ({', '.join(c['signals'])}); image {img}; {env}"))
    else:
        rows.append(("Container", "none detected"))
    if f["shm"]:
        rows.append(("/dev/shm", f"{_human_bytes(f['shm']['total_bytes'])} ({_human_bytes(f['shm']['free_bytes'])} free)"))
    n = f["nvcc"]
    rows.append(("Host CUDA toolkit", f"nvcc {n['version']} ({n['path']})" if n.get("version") else "no nvcc found"))
    ld = f["ld_library_path"]
    rows.append(("LD_LIBRARY_PATH", "unset" if not ld else "; ".join(
        e["dir"] + (f" [{len(e['cuda_libs'])} CUDA libs]" if e["cuda_libs"] else "") for e in ld)))
    return rows


def render_text(facts: dict, verdicts: list[Verdict], color: bool = False) -> str:
    def tag(sev: str) -> str:
        label = f"[{sev}]"
        return f"{_COLORS[sev]}{label}\033[0m" if color and sev in _COLORS else label

    rows = _machine_rows(facts)
    w = max(len(k) for k, _ in rows)
    lines = [f"cudacompat doctor {facts.get('cudacompat', '')}".rstrip(), "", "This machine"]
    lines += [f"  {k:<{w}}  {v}" for k, v in rows]
    lines += ["", "Findings"]
    if not verdicts:
        lines.append("  nothing to report: the build, the GPU and the driver fit together")
    for v in verdicts:
        lines.append(f"  {tag(v.severity)} {v.title}")
        lines.append(f"      {v.detail}")
        if v.fix:
            lines.append(f"      fix: {v.fix}")
        if v.command:
            lines.append(f"      run: {v.command}")
        if v.see:
            lines.append(f"      see: {v.see}")
    un = facts.get("unreadable") or []
    if un:
        lines += ["", "Could not read"]
        lines += [f"  {u['what']}: {u['why']}" for u in un]
    return "\n".join(lines) + "\n"


def _md_code(text: Any) -> str:
    """A Markdown code span that holds ``text`` literally, safe inside a table cell."""
    t = " ".join(str(text).split()).replace("|", "\\|")
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", t)), default=0) + 1)
    pad = " " if t.startswith("`") or t.endswith("`") else ""
    return f"{ticks}{pad}{t}{pad}{ticks}"


def _md_text(text: Any) -> str:
    """Inline Markdown text that renders literally mid-line: no emphasis, link, code, HTML or cell break."""
    t = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|&~])", r"\\\1", t)


def render_markdown(facts: dict, verdicts: list[Verdict]) -> str:
    """An environment block for a bug report or a paper's appendix."""
    rows = _machine_rows(facts)
    out = [f"#### Environment (cudacompat doctor {_md_text(facts.get('cudacompat', ''))})", "",
           "| | |", "|---|---|"]
    out += [f"| {_md_text(k)} | {_md_code(v)} |" for k, v in rows]
    if verdicts:
        out += ["", "Findings:", ""]
        out += [f"- **{v.severity}** {_md_code(v.id)}: {_md_text(v.title)}" for v in verdicts]
    return "\n".join(out) + "\n"


def run(kb: query.KB, reader: Any | None = None, python: str | None = None,
        image: str | None = None) -> tuple[dict, list[Verdict]]:
    """Probe, parse and diagnose. Never raises on what the machine answers."""
    probes = collect(reader or Reader(), python, image)
    facts = parse(probes, kb)
    return facts, diagnose(facts, kb)


def command(kb: query.KB, a: Any) -> int:
    """``cudacompat doctor [--json | --markdown] [--python PATH] [--image REF]``. Exit status 0:
    the report is the answer, whatever it finds."""
    facts, verdicts = run(kb, python=getattr(a, "python", None), image=getattr(a, "image", None))
    if getattr(a, "json", False):
        json.dump(report(facts, verdicts), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    elif getattr(a, "markdown", False):
        sys.stdout.write(render_markdown(facts, verdicts))
    else:
        sys.stdout.write(render_text(facts, verdicts, use_color(sys.stdout, os.environ)))
    return 0


def use_color(stream: Any, env: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org)."""
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        tty = False
    return tty and not env.get("NO_COLOR")
