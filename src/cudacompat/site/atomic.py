"""Nothing half-written: MkDocs builds into a new directory next to the site directory, and that
directory takes the site's place only once the whole build has succeeded.

The hook calls ``stage`` from ``on_config`` (MkDocs runs it before it cleans ``site_dir``), so the
clean and every write go to the new directory; ``commit`` from the last ``on_post_build`` puts it in
place, unless strict mode has counted a warning (MkDocs raises that abort only after
``on_post_build``); ``discard`` from ``on_build_error`` and ``on_shutdown`` removes it after a
failure or an interrupt. Until ``commit``, the previous site is not touched at all: same entries,
bytes, inodes and mtimes. SIGTERM and SIGHUP, while a build is staged, remove the new directory and
then end the process as the signal would have; a build killed outright (SIGKILL) leaves its
directory behind, and the next build of the same site removes it.

The replacement is one ``renameat2(RENAME_EXCHANGE)`` where the platform has it (Linux), else two
renames. Hidden top-level entries of the old site (``.git``, ``.nojekyll``), which MkDocs' own
clean keeps, are carried over. A symlinked ``site_dir`` keeps its link and has its target replaced;
a ``site_dir`` that is a file is refused. ``--dirty`` builds write in place, as MkDocs does.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.cudacompat")  # info only: a warning would count in strict mode
STAGING, PREVIOUS = "building", "previous"
TRAPPED = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)
BLOCKED = {s for s in (getattr(signal, "SIGINT", None), *TRAPPED) if s}


class SiteDirError(Exception):
    """The site directory cannot be built atomically (one readable line)."""


@dataclass
class Staged:
    config: object  # the MkDocs config whose site_dir points at temp
    requested: str  # site_dir as configured
    target: Path  # the directory to replace (a symlink resolved)
    temp: Path  # where this build writes


_lock = threading.RLock()
_staged: dict[str, Staged] = {}
_saved_handlers: dict[int, object] = {}
_dirty = False


def startup(dirty: bool) -> None:
    global _dirty
    _dirty = bool(dirty)


def stage(config) -> Path | None:
    """Point ``config['site_dir']`` at a new sibling directory; None when the build goes in place."""
    requested = config["site_dir"]
    target = Path(os.path.realpath(requested))
    if os.path.lexists(target) and not target.is_dir():
        raise SiteDirError(f"site_dir {requested} exists and is not a directory: not replacing it")
    if _dirty:
        log.info(f"Dirty build: writing into {requested} in place")
        return None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep(target)
        temp = _new_dir(target, STAGING)
    except OSError as e:
        log.info(f"Cannot build next to {target} ({e.strerror}): building in place")
        return None
    if target.is_dir():
        os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
    with _lock:
        _staged[str(temp)] = Staged(config, requested, target, temp)
        _trap_signals()
    config["site_dir"] = str(temp)
    log.debug(f"Building into {temp}; {requested} is replaced only if the build succeeds")
    return temp


def commit(config) -> bool:
    """Replace the site with this config's staged build, unless strict mode has counted warnings."""
    with _lock, _signals_blocked():  # a signal now runs its handler only once this is done
        st = _staged.pop(config["site_dir"], None)
        try:
            if st is None:
                return False
            config["site_dir"] = st.requested
            if strict_failed(config):
                log.info(f"Strict mode counted warnings: {st.requested} is left as it was")
                _remove(st.temp)
                return False
            try:
                swap(st.temp, st.target)
            except OSError as e:
                _remove(st.temp)
                raise SiteDirError(f"could not put the new build in place of {st.target}: {e}") from None
            return True
        finally:
            if not _staged:
                _release_signals()


def discard() -> None:
    """Remove every staged build of this process (after a failure, an interrupt, or at shutdown)."""
    with _lock:
        for st in list(_staged.values()):
            _staged.pop(str(st.temp), None)
            with contextlib.suppress(Exception):
                st.config["site_dir"] = st.requested
            _remove(st.temp)
        _release_signals()


def strict_failed(config) -> bool:
    """True when MkDocs will abort this build in strict mode (it counts warnings on the "mkdocs" logger)."""
    if not config["strict"]:
        return False
    from mkdocs.utils import CountHandler

    return any(isinstance(h, CountHandler) and h.get_counts() for h in logging.getLogger("mkdocs").handlers)


def swap(new: Path, target: Path) -> None:
    """Put directory ``new`` at ``target`` and remove whatever was there (a directory, or nothing)."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if _exchange(new, target):
        old = new
    else:
        old = target.with_name(_name(target, PREVIOUS))
        try:
            os.rename(target, old)
        except OSError as e:
            if e.errno not in (errno.EBUSY, errno.EXDEV):
                raise
            _replace_contents(new, target)  # a mount point cannot be renamed: not atomic, but only now
            return
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
    for entry in os.listdir(old):  # what MkDocs' clean keeps; the build never writes hidden files
        if entry.startswith(".") and not os.path.lexists(target / entry):
            os.rename(old / entry, target / entry)
    _remove(old)


def sweep(target: Path) -> list[Path]:
    """Remove what builds of ``target`` killed before they could clean up left next to it."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:{STAGING}|{PREVIOUS})-(\d+)-[0-9a-f]{{8}}")
    removed = []
    for p in target.parent.iterdir():
        m = pattern.fullmatch(p.name)
        if m and str(p) not in _staged and not _alive(int(m[1])):
            _remove(p)
            removed.append(p)
    return removed


def _name(target: Path, kind: str) -> str:
    return f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _new_dir(target: Path, kind: str) -> Path:
    while True:
        p = target.with_name(_name(target, kind))
        try:
            os.mkdir(p)  # the usual mode (umask applied), not mkdtemp's 0700
            return p
        except FileExistsError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # not staged by this process, so left by an earlier one with the same id
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove(p: Path) -> None:
    if os.path.islink(p) or os.path.isfile(p):
        os.unlink(p)
    elif os.path.isdir(p):
        shutil.rmtree(p, ignore_errors=True)


_renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is unavailable."""
    global _renameat2
    if _renameat2 is None:
        try:
            fn = ctypes.CDLL(None, use_errno=True).renameat2
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            fn.restype = ctypes.c_int
            _renameat2 = fn
        except (OSError, AttributeError, TypeError):
            _renameat2 = False
    if not _renameat2:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return _renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _replace_contents(new: Path, target: Path) -> None:
    for entry in os.listdir(target):
        if not entry.startswith("."):
            _remove(target / entry)
    for entry in os.listdir(new):
        shutil.move(str(new / entry), str(target / entry))
    _remove(new)


@contextlib.contextmanager
def _signals_blocked():
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (no handler runs between the renames)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, BLOCKED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _trap_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in TRAPPED:
        if sig not in _saved_handlers and signal.getsignal(sig) is signal.SIG_DFL:
            _saved_handlers[sig] = signal.SIG_DFL
            signal.signal(sig, _on_signal)


def _release_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig, handler in list(_saved_handlers.items()):
        if signal.getsignal(sig) is _on_signal:
            signal.signal(sig, handler)
        del _saved_handlers[sig]


def _on_signal(signum, frame) -> None:
    discard()  # also puts the default handler back
    os.kill(os.getpid(), signum)  # end as the signal would have
    raise SystemExit(128 + signum)


atexit.register(discard)
