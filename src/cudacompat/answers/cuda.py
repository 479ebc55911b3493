"""CUDA toolkits and the drivers they need: the one place a driver is judged against CUDA."""

from __future__ import annotations

from typing import Any

from .. import versions
from .index import KB, InvalidQuery, QueryError
from .platforms import headline


def find_toolkit(kb: KB, text: str) -> tuple[Any, Any]:
    """``12.8`` (its headline release: the first that is not an RC or a developer preview) or ``12.8.1``
    (that release, else the newest before it)."""
    try:
        want = versions.parse(text.strip())
    except versions.InvalidVersion:
        raise InvalidQuery(f"{text!r} is not a CUDA version; expected e.g. 12.8 or 12.8.1") from None
    key = ".".join(map(str, (want.release + (0,))[:2]))
    tk = kb.toolkits.get(key)
    if tk is None:
        raise QueryError(f"no CUDA {text} in the knowledge base",
                         [c.version for c in sorted(kb.toolkits.values(), key=lambda c: versions.parse(c.version))])
    rels = sorted(tk.releases, key=lambda r: versions.parse(r.version))
    if len(want.release) >= 3:
        exact = [r for r in rels if versions.parse(r.version) <= want]
        return tk, (exact[-1] if exact else rels[0])
    return tk, headline(tk.releases)


def minor_version_minimums(kb: KB, toolkit: Any) -> Any | None:
    major = kb.majors.get(versions.parse(toolkit.version).release[0])
    return major.minor_version_compat_min_driver if major else None


def minimums(kb: KB, cuda: str, os: str) -> tuple[str | None, str | None]:
    """(toolkit minimum, minor-version-compatibility minimum) of ``os`` for CUDA ``cuda``."""
    tk, rel = find_toolkit(kb, cuda)
    mvc = minor_version_minimums(kb, tk)
    return getattr(rel.min_driver, os), getattr(mvc, os) if mvc else None


def driver_via(driver: str, toolkit_min: str | None, minor_version_min: str | None) -> str | None:
    """How ``driver`` runs a CUDA with these minimums: ``toolkit`` (at or above the release's own
    minimum), ``minor-version`` (below it, at or above the major's floor), ``branch`` (no release minimum
    is published for this OS, only the major's branch floor, which it meets), ``unknown`` (nothing
    recorded) or ``None`` (too old)."""
    d = versions.driver(driver)
    if toolkit_min and d >= versions.driver(toolkit_min):
        return "toolkit"
    if minor_version_min and d >= versions.driver(minor_version_min):
        return "minor-version" if toolkit_min else "branch"
    if toolkit_min is None and minor_version_min is None:
        return "unknown"
    return None


def driver_verdict(kb: KB, cuda: str, driver: str, os: str) -> dict[str, Any]:
    """Can this driver run CUDA ``cuda`` (X.Y, or the X.Y.Z release a build's runtime comes from)?
    ``via`` is ``toolkit``, ``minor-version``, ``branch``, ``unknown`` or None."""
    tk, rel = find_toolkit(kb, cuda)
    need, mvc = minimums(kb, cuda, os)
    return {"cuda": tk.version, "release": rel.version, "release_name": rel.name, "toolkit_min": need,
            "minor_version_min": mvc, "via": driver_via(driver, need, mvc)}


def cuda_report(kb: KB, text: str) -> dict[str, Any]:
    tk, rel = find_toolkit(kb, text)
    major = kb.majors.get(versions.parse(tk.version).release[0])
    mvc = major.minor_version_compat_min_driver if major else None
    return {
        "version": tk.version,
        "release": rel.version,
        "release_name": rel.name,
        "min_driver": {"linux": rel.min_driver.linux, "windows": rel.min_driver.windows},
        "minor_version_compat_min_driver": {"linux": mvc.linux, "windows": mvc.windows} if mvc else None,
        "forward_compat": major.forward_compat if major else None,
        "arch_range": {"min": tk.arch_range.min, "max": tk.arch_range.max,
                       "min_sm": versions.sm_name(tk.arch_range.min),
                       "max_sm": versions.sm_name(tk.arch_range.max)} if tk.arch_range else None,
        "releases": [{"version": r.version, "name": r.name, "date": r.date,
                      "min_driver": {"linux": r.min_driver.linux, "windows": r.min_driver.windows}}
                     for r in sorted(tk.releases, key=lambda r: versions.parse(r.version))],
        "sources": list(tk.sources) + (list(major.sources) if major else []),
    }


def newest_cuda_by_toolkit_minimum(kb: KB, driver: str, os: str = "linux") -> str | None:
    """The newest CUDA whose first release's toolkit minimum this driver meets."""
    d = versions.driver(driver)
    ok = [c.version for c in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version))
          if (m := getattr(headline(c.releases).min_driver, os)) and d >= versions.driver(m)]
    return ok[-1] if ok else None


def toolkits_for(kb: KB, cc: str) -> dict[str, Any] | None:
    """The CUDA toolkits whose architecture range includes ``cc`` (the nvcc that can build ``sm_XY``
    and ``compute_XY``): the first and the last of them, and whether the last is the newest recorded."""
    c = versions.cc(cc)
    known = [t for t in sorted(kb.data.cuda, key=lambda t: versions.parse(t.version)) if t.arch_range]
    ok = [t.version for t in known if versions.cc(t.arch_range.min) <= c <= versions.cc(t.arch_range.max)]
    if not ok:
        return None
    return {"first": ok[0], "last": ok[-1], "to_newest": ok[-1] == known[-1].version}
