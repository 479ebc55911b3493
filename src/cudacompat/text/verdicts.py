"""Will-it-run answers in words: the reason codes of :mod:`cudacompat.answers.will_it_run` filled into
:data:`cudacompat.text.templates.SENTENCES`, as the ``--json`` document and as terminal text.
``lookup-core.js`` builds the same sentences from the same templates (the parity test holds them equal)."""

from __future__ import annotations

from typing import Any

from .. import versions
from ..answers.will_it_run import REASONS
from .templates import say


def _sm(cc: str | None) -> str:
    return versions.cc(cc).sm if cc else "?"


def params(x: dict, answer: dict) -> dict[str, Any]:
    """Every value a sentence about build ``x`` may name."""
    lo, hi = (x.get("range") or [None, None])
    jps = x.get("jetpack") or []
    cuda = x.get("cuda") or "?"
    return {"sm": answer["gpu"]["sm"], "torch": x["torch"], "variant": x["variant"], "cuda": cuda,
            "major": cuda.split(".")[0], "platform": x["platform"], "driver": answer["driver"],
            "python": answer["python"], "os": answer["os"], "os_name": answer["os"].capitalize(), "jetpack": answer["jetpack"], "lo": lo,
            "hi": hi or "…", "have": ", ".join(x.get("sm_list") or []) or "none",
            "ptx": f"; PTX {', '.join(x['ptx_list'])}" if x.get("ptx_list") else "",
            "needs": x.get("needs"), "toolkit_min": x.get("toolkit_min"),
            "minor_version_min": x.get("minor_version_min"), "jetpacks": ", ".join(jps),
            "built_for": ", ".join(x.get("built_for") or []), "ccs": ", ".join(x.get("ccs") or []),
            "floor_needs": x.get("needs"), "family": x.get("family"),
            "libraries": "; ".join(_libraries(x, cuda))}


def _libraries(x: dict, cuda: str) -> list[str]:
    out = []
    if x.get("toolkit_max") and x.get("reason") == "libraries":
        out.append(say("lib.toolkit", cuda=cuda, toolkit_max_sm=_sm(x["toolkit_max"])))
    if x.get("cudnn_max") and x.get("reason") == "libraries":
        out.append(say("lib.cudnn", cudnn=x.get("cudnn"), cudnn_max_sm=_sm(x["cudnn_max"])))
    return out


def notes(o: dict, answer: dict) -> list[str]:
    p = params(o, answer)
    out = []
    if o["kind"] == "wheel":
        out.append(say("note.jetson-wheel", **p))
    if o["kind"] == "container":
        out.append(say("note.jetson-container", **p))
    if o["platform"] == "linux-aarch64" and answer["platform"] == "jetson":
        out.append(say("note.sbsa", **{**p, "sbsa": answer["jetpack"] or "7"}))
    if o["code"] == "ptx":
        out.append(say("note.ptx", **p))
    if o["driver_via"] == "minor-version":
        out.append(say("note.minor-version", **p))
    if o["driver_via"] == "branch":
        out.append(say("note.branch", **{**p, "minor_version_min": o.get("minor_version_min") or ""}))
    if o["driver_via"] == "unknown":
        out.append(say("note.driver-unknown", **p))
    if o["driver_via"] == "not-checked" and o["kind"] == "pip":
        out.append(say("note.not-checked", **p))
    return out


def _reason_key(x: dict, r: dict) -> str:
    return "arch-jetson" if r["reason"] == "arch" and x["kind"] != "pip" else r["reason"]


def rejection(x: dict, answer: dict) -> dict[str, Any]:
    """``detail`` and ``fix`` of a rejected build: every reason, in order."""
    details, fixes = [], []
    for r in x["reasons"]:
        p = params({**x, **r}, answer)
        key = _reason_key(x, r)
        details.append(say(f"reject.{key}", **p))
        fix = say(f"fix.{key}", **p)
        if fix not in fixes:
            fixes.append(fix)
    out = {"reason": x["reason"], "reasons": [r["reason"] for r in x["reasons"]], "detail": "; ".join(details),
           "fix": "; ".join(fixes)}
    needs = [r["needs"] for r in x["reasons"] if r.get("needs")]
    if needs:
        out["needs"] = max(needs, key=versions.parse)
    return out


def label(x: dict) -> str:
    """A build as readers name it: ``2.7.1+cu128``; NVIDIA's Jetson builds by their own version."""
    return f"{x['torch']}+{x['variant']}" if x["kind"] == "pip" else x["torch"]


def groups(answer: dict) -> list[dict[str, Any]]:
    """The rejections grouped by their first reason, in the order of :data:`REASONS`."""
    out = []
    for reason in REASONS:
        xs = [x for x in answer["rejected"] if x["reason"] == reason]
        if xs:
            out.append({"reason": reason, "count": len(xs), "heading": say(f"group.{reason}", sm=answer["gpu"]["sm"]),
                        "builds": [label(x) for x in xs]})
    return out


