"""Read a torch wheel: only what is needed from the zip (``*.dist-info/METADATA``,
``torch/version.py`` and a streamed scan of the shared libraries for the compiled-in
``CUDA_ARCH_FLAGS`` string). Only the standard library and ``packaging``; torch is never imported.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from email.parser import HeaderParser
from pathlib import Path
from typing import IO

from packaging.markers import InvalidMarker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

SCHEMA = 1

#: manylinux platform tags per platform, most preferred first.
PLATFORM_TAGS: dict[str, list[str]] = {
    "linux-x86_64": [
        "manylinux_2_28_x86_64",
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "manylinux2010_x86_64",
        "manylinux1_x86_64",
    ],
    "linux-aarch64": [
        "manylinux_2_28_aarch64",
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
    ],
}

#: Requires-Dist packages whose exact pins are recorded.
PIN_PREFIXES: tuple[str, ...] = ("nvidia-", "cuda-", "triton", "pytorch-triton")

# One gencode entry: "-gencode;arch=compute_90,code=sm_90" or with spaces / "=".
_GENCODE_RE = re.compile(
    rb"-gencode[;= ]+arch=compute_\d+[af]?,code=\[?[a-z_0-9,]+\]?"
)
# A run of gencode entries separated by ';' or ' '.
_GENCODE_RUN_RE = re.compile(
    rb"(?:-gencode[;= ]+arch=compute_\d+[af]?,code=\[?[a-z_0-9,]+\]?[; ]?)+"
)
_CODE_RE = re.compile(r"\b(sm|compute)_(\d+)([af]?)\b")
_CHUNK = 16 * 1024 * 1024
_OVERLAP = 64 * 1024


# --------------------------------------------------------------------------
# Architecture flags
# --------------------------------------------------------------------------


def code_to_cc(digits: str, suffix: str = "") -> str:
    """Turn the digits of ``sm_XY`` into a compute capability string.

    The last digit is the minor version: ``"86"`` -> ``"8.6"``,
    ``"100"`` -> ``"10.0"``, ``("90", "a")`` -> ``"9.0a"``.
    """
    if len(digits) < 2:
        raise ValueError(f"not an sm/compute number: {digits!r}")
    return f"{int(digits[:-1])}.{digits[-1]}{suffix}"


def cc_sort_key(cc: str) -> tuple[int, int, str]:
    """Sort key for compute capability strings: numeric (major, minor), suffix."""
    m = re.fullmatch(r"(\d+)\.(\d+)([a-z]*)", cc)
    if not m:
        raise ValueError(f"not a compute capability: {cc!r}")
    return int(m.group(1)), int(m.group(2)), m.group(3)


def sort_ccs(ccs: Iterable[str]) -> list[str]:
    """De-duplicate and sort compute capability strings numerically."""
    return sorted(set(ccs), key=cc_sort_key)


def parse_arch_flags(flags: str) -> tuple[list[str], list[str]]:
    """Parse a CUDA_ARCH_FLAGS string into ``(sm, ptx)`` compute capabilities.

    ``code=sm_XY`` entries give SASS (cubin) architectures, ``code=compute_XY``
    entries give embedded PTX.  Separators may be ``;`` or spaces; a
    ``code=[sm_80,compute_80]`` list is accepted too.  Both lists are sorted by
    (major, minor) and de-duplicated.
    """
    sm: set[str] = set()
    ptx: set[str] = set()
    for m in re.finditer(r"code=\[?([a-z_0-9,]+)\]?", flags):
        for kind, digits, suffix in _CODE_RE.findall(m.group(1).replace(",", " ")):
            (sm if kind == "sm" else ptx).add(code_to_cc(digits, suffix))
    return sort_ccs(sm), sort_ccs(ptx)


def _iter_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """Yield overlapping chunks of a binary stream (overlap catches split matches)."""
    tail = b""
    while True:
        block = stream.read(_CHUNK)
        if not block:
            return
        chunk = tail + block
        yield chunk
        tail = chunk[-_OVERLAP:]


def _c_string_around(buf: bytes, start: int, end: int) -> bytes:
    """Extend ``buf[start:end]`` to the enclosing run of printable bytes."""
    lo = start
    while lo > 0 and 0x20 <= buf[lo - 1] < 0x7F:
        lo -= 1
    hi = end
    while hi < len(buf) and 0x20 <= buf[hi] < 0x7F:
        hi += 1
    return buf[lo:hi]


def find_arch_flags(data: bytes) -> str | None:
    """Return the longest run of ``-gencode`` flags found in ``data``, or None.

    The run is returned as found (``;`` or space separated), trailing
    separators stripped.
    """
    best = b""
    for m in _GENCODE_RUN_RE.finditer(data):
        run = m.group(0).rstrip(b"; ")
        if len(run) > len(best):
            best = run
    return best.decode("ascii") if best else None


def scan_stream_for_flags(stream: IO[bytes]) -> str | None:
    """Stream a binary member and return the longest gencode run in it, or None."""
    best: str | None = None
    for chunk in _iter_chunks(stream):
        found = find_arch_flags(chunk)
        if found and (best is None or len(found) > len(best)):
            best = found
    return best


def so_scan_order(names: Iterable[str]) -> list[str]:
    """Order shared-library members so the likeliest holders of the flags come first.

    torch/lib/libtorch_python.so first, then libtorch_cuda*, libc10_cuda,
    libtorch_global_deps, other torch-owned libraries, then the rest.
    Bundled third-party CUDA libraries (cudnn, cublas, ...) come last.
    """
    priority = [
        "libtorch_python.so",
        "libtorch_cuda.so",
        "libtorch_cuda_cpp.so",
        "libtorch_cuda_cu.so",
        "libc10_cuda.so",
        "libtorch_global_deps.so",
        "libtorch.so",
        "libtorch_cpu.so",
    ]

    def key(name: str) -> tuple[int, int, str]:
        base = name.rsplit("/", 1)[-1]
        if base in priority:
            return 0, priority.index(base), name
        if base.startswith(("libtorch", "libc10", "_C")):
            return 1, 0, name
        if name.startswith("torch/"):
            return 2, 0, name
        return 3, 0, name

    sos = [n for n in names if re.search(r"\.so(\.[\d.]+)?$", n)]
    return sorted(sos, key=key)


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def parse_version_py(text: str) -> dict[str, str | None]:
    """Extract ``__version__``, ``cuda`` and ``git_version`` from torch/version.py."""
    out: dict[str, str | None] = {}
    for key in ("__version__", "cuda", "git_version"):
        m = re.search(rf"^{key}\s*(?::\s*[^=]+)?=\s*(.+?)\s*$", text, re.M)
        if not m:
            out[key] = None
            continue
        raw = m.group(1)
        sm = re.match(r"""['"]([^'"]*)['"]""", raw)
        out[key] = sm.group(1) if sm else None  # None for "None" or expressions
    return out


def marker_env(platform: str, python: str) -> dict[str, str]:
    """Environment for evaluating Requires-Dist markers for a platform/interpreter."""
    machine = platform.split("-", 1)[1]
    return {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": machine,
        "os_name": "posix",
        "python_version": python,
        "python_full_version": python + ".0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }


#: the Pythons a requirement's marker is tried with: a pin counts when it applies to any of them
MARKER_PYTHONS: tuple[str, ...] = tuple(f"3.{m}" for m in range(8, 17))


def parse_pins(requires: Iterable[str], env: dict[str, str] | None = None) -> dict[str, str]:
    """The ``==`` pins (the version) and ``~=`` pins (``~=3.9.0``) of nvidia-*/cuda-*/triton
    requirements.

    If ``env`` is given, requirements whose marker is false in it for every Python of
    :data:`MARKER_PYTHONS` are skipped (a pin limited to ``python_version < "3.12"`` is still the
    wheel's pin; extras evaluate false, so optional dependencies are not pins).
    """
    pins: dict[str, str] = {}
    for line in requires:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if not req.name.lower().startswith(PIN_PREFIXES):
            continue
        if env is not None and req.marker is not None:
            try:
                if not any(req.marker.evaluate({**env, "python_version": py, "python_full_version": py + ".0"})
                           for py in MARKER_PYTHONS):
                    continue
            except InvalidMarker:
                continue
        specs = list(req.specifier)
        if len(specs) == 1 and specs[0].operator in ("==", "==="):
            pins[req.name] = specs[0].version
        elif len(specs) == 1 and specs[0].operator == "~=":
            pins[req.name] = "~=" + specs[0].version
    return dict(sorted(pins.items()))


def parse_metadata(text: str) -> dict[str, object]:
    """Read Requires-Python, Requires-Dist and Python classifiers from METADATA."""
    msg = HeaderParser().parsestr(text)
    classifiers = [
        c for c in msg.get_all("Classifier", []) or []
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    return {
        "requires_python": msg.get("Requires-Python"),
        "requires_dist": list(msg.get_all("Requires-Dist", []) or []),
        "python_classifiers": sorted(set(classifiers), key=_classifier_key),
    }


def _classifier_key(c: str) -> tuple[int, ...]:
    """Numeric sort key for 'Programming Language :: Python :: 3.N'."""
    tail = c.rsplit("::", 1)[-1].strip()
    try:
        return tuple(int(p) for p in tail.split("."))
    except ValueError:
        return (999,)


def wheel_tags(filename: str) -> dict[str, str]:
    """Split a wheel file name into name, version, python, abi and platform tags
    (:func:`packaging.utils.parse_wheel_filename`; a compressed tag set keeps its first tags)."""
    try:
        name, version, _build, _tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as e:
        raise ValueError(f"not a wheel file name: {filename}") from e
    py, abi, plat = filename[:-4].split("-")[-3:]
    return {"name": str(name), "version": str(version), "python": py, "abi": abi, "platform": plat}


def platform_of(platform_tag: str) -> str:
    """Map a wheel platform tag to 'linux-x86_64' / 'linux-aarch64' / the tag itself."""
    for plat in PLATFORM_TAGS:
        if platform_tag.startswith("manylinux") and platform_tag.endswith(plat.split("-")[1]):
            return plat
    return platform_tag


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_wheel(path: str | os.PathLike[str], requested: str | None = None) -> dict[str, object]:
    """Read a torch wheel and return its evidence dict (see module docstring).

    Only METADATA, torch/version.py and shared-library members are read;
    members are streamed, never extracted to disk.
    """
    path = Path(path)
    tags = wheel_tags(path.name)
    platform = platform_of(tags["platform"])
    py_tag = tags["python"]
    py_ver = f"{py_tag[2]}.{py_tag[3:]}" if py_tag.startswith("cp") else "3"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        meta = parse_metadata(zf.read(meta_name).decode("utf-8", "replace"))
        version_py = (
            parse_version_py(zf.read("torch/version.py").decode("utf-8", "replace"))
            if "torch/version.py" in names
            else {"__version__": None, "cuda": None, "git_version": None}
        )
        flags: str | None = None
        where: str | None = None
        for member in so_scan_order(names):
            with zf.open(member) as stream:
                found = scan_stream_for_flags(stream)
            if found:
                flags, where = found, member
                break
        torch_lib = sorted(
            n.rsplit("/", 1)[-1] for n in names
            if n.startswith("torch/lib/") and not n.endswith("/")
        )
    sm, ptx = parse_arch_flags(flags) if flags else ([], [])
    return {
        "schema": SCHEMA,
        "package": "torch",
        "version": version_py["__version__"],
        "git_version": version_py["git_version"],
        "requested": requested or tags["version"],
        "platform": platform,
        "platform_tag": tags["platform"],
        "python_tag": py_tag,
        "filename": path.name,
        "sha256": sha256_file(path),
        "size": path.stat().st_size,
        "requires_python": meta["requires_python"],
        "python_classifiers": meta["python_classifiers"],
        "pins": parse_pins(meta["requires_dist"], marker_env(platform, py_ver)),
        "requires_dist": meta["requires_dist"],
        "cuda": version_py["cuda"],
        "cuda_arch_flags": flags,
        "sm": sm,
        "ptx": ptx,
        "where": where,
        "torch_lib": torch_lib,
        "recorded": _dt.date.today().isoformat(),
    }


