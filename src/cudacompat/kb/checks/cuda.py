"""Checks of CUDA toolkits, CUDA majors, cuDNN and NCCL rows."""

from __future__ import annotations

from collections import defaultdict

from ... import versions
from . import Context, check
from ._util import rel


@check("cuda-major-once")
def cuda_major_once(ctx: Context):
    """Each CUDA major has one cuda_majors row."""
    seen: set[int] = set()
    for i, m in ctx.rows["cuda_majors"]:
        if m.major in seen:
            yield ("cuda_majors", i, "major"), f"CUDA {m.major} is listed twice"
        seen.add(m.major)


@check("toolkit-rows")
def toolkit_rows(ctx: Context):
    """A toolkit row is a minor version, listed once, of a known major, with its own releases and an
    ordered arch range."""
    majors = {m.major for _, m in ctx.rows["cuda_majors"]}
    majors |= {r.get("major") for r in ctx.declared_rows("cuda_majors") if isinstance(r.get("major"), int)}
    seen: set[str] = set()
    for i, c in ctx.rows["cuda"]:
        if c.version in seen:
            yield ("cuda", i, "version"), f"CUDA {c.version} is listed twice"
        seen.add(c.version)
        r = rel(c.version)
        if len(r) != 2:
            yield ("cuda", i, "version"), f"{c.version!r}: a toolkit row is a minor version such as \"12.8\""
        if r[0] not in majors:
            yield ("cuda", i, "version"), f"no cuda_majors row for CUDA {r[0]}"
        if c.arch_range and versions.cc(c.arch_range.min) > versions.cc(c.arch_range.max):
            yield ("cuda", i, "arch_range"), f"arch_range min {c.arch_range.min} is above max {c.arch_range.max}"
        for j, x in enumerate(c.releases):
            if rel(x.version)[:2] != r[:2]:
                yield ("cuda", i, "releases", j, "version"), f"release {x.version} does not belong to toolkit {c.version}"


@check("driver-minimums-never-decrease")
def driver_minimums_never_decrease(ctx: Context):
    """Along a CUDA major, a later release never needs an older driver (Linux and Windows)."""
    by_major: dict[int, list] = defaultdict(list)
    for i, c in ctx.rows["cuda"]:
        for j, r in enumerate(c.releases):
            by_major[rel(c.version)[0]].append((rel(r.version), ("cuda", i, "releases", j), r))
    for major, items in by_major.items():
        items.sort(key=lambda t: t[0])
        for osname in ("linux", "windows"):
            prev = None
            for _, path, r in items:
                cur = getattr(r.min_driver, osname)
                if cur is None:
                    continue
                if prev and versions.driver(cur) < versions.driver(prev[1]):
                    yield (path + ("min_driver", osname),
                           f"{osname} driver minimum {cur} for CUDA {r.version} is lower than {prev[1]} "
                           f"for CUDA {prev[0]}; minimums never decrease along CUDA {major}.x")
                prev = (r.version, cur)


@check("library-versions-once")
def library_versions_once(ctx: Context):
    """A cuDNN or NCCL version is listed once."""
    for section in ("cudnn", "nccl"):
        seen: set[tuple] = set()
        for i, r in ctx.rows[section]:
            if rel(r.version) in seen:
                yield (section, i, "version"), f"{section} {r.version} is listed twice"
            seen.add(rel(r.version))


@check("cudnn-cuda-ranges")
def cudnn_cuda_ranges(ctx: Context):
    """A cuDNN row's CUDA ranges are ordered."""
    for i, r in ctx.rows["cudnn"]:
        for j, rng in enumerate(r.cuda):
            if rng.max and versions.parse(rng.min) > versions.parse(rng.max):
                yield ("cudnn", i, "cuda", j), f"CUDA range min {rng.min} is above max {rng.max}"


@check("image-driver-allows-its-cuda")
def image_driver_allows_its_cuda(ctx: Context):
    """An NGC image's stated driver requirement is never below what its CUDA allows: the CUDA major's
    minor-version-compatibility floor (a CUDA 13 image cannot run on a 575 driver)."""
    floors = {m.major: m.minor_version_compat_min_driver for _, m in ctx.rows["cuda_majors"]}
    for i, n in ctx.rows["ngc"]:
        if not (n.cuda and n.min_driver):
            continue
        floor = floors.get(versions.parse(n.cuda).release[0])
        for os_ in ("linux", "windows"):
            need, have = getattr(floor, os_, None) if floor else None, getattr(n.min_driver, os_)
            if need and have and versions.driver(have) < versions.driver(need):
                yield ("ngc", i, "min_driver", os_), (f"driver {have} is below what CUDA {n.cuda} allows: its major's "
                                                       f"minor-version floor is {need}")
