"""Where a build runs, and what a machine must have: the platforms a reader can ask about, the builds
each runs, the driver floor of a GPU, the toolkit release whose driver minimum a build needs, and
JetPack releases.

- ``linux-x86_64`` and ``windows-x86_64`` run their own builds; ``wsl2`` runs the Linux x86_64 builds
  with the Windows host's driver (NVIDIA's CUDA on WSL: the Windows driver is the only one), so the
  Windows driver minimums apply; ``linux-aarch64`` (Grace, GB10) runs the aarch64 builds.
- ``jetson`` runs NVIDIA's Jetson builds for the installed JetPack, and from JetPack 7 (the SBSA
  stack, ``sbsa``) the linux-aarch64 builds too. A Jetson GPU (Tegra) runs nothing else, and a
  discrete GPU no Jetson build.
"""

from __future__ import annotations

import itertools
from typing import Any

from .. import versions
from .index import KB, QueryError

PLATFORMS = ("linux-x86_64", "linux-aarch64", "windows-x86_64", "wsl2", "jetson")
BUILD_PLATFORM = {"linux-x86_64": "linux-x86_64", "wsl2": "linux-x86_64", "windows-x86_64": "windows-x86_64",
                  "linux-aarch64": "linux-aarch64"}
DRIVER_OS = {"linux-x86_64": "linux", "linux-aarch64": "linux", "windows-x86_64": "windows", "wsl2": "windows",
             "jetson": "linux"}
OS_PLATFORM = {"linux": "linux-x86_64", "windows": "windows-x86_64"}
NOT_HEADLINE = ("RC", "Developer Preview")


def tegra_ccs(kb: KB) -> frozenset[str]:
    return kb.tegra


def is_tegra(kb: KB, cc: str) -> bool:
    return cc in kb.tegra


def headline(releases: Any) -> Any:
    """A toolkit's first release that is not an RC or a developer preview (else its first)."""
    rels = sorted(releases, key=lambda r: versions.parse(r.version))
    return next((r for r in rels if r.name not in NOT_HEADLINE), rels[0])


def release_for(kb: KB, v: Any) -> Any | None:
    """The toolkit release whose driver minimum a build needs: the one its pinned CUDA runtime comes
    from (the ``cuda-toolkit`` metapackage's release, or the earliest release shipping that cudart),
    else its toolkit's headline release."""
    if not v.cuda:
        return None
    tk = kb.toolkits.get(".".join(map(str, versions.parse(v.cuda).release[:2])))
    if tk is None:
        return None
    rels = sorted(tk.releases, key=lambda r: versions.parse(r.version))
    if v.cuda_runtime:
        pinned = versions.parse(v.cuda_runtime)
        same = [r for r in rels if versions.parse(r.version) == pinned] or \
               [r for r in rels if r.cudart and versions.parse(r.cudart) == pinned]
        if same:
            return same[0]
    return headline(tk.releases)


def driver_floor(kb: KB, gpu_id: str) -> dict[str, Any] | None:
    """The first driver that supports a GPU (the highest of the rows naming it): ``linux``,
    ``windows`` (exact versions, when sourced) and the ``name`` of the family row."""
    rows = [r for r in kb.data.driver_support if gpu_id in r.gpus]
    if not rows:
        return None
    out: dict[str, Any] = {"linux": None, "windows": None, "branch": None, "name": None, "derived": False}
    for r in rows:
        for os_ in ("linux", "windows"):
            v = getattr(r.min_driver, os_)
            if v and (out[os_] is None or versions.driver(v) > versions.driver(out[os_])):
                out[os_] = v
                out["name"] = r.name
    return out


def architecture_floor(kb: KB, cc: str) -> dict[str, Any] | None:
    """The driver branch a GPU needs at least when no product row names its first driver: that of the
    first CUDA toolkit whose architecture range includes its compute capability (a driver branch older
    than the first CUDA that knows an architecture cannot drive it: Ada's sm_89 arrived with CUDA 11.8,
    whose driver is of the 520 branch). None for Tegra GPUs, whose drivers come with L4T."""
    if cc in kb.tegra:
        return None
    c = versions.cc(cc)
    known = [t for t in sorted(kb.data.cuda, key=lambda t: versions.parse(t.version)) if t.arch_range]
    for before, tk in itertools.pairwise(known):  # the oldest recorded toolkit may not be where it arrived
        r = tk.arch_range
        if versions.cc(r.min) <= c <= versions.cc(r.max) and c > versions.cc(before.arch_range.max):
            rel = headline(tk.releases)
            if rel.min_driver.linux:
                return {"linux": None, "windows": None, "branch": rel.min_driver.linux.split(".")[0],
                        "name": f"{c.sm} GPUs (CUDA {tk.version} was the first to support them)", "derived": True}
            return None
    return None


def gpu_floor(kb: KB, gpu: Any) -> dict[str, Any] | None:
    """The GPU's own driver floor: its product row's, else its architecture's branch."""
    return driver_floor(kb, gpu.id) or architecture_floor(kb, gpu.compute_capability)


def jetpacks_for(kb: KB, cc: str) -> list[Any]:
    """The JetPack releases that support a Jetson of compute capability ``cc``, newest first."""
    rows = [j for j in kb.data.jetpack if cc in j.compute_capabilities]
    return sorted(rows, key=lambda j: (versions.parse(j.l4t.split()[0]), j.version), reverse=True)


def find_jetpack(kb: KB, text: str) -> Any:
    t = " ".join(str(text).split())
    for j in kb.data.jetpack:
        if t in (j.version, f"JetPack {j.version}", j.l4t, f"L4T {j.l4t}", f"R{j.l4t}"):
            return j
    raise QueryError(f"no JetPack {t!r} in the knowledge base", [j.version for j in kb.data.jetpack])


def jetpack_for_l4t(kb: KB, l4t: str) -> Any | None:
    """The JetPack release of an L4T release (``38.2.0`` -> JetPack 7.0): the row whose L4T is the same
    release (``36.4`` is ``36.4.0``), else a row that records only the L4T major (``39``); None when
    the knowledge base has neither."""
    try:
        want = versions.parse(l4t)
    except versions.InvalidVersion:
        return None
    rows = []
    for j in kb.data.jetpack:
        try:
            rows.append((versions.parse(j.l4t.split()[0]), j))
        except versions.InvalidVersion:
            continue
    exact = [j for v, j in rows if v == want]
    if exact:
        return exact[-1]
    major = [j for v, j in rows if len(v.release) == 1 and v.release[0] == want.release[0]]
    return major[-1] if major else None


def default_platform(kb: KB, cc: str) -> str:
    return "jetson" if is_tegra(kb, cc) else "linux-x86_64"
