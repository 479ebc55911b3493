"""``cudacompat new-release``: draft a torch release's rows from its published wheels, for review.

For each version it reads the wheel(s) that plain ``pip install torch==X`` gets (Linux x86_64,
plus Linux aarch64), drafts the ``torch:`` row with :func:`cudacompat.evidence.draft`, prints it
in the knowledge base's YAML style, and validates it: the row is merged into a temporary copy of
``data/compat.yaml`` (a new release is inserted in version order; an existing release's row is
replaced by itself with the measured facts merged in) and that copy goes through the loader.

Downloads go to a temporary directory that is deleted afterwards (:func:`cudacompat.wheels.download.record`).
The evidence JSON is kept under ``data/evidence/wheels/`` only with ``--record``; ``--offline``
reads the evidence already kept there instead of downloading. ``--latest`` drafts every release
on the package index newer than the knowledge base's newest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from .. import data_path, versions
from ..kb.load import InvalidData, Problem, load
from . import download as wheels
from . import evidence, yamlout
from .merge import _parse, map_line, merge_text
from .pipindex import parse_index_versions
from .read import PLATFORM_TAGS

HELP = "draft a torch release's rows from its published wheels and validate them, for review"
DEFAULT_PLATFORMS = ("linux-x86_64", "linux-aarch64")
EXIT_OK, EXIT_NOT_FOUND, EXIT_INVALID = 0, 1, 2
HEADER = (
    "# Drafted by `cudacompat new-release` from the published wheels, for review. Measured: the default\n"
    "# variant's CUDA/cuDNN/NCCL pins and compiled architectures, and the Python range. Add by hand, from\n"
    "# primary sources: date, notes, the other CUDA variants (PyTorch's own indexes), Windows lists.\n"
)


# --- the package index -------------------------------------------------------------------------

def newer_releases(available: Iterable[str], known: Iterable[str]) -> list[str]:
    """Final releases in ``available`` newer than the newest of ``known``, oldest first."""
    newest = max((versions.parse(v) for v in known), default=None)
    out = []
    for v in available:
        try:
            pv = Version(v)
        except InvalidVersion:
            continue
        if not (pv.is_prerelease or pv.is_devrelease or pv.local) and (newest is None or pv > newest):
            out.append(v)
    return sorted(set(out), key=Version)


#: Interpreters asked about: a release is listed when any of them has a wheel for this platform.
INDEX_PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15", "3.16")


def index_versions(run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
                   pythons: Iterable[str] = INDEX_PYTHONS) -> list[str]:
    """torch's released versions on the default package index (``pip index versions torch``).

    pip lists only versions with a wheel for the interpreter it is told about, so it is asked once
    per Python in ``pythons``. ``--isolated`` makes pip ignore config files and PIP_* variables
    (local mirrors).
    """
    found: set[str] = set()
    errors = []
    for py in pythons:
        cmd = [sys.executable, "-m", "pip", "index", "versions", "torch", "--isolated",
               "--disable-pip-version-check", "--only-binary=:all:", "--python-version", py]
        cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
        if cert and Path(cert).is_file():
            cmd += ["--cert", cert]
        proc = run(cmd, capture_output=True, text=True)
        listed = parse_index_versions(proc.stdout)
        if proc.returncode == 0 and listed:
            found.update(listed)
        else:
            errors.append(f"python {py}: {(proc.stderr or proc.stdout).strip()[-300:]}")
    if not found:
        raise wheels.DownloadError("pip index versions torch failed: " + "; ".join(errors))
    return sorted(found, key=Version, reverse=True)


# --- evidence ------------------------------------------------------------------------------------

def _load_evidence(f: Path) -> dict[str, Any]:
    """An evidence file, with the path its rows cite (``_path``) and where it was read (``_file``)."""
    ev = json.loads(f.read_text(encoding="utf-8"))
    ev["_path"] = f"data/evidence/wheels/{f.name}"
    ev["_file"] = str(f)
    return ev


def read_evidence(directory: Path, version: str, platforms: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The evidence files kept for ``version``; and the platforms that have none."""
    evs, missing = [], []
    for plat in platforms:
        f = wheels.evidence_path(directory, version, plat)
        try:
            evs.append(_load_evidence(f) if f.is_file() else None)
        except (ValueError, OSError):  # not JSON, or unreadable: as good as missing, and said so
            evs.append(None)
        if evs[-1] is None:
            evs.pop()
            missing.append(plat)
    return evs, missing


def measure(version: str, platforms: Iterable[str], outdir: Path,
            record: Callable[..., Path] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Download and read each platform's wheel (the download is deleted); evidence JSON goes to ``outdir``."""
    record = record or wheels.record
    evs, errors = [], []
    for plat in platforms:
        try:
            f = record(version, plat, outdir)
        except (wheels.DownloadError, OSError, ValueError) as e:
            errors.append(f"torch {version} {plat}: {e}")
            continue
        evs.append(_load_evidence(Path(f)))
    return evs, errors


def validate(text: str, data_file: Path, extra_evidence: Iterable[Path] = (),
             display: str = "data/compat.yaml") -> list[Problem]:
    """Load ``text`` as if it were ``data_file`` (same evidence tree, plus ``extra_evidence`` files)."""
    src_root = data_file.resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="cudacompat-newrelease-") as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        ev_src = src_root / "data" / "evidence"
        if ev_src.is_dir():
            for p in ev_src.rglob("*"):
                if p.is_file():
                    dest = root / "data" / "evidence" / p.relative_to(ev_src)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    try:  # a hard link (a symbolic one would lead out of the copy's data/evidence/)
                        os.link(p, dest)
                    except OSError:
                        shutil.copyfile(p, dest)
        for f in extra_evidence:
            dest = root / "data" / "evidence" / "wheels" / f.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            shutil.copyfile(f, dest)
        copy_ = root / "data" / data_file.name
        copy_.write_text(text, encoding="utf-8")
        try:
            load(copy_, display=display)
        except InvalidData as e:
            return e.problems
    return []


