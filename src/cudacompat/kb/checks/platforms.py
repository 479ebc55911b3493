"""Checks of the platform data: Tegra compute capabilities, GPU driver floors, JetPack releases and
NVIDIA's Jetson builds."""

from __future__ import annotations

from . import Context, check


@check("tegra-capabilities")
def tegra_capabilities(ctx: Context):
    """An architecture's Tegra compute capabilities are among its own."""
    for i, a in ctx.rows["architectures"]:
        for j, c in enumerate(a.tegra):
            if c not in a.compute_capabilities:
                yield ("architectures", i, "tegra", j), f"{c} is not one of {a.id}'s compute capabilities"


@check("driver-support-gpus")
def driver_support_gpus(ctx: Context):
    """A driver-support row names GPUs of the knowledge base."""
    known = {g.id for _, g in ctx.rows["gpus"]} | ctx.declared_ids("gpus")
    for i, r in ctx.rows["driver_support"]:
        for j, gid in enumerate(r.gpus):
            if gid not in known:
                yield ("driver_support", i, "gpus", j), f"unknown GPU {gid!r}"
        if not r.min_driver.linux and not r.min_driver.windows:
            yield ("driver_support", i, "min_driver"), "give the first driver for linux, windows or both"


@check("jetpack-rows")
def jetpack_rows(ctx: Context):
    """A JetPack release is listed once and supports Tegra compute capabilities only."""
    tegra = {c for _, a in ctx.rows["architectures"] for c in a.tegra}
    seen: set[str] = set()
    for i, r in ctx.rows["jetpack"]:
        if r.version in seen:
            yield ("jetpack", i, "version"), f"JetPack {r.version} is listed twice"
        seen.add(r.version)
        for j, c in enumerate(r.compute_capabilities):
            if tegra and c not in tegra:
                yield ("jetpack", i, "compute_capabilities", j), (
                    f"{c} is not a Tegra (Jetson) compute capability; the architectures' tegra lists have "
                    + ", ".join(sorted(tegra)))


@check("jetson-builds")
def jetson_builds(ctx: Context):
    """A Jetson build names known JetPack releases and is either a wheel or a container."""
    releases = {r.version for _, r in ctx.rows["jetpack"]} | {
        r.get("version") for r in ctx.declared_rows("jetpack") if isinstance(r.get("version"), str)}
    for i, b in ctx.rows["jetson_builds"]:
        for j, v in enumerate(b.jetpack):
            if v not in releases:
                yield ("jetson_builds", i, "jetpack", j), f"unknown JetPack {v!r}; add a jetpack row for it"
        if (b.wheel is None) == (b.container is None):
            yield ("jetson_builds", i), "give either wheel (its URL) or container (its image), not both or neither"
