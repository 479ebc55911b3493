"""``cudacompat new-release --cuda``: draft the CUDA toolkit releases the knowledge base lacks.

NVIDIA publishes every CUDA toolkit release as a ``cuda-toolkit`` metapackage on the package index
(``13.4.1.0``, ``13.5.0``); its metadata pins the release's components, and its ``cudart`` extra
names the CUDA runtime (``nvidia-cuda-runtime==13.5.37.*``). pip reads that metadata without
downloading anything (``install --dry-run --report``). A drafted release carries the cudart version
and NVIDIA's release-notes address; its driver minimum is NVIDIA's Table 3 there, added by hand
(the metapackage does not state it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from .pipindex import parse_index_versions

NOTES_URL = "https://docs.nvidia.com/cuda/archive/{version}/cuda-toolkit-release-notes/index.html"
RUNTIME_NAMES = ("nvidia-cuda-runtime", "nvidia-cuda-runtime-cu12", "nvidia-cuda-runtime-cu11")


def release_of(metapackage: str) -> str | None:
    """The toolkit release a metapackage version is: ``13.4.1.0`` -> ``13.4.1`` (NVIDIA appends a
    fourth number to some re-published metapackages); None for pre-releases and non-versions."""
    try:
        v = Version(metapackage)
    except InvalidVersion:
        return None
    if v.is_prerelease or v.is_devrelease or v.local or len(v.release) < 3:
        return None
    return ".".join(map(str, v.release[:3]))


def missing_releases(available: Iterable[str], known: Iterable[str]) -> list[str]:
    """The toolkit releases listed on the index that the knowledge base does not have, newest last;
    only those newer than its oldest (older ones predate what it covers)."""
    have = {Version(k) for k in known}
    oldest = min(have, default=None)
    out = {r for a in available if (r := release_of(a)) and Version(r) not in have and (oldest is None or Version(r) > oldest)}
    return sorted(out, key=Version)


def cudart_from_requires(requires: Iterable[str]) -> str | None:
    """The cudart version a metapackage pins for its ``cudart`` extra (``==13.5.37.*`` -> 13.5.37)."""
    for line in requires:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.name.lower() not in RUNTIME_NAMES:
            continue
        spec = next(iter(req.specifier), None)
        if spec is not None and spec.operator == "==":
            return spec.version.removesuffix(".*")
    return None


def report_cmd(metapackage: str) -> list[str]:
    """pip's resolver, reading the metapackage's metadata only (no download, nothing installed)."""
    cmd = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--ignore-installed", "--no-deps",
           "--disable-pip-version-check", "--quiet", "--report", "-", f"cuda-toolkit=={metapackage}"]
    cert = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE")
    if cert and Path(cert).is_file():
        cmd += ["--cert", cert]
    return cmd


def parse_report(report: dict[str, Any]) -> dict[str, Any] | None:
    """The metapackage's version and its Requires-Dist, from a ``pip install --report`` document."""
    items = report.get("install") or []
    if not items:
        return None
    meta = items[0].get("metadata") or {}
    return {"version": meta.get("version"), "requires_dist": list(meta.get("requires_dist") or [])}


def draft_release(release: str, metapackage: str, requires: Iterable[str]) -> dict[str, Any]:
    """A ``releases:`` entry for review: cudart measured, the driver minimum left to Table 3."""
    row: dict[str, Any] = {"version": release, "name": "GA" if release.endswith(".0") else "Update ?",
                           "min_driver": {}}
    cudart = cudart_from_requires(requires)
    if cudart:
        row["cudart"] = cudart
    row["todo"] = (f"name and min_driver from Table 3 of {NOTES_URL.format(version=release)}; cudart from the "
                   f"cuda-toolkit {metapackage} metapackage's metadata")
    return row


def index_versions(run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> list[str]:
    cmd = [sys.executable, "-m", "pip", "index", "versions", "cuda-toolkit", "--isolated",
           "--disable-pip-version-check"]
    proc = run(cmd, capture_output=True, text=True)
    return parse_index_versions(proc.stdout)


def draft(known: Iterable[str], run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> list[dict[str, Any]]:
    """Draft every toolkit release on the index that the knowledge base lacks."""
    available = index_versions(run)
    by_release: dict[str, str] = {}
    for a in available:  # the metapackage version to read for each release (13.4.1.0 for 13.4.1)
        r = release_of(a)
        if r:
            by_release.setdefault(r, a)
    out = []
    for release in missing_releases(available, known):
        proc = run(report_cmd(by_release[release]), capture_output=True, text=True)
        try:
            parsed = parse_report(json.loads(proc.stdout)) if proc.returncode == 0 else None
        except ValueError:
            parsed = None
        out.append(draft_release(release, by_release[release], parsed["requires_dist"] if parsed else []))
    return out


def render(drafts: list[dict[str, Any]]) -> str:
    """The drafts as YAML lines to review and paste under each toolkit's ``releases:``."""
    lines = ["# Drafted by `cudacompat new-release --cuda` from the cuda-toolkit metapackages, for review.",
             "# Add each under its toolkit's `releases:` (a new X.Y needs a new `cuda:` row) with NVIDIA's Table 3",
             "# driver minimums and the release notes as source."]
    for d in drafts:
        fields = ", ".join(f"{k}: {json.dumps(v)}" for k, v in d.items() if k != "todo")
        lines += [f"- {{{fields}}}", f"  # {d['todo']}"]
    if not drafts:
        lines.append("# no toolkit release on the package index is missing from the knowledge base")
    return "\n".join(lines) + "\n"


def known_releases(cuda_rows: Iterable[Any]) -> list[str]:
    return [r.version for c in cuda_rows for r in c.releases if re.fullmatch(r"\d+\.\d+\.\d+", r.version)]
