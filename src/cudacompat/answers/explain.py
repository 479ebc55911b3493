"""``cudacompat explain``: which catalogue entries a pasted text shows, and the facts it names.

Returns data only (the entries :mod:`cudacompat.answers.matcher` ranks, the parameters read from the
paste, and facts looked up for those parameters); :mod:`cudacompat.text.explain` words the advice.
``errorsearch-core.js`` ranks the same way for the site's search box; the parity test holds them equal.

Regular expressions only read facts here: an entry's ``pattern`` (its named groups: ``gpu``, ``sm``,
``cc``, ``driver``, ``cuda``, ...) and :data:`FACTS`, the forms any message may carry (``sm_120``,
``compute_89``, ``found version 10010``, a driver version, a Windows path).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import versions
from . import commands, matcher
from .cuda import cuda_report, newest_cuda_by_toolkit_minimum, toolkits_for
from .gpus import code_for
from .index import KB, QueryError, find_gpu
from .platforms import release_for
from .will_it_run import carriers, table_for

MAX_LINE = matcher.MAX_LINE
BUILDS_SHOWN = 6
STRONG = 0.5  # at or above this score a match is called a catalogued error; below, a similar one
paste_lines = matcher.paste_lines

# the forms a fact takes in any message (first match wins); an entry's own pattern is read first
FACTS = {
    "sm": re.compile(r"(?<![A-Za-z0-9])(?:sm|compute)_([0-9]{2,3}[af]?)(?![A-Za-z0-9])", re.I),
    "cc": re.compile(r"(?:cuda|compute) capability:? ?([0-9]{1,2}\.[0-9])(?![0-9])", re.I),
    "found_version": re.compile(r"found version ([0-9]{4,6})(?![0-9])", re.I),
    "driver": re.compile(r"driver(?: version)?[ :=]{1,3}([0-9]{3}\.[0-9]{1,3}(?:\.[0-9]{1,3})?)(?![0-9.])", re.I),
    "windows": re.compile(r"[A-Za-z]:\\|WinError|\.dll(?![A-Za-z0-9])"),
}
SPACE = " \t\r\n\f\v"
LIST_OF_SM = 3  # a text naming this many distinct sm_XX lists a build's architectures, not the GPU's
# the families whose advice a fact read outside the entry's own pattern is about
RELEVANT = {"sm": ("architecture", "build"), "cc": ("architecture", "build"), "found_version": ("driver",),
            "driver": ("driver", "containers")}


def page_of(e: Any) -> str:
    """Where the entry's anchor lives on the site, relative to the site root."""
    return f"troubleshooting/{e.family}/#{e.id}"


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


@lru_cache(maxsize=4)
def matcher_data(kb: KB) -> dict[str, Any]:
    """The matcher built from the catalogue (as the browser builds it from errors-data.js)."""
    return matcher.build(matcher.index(kb.data.errors))


def message_facts(lines: list[str]) -> dict[str, str]:
    """The forms of :data:`FACTS` a paste carries (``sm`` only when it is not a list of them)."""
    text = "\n".join(lines)
    out: dict[str, str] = {}
    sms = {x.lower() for x in FACTS["sm"].findall(text)}
    for key in ("sm", "cc", "found_version", "driver"):
        f = FACTS[key].search(text) if key != "sm" or len(sms) < LIST_OF_SM else None
        if f:
            out[key] = ("sm_" + f.group(1).lower()) if key == "sm" else f.group(1)
    if FACTS["windows"].search(text):
        out["os"] = "windows"
    return out


def params_of(e: Any, lines: list[str], found: dict[str, str]) -> dict[str, str]:
    """What the entry's pattern reads from the first line it matches, then the facts ``found`` in the
    paste that are about this entry's family and that the pattern did not give."""
    rx = _rx(e.pattern)
    m = next((m for m in map(rx.search, lines) if m), None)
    out = {k: v.strip(SPACE) for k, v in m.groupdict().items() if v and v.strip(SPACE)} if m else {}
    for key, value in found.items():
        if key not in out and (key == "os" or e.family in RELEVANT[key]):
            out[key] = value
    return out


