"""A cache of the validated knowledge base, so that the CLI's answers skip YAML parsing and validation.

The commands that only query the rows use it (``gpu``, ``torch``, ``cuda``, ``will-it-run``,
``explain``, ``stats``, ``doctor``) and so does the site build; ``cudacompat check``, ``generate``
and ``verify`` read and validate the file each time.

The key is the sha256 of the data file's bytes, the package version, the sha256 of the package's
own source files (a change to the model or the validation invalidates it without a version bump)
and the Python version. Only a file that validated is stored, so an invalid file is re-validated,
and its problems reported, on every run. A hit does not re-check what lies outside the file (that
each ``evidence:`` source still exists): no answer depends on it, and the validating paths check it.

Entries hold :class:`~cudacompat.kb.rows.Row` objects, the one row type the loader returns too,
so that a cached answer does not even import pydantic (its import and the models' class
construction were most of the command's start-up).

Where: ``$CUDACOMPAT_CACHE_DIR``, else ``$XDG_CACHE_HOME/cudacompat``, else ``~/.cache/cudacompat``,
else a per-user directory under the system's temporary directory. The entries are pickles, so a
directory is used only when it belongs to this user and nobody else can write to it.
``CUDACOMPAT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from .. import __version__
from .rows import Row

PREFIX = "kb-"
KEEP = 8  # entries kept (one per data file and code version); older ones are removed
_SOURCE_CACHE: list[str] = []


MAX_CACHED = 16 * 1024 * 1024  # larger than the loader accepts: it reports the size


def enabled() -> bool:
    return os.environ.get("CUDACOMPAT_NO_CACHE", "") in ("", "0")


def _code_digest() -> str:
    """sha256 over the package's Python sources (names and contents)."""
    if not _SOURCE_CACHE:
        h = hashlib.sha256()
        pkg = Path(__file__).resolve().parent.parent
        for f in sorted(pkg.rglob("*.py")):
            h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
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


def load(path: Path, display: str | None = None) -> Any:
    """The validated knowledge base in ``path`` as a :class:`Row`: from the cache when the key
    matches, else validated by :func:`cudacompat.kb.load.load` (which raises ``InvalidData``),
    then stored. With the cache off, validated every time."""
    if not enabled():
        return _validate(path, display)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device: the loader says so, unread
            return _validate(path, display)
        with path.open("rb") as f:
            data = f.read(MAX_CACHED + 1)
    except OSError:
        return _validate(path, display)  # let the loader report it
    if len(data) > MAX_CACHED:
        return _validate(path, display)
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
    kb = _validate(path, display)
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


def _validate(path: Path, display: str | None) -> Row:
    from .load import load as validated  # pydantic: only on the validating path

    return validated(path, display=display)