def fix_lines(answer: dict) -> list[str]:
    out = []
    for f in answer["fixes"]:
        if f["kind"] == "driver":
            out.append(say("fixrun.driver", **f))
        elif f["kind"] == "python":
            out.append(say("fixrun.python", lo=f["range"][0], hi=f["range"][1] or "…", **f))
        else:
            out.append(say("fixrun.jetpack", **{**f, "jetpack": ", ".join(f["jetpack"])}))
    return out


def will_it_run_json(answer: dict) -> dict[str, Any]:
    """The ``cudacompat will-it-run --json`` document (its keys are a public interface)."""
    keys = ("torch", "variant", "cuda", "platform", "kind")
    options = [{**{k: o[k] for k in keys}, "code": o["code"], "driver_via": o["driver_via"],
                "minor_version_compat": o["driver_via"] == "minor-version", "install": o["install"],
                "images": o["images"], "notes": notes(o, answer), "default": o["default"], "jetpack": o["jetpack"]}
               for o in answer["options"]]
    rejected = [{**{k: x[k] for k in keys}, **rejection(x, answer)} for x in answer["rejected"]]
    unknown = [{**{k: u[k] for k in keys}, "reason": u["reason"],
                "detail": say("unknown.no-arch-data", **params(u, answer))} for u in answer["unknown"]]
    g = answer["gpu"]
    mismatch = None
    if answer["mismatch"]:
        mismatch = {"reason": answer["mismatch"],
                    "detail": say(f"mismatch.{answer['mismatch']}", name=g["name"], platform=answer["platform"])}
    return {"gpu": {k: g[k] for k in ("name", "compute_capability", "sm", "architecture", "tegra")},
            "driver": answer["driver"], "platform": answer["platform"], "os": answer["os"],
            "python": answer["python"], "jetpack": answer["jetpack"], "mismatch": mismatch,
            "options": options, "rejected": rejected, "unknown": unknown,
            "summary": {"groups": groups(answer), "fixes": fix_lines(answer)}}


def will_it_run_text(r: dict) -> str:
    """The terminal rendering of :func:`will_it_run_json`'s document."""
    g = r["gpu"]
    head = (f"{g['name']} ({g['sm']}, {g['architecture']})" + (f" with driver {r['driver']}" if r["driver"] else "")
            + f" on {r['platform']}" + (f", JetPack {r['jetpack']}" if r["jetpack"] else "")
            + (f", Python {r['python']}" if r["python"] else ""))
    lines = [head, ""]
    if r["mismatch"]:
        return "\n".join(lines + [r["mismatch"]["detail"] + "."])
    lines.append("Works (newest first):")
    for o in r["options"]:
        tags = [o["code"] if o["code"] == "ptx" else "", "minor-version compat" if o["minor_version_compat"] else "",
                f"JetPack {', '.join(o['jetpack'])}" if o["jetpack"] else ""]
        tag = ", ".join(t for t in tags if t)
        name = f"{o['torch']:<8} {o['variant']:<6}" if o["kind"] == "pip" else o["torch"]
        lines.append(f"  {name} {o['install']}" + (f"   [{tag}]" if tag else ""))
    if not r["options"]:
        lines.append("  nothing in the knowledge base")
    said: dict[str, list[str]] = {}
    for o in r["options"]:
        for n in o["notes"]:
            said.setdefault(n, []).append(label(o))
    if said:
        lines += ["", "Notes:"]
        for n, who in said.items():
            which = "" if len(who) == len(r["options"]) else " (" + ", ".join(who[:6]) + (", …" if len(who) > 6 else "") + ")"
            lines.append(f"  - {n}{which}")
    if r["summary"]["fixes"]:
        lines += ["", "What would make more builds run:"] + [f"  {f}" for f in r["summary"]["fixes"]]
    if r["rejected"]:
        lines += ["", "Does not run (by reason; --json has every build with all its reasons):"]
        for grp in r["summary"]["groups"]:
            shown = ", ".join(grp["builds"][:8]) + (f", … ({grp['count'] - 8} more)" if grp["count"] > 8 else "")
            lines.append(f"  {grp['heading']} ({grp['count']}): {shown}")
            first = next(x for x in r["rejected"] if x["reason"] == grp["reason"])
            lines.append(f"      e.g. {label(first)}: {first['detail']}; fix: {first['fix']}")
    if r["unknown"]:
        lines += ["", f"Not judged on architecture ({len(r['unknown'])} builds; a known gap):"]
        lines += [f"  {label(u)}: {u['detail']}" for u in r["unknown"]]
    return "\n".join(lines)