def builds_for(kb: KB, cc: str, limit: int = BUILDS_SHOWN) -> dict[str, list[dict[str, str]]]:
    """Newest builds with native code for ``cc`` (and those with PTX only), with install commands."""
    native, ptx = [], []
    for t in kb.releases:
        for v in t.variants:
            for plat, al in v.platforms.items():
                code = code_for(kb, al, cc)
                if code is None or plat == "linux-aarch64":
                    continue
                os_ = "windows" if plat.startswith("windows") else "linux"
                rel = release_for(kb, v)
                need = getattr(rel.min_driver, os_) if rel else None
                row = {"torch": t.version, "variant": v.variant, "platform": plat, "min_driver": need,
                       "install": commands.pip_install(t, v, plat)}
                (native if code == "native" else ptx).append(row)
    return {"native": native[:limit], "ptx_only": ptx[:limit]}


def _cc(text: str) -> str | None:
    try:
        c = versions.cc(text)
    except ValueError:
        return None
    return str(c)


def gpu_for(table: dict[str, Any], cc: str, named: str | None) -> dict[str, Any] | None:
    """The GPU whose driver floor the builds are judged with: the one the message names, when it has
    this compute capability, else the one of this capability that the oldest driver supports."""
    same = [g for g in table["gpus"] if g["cc"] == cc]
    if named:
        hit = next((g for g in same if g["id"] == named), None)
        if hit:
            return hit
    if not same:
        return None

    def floor(g: dict) -> Any:
        f = (g["floor"] or {}).get("linux") or (g["floor"] or {}).get("branch")
        return versions.parse(f) if f else versions.parse("0")
    return min(same, key=floor)


def facts_for(kb: KB, params: dict[str, str]) -> dict[str, Any]:
    """What the knowledge base says about the GPU, sm, CUDA and driver a message names."""
    facts: dict[str, Any] = {}
    cc = None
    for key in ("sm", "cc"):
        if cc is None and params.get(key):
            cc = _cc(params[key])
    named = None
    if params.get("gpu"):
        try:
            g = find_gpu(kb, params["gpu"])
            facts["gpu"] = {"name": g.name, "compute_capability": g.compute_capability}
            named = g.id
            cc = cc or g.compute_capability
        except QueryError:
            pass
    if cc:
        platform = "windows-x86_64" if params.get("os") == "windows" else "linux-x86_64"
        facts["compute_capability"] = cc
        facts["builds"] = builds_for(kb, cc)
        facts["toolkits"] = toolkits_for(kb, cc)
        table = table_for(kb, cc)
        gpu = gpu_for(table, cc, named)
        if gpu is not None:
            facts["platform"] = platform
            facts["carriers"] = carriers(table, gpu, platform)
    if params.get("cuda"):
        try:
            facts["cuda"] = cuda_report(kb, params["cuda"])
        except (QueryError, versions.InvalidVersion):
            pass
    found = params.get("found_version") or (params.get("driver") if (params.get("driver") or "").isdigit() else None)
    if found and 4 <= len(found) <= 6:  # the CUDA version the driver's API reports: 10010 = 10.1, 12080 = 12.8
        n = int(found)
        facts["found_version"] = found
        facts["driver_cuda"] = f"{n // 1000}.{n % 1000 // 10}"
        try:
            facts["driver_cuda_report"] = cuda_report(kb, facts["driver_cuda"])
        except (QueryError, versions.InvalidVersion):
            pass
        facts["majors_needed"] = [{"major": m.major, "linux": m.minor_version_compat_min_driver.linux,
                                   "windows": m.minor_version_compat_min_driver.windows}
                                  for m in sorted(kb.data.cuda_majors, key=lambda m: m.major) if m.major > n // 1000]
    if params.get("driver"):
        try:
            newest = newest_cuda_by_toolkit_minimum(kb, params["driver"])
        except versions.InvalidVersion:
            newest = None
        if newest:
            facts["driver_runs_cuda_up_to"] = newest
    return facts


def explain(kb: KB, text: str) -> dict[str, Any]:
    """The catalogue entries a paste shows, best first (each with its score, the part of the paste it
    scored on, the parameters read and the facts they name)."""
    built = matcher_data(kb)
    errors = kb.data.errors
    lines = paste_lines(text)
    found = message_facts(lines)
    out = []
    for i, score, window in matcher.rank(built, text):
        e = errors[i]
        params = params_of(e, lines, found)
        out.append({"id": e.id, "family": e.family, "title": e.title, "page": page_of(e),
                    "score": round(score, 3), "strength": "match" if score >= STRONG else "similar",
                    "matched": window[:500], "params": params, "cause": e.cause, "confirm": e.confirm,
                    "fix": e.fix, "facts": facts_for(kb, params), "threads": list(e.threads)})
    return {"matches": out}
