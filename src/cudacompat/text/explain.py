"""The personalised advice of ``cudacompat explain``, from the facts :mod:`cudacompat.answers.explain`
found."""

from __future__ import annotations

from typing import Any

from .. import versions


def advice(facts: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    cc = facts.get("compute_capability")
    if cc:
        c = versions.cc(cc)
        b = facts["builds"]
        if b["native"]:
            lines.append(f"Builds with native {c.sm} code (newest first):")
            lines += [f"  {x['torch']}+{x['variant']} ({x['platform']}, driver ≥ {x['min_driver'] or 'n/a'}): "
                      f"{x['install']}" for x in b["native"]]
        elif b["ptx_only"]:
            lines.append(f"No build in the knowledge base has native {c.sm} code; these can JIT it from PTX:")
            lines += [f"  {x['torch']}+{x['variant']} ({x['platform']}): {x['install']}" for x in b["ptx_only"]]
        else:
            lines.append(f"No PyTorch build in the knowledge base has code for {c.sm}.")
    r = facts.get("cuda")
    if r:
        mvc = r["minor_version_compat_min_driver"] or {}
        lines.append(f"CUDA {r['version']} needs driver ≥ {r['min_driver']['linux'] or 'n/a'} (Linux) / "
                     f"≥ {r['min_driver']['windows'] or 'n/a'} (Windows); minor-version compatibility from "
                     f"{mvc.get('linux') or 'n/a'} / {mvc.get('windows') or 'n/a'}.")
    if facts.get("driver_runs_cuda_up_to"):
        lines.append(f"Driver {facts['driver']} runs CUDA up to {facts['driver_runs_cuda_up_to']} by the toolkit "
                     "minimums (Linux); newer minors of the same CUDA major may run under minor-version compatibility.")
    return lines


def explain_json(r: dict[str, Any]) -> dict[str, Any]:
    """The ``--json`` document: each match with its advice lines (``personalised``)."""
    return {"matches": [{**{k: v for k, v in m.items()}, "personalised": advice({**m["facts"],
                         "driver": m["params"].get("driver")})} for m in r["matches"]]}


def explain_text(r: dict[str, Any]) -> str:
    if not r["matches"]:
        return "No catalogued error matches this text. Search the guide, or open an issue with the message."
    out: list[str] = []
    for i, m in enumerate(r["matches"]):
        out += [f"{'' if i == 0 else chr(10)}[{m['family']}] {m['title']}", f"  page:    {m['page']}"]
        if m["params"]:
            out.append("  found:   " + ", ".join(f"{k}={v}" for k, v in m["params"].items()))
        out += [f"  cause:   {m['cause']}", f"  confirm: {m['confirm']}", f"  fix:     {m['fix']}"]
        out += [f"  {line}" for line in m["personalised"]]
    return "\n".join(out)
