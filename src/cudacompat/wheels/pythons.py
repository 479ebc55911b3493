"""Which CPython versions have a torch wheel on the package index, per platform, measured with pip.

For each (platform, Python) pip resolves ``torch==VERSION`` in report mode without installing
anything (:func:`report_cmd`): ``pip install --dry-run --report -`` for that interpreter version
(``--python-version``, ``--implementation cp``, ``--abi cpXYt`` for a free-threaded build) and the
platform's tags (``--platform``). The report names the wheel pip would install (only its file name
is kept, never the host); "No matching distribution" after the index page was fetched means there
is none. Network failures are retried once and never recorded as absence (:func:`classify`).

pip must not download the wheels (close to 1 GB each): pip 25.3 and later leave them alone in a
dry run once the metadata is known, which they get from the index's PEP 658 metadata files or,
where the index has none, from HTTP range requests (``--use-feature=fast-deps``). Older pips
download every wheel, so :func:`measure` refuses them; ``--pip`` names the interpreter whose pip
is run.

Command line::

    python -m cudacompat.wheels.pythons record 2.7.1 --out data/evidence/pythons
    python -m cudacompat.wheels.pythons record --all --pip /path/to/python --out data/evidence/pythons
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .download import write_json
from .read import PLATFORM_TAGS, wheel_tags

#: Platform tags per platform, most preferred first. pip widens a ``macosx_M_0_arm64`` tag to
#: every older macOS itself; the list spells them out anyway.
PLATFORMS: dict[str, list[str]] = {
    **PLATFORM_TAGS,
    "windows-x86_64": ["win_amd64"],
    "macos-arm64": [f"macosx_{major}_0_arm64" for major in (15, 14, 13, 12, 11)],
}

#: Interpreters tried: CPython X.Y, and ``X.Yt`` for a free-threaded build (3.13 on).
PYTHONS: tuple[str, ...] = (
    "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "3.13t", "3.14t", "3.15t",
)

#: The first pip whose ``install --dry-run`` does not download the wheels it resolved (pypa/pip#13482).
MIN_PIP: tuple[int, int] = (25, 3)

FOUND, ABSENT, ERROR = "found", "absent", "error"

WHAT = (
    "CPython versions that have a torch=={version} wheel on the default package index, per platform. "
    "For each (platform, Python): `pip install --isolated --dry-run --ignore-installed --no-deps "
    "--only-binary=:all: --use-feature=fast-deps --report - --python-version X.Y --implementation cp "
    "[--abi cpXYt for 'X.Yt', a free-threaded build] --platform <each of platform_tags> torch=={version}`; "
    "no wheel is downloaded (pip reads the metadata from the index or by HTTP range requests). The value is "
    "the file name of the wheel pip resolved (report install[0].download_info.url, host dropped), null when "
    "pip fetched the index page and found no matching distribution. For 'X.Yt' only a wheel with the cpXYt "
    "ABI counts (pip would also pick a cpXY-none wheel, which is not built for free-threading). "
    "requires_python: the Requires-Python of the resolved wheels, per platform."
)

_FULL_DOWNLOAD_RE = re.compile(r"Downloading torch-\S+\.whl \(")


class MeasureError(RuntimeError):
    """pip could not tell whether a wheel exists (network or other failure, after a retry)."""


class FullDownload(MeasureError):
    """pip started downloading a whole wheel: stop before it does so for every cell."""


@dataclass(frozen=True)
class Outcome:
    """What one pip run said: ``found`` (with the parsed wheel), ``absent`` or ``error``."""

    kind: str
    wheel: dict[str, Any] | None = None
    detail: str = ""


def _cert() -> str | None:
    """The CA bundle from PIP_CERT / SSL_CERT_FILE (``--isolated`` makes pip ignore PIP_CERT)."""
    cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    return cert if cert and Path(cert).is_file() else None


def split_python(python: str) -> tuple[str, bool]:
    """``"3.13t"`` -> ``("3.13", True)``; ``"3.12"`` -> ``("3.12", False)``."""
    m = re.fullmatch(r"(\d+)\.(\d+)(t?)", python)
    if not m:
        raise ValueError(f"not a Python version: {python!r} (want X.Y or X.Yt)")
    return f"{m.group(1)}.{m.group(2)}", bool(m.group(3))


def cp_tag(python: str) -> str:
    """The CPython interpreter tag: ``"3.10"`` -> ``"cp310"``, ``"3.13t"`` -> ``"cp313"``."""
    version, _ = split_python(python)
    return "cp" + version.replace(".", "")


def python_sort_key(python: str) -> tuple[int, int, bool]:
    """Numeric sort key: 3.8 < 3.10 < 3.13 < 3.13t < 3.14."""
    version, threaded = split_python(python)
    major, minor = version.split(".")
    return int(major), int(minor), threaded


def report_cmd(
    version: str,
    platform: str,
    python: str,
    *,
    pip_python: str = sys.executable,
    log: str | os.PathLike[str] | None = None,
    target: str | os.PathLike[str] | None = None,
) -> list[str]:
    """The pip command line that resolves ``torch==version`` for one platform and CPython.

    ``--isolated`` ignores config files and PIP_* variables (a local find-links); the CA bundle is
    passed explicitly. ``--use-feature=fast-deps`` lets pip read the metadata by range requests
    where the index has no PEP 658 metadata. ``log`` adds ``--log`` (pip's debug log, used to tell
    a network failure from absence); ``target`` adds ``--target`` for pips that insist on it.
    """
    py_version, threaded = split_python(python)
    cmd = [
        pip_python, "-m", "pip", "install", "--isolated", "--dry-run", "--ignore-installed",
        "--no-deps", "--only-binary=:all:", "--report", "-", "--quiet", "--disable-pip-version-check",
        "--no-cache-dir", "--use-feature=fast-deps", "--timeout", "60",
        "--python-version", py_version, "--implementation", "cp",
    ]
    if threaded:
        cmd += ["--abi", cp_tag(python) + "t"]
    for tag in PLATFORMS[platform]:
        cmd += ["--platform", tag]
    cert = _cert()
    if cert:
        cmd += ["--cert", cert]
    if log is not None:
        cmd += ["--log", str(log)]
    if target is not None:
        cmd += ["--target", str(target)]
    cmd.append(f"torch=={version}")
    return cmd


def wheel_basename(url: str) -> str:
    """The file name at the end of a URL (query and fragment dropped)."""
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def parse_report(report: dict[str, Any]) -> dict[str, Any] | None:
    """The wheel a pip installation report resolved, or None if it installs nothing.

    Returns the wheel's file name (no host), its version, python / abi / platform tags,
    Requires-Python and Requires-Dist.
    """
    install = report.get("install") or []
    if not install:
        return None
    item = install[0]
    filename = wheel_basename((item.get("download_info") or {}).get("url") or "")
    tags = wheel_tags(filename)
    meta = item.get("metadata") or {}
    return {
        "filename": filename,
        "name": tags["name"],
        "version": meta.get("version") or tags["version"],
        "python_tag": tags["python"],
        "abi_tag": tags["abi"],
        "platform_tag": tags["platform"],
        "requires_python": meta.get("requires_python"),
        "requires_dist": list(meta.get("requires_dist") or []),
    }


def classify(returncode: int, stdout: str, log: str) -> Outcome:
    """Tell a resolved wheel from "no matching distribution" from a failure.

    Absence counts only when pip's log shows the index page fetched and no "Could not fetch URL";
    anything else that did not resolve is an error (to be retried or reported, never recorded).
    """
    if returncode == 0:
        try:
            wheel = parse_report(json.loads(stdout))
        except (ValueError, KeyError) as exc:
            return Outcome(ERROR, detail=f"unreadable report: {exc}")
        if wheel is None:
            return Outcome(ERROR, detail="the report installs nothing")
        return Outcome(FOUND, wheel)
    if (
        "No matching distribution found for torch" in log
        and "Fetched page" in log
        and "Could not fetch URL" not in log
    ):
        return Outcome(ABSENT)
    tail = [ln for ln in log.splitlines() if "ERROR" in ln or "Could not fetch" in ln or "Error" in ln]
    return Outcome(ERROR, detail=f"rc={returncode}: " + (" | ".join(tail[-3:]) or "no log"))


def pip_version(pip_python: str = sys.executable) -> str:
    """The version of the pip that ``pip_python -m pip`` runs."""
    out = subprocess.run([pip_python, "-m", "pip", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:2])


def run_one(
    version: str, platform: str, python: str, workdir: Path, pip_python: str = sys.executable,
    retries: int = 1,
) -> Outcome:
    """Run pip for one cell; an error is retried ``retries`` times. A free-threaded cell counts a
    wheel only with the cpXYt ABI. Raises :class:`FullDownload` if pip downloaded a whole wheel."""
    outcome = Outcome(ERROR)
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(2 * attempt)
        log = workdir / f"pip-{uuid.uuid4().hex}.log"
        try:
            proc = subprocess.run(
                report_cmd(version, platform, python, pip_python=pip_python, log=log),
                capture_output=True, text=True, timeout=600,
            )
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        except subprocess.TimeoutExpired:
            outcome = Outcome(ERROR, detail="pip timed out")
            continue
        finally:
            log.unlink(missing_ok=True)
        if _FULL_DOWNLOAD_RE.search(text):
            raise FullDownload(f"pip downloaded a whole wheel for torch=={version} {platform} {python}")
        outcome = classify(proc.returncode, proc.stdout, text + proc.stderr)
        if outcome.kind != ERROR:
            break
    if outcome.kind == FOUND and split_python(python)[1]:
        assert outcome.wheel is not None
        if outcome.wheel["abi_tag"] != cp_tag(python) + "t":
            return Outcome(ABSENT, detail=f"only {outcome.wheel['filename']}, not a free-threaded build")
    return outcome


def measure(
    version: str,
    platforms: Iterable[str] = tuple(PLATFORMS),
    pythons: Iterable[str] = PYTHONS,
    jobs: int = 8,
    pip_python: str = sys.executable,
) -> dict[str, Any]:
    """Measure every (platform, Python) for ``torch==version``; return the evidence document.

    Raises :class:`MeasureError` if the pip is older than :data:`MIN_PIP` or any cell failed
    twice (nothing is recorded then).
    """
    platforms, pythons = list(platforms), sorted(set(pythons), key=python_sort_key)
    pip = pip_version(pip_python)
    if _version_tuple(pip) < MIN_PIP:
        raise MeasureError(
            f"pip {pip} downloads every wheel it resolves in a dry run; use pip>="
            f"{'.'.join(map(str, MIN_PIP))} (--pip PYTHON)"
        )
    cells = [(plat, py) for plat in platforms for py in pythons]
    workdir = Path(tempfile.mkdtemp(prefix="cudacompat-pythons-"))
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {cell: pool.submit(run_one, version, *cell, workdir, pip_python) for cell in cells}
        outcomes = {cell: fut.result() for cell, fut in futures.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(workdir, ignore_errors=True)
    errors = [f"{plat} {py}: {o.detail}" for (plat, py), o in outcomes.items() if o.kind == ERROR]
    if errors:
        raise MeasureError(f"torch {version}: " + "; ".join(errors))
    table: dict[str, dict[str, str | None]] = {plat: {} for plat in platforms}
    requires: dict[str, set[str]] = {plat: set() for plat in platforms}
    for (plat, py), o in outcomes.items():
        wheel = o.wheel if o.kind == FOUND else None
        table[plat][py] = wheel["filename"] if wheel else None
        if wheel and wheel["requires_python"]:
            requires[plat].add(wheel["requires_python"])
        if wheel and wheel["version"] != version:
            raise MeasureError(f"asked for torch=={version}, pip resolved {wheel['filename']}")
    return {
        "what": WHAT.format(version=version),
        "measured_on": _dt.date.today().isoformat(),
        "pip": pip,
        "torch": version,
        "platforms": table,
        "platform_tags": {plat: PLATFORMS[plat] for plat in platforms},
        "requires_python": {plat: sorted(v) for plat, v in requires.items()},
    }


def python_range(cells: dict[str, str | None]) -> dict[str, Any]:
    """Summarise one platform's cells: lowest and highest CPython (not free-threaded) with a wheel,
    the ones missing in between, and the free-threaded builds that have one."""
    have = sorted((py for py, f in cells.items() if f and not split_python(py)[1]), key=python_sort_key)
    tried = sorted((py for py in cells if not split_python(py)[1]), key=python_sort_key)
    if not have:
        return {"min": None, "max": None, "holes": [], "free_threaded": []}
    lo, hi = python_sort_key(have[0]), python_sort_key(have[-1])
    holes = [py for py in tried if lo <= python_sort_key(py) <= hi and not cells[py]]
    threaded = sorted((py for py, f in cells.items() if f and split_python(py)[1]), key=python_sort_key)
    return {"min": have[0], "max": have[-1], "holes": holes, "free_threaded": threaded}


def evidence_path(outdir: str | os.PathLike[str], version: str) -> Path:
    """Path of the evidence JSON for a release."""
    return Path(outdir) / f"torch-{version}.json"


def _kb_versions() -> list[str]:
    """The torch releases in the knowledge base, in its order."""
    import yaml

    from .. import data_path

    data = yaml.safe_load(data_path().read_text(encoding="utf-8"))
    return [str(row["version"]) for row in data.get("torch") or []]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: ``record``."""
    ap = argparse.ArgumentParser(prog="python -m cudacompat.wheels.pythons", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record", help="measure the CPython versions with a torch wheel and write evidence JSON")
    rec.add_argument("versions", nargs="*", metavar="VERSION")
    rec.add_argument("--all", action="store_true", help="every torch release in the knowledge base")
    rec.add_argument("--platform", action="append", choices=sorted(PLATFORMS),
                     help="repeatable; default: all of them")
    rec.add_argument("--python", action="append", help="X.Y or X.Yt, repeatable; default: " + " ".join(PYTHONS))
    rec.add_argument("--out", default="data/evidence/pythons")
    rec.add_argument("--jobs", type=int, default=8, help="pip runs at a time")
    rec.add_argument("--pip", default=sys.executable, metavar="PYTHON",
                     help=f"interpreter whose pip (>= {'.'.join(map(str, MIN_PIP))}) is run")
    args = ap.parse_args(argv)
    versions = list(dict.fromkeys([*(_kb_versions() if args.all else []), *args.versions]))
    if not versions:
        ap.error("name a VERSION or use --all")
    rc = 0
    for version in versions:
        try:
            doc = measure(version, args.platform or tuple(PLATFORMS), args.python or PYTHONS, args.jobs, args.pip)
        except FullDownload as exc:
            print(f"torch {version}: {exc}", file=sys.stderr)
            return 2
        except MeasureError as exc:
            print(exc, file=sys.stderr)
            rc = 1
            continue
        out = evidence_path(args.out, version)
        write_json(out, doc)
        ranges = []
        for plat, cells in doc["platforms"].items():
            r = python_range(cells)
            holes = f" (none: {', '.join(r['holes'])})" if r["holes"] else ""
            ranges.append(f"{plat} {r['min']}-{r['max']}{holes}")
        print(out, "; ".join(ranges))
    return rc


if __name__ == "__main__":
    sys.exit(main())
