"""What the doctor recommends: the installed build in the knowledge base, the build to install
instead, and whether the GPU is leaving the builds. Answers only, through :mod:`cudacompat.answers`."""

from __future__ import annotations

from typing import Any

from .. import versions
from ..answers import commands
from ..answers.explain import builds_for
from ..answers.gpus import code_for
from ..answers.index import KB, QueryError
from ..answers.platforms import PLATFORMS
from ..answers.releases import find_release
from ..answers.will_it_run import OS_PLATFORM, will_it_run
from ..kb.rows import Row
from .facts import Facts, Gpu


def _valid(text: str) -> bool:
    try:
        versions.parse(text)
        return True
    except versions.InvalidVersion:
        return False


def release_of(kb: KB, version: str | None, cuda: str | None) -> tuple[Any, Any]:
    """The installed torch in the knowledge base: ``2.7.1+cu126`` -> (release, variant)."""
    base, _, local = (version or "").partition("+")
    if not _valid(base):
        return None, None
    try:
        rel, _ = find_release(kb, base)
    except QueryError:
        return None, None
    if versions.parse(rel.version) != versions.parse(base):  # 2.7 found 2.7.1; a nightly is not a release
        return None, None
    want = local or (("cu" + cuda.replace(".", "")) if cuda else None)
    var = next((v for v in rel.variants if v.variant == want), None)
    if var is None and not local:
        var = next((v for v in rel.variants if v.default), None)
    return rel, var


def arch_list(kb: KB, facts: Facts) -> tuple[Any, str]:
    """What the installed build compiled in: measured by torch itself, else the knowledge base."""
    t = facts.torch
    if t.arch:
        return Row("ArchList", {"sm": tuple(t.arch["sm"]), "ptx": tuple(t.arch["ptx"]), "sources": ()}), "torch"
    _, var = release_of(kb, t.version, t.cuda)
    if var is not None:
        al = var.platforms.get(facts.platform.key)
        if al is not None:
            return al, "knowledge base"
    return None, ""


def recommend(kb: KB, facts: Facts, gpu: Gpu) -> dict[str, Any] | None:
    """The newest build with native code for ``gpu`` that this driver and Python run."""
    plat = facts.platform
    if plat.os not in OS_PLATFORM or not gpu.compute_capability:
        return None
    drv, py = facts.driver.version, plat.python
    if py and not _valid(py):
        py = None
    platform = plat.guide if plat.guide in PLATFORMS else None
    jetpack = facts.jetson.jetpack if facts.jetson and platform == "jetson" else None
    if gpu.kb_name and (drv or platform == "jetson") and platform:
        try:
            r = will_it_run(kb, gpu.kb_name, drv, platform, python=py, jetpack=jetpack)
        except QueryError:
            r = None
        if r and r["options"]:
            native = [o for o in r["options"] if o["code"] == "native"]
            pick = next((o for o in native if o["driver_via"] != "minor-version"), None) or (native or r["options"])[0]
            return {"torch": pick["torch"], "variant": pick["variant"], "install": pick["install"],
                    "reason": f"the newest build with {'native ' if pick['code'] == 'native' else 'PTX-only '}"
                              f"{gpu.sm} code that driver {drv} runs" + (f" on Python {py}" if py else "")}
    if platform == "jetson":
        return None  # builds_for knows the desktop and server builds only
    rows = [x for x in builds_for(kb, gpu.compute_capability, limit=1000)["native"] if x["platform"] == plat.key]
    if rows:
        x = rows[0]
        return {"torch": x["torch"], "variant": x["variant"], "install": x["install"],
                "reason": f"the newest build with native {gpu.sm} code; it needs driver ≥ "
                          f"{x['min_driver'] or 'n/a'}" + (f" (this one: {drv})" if drv else " (driver unknown)")}
    return None


def support_outlook(kb: KB, cc: str, platform: str) -> dict[str, Any] | None:
    """Whether native code for ``cc`` is leaving the builds, from the knowledge base alone.

    ``ended``: the newest release with recorded architectures has no native code for it, an
    older one did; ``narrowing``: the newest release still has it, but not in every variant."""
    rows = []
    for t in kb.releases:
        vs = [(v, code_for(kb, al, cc)) for v in t.variants if (al := v.platforms.get(platform))]
        if vs:
            rows.append((t, vs))
    if not rows:
        return None
    newest, nvs = rows[0]
    native_now = [v.variant for v, c in nvs if c == "native"]
    last = next(((t, [v.variant for v, c in vs if c == "native"]) for t, vs in rows
                 if any(c == "native" for _, c in vs)), None)
    if last is None:
        return None
    os_ = platform.split("-")[0]
    if not native_now:
        lt, lvs = last
        lv = next(v for v in lt.variants if v.variant == lvs[0])
        return {"status": "ended", "newest": newest.version, "newest_variants": [v.variant for v, _ in nvs],
                "last": lt.version, "last_variants": lvs, "install": commands.pip_install(lt, lv, os_)}
    if len(native_now) < len(nvs):
        without = [v.variant for v, c in nvs if c != "native"]
        v0 = next(v for v in newest.variants if v.variant == native_now[0])
        return {"status": "narrowing", "newest": newest.version, "native_variants": native_now,
                "without": without, "default_without": any(v.default for v, c in nvs if c != "native"),
                "install": commands.pip_install(newest, v0, os_)}
    return None
