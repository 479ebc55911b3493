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

from .. import versions
from . import companioncheck, evidence, pythoncheck
from .download import download_wheel, write_json
from .read import read_wheel


def offline(kb: Any, directory: Path = evidence.EVIDENCE_DIR,
            pythons_dir: Path = pythoncheck.PYTHONS_DIR) -> tuple[int, list[str]]:
    """The knowledge base against the kept wheel evidence and the measured Python availability."""
    evs = evidence.load_all(directory)
    pys = pythoncheck.load_all(pythons_dir)
    n_comp, comp = companioncheck.compare(kb)
    return len(evs) + len(pys) + n_comp, evidence.compare(kb, evs) + pythoncheck.compare(kb, pys) + comp


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


def online(kb: Any, releases: list[str], platforms: list[str], index_url: str | None = None,
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
                    whl = download_wheel(version, platform, dest=tmp, index_url=index_url)
                    ev = read_wheel(whl, requested=version)
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
                write_json(record_dir / name, ev)
            ev["_path"] = f"data/evidence/wheels/{name}"
            if index_url is None:
                diffs += evidence.compare(kb, [ev])
            else:
                diffs += _compare_index(kb, ev, platform)
    return measured, diffs, errors


def _compare_index(kb: Any, ev: dict[str, Any], platform: str) -> list[str]:
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


def snippet_images(kb: Any) -> list[str]:
    """The images the snippet suite runs in (rows flagged ``snippets: true``), newest first."""
    rows = [i for i in kb.images if i.snippets]
    return [i.id for i in sorted(rows, key=lambda i: (versions.parse(i.torch), i.id), reverse=True)]


def compare_report(kb: Any, image: str, report: dict[str, Any]) -> list[str]:
    """What an image reported at run time (scripts/report_env.py) against its knowledge-base row."""
    im = next((i for i in kb.images if i.id == image), None)
    if im is None:
        return [f"{image}: not in the knowledge base"]
    t = next((t for t in kb.torch if t.version == im.torch), None)
    v = next((v for v in (t.variants if t else []) if v.variant == im.variant), None)
    out = []
    got = str(report.get("torch") or "")
    base, _, local = got.partition("+")
    if versions.parse(base or "0") != versions.parse(im.torch):
        out.append(f"{image}: reports torch {got or 'none'}, the knowledge base says {im.torch}")
    if local and local != im.variant:
        out.append(f"{image}: reports a {local} build, the knowledge base says {im.variant}")
    if v is not None and v.cuda and report.get("cuda") and ".".join(str(report["cuda"]).split(".")[:2]) != v.cuda:
        out.append(f"{image}: reports CUDA {report['cuda']}, the knowledge base says {v.cuda}")
    if im.cudnn and report.get("cudnn"):
        n = int(report["cudnn"])  # torch reports 8902 for 8.9.2 and 91002 for 9.10.2
        major = str(n // 10000 if n >= 10000 else n // 1000)
        if im.cudnn.split(".")[0] != major:
            out.append(f"{image}: reports cuDNN {report['cudnn']}, the tag says cudnn{im.cudnn}")
    al = v.platforms.get("linux-x86_64") if v is not None else None
    if al is not None and report.get("arch_list"):
        sm = sorted(versions.cc(a) for a in report["arch_list"] if a.startswith("sm_"))
        ptx = sorted(versions.cc(a) for a in report["arch_list"] if a.startswith("compute_"))
        if sm != sorted(map(versions.cc, al.sm)) or ptx != sorted(map(versions.cc, al.ptx)):
            out.append(f"{image}: reports architectures {' '.join(report['arch_list'])}, the knowledge base "
                       f"has {' '.join(versions.cc(c).sm for c in al.sm)}"
                       + (f" + PTX {' '.join(versions.cc(c).compute for c in al.ptx)}" if al.ptx else ""))
    return out
