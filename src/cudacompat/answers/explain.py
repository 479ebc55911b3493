"""``cudacompat explain``: which catalogue entries a pasted text matches, and the facts it names.

Returns data only (the matched entries, the parameters their patterns extracted, and facts looked
up for those parameters); :mod:`cudacompat.text.explain` words the advice. ``errorsearch-core.js``
implements the same matching for the site's search box; the parity test holds them equal.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import versions
from . import commands
from .cuda import cuda_report, newest_cuda_by_toolkit_minimum
from .gpus import code_for
from .index import KB, QueryError, find_gpu
from .platforms import release_for

MAX_LINE = 1_000  # catalogued messages are single lines; longer lines are cut
MAX_LINES = 400  # the first and last 200 distinct lines of a long paste
BUILDS_SHOWN = 6
MIN_FRAGMENT_WORDS = 3
_BLANK = re.compile(r"[ \t\f\v]*")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text.lower()).strip(" ")


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


def page_of(e: Any) -> str:
    """Where the entry's anchor lives on the site, relative to the site root."""
    return f"troubleshooting/{e.family}/#{e.id}"


def paste_lines(text: str) -> list[str]:
    """The distinct non-blank lines of a paste, each cut to :data:`MAX_LINE`; a long paste keeps its
    first and last :data:`MAX_LINES` / 2."""
    lines = list(dict.fromkeys(line[:MAX_LINE] for line in re.split(r"\r\n|\r|\n", text)
                               if not _BLANK.fullmatch(line)))
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES // 2] + lines[-MAX_LINES // 2:]
    return lines


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


def facts_for(kb: KB, params: dict[str, str]) -> dict[str, Any]:
    """What the knowledge base says about the GPU, sm, CUDA and driver a message names."""
    facts: dict[str, Any] = {}
    cc = None
    for key in ("sm", "cc"):
        if cc is None and params.get(key):
            try:
                cc = str(versions.cc(params[key]))
            except ValueError:
                pass
    if params.get("gpu"):
        try:
            g = find_gpu(kb, params["gpu"])
            facts["gpu"] = {"name": g.name, "compute_capability": g.compute_capability}
            cc = cc or g.compute_capability
        except QueryError:
            pass
    if cc:
        facts["compute_capability"] = cc
        facts["builds"] = builds_for(kb, cc)
    if params.get("cuda"):
        try:
            facts["cuda"] = cuda_report(kb, params["cuda"])
        except (QueryError, versions.InvalidVersion):
            pass
    if params.get("driver"):
        try:
            newest = newest_cuda_by_toolkit_minimum(kb, params["driver"])
        except versions.InvalidVersion:
            newest = None
        if newest:
            facts["driver_runs_cuda_up_to"] = newest
    return facts


def explain(kb: KB, text: str) -> dict[str, Any]:
    """Entries whose pattern matches a line of ``text``, the longest match first, with the
    parameters the pattern extracted and the facts they name."""
    lines = paste_lines(text)
    found = []
    for order, e in enumerate(kb.data.errors):
        rx = _rx(e.pattern)
        m = next((m for m in map(rx.search, lines) if m), None)
        if not m:
            continue
        params = {k: v.strip() for k, v in m.groupdict().items() if v}
        found.append((-(m.end() - m.start()), order, {
            "id": e.id, "family": e.family, "title": e.title, "page": page_of(e),
            "matched": m.group(0)[:500], "params": params,
            "cause": e.cause, "confirm": e.confirm, "fix": e.fix,
            "facts": facts_for(kb, params), "threads": list(e.threads),
        }))
    found.sort(key=lambda t: (t[0], t[1]))
    out = [f for _, _, f in found]
    # a fragment of a catalogued message (three words or more) finds its entry too, after the matches
    q = norm(text)
    if len(q.split(" ")) >= MIN_FRAGMENT_WORDS:
        have = {f["id"] for f in out}
        for e in kb.data.errors:
            if e.id not in have and any(q in norm(m) for m in e.messages):
                out.append({"id": e.id, "family": e.family, "title": e.title, "page": page_of(e), "matched": "",
                            "params": {}, "cause": e.cause, "confirm": e.confirm, "fix": e.fix,
                            "facts": {}, "threads": list(e.threads)})
    return {"matches": out}
