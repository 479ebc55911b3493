"""``cudacompat explain``: match pasted error text against the catalogue and personalise the fix."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import query, versions

if TYPE_CHECKING:  # annotations only: answers from the cache never import pydantic
    from . import model

FAMILY_TITLE = {
    "architecture": "GPU architecture not in the build",
    "driver": "Driver too old or mismatched",
    "build": "CPU-only or wrong build",
    "containers": "Containers",
    "libraries": "Libraries and ABI",
    "runtime": "Runtime errors",
    "distributed": "Distributed training",
    "precision": "Precision and determinism",
}
MAX_LINE = 1_000  # catalogued messages are single lines; longer lines are cut
MAX_LINES = 400  # the first and last 200 distinct lines of a long paste


@lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


def page_of(e: model.ErrorEntry) -> str:
    """Where the entry's anchor lives on the site, relative to the site root."""
    return f"troubleshooting/{e.family}/#{e.id}"


def builds_for(kb: query.KB, cc: str, limit: int = 6) -> dict[str, list[dict[str, str]]]:
    """Newest builds with native code for ``cc`` (and those with PTX only), with install commands."""
    native, ptx = [], []
    for t in kb.releases:
        for v in t.variants:
            for plat, al in v.platforms.items():
                code = query.build_code(al, cc)
                if code is None or plat == "linux-aarch64":
                    continue
                os_ = "windows" if plat.startswith("windows") else "linux"
                need = query.cuda_report(kb, v.cuda)["min_driver"][os_] if v.cuda else None
                row = {"torch": t.version, "variant": v.variant, "platform": plat, "min_driver": need,
                       "install": query.install_command(t, v, os_)}
                (native if code == "native" else ptx).append(row)
    return {"native": native[:limit], "ptx_only": ptx[:limit]}


def _personalise(kb: query.KB, params: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    facts: dict[str, Any] = {}
    lines: list[str] = []
    cc = None
    if params.get("sm"):
        try:
            cc = str(versions.cc(params["sm"]))
        except ValueError:
            pass
    if cc is None and params.get("cc"):
        try:
            cc = str(versions.cc(params["cc"]))
        except ValueError:
            pass
    if params.get("gpu"):
        try:
            g = query.find_gpu(kb, params["gpu"])
            facts["gpu"] = {"name": g.name, "compute_capability": g.compute_capability}
            cc = cc or g.compute_capability
        except query.QueryError:
            pass
    if cc:
        c = versions.cc(cc)
        b = builds_for(kb, cc)
        facts["compute_capability"] = cc
        facts["builds"] = b
        if b["native"]:
            lines.append(f"Builds with native {c.sm} code (newest first):")
            lines += [f"  {x['torch']}+{x['variant']} ({x['platform']}, driver ≥ {x['min_driver'] or 'n/a'}): "
                      f"{x['install']}" for x in b["native"]]
        elif b["ptx_only"]:
            lines.append(f"No build in the knowledge base has native {c.sm} code; these can JIT it from PTX:")
            lines += [f"  {x['torch']}+{x['variant']} ({x['platform']}): {x['install']}" for x in b["ptx_only"]]
        else:
            lines.append(f"No PyTorch build in the knowledge base has code for {c.sm}.")
    if params.get("cuda"):
        try:
            r = query.cuda_report(kb, params["cuda"])
            facts["cuda"] = r
            mvc = r["minor_version_compat_min_driver"] or {}
            lines.append(f"CUDA {r['version']} needs driver ≥ {r['min_driver']['linux'] or 'n/a'} (Linux) / "
                         f"≥ {r['min_driver']['windows'] or 'n/a'} (Windows); minor-version compatibility from "
                         f"{mvc.get('linux') or 'n/a'} / {mvc.get('windows') or 'n/a'}.")
        except (query.QueryError, versions.InvalidVersion):
            pass
    if params.get("driver"):
        try:
            d = versions.driver(params["driver"])
            ok = [c.version for c in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version))
                  if (lin := min(c.releases, key=lambda r: versions.parse(r.version)).min_driver.linux)
                  and d >= versions.driver(lin)]
            if ok:
                facts["driver_runs_cuda_up_to"] = ok[-1]
                lines.append(f"Driver {params['driver']} runs CUDA up to {ok[-1]} by the toolkit minimums "
                             "(Linux); newer minors of the same CUDA major may run under minor-version compatibility.")
        except versions.InvalidVersion:
            pass
    return facts, lines


def explain(kb: query.KB, text: str) -> dict[str, Any]:
    """Entries whose pattern matches ``text``, most specific first, with parameters and advice."""
    lines = list(dict.fromkeys(line[:MAX_LINE] for line in text.splitlines() if line.strip()))
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES // 2] + lines[-MAX_LINES // 2:]
    found = []
    for order, e in enumerate(kb.data.errors):
        rx = _rx(e.pattern)
        m = next((m for m in map(rx.search, lines) if m), None)
        if not m:
            continue
        params = {k: v.strip() for k, v in m.groupdict().items() if v}
        facts, lines = _personalise(kb, params)
        found.append((-(m.end() - m.start()), order, {
            "id": e.id, "family": e.family, "title": e.title, "page": page_of(e),
            "matched": m.group(0)[:500], "params": params,
            "cause": e.cause, "confirm": e.confirm, "fix": e.fix,
            "personalised": lines, "facts": facts, "threads": list(e.threads),
        }))
    found.sort(key=lambda t: (t[0], t[1]))
    return {"matches": [f for _, _, f in found]}
