"""Checks of architectures and GPUs."""

from __future__ import annotations

from ... import versions
from ...gpunames import normalise
from . import Context, check


@check("cc-in-one-architecture")
def cc_in_one_architecture(ctx: Context):
    """A compute capability belongs to one architecture."""
    owner: dict[tuple[int, int], str] = {}
    for i, a in ctx.rows["architectures"]:
        for j, c in enumerate(a.compute_capabilities):
            k = (versions.cc(c).major, versions.cc(c).minor)
            if k in owner and owner[k] != a.id:
                yield ("architectures", i, "compute_capabilities", j), \
                    f"compute capability {c} is already listed under {owner[k]!r}"
            owner[k] = a.id


@check("gpu-architecture")
def gpu_architecture(ctx: Context):
    """A GPU names a known architecture, and its compute capability is one of that architecture's."""
    arch_ccs = {a.id: set(a.compute_capabilities) for _, a in ctx.rows["architectures"]}
    declared = ctx.declared_ids("architectures")
    for i, g in ctx.rows["gpus"]:
        if g.architecture not in arch_ccs:
            if g.architecture not in declared:
                yield ("gpus", i, "architecture"), (f"unknown architecture {g.architecture!r}; expected one of: "
                                                    + ", ".join(sorted(arch_ccs)))
        elif g.compute_capability not in arch_ccs[g.architecture]:
            yield ("gpus", i, "compute_capability"), (
                f"compute capability {g.compute_capability} is not one of {g.architecture}'s "
                f"({', '.join(sorted(arch_ccs[g.architecture], key=versions.cc))})")


@check("gpu-names-unique")
def gpu_names_unique(ctx: Context):
    """No two GPUs share a name, an nvidia-smi name, an alias or an id, as lookups compare them: case,
    spacing, punctuation, compatibility forms (NFKC) and invisible characters do not make two names differ."""
    owner: dict[str, tuple[int, str, str]] = {}
    for i, g in ctx.rows["gpus"]:
        for field, values in (("id", [g.id]), ("name", [g.name]), ("smi_names", g.smi_names), ("aliases", g.aliases)):
            for j, n in enumerate(values):
                key = normalise(n, limit=None)
                if not key:
                    p = ("gpus", i, field) if field in ("id", "name") else ("gpus", i, field, j)
                    yield p, f"{field} {n!r} has no letters or digits to look it up by"
                    continue
                if key in owner and owner[key][0] != i:
                    p = ("gpus", i, field) if field in ("id", "name") else ("gpus", i, field, j)
                    yield p, f"{n!r} reads as {owner[key][2]!r}, already used by {owner[key][1]!r}"
                owner.setdefault(key, (i, g.id, n))


@check("architecture-capabilities")
def architecture_capabilities(ctx: Context):
    """A released architecture lists its compute capabilities; an announced one none (until NVIDIA's
    table names them), and no GPU belongs to it."""
    announced = set()
    for i, a in ctx.rows["architectures"]:
        if a.announced:
            announced.add(a.id)
            if a.compute_capabilities:
                yield ("architectures", i, "compute_capabilities"), \
                    "an announced architecture lists no compute capability until NVIDIA's own table does"
        elif not a.compute_capabilities:
            yield ("architectures", i, "compute_capabilities"), "a released architecture lists its compute capabilities"
    for i, g in ctx.rows["gpus"]:
        if g.architecture in announced:
            yield ("gpus", i, "architecture"), f"{g.architecture!r} is only announced: no GPU of it has a compute capability"
