"""Checks of torch releases and their build variants."""

from __future__ import annotations

from ... import versions
from . import Context, check
from ._util import prefix_match, rel


def _variants(ctx: Context):
    for i, t in ctx.rows["torch"]:
        for j, v in enumerate(t.variants):
            yield t, v, ("torch", i, "variants", j)


@check("release-once")
def release_once(ctx: Context):
    """A torch release is listed once, with an ordered Python range."""
    seen: set = set()
    for i, t in ctx.rows["torch"]:
        if versions.parse(t.version) in seen:
            yield ("torch", i, "version"), f"torch {t.version} is listed twice"
        seen.add(versions.parse(t.version))
        if t.python and t.python.max and versions.parse(t.python.min) > versions.parse(t.python.max):
            yield ("torch", i, "python"), f"Python range min {t.python.min} is above max {t.python.max}"


@check("variant-once")
def variant_once(ctx: Context):
    """A release lists each variant once and has at most one default, which lives on PyPI."""
    for i, t in ctx.rows["torch"]:
        seen: set[str] = set()
        defaults = 0
        for j, v in enumerate(t.variants):
            vp = ("torch", i, "variants", j)
            if v.variant in seen:
                yield vp + ("variant",), f"variant {v.variant} is listed twice in torch {t.version}"
            seen.add(v.variant)
            defaults += v.default
            if v.default and v.index != "pypi":
                yield vp + ("index",), "the default variant is the one on PyPI: index must be 'pypi'"
            if v.default_aarch64 and v.index != "pypi":
                yield vp + ("index",), "default_aarch64 names PyPI's aarch64 wheel: index must be 'pypi'"
        if defaults > 1:
            yield ("torch", i, "variants"), f"torch {t.version} has {defaults} default variants; at most one"


@check("variant-cuda")
def variant_cuda(ctx: Context):
    """A cuXYZ variant names its CUDA X.Y, a known toolkit; a CPU variant names none."""
    toolkits = {c.version for _, c in ctx.rows["cuda"]}
    for _t, v, vp in _variants(ctx):
        if v.variant.startswith("cu"):
            if v.cuda is None:
                yield vp, f"variant {v.variant} needs its CUDA version (cuda: \"X.Y\")"
                continue
            r = rel(v.cuda)
            if len(r) != 2:
                yield vp + ("cuda",), (f"write the toolkit as X.Y ({'.'.join(map(str, r[:2]))}); the runtime a build "
                                       "pins goes in cuda_runtime")
                continue
            if f"cu{r[0]}{r[1] if len(r) > 1 else 0}" != v.variant:
                yield vp + ("cuda",), f"CUDA {v.cuda} does not match variant {v.variant}"
            if ".".join(map(str, r[:2])) not in toolkits:
                yield vp + ("cuda",), f"unknown CUDA toolkit {v.cuda}; add a cuda row for it"
        elif v.cuda is not None:
            yield vp + ("cuda",), f"variant {v.variant} has no CUDA; remove cuda"


@check("arch-inside-toolkit-range")
def arch_inside_toolkit_range(ctx: Context):
    """A variant's architectures are ones its CUDA toolkit can compile for."""
    toolkits = {c.version: c for _, c in ctx.rows["cuda"]}
    for _t, v, vp in _variants(ctx):
        if not (v.variant.startswith("cu") and v.cuda):
            continue
        tk = toolkits.get(".".join(map(str, rel(v.cuda)[:2])))
        if tk is None or not tk.arch_range:
            continue
        lo, hi = versions.cc(tk.arch_range.min), versions.cc(tk.arch_range.max)
        for plat, al in v.platforms.items():
            for kind in ("sm", "ptx"):
                for k, c in enumerate(getattr(al, kind)):
                    x = versions.cc(c)
                    if not (lo.major, lo.minor) <= (x.major, x.minor) <= (hi.major, hi.minor):
                        yield (vp + ("platforms", plat, kind, k),
                               f"{x.sm if kind == 'sm' else x.compute} is outside what CUDA "
                               f"{tk.version} can compile for ({lo.sm}..{hi.sm})")


@check("arch-lists-unique")
def arch_lists_unique(ctx: Context):
    """An architecture list names each target once."""
    for _t, v, vp in _variants(ctx):
        for plat, al in v.platforms.items():
            for kind in ("sm", "ptx"):
                vals = getattr(al, kind)
                if len(set(vals)) != len(vals):
                    yield vp + ("platforms", plat, kind), f"{kind} list has duplicates"


@check("library-rows-exist")
def library_rows_exist(ctx: Context):
    """The cuDNN and NCCL a variant pins have rows of their own."""
    cudnn = [r.version for _, r in ctx.rows["cudnn"]]
    nccl = [r.version for _, r in ctx.rows["nccl"]]
    for _t, v, vp in _variants(ctx):
        if v.cudnn and cudnn and not any(prefix_match(c, v.cudnn) for c in cudnn):
            yield vp + ("cudnn",), f"cuDNN {v.cudnn} has no cudnn row; add one"
        if v.nccl and nccl and not any(prefix_match(c, v.nccl) for c in nccl):
            yield vp + ("nccl",), f"NCCL {v.nccl} has no nccl row; add one"


@check("patch-rebuilds")
def patch_rebuilds(ctx: Context):
    """A patch release's ``rebuilds`` names an older release of the same minor version, its
    ``not_rebuilt`` variants are that release's, and no build in the data says ``inherited_from``
    (the knowledge base sets it)."""
    by_version = {t.version: t for _, t in ctx.rows["torch"]}
    for i, t in ctx.rows["torch"]:
        for t2, v, where in _variants(ctx):
            if t2 is t and v.inherited_from:
                yield (*where, "inherited_from"), "inherited_from is set by the knowledge base, never in the data"
        if not t.rebuilds:
            if t.not_rebuilt:
                yield ("torch", i, "not_rebuilt"), "not_rebuilt needs rebuilds"
            continue
        base = by_version.get(t.rebuilds)
        me, it = versions.parse(t.version), versions.parse(t.rebuilds)
        if base is None:
            yield ("torch", i, "rebuilds"), f"no torch {t.rebuilds} in the knowledge base"
        elif me.release[:2] != it.release[:2] or it >= me:
            yield ("torch", i, "rebuilds"), f"torch {t.version} cannot rebuild {t.rebuilds}: not an older release of its minor"
        else:
            own = {v.variant for v in base.variants}
            for j, name in enumerate(t.not_rebuilt):
                if name not in own:
                    yield ("torch", i, "not_rebuilt", j), f"torch {t.rebuilds} has no {name} build"


@check("companion-rows")
def companion_rows(ctx: Context):
    """A companions row names a torch release of the knowledge base, once."""
    known = {t.version for _, t in ctx.rows["torch"]}
    seen: set[str] = set()
    for i, c in ctx.rows["companions"]:
        if c.torch not in known:
            yield ("companions", i, "torch"), f"no torch {c.torch} in the knowledge base"
        if c.torch in seen:
            yield ("companions", i, "torch"), f"torch {c.torch} has two companions rows"
        seen.add(c.torch)


@check("triton-pins-recorded")
def triton_pins_recorded(ctx: Context):
    """Every exact triton pin of a build has a triton row (what it bundles and targets)."""
    have = {t.version for _, t in ctx.rows["triton"]}
    if not have:
        return
    for _t, v, where in _variants(ctx):
        if v.triton and v.triton.startswith("==") and v.triton[2:] not in have:
            yield (*where, "triton"), f"triton {v.triton[2:]} has no triton row"
