"""``cudacompat verify``: re-check the knowledge base against the published wheels.

Online it downloads each release's wheel (what plain ``pip install torch==X`` gets on Linux
x86_64, or the wheel of ``--index-url``), reads its pins and compiled architectures, compares,
and deletes the download. ``--record`` keeps the evidence JSON; ``--offline`` compares against the
evidence already kept under ``data/evidence/wheels`` and needs no network.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from . import evidence, model, versions, wheels


def offline(kb: model.KnowledgeBase, directory: Path = evidence.EVIDENCE_DIR) -> tuple[int, list[str]]:
    evs = evidence.load_all(directory)
    return len(evs), evidence.compare(kb, evs)


class Progress:
    """A one-line progress bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, out: TextIO = sys.stderr):
        self.total, self.done, self.out = total, 0, out
        self.tty = out.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        if self.tty:
            self.out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label:<40}")
            if self.done == self.total:
                self.out.write("\n")
        else:
            self.out.write(f"[{self.done}/{self.total}] {label}\n")
        self.out.flush()


def online(kb: model.KnowledgeBase, releases: list[str], platforms: list[str], index_url: str | None = None,
           record_dir: Path | None = None,
           reader: Callable[..., dict[str, Any]] | None = None) -> tuple[int, list[str], list[str]]:
    """Measure each (release, platform) wheel and compare. Returns (measured, differences, errors)."""
    diffs, errors, measured = [], [], 0
    progress = Progress(len(releases) * len(platforms))
    for version in releases:
        for platform in platforms:
            progress.step(f"torch {version} {platform}")
            tmp = Path(tempfile.mkdtemp(prefix="cudacompat-verify-"))
            try:
                if reader is None:
                    whl = wheels.download_wheel(version, platform, dest=tmp, index_url=index_url)
                    ev = wheels.read_wheel(whl, requested=version)
                else:
                    ev = reader(version, platform, index_url)
            except Exception as e:  # a failed download is reported, never a traceback
                errors.append(f"torch {version} {platform}: {e}")
                continue
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            measured += 1
            name = f"torch-{version}-{platform}.json"
            if record_dir is not None and index_url is None:
                wheels.write_json(record_dir / name, ev)
            ev["_path"] = f"data/evidence/wheels/{name}"
            if index_url is None:
                diffs += evidence.compare(kb, [ev])
            else:
                diffs += _compare_index(kb, ev, platform)
    return measured, diffs, errors


def _compare_index(kb: model.KnowledgeBase, ev: dict[str, Any], platform: str) -> list[str]:
    """A wheel from a variant's own index: compare it with that variant's row."""
    f = evidence.facts(ev)
    t = next((t for t in kb.torch if versions.parse(t.version) == versions.parse(ev["requested"])), None)
    v = next((v for v in (t.variants if t else []) if v.variant == f["variant"]), None)
    if v is None:
        return [f"torch {ev['requested']}+{f['variant']} is published but not in the knowledge base"]
    out = []
    for k in ("cuda", "cudnn", "nccl"):
        if f[k] and getattr(v, k) and getattr(v, k) != f[k]:
            out.append(f"torch {t.version}+{v.variant} {k} is {getattr(v, k)!r}; the wheel pins {f[k]!r}")
    al = v.platforms.get(platform)
    if al is None:
        out.append(f"torch {t.version}+{v.variant} has no {platform} arch list; the wheel has {f['sm']} + PTX {f['ptx']}")
    elif (sorted(al.sm, key=versions.cc), sorted(al.ptx, key=versions.cc)) != (sorted(f["sm"], key=versions.cc),
                                                                               sorted(f["ptx"], key=versions.cc)):
        out.append(f"torch {t.version}+{v.variant} {platform}: knowledge base {al.sm} + PTX {al.ptx}; "
                   f"the wheel {f['sm']} + PTX {f['ptx']}")
    return out
