"""Probes: read raw text from this machine through a :class:`Reader` (``nvidia-smi``'s query
interface, ``/proc/driver/nvidia/version``, ``nvcc --version``, cgroups, ``/dev/shm``, the
environment, the signs of WSL 2 (``/proc/version``, ``/usr/lib/wsl/lib``) and of a Jetson
(``/etc/nv_tegra_release``, the device tree's model), the loader's configuration
(``/etc/ld.so.conf.d``), and torch's own answers from a subprocess, so a broken torch cannot take
the command down). A probe returns text, or ``None`` with the reason; nothing here interprets what it reads.
Tests pass a reader with recorded answers."""

from __future__ import annotations

import os
import platform as _platform
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SMI_FIELDS = ("index", "name", "compute_cap", "driver_version", "memory.total")
MAX_TEXT = 256 * 1024
MAX_LD_DIRS = 32
MAX_LDCONF_FILES = 32
TEGRA_RELEASE = "/etc/nv_tegra_release"
DEVICE_MODEL = "/proc/device-tree/model"
KERNEL_VERSION = "/proc/version"
WSL_LIB = "/usr/lib/wsl/lib"  # where WSL 2 mounts the Windows driver's libcuda
LDCONF_DIR = "/etc/ld.so.conf.d"
TORCH_TIMEOUT = 60.0
TORCH_MARK = "CUDACOMPAT_TORCH_JSON="
FIELD_RE = re.compile(r'Field "([^"]+)" is not a valid field to query')


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
try:  # the packages installed next to torch, read from their metadata (none is imported)
    from importlib import metadata as _md
    _pk = {}
    for _n in ("torchvision", "torchaudio", "torchtext", "torchdata", "triton", "pytorch-triton", "xformers",
               "bitsandbytes", "flash-attn", "flash_attn", "torchao"):
        try:
            _pk[_n.replace("_", "-")] = _md.version(_n)
        except Exception:
            pass
    out["packages"] = _pk
except BaseException:
    pass
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
        """A command's stdout and stderr, at most :data:`MAX_TEXT` bytes and ``timeout`` seconds of it:
        a program that floods its output or never ends is stopped, not waited for."""
        exe = argv[0] if os.path.isabs(argv[0]) else shutil.which(argv[0])
        if not exe or not os.path.exists(exe):
            return Raw(error=f"{argv[0]}: not found" + ("" if os.path.isabs(argv[0]) else " on PATH"))
        try:
            p = subprocess.Popen([exe, *argv[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        except (OSError, ValueError) as e:
            return Raw(error=f"{argv[0]}: {getattr(e, 'strerror', None) or e}", where=exe)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(p.stdout.read(MAX_TEXT + 1)), daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():  # no end of output within the time
            p.kill()
            reader.join(1.0)
            p.wait(1.0)
            return Raw(error=f"{argv[0]}: no answer within {timeout:g} s", where=exe)
        data = got[0] if got else b""
        if len(data) > MAX_TEXT:  # a flood: keep what fits, stop the program
            p.kill()
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait(1.0)
        finally:
            p.stdout.close()
        return Raw(text=data[:MAX_TEXT].decode("utf-8", "replace"), rc=rc, where=exe)

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
    kernel_version: Raw = field(default_factory=Raw)
    tegra_release: Raw = field(default_factory=Raw)
    device_model: Raw = field(default_factory=Raw)
    wsl_lib: Raw = field(default_factory=Raw)
    ldconf: dict[str, Raw] = field(default_factory=dict)  # /etc/ld.so.conf.d/<file> -> its text
    ldconf_dirs: dict[str, Raw] = field(default_factory=dict)  # the directories those files name
    os_release: Raw = field(default_factory=Raw)


def _smi_argv(fields: tuple[str, ...]) -> list[str]:
    return ["nvidia-smi", "--query-gpu=" + ",".join(fields), "--format=csv,noheader"]


def ld_dirs(env: Mapping[str, str]) -> list[str]:
    return [d for d in dict.fromkeys((env.get("LD_LIBRARY_PATH") or "").split(os.pathsep)) if d]


def ldconf_dirs(texts: Mapping[str, Raw]) -> list[str]:
    """The absolute directories the loader's configuration files name (``include`` lines skipped)."""
    out: list[str] = []
    for raw in texts.values():
        for line in (raw.text or "").splitlines():
            d = line.split("#", 1)[0].strip()
            if d.startswith("/") and d not in out:
                out.append(d)
    return out[:MAX_LD_DIRS]


def _ldconf(reader: Any) -> dict[str, Raw]:
    listing = reader.listdir(LDCONF_DIR)
    names = [n for n in (listing.text or "").split("\n") if n.endswith(".conf")][:MAX_LDCONF_FILES]
    return {f"{LDCONF_DIR}/{n}": reader.read(f"{LDCONF_DIR}/{n}") for n in names}


def collect(reader: Any, python: str | None = None, image: str | None = None) -> Probes:
    """Run every probe through ``reader``; nothing here interprets what it reads."""
    env = dict(reader.environ())
    fields = SMI_FIELDS
    smi = reader.run(_smi_argv(fields))
    first = None
    if smi.text and FIELD_RE.search(smi.text):  # drivers before the 510 branch lack compute_cap
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
    conf = _ldconf(reader)
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
        kernel_version=reader.read(KERNEL_VERSION),
        tegra_release=reader.read(TEGRA_RELEASE),
        device_model=reader.read(DEVICE_MODEL),
        wsl_lib=reader.listdir(WSL_LIB),
        ldconf=conf,
        ldconf_dirs={d: reader.listdir(d) for d in ldconf_dirs(conf)},
        os_release=reader.read("/etc/os-release"),
    )
