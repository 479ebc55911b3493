"""The personalised advice of ``cudacompat explain``, from the facts :mod:`cudacompat.answers.explain`
found, in the sentences of :mod:`cudacompat.text.templates`. The list of builds is worded by
:func:`carrier_lines`, which ``lookup-core.js`` (``carrierLines``) repeats for the troubleshooting
pages: the parity test holds the two equal, so the page and the terminal list the same builds."""

from __future__ import annotations

from typing import Any

from .. import versions
from .templates import say


def _torch_key(text: str) -> Any:
    try:
        return versions.parse(text)
    except versions.InvalidVersion:
        return versions.parse("0")


def carrier_lines(groups: list[dict[str, Any]], sm: str, platform: str) -> list[str]:
    """The builds that carry ``sm`` (:func:`cudacompat.answers.will_it_run.carriers`) as driver ranges:
    for each driver, the CUDA variants it unlocks and the command for the newest release among them."""
    title = say("explain.platform." + platform)
    lines: list[str] = []
    for code in ("native", "ptx"):
        gs = [g for g in groups if g["code"] == code]
        if not gs:
            continue
        lines.append(say("explain.builds-" + code, sm=sm, platform=title))
        ranges: list[tuple[str | None, list[dict[str, Any]]]] = []
        for g in gs:
            if ranges and ranges[-1][0] == g["driver"]:
                ranges[-1][1].append(g)
            else:
                ranges.append((g["driver"], [g]))
        for k, (driver, members) in enumerate(ranges):
            names = ", ".join(say("explain.variant-one" if g["oldest"] == g["newest"] else "explain.variant", **g)
                              for g in members)
            if driver is None:
                head = say("explain.range-any", variants=names)
            elif k + 1 < len(ranges):
                head = say("explain.range", driver=driver, below=ranges[k + 1][0], variants=names)
            else:
                head = say("explain.range-last", driver=driver, variants=names)
            newest = max(members, key=lambda g: _torch_key(g["newest"]))  # the first of equals
            lines += ["  " + head, "    " + newest["install"]]
    if not lines:
        lines.append(say("explain.no-builds", sm=sm, platform=title))
    return lines


def advice(facts: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    cc = facts.get("compute_capability")
    if cc:
        c = versions.cc(cc)
        tk = facts.get("toolkits")
        if tk:
            key = "explain.toolkits" if tk["to_newest"] else "explain.toolkits-range"
            lines.append(say(key, first=tk["first"], last=tk["last"], sm=c.sm, compute=c.compute))
        else:
            lines.append(say("explain.no-toolkit", sm=c.sm))
        if "carriers" in facts:
            lines += carrier_lines(facts["carriers"], c.sm, facts["platform"])
    if facts.get("driver_cuda"):
        lines.append(say("explain.found-version", found=facts["found_version"], cuda=facts["driver_cuda"]))
        r = facts.get("driver_cuda_report")
        if r:
            lines.append(say("explain.found-known", cuda=r["version"], linux=r["min_driver"]["linux"] or "n/a",
                             windows=r["min_driver"]["windows"] or "n/a"))
        lines += [say("explain.major-needs", major=m["major"], linux=m["linux"] or "n/a", windows=m["windows"] or "n/a")
                  for m in facts.get("majors_needed", [])]
    r = facts.get("cuda")
    if r:
        mvc = r["minor_version_compat_min_driver"] or {}
        lines.append(say("explain.cuda", version=r["version"], linux=r["min_driver"]["linux"] or "n/a",
                         windows=r["min_driver"]["windows"] or "n/a", mvc_linux=mvc.get("linux") or "n/a",
                         mvc_windows=mvc.get("windows") or "n/a"))
    if facts.get("driver_runs_cuda_up_to"):
        lines.append(say("explain.driver", driver=facts["driver"], cuda=facts["driver_runs_cuda_up_to"]))
    return lines


def explain_json(r: dict[str, Any]) -> dict[str, Any]:
    """The ``--json`` document: each match with its label and its advice lines (``personalised``)."""
    return {"matches": [{**m, "label": label(m), "personalised": advice({**m["facts"], "driver": m["params"].get("driver")})}
                        for m in r["matches"]]}


def label(m: dict[str, Any]) -> str:
    return say("explain.label-match" if m["strength"] == "match" else "explain.label-similar", family=m["family"])


def explain_text(r: dict[str, Any]) -> str:
    if not r["matches"]:
        return say("explain.none")
    out: list[str] = []
    for i, m in enumerate(r["matches"]):
        out += [f"{'' if i == 0 else chr(10)}[{m['label']}] {m['title']}", f"  page:    {m['page']}"]
        if m["params"]:
            out.append("  found:   " + ", ".join(f"{k}={v}" for k, v in m["params"].items()))
        out += [f"  cause:   {m['cause']}", f"  confirm: {m['confirm']}", f"  fix:     {m['fix']}"]
        out += [f"  {line}" for line in m["personalised"]]
    return "\n".join(out)
