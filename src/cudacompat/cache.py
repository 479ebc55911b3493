"""A cache of the validated knowledge base, so that the CLI's answers skip YAML parsing and validation.

Only the commands that just query the rows use it (``gpu``, ``torch``, ``cuda``, ``will-it-run``,
``explain``, ``stats``, ``doctor``); ``cudacompat check``, ``generate``, ``verify``, the site build
and every other path read and validate the file each time.

The key is the sha256 of the data file's bytes, the package version, the sha256 of the package's
own source files (a change to the model or the validation invalidates it without a version bump)
and the Python version. Only a file that validated is stored, so an invalid file is re-validated,
and its problems reported, on every run. A hit does not re-check what lies outside the file (that
each ``evidence:`` source still exists): no answer depends on it, and the validating paths check it.

Entries hold :class:`Row` objects, not the pydantic models: the same field names and values,
read-only, so that a cached answer does not even import pydantic (its import and the models' class
construction were most of the command's start-up). The query functions read rows only through
their attributes; ``tests/test_cache.py`` holds every answer equal on both forms.

Where: ``$CUDACOMPAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/cudacompat``, else ``~/.cache/cudacompat``,
else a per-user directory under the system's temporary directory. The entries are pickles, so a
directory is used only when it belongs to this user and nobody else can write to it.
``CUDACOMPAT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from . import __version__

PREFIX = "kb-"
KEEP = 8  # entries kept (one per data file and code version); older ones are removed
_SOURCE_CACHE: list[str] = []


def enabled() -> bool:
    return os.environ.get("CUDACOMPAT_NO_CACHE", "") in ("", "0")


def _code_digest() -> str:
    """sha256 over the package's Python sources (names and contents)."""
    if not _SOURCE_CACHE:
        h = hashlib.sha256()
        pkg = Path(__file__).resolve().parent
        for f in sorted(pkg.glob("*.py")):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        _SOURCE_CACHE.append(h.hexdigest())
    return _SOURCE_CACHE[0]


def key(data: bytes) -> str:
    h = hashlib.sha256()
    for part in (hashlib.sha256(data).hexdigest(), __version__, _code_digest(), sys.version,
                 str(pickle.HIGHEST_PROTOCOL)):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def _safe_dir(d: Path) -> bool:
    """A directory of this user's that no one else can write to (the entries are pickles)."""
    try:
        st = d.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: the profile directory is private
        return d.is_dir()
    return d.is_dir() and st.st_uid == os.getuid() and not st.st_mode & 0o022


def directory(create: bool = False) -> Path | None:
    env = os.environ.get("CUDACOMPAT_CACHE_DIR")
    if env:
        candidates = [Path(env)]
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        import tempfile

        uid = os.getuid() if hasattr(os, "getuid") else "user"
        candidates = [Path(base) / "cudacompat", Path(tempfile.gettempdir()) / f"cudacompat-{uid}"]
    for d in candidates:
        if create:
            try:
                d.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError:
                continue
        if _safe_dir(d):
            return d
    return None


class Row:
    """A validated row (or the whole knowledge base) without pydantic: the model's fields as
    read-only attributes, in the model's order; ``kind`` is the model class's name."""

    __slots__ = ("__dict__", "_kind")

    def __init__(self, kind: str, fields: dict[str, Any]):
        object.__setattr__(self, "_kind", kind)
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} rows are read-only")

    __delattr__ = __setattr__

    def __iter__(self):  # like a pydantic model: (field, value) pairs
        return iter(self.__dict__.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._kind == other._kind and self.__dict__ == other.__dict__

    def __hash__(self) -> int:  # like a frozen model: fails on list fields
        return hash((self._kind, *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{self._kind}(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"

    def __getstate__(self) -> tuple[str, dict[str, Any]]:
        return self._kind, self.__dict__

    def __setstate__(self, state: tuple[str, dict[str, Any]]) -> None:
        object.__setattr__(self, "_kind", state[0])
        self.__dict__.update(state[1])


def freeze(value: Any) -> Any:
    """A validated pydantic model (and everything in it) as :class:`Row` objects."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return Row(type(value).__name__, {k: freeze(getattr(value, k)) for k in fields})
    if isinstance(value, list):
        return [freeze(v) for v in value]
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    return value


def load(path: Path, display: str | None = None) -> Any:
    """The validated knowledge base in ``path`` as a :class:`Row`: from the cache when the key
    matches, else validated by :func:`cudacompat.loader.load` (which raises ``InvalidData``),
    then stored. With the cache off, the pydantic model itself."""
    if not enabled():
        return _validate(path, display)
    try:
        with path.open("rb") as f:
            data = f.read()
    except OSError:
        return _validate(path, display)  # let the loader report it
    k = key(data)
    d = directory()
    entry = d / f"{PREFIX}{k}.pickle" if d else None
    if entry is not None:
        try:
            st = entry.stat()
            if not hasattr(os, "getuid") or st.st_uid == os.getuid():
                with entry.open("rb") as f:
                    kb = pickle.load(f)
                if isinstance(kb, Row) and kb._kind == "KnowledgeBase":
                    return kb
        except Exception:  # absent, truncated or foreign: validate and (re)store it
            pass
    kb = freeze(_validate(path, display))
    try:
        with path.open("rb") as f:
            unchanged = f.read() == data  # the file changed while it was being validated: do not store
    except OSError:
        unchanged = False
    if unchanged:
        store(k, kb)
    return kb


def store(k: str, kb: Row) -> Path | None:
    d = directory(create=True)
    if d is None:
        return None
    import tempfile

    target = d / f"{PREFIX}{k}.pickle"
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kb, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return None
    _prune(d, keep=target)
    return target


def _prune(d: Path, keep: Path) -> None:
    try:
        entries = sorted(d.glob(f"{PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for p in entries[KEEP:]:
        if p != keep:
            try:
                p.unlink()
            except OSError:
                pass


def _validate(path: Path, display: str | None) -> Any:
    from . import loader

    return loader.load(path, display=display)