# --- the command ----------------------------------------------------------------------------------

def arguments(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
    sp.add_argument("versions", nargs="*", metavar="VERSION", help="torch release(s), e.g. 2.15.0")
    sp.add_argument("--latest", action="store_true",
                    help="every release on the package index newer than the knowledge base's newest")
    sp.add_argument("--list", action="store_true", help="with --latest: only print those versions")
    sp.add_argument("--platform", action="append", choices=sorted(PLATFORM_TAGS),
                    help="repeatable (default: linux-x86_64 and linux-aarch64)")
    sp.add_argument("--evidence-dir", metavar="DIR", type=Path,
                    help="evidence JSON read (--offline) or written (--record) (default: data/evidence/wheels)")
    sp.add_argument("--offline", action="store_true", help="use the kept evidence instead of downloading")
    sp.add_argument("--record", action="store_true", help="keep the evidence JSON in the evidence directory")
    sp.add_argument("--cuda", action="store_true",
                    help="draft the CUDA toolkit releases the knowledge base lacks (from the cuda-toolkit metapackages)")
    return sp


def run(a: argparse.Namespace, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    data_file = Path(a.data) if getattr(a, "data", None) else data_path()
    text = data_file.read_text(encoding="utf-8")
    if getattr(a, "cuda", False):
        from . import newcuda
        known = [r.get("version") for c in _parse(text).get("cuda") or [] if isinstance(c, dict)
                 for r in c.get("releases") or [] if isinstance(r, dict) and isinstance(r.get("version"), str)]
        out.write(newcuda.render(newcuda.draft(known)))
        return EXIT_OK
    platforms = list(dict.fromkeys(a.platform or DEFAULT_PLATFORMS))
    evdir = a.evidence_dir or evidence.EVIDENCE_DIR
    if a.offline and a.record:
        print("cudacompat: --record needs a download; drop --offline", file=err)
        return EXIT_INVALID
    todo = list(a.versions)
    if a.latest:
        known = [r.get("version") for r in _parse(text).get("torch") or []
                 if isinstance(r, dict) and isinstance(r.get("version"), str)]
        try:
            todo += newer_releases(index_versions(), known)
        except wheels.DownloadError as e:
            print(f"cudacompat: {e}", file=err)
            return EXIT_NOT_FOUND
        if a.list:
            out.write("".join(f"{v}\n" for v in todo))
            return EXIT_OK
        if not todo:
            print("no torch release on the package index is newer than the knowledge base's newest", file=err)
            return EXIT_OK
    if not todo:
        print("cudacompat new-release: give a VERSION or --latest", file=err)
        return EXIT_INVALID
    todo = list(dict.fromkeys(todo))
    with tempfile.TemporaryDirectory(prefix="cudacompat-evidence-") as tmp:
        rows, used, failed = [], [], False
        for version in todo:
            if a.offline:
                evs, missing = read_evidence(evdir, version, platforms)
                errors = [f"torch {version} {p}: no readable evidence file {wheels.evidence_path(evdir, version, p)}"
                          for p in missing]
            else:
                evs, errors = measure(version, platforms, evdir if a.record else Path(tmp))
            used += [Path(e["_file"]) for e in evs]
            for line in errors:
                print(f"warning: {line}", file=err)
            try:
                rows.append(evidence.draft(version, evs))
            except ValueError as e:
                print(f"cudacompat: {e}", file=err)
                failed = True
        if not rows:
            return EXIT_NOT_FOUND
        try:
            merged_text, merged, splices, notes = merge_text(text, rows)
        except (ValueError, yaml.YAMLError) as e:
            print(f"cudacompat: {data_file}: {e}", file=err)
            return EXIT_INVALID
        display = _display(data_file)
        problems = validate(merged_text, data_file, used, display)
    out.write(HEADER)
    for note in notes:
        out.write(f"# {note}\n")
    if not a.offline and not a.record:
        out.write("# The evidence was not kept: run again with --record to write it under data/evidence/wheels/.\n")
    out.write(yamlout.dump_rows("torch", merged))
    if problems:
        out.write(f"# check: {len(problems)} problem(s) with this draft merged into {display} "
                  f"(draft:N is line N counted from `torch:`):\n")
        for p in problems:
            in_draft, line = map_line(p.line, splices)
            out.write(f"#   {'draft' if in_draft else p.file}:{line}:{p.col}: {p.row}: {p.message}\n")
        return EXIT_INVALID
    out.write(f"# check: OK, merged into a copy of {display} this draft passes `cudacompat check`\n")
    return EXIT_NOT_FOUND if failed else EXIT_OK


def _display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
