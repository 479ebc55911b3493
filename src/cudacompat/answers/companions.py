"""The stack around a torch release: torchvision, torchaudio (torchtext, torchdata while they were
released), the triton each build pins and what that triton bundles, and the extension packages
(xformers, bitsandbytes, flash-attn, torchao) built for it."""

from __future__ import annotations

from typing import Any

from .. import versions
from .index import KB, InvalidQuery, QueryError

LIBRARIES = ("torchvision", "torchaudio", "torchtext", "torchdata")
#: installed with torch in one command, from the same index, when paired with the release
INSTALLED_WITH_TORCH = ("torchvision", "torchaudio")
PACKAGES = (*LIBRARIES, "triton", "xformers", "bitsandbytes", "flash-attn", "torchao")


def row_for(kb: KB, torch: str) -> Any | None:
    return kb.companions.get(torch)


def install_extras(kb: KB, t: Any, v: Any) -> list[str]:
    """``torchvision==X torchaudio==Y`` for a build's install command: the companions released for
    this torch that PyTorch's index carries for its variant (every variant, where no source lists
    them; only those listed, where one does)."""
    c = row_for(kb, t.version)
    if c is None or v.variant == "cpu" and v.index == "pypi":
        return []
    if c.index_variants and v.variant not in c.index_variants and v.index != "pypi":
        return []
    return [f"{lib}=={getattr(c, lib)}" for lib in INSTALLED_WITH_TORCH
            if getattr(c, lib) and lib in c.pairing and not c.pairing[lib].startswith("no ")]


def triton_row(kb: KB, pin: str | None) -> Any | None:
    """The triton release a pin (``==3.4.0``, ``~=3.9.0``) installs: the exact one, or the newest of the
    compatible release series that the knowledge base records."""
    if not pin:
        return None
    want = versions.parse(pin[2:])
    rows = sorted(kb.data.triton, key=lambda r: versions.parse(r.version))
    if pin.startswith("=="):
        return next((r for r in rows if versions.parse(r.version) == want), None)
    same = [r for r in rows if versions.parse(r.version).release[:2] == want.release[:2]
            and versions.parse(r.version) >= want]
    return same[-1] if same else None


def triton_facts(kb: KB, pin: str | None) -> dict[str, Any] | None:
    r = triton_row(kb, pin)
    if r is None:
        return {"pin": pin} if pin else None
    return {"pin": pin, "version": r.version, "ptxas": r.ptxas, "ptxas_blackwell": r.ptxas_blackwell,
            "max_target": r.max_target, "max_target_sm": versions.cc(r.max_target).sm}


def extensions_for(kb: KB, torch: str) -> list[dict[str, Any]]:
    """The extension package versions recorded as built for ``torch`` (exactly, or by a specifier)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    tv = versions.parse(torch)
    out = []
    for e in kb.data.extensions:
        ok = False
        for spec in e.torch:
            try:
                ok = (versions.parse(spec) == tv) if spec[:1].isdigit() else tv in SpecifierSet(spec)
            except (InvalidSpecifier, versions.InvalidVersion):
                ok = False
            if ok:
                break
        if ok:
            out.append({"package": e.package, "version": e.version, "cuda": list(e.cuda), "binary": e.binary,
                        "platforms": list(e.platforms), "build_needs": e.build_needs})
    return out


def companions_report(kb: KB, t: Any) -> dict[str, Any]:
    """The ``companions`` of ``cudacompat torch V --json``."""
    c = row_for(kb, t.version)
    out: dict[str, Any] = {lib: getattr(c, lib) if c else None for lib in LIBRARIES}
    out["pairing"] = dict(c.pairing) if c else {}
    out["triton"] = {v.variant: triton_facts(kb, v.triton) for v in t.variants if v.triton}
    out["extensions"] = extensions_for(kb, t.version)
    out["sources"] = list(c.sources) if c else []
    return out


def which_torch(kb: KB, package: str, version: str) -> dict[str, Any]:
    """``cudacompat companion torchvision 0.22.1``: the torch release(s) a companion version goes with."""
    if package not in PACKAGES:
        raise InvalidQuery(f"unknown package {package!r}; expected one of: {', '.join(PACKAGES)}")
    try:
        want = versions.parse(version)
    except versions.InvalidVersion:
        raise InvalidQuery(f"{version!r} is not a version") from None
    if package in LIBRARIES:
        torches = [c.torch for c in kb.data.companions if getattr(c, package)
                   and versions.parse(getattr(c, package)) == want]
    elif package == "triton":
        torches = [t.version for t in kb.releases for v in t.variants
                   if v.triton and (r := triton_row(kb, v.triton)) and versions.parse(r.version) == want]
    else:
        e = next((e for e in kb.data.extensions if e.package == package and versions.parse(e.version) == want), None)
        if e is None:
            raise QueryError(f"no {package} {version} in the knowledge base",
                             [x.version for x in kb.data.extensions if x.package == package][-8:])
        return {"package": package, "version": version, "torch": list(e.torch), "cuda": list(e.cuda),
                "binary": e.binary, "build_needs": e.build_needs, "platforms": list(e.platforms),
                "sources": list(e.sources)}
    torches = sorted(dict.fromkeys(torches), key=versions.parse, reverse=True)
    if not torches:
        raise QueryError(f"no torch release in the knowledge base goes with {package} {version}")
    return {"package": package, "version": version, "torch": torches}
