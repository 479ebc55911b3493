"""Download torch wheels (pip, isolated from local configuration) and record their evidence.

Command line::

    python -m cudacompat.wheels.download record 2.7.1 --platform linux-x86_64 --out data/evidence/wheels
    python -m cudacompat.wheels.download read path/to/torch-...whl
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .read import PLATFORM_TAGS, read_wheel, wheel_tags

#: Interpreters tried, in order, after the requested one.
FALLBACK_PYTHONS: tuple[str, ...] = ("3.12", "3.10", "3.8")


class DownloadError(RuntimeError):
    """pip could not download a matching wheel."""



def pip_download_cmd(
    version: str, platform: str, python: str, dest: Path, index_url: str | None = None
) -> list[str]:
    """The ``pip download`` command line for one torch wheel.

    ``--isolated`` makes pip ignore config files and PIP_* variables (local
    find-links / file indexes); the CA bundle from PIP_CERT is passed explicitly; ``--no-cache-dir``
    keeps the (large) wheel out of pip's cache, so deleting the download deletes it.
    """
    cmd = [
        sys.executable, "-m", "pip", "download", "--isolated",
        "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "--no-cache-dir",
        "--timeout", "180", "--python-version", python,
        "--implementation", "cp", "-d", str(dest),
    ]
    cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    if cert and Path(cert).is_file():
        cmd += ["--cert", cert]
    for tag in PLATFORM_TAGS[platform]:
        cmd += ["--platform", tag]
    if index_url:
        cmd += ["--index-url", index_url]
    cmd.append(f"torch=={version}")
    return cmd


def download_wheel(
    version: str,
    platform: str,
    python: str = "3.12",
    dest: str | os.PathLike[str] = ".",
    index_url: str | None = None,
) -> Path:
    """Download the torch==version wheel for a platform; return its path.

    Tries ``python`` first, then the interpreters in FALLBACK_PYTHONS.
    Raises DownloadError if none matched or the file does not look like the
    registry's plain release (a local ``+label`` in the file name).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    for py in dict.fromkeys((python, *FALLBACK_PYTHONS)):
        before = set(dest.glob("*.whl"))
        proc = subprocess.run(
            pip_download_cmd(version, platform, py, dest, index_url),
            capture_output=True, text=True,
        )
        new = sorted(set(dest.glob("torch-*.whl")) - before)
        if proc.returncode == 0 and not new:
            # already present in dest: pip reports "File was already downloaded"
            new = sorted(dest.glob(f"torch-{version}-*.whl"))
        if proc.returncode == 0 and new:
            whl = new[0]
            tags = wheel_tags(whl.name)
            if index_url is None and tags["version"] != version:
                raise DownloadError(f"unexpected wheel {whl.name} for torch=={version}")
            return whl
        errors.append(f"python {py}: rc={proc.returncode}: {proc.stderr.strip()[-400:]}")
        if "No matching distribution" not in proc.stderr and "from versions" not in proc.stderr:
            break  # a network or other failure: do not mask it by trying other pythons
    raise DownloadError("; ".join(errors))


def _versions_from_pip_error(stderr: str) -> list[str]:
    """The version list in pip's "(from versions: a, b, ...)" error message."""
    m = re.search(r"\(from versions: ([^)]*)\)", stderr)
    if not m or m.group(1).strip() == "none":
        return []
    return [v.strip() for v in m.group(1).split(",") if v.strip()]


def probe_versions(platform: str, python: str, index_url: str | None = None) -> list[str]:
    """Releases that have a wheel for ``platform`` and CPython ``python`` (no download).

    Asks pip for an impossible version; pip's error lists every final release
    with a compatible file for the given tags.
    """
    with tempfile.TemporaryDirectory(prefix="torchprobe-") as tmp:
        cmd = pip_download_cmd("0.0.0.dev0+none", platform, python, Path(tmp), index_url)
        cmd[-1] = "torch==0.0.0"
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if "from versions:" not in proc.stderr:
        raise DownloadError(f"probe failed for python {python}: {proc.stderr.strip()[-400:]}")
    return _versions_from_pip_error(proc.stderr)


def probe_python_wheels(
    platform: str, pythons: Iterable[str], index_url: str | None = None
) -> dict[str, list[str]]:
    """Map release -> CPython versions (sorted) that have a wheel for ``platform``."""
    out: dict[str, list[str]] = {}
    for py in pythons:
        for version in probe_versions(platform, py, index_url):
            out.setdefault(version, []).append(py)
    return {v: sorted(set(p), key=lambda s: tuple(map(int, s.split(".")))) for v, p in out.items()}


def evidence_path(outdir: str | os.PathLike[str], requested: str, platform: str) -> Path:
    """Path of the evidence JSON for a release and platform."""
    return Path(outdir) / f"torch-{requested}-{platform}.json"


def write_json(path: Path, data: dict[str, object]) -> None:
    """Write JSON with sorted keys, indent 1 and a trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n", encoding="utf-8")


def record(
    version: str,
    platform: str,
    outdir: str | os.PathLike[str],
    python: str = "3.12",
    index_url: str | None = None,
) -> Path:
    """Download, read and record one wheel; the download is deleted afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="torchwhl-"))
    try:
        whl = download_wheel(version, platform, python, tmp, index_url)
        evidence = read_wheel(whl, requested=version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if evidence["platform"] != platform:
        raise DownloadError(f"got {evidence['filename']} for {platform}")
    out = evidence_path(outdir, version, platform)
    write_json(out, evidence)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: ``record`` or ``read``."""
    ap = argparse.ArgumentParser(prog="python -m cudacompat.wheels.download", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record", help="download a torch wheel from PyPI and write evidence JSON")
    rec.add_argument("versions", nargs="+", metavar="VERSION")
    rec.add_argument("--platform", default="linux-x86_64", choices=sorted(PLATFORM_TAGS))
    rec.add_argument("--python", default="3.12")
    rec.add_argument("--out", default="data/evidence/wheels")
    rec.add_argument("--index-url", default=None)
    rd = sub.add_parser("read", help="print the evidence for a local wheel file")
    rd.add_argument("wheel")
    pr = sub.add_parser("probe", help="add 'python_wheels' (CPython versions with a wheel) to evidence files")
    pr.add_argument("--platform", default="linux-x86_64", choices=sorted(PLATFORM_TAGS))
    pr.add_argument("--pythons", default="3.7,3.8,3.9,3.10,3.11,3.12,3.13,3.14,3.15,3.16")
    pr.add_argument("--out", default="data/evidence/wheels")
    pr.add_argument("--index-url", default=None)
    args = ap.parse_args(argv)
    if args.cmd == "probe":
        table = probe_python_wheels(args.platform, args.pythons.split(","), args.index_url)
        for path in sorted(Path(args.out).glob(f"torch-*-{args.platform}.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["python_wheels"] = table.get(data["requested"], [])
            write_json(path, data)
            print(path, " ".join(data["python_wheels"]))
        return 0
    if args.cmd == "read":
        print(json.dumps(read_wheel(args.wheel), sort_keys=True, indent=1))
        return 0
    rc = 0
    for version in args.versions:
        try:
            print(record(version, args.platform, args.out, args.python, args.index_url))
        except DownloadError as exc:
            print(f"torch {version} {args.platform}: {exc}", file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
