"""Will-it-run answers in words: the reason codes of :mod:`cudacompat.answers.will_it_run` filled
into :data:`cudacompat.text.templates.SENTENCES`, as the ``--json`` document and as terminal text."""

from __future__ import annotations

from typing import Any

from .. import versions
from .templates import say


def _params(x: dict, answer: dict) -> dict[str, Any]:
    sm = answer["gpu"]["sm"]
    lo, hi = (x.get("range") or [None, None])
    return {"sm": sm, "torch": x["torch"], "variant": x["variant"], "cuda": x["cuda"], "platform": x["platform"],
            "driver": answer["driver"], "python": answer["python"], "os": answer["os"],
            "lo": lo, "hi": hi or "…", "have": ", ".join(x.get("sm_list") or []) or "none",
            "ptx": f"; PTX {', '.join(x['ptx_list'])}" if x.get("ptx_list") else "",
            "needs": x.get("needs"), "toolkit_min": x.get("toolkit_min"),
            "minor_version_min": x.get("minor_version_min")}


def notes(o: dict, answer: dict) -> list[str]:
    p = _params(o, answer)
    out = []
    if o["code"] == "ptx":
        out.append(say("note.ptx", **p))
    if o["driver_via"] == "minor-version":
        out.append(say("note.minor-version", **p))
    if o["driver_via"] == "unknown":
        out.append(say("note.driver-unknown", **p))
    return out


def rejection(x: dict, answer: dict) -> dict[str, Any]:
    """``detail`` and ``fix`` of a rejected build (``driver-ptx`` is reported as ``driver``)."""
    p = _params(x, answer)
    code = x["reason"]
    out = {"reason": "driver" if code == "driver-ptx" else code, "detail": say(f"reject.{code}", **p),
           "fix": say(f"fix.{code}", **p)}
    if code == "driver":
        out["needs"] = x["needs"]
    elif code == "driver-ptx":
        out["needs"] = x["toolkit_min"]
    return out


def will_it_run_json(answer: dict) -> dict[str, Any]:
    """The ``cudacompat will-it-run --json`` document (its keys are a public interface)."""
    keys = ("torch", "variant", "cuda", "platform")
    options = [{**{k: o[k] for k in keys}, "code": o["code"], "driver_via": o["driver_via"],
                "minor_version_compat": o["driver_via"] == "minor-version", "install": o["install"],
                "images": o["images"], "notes": notes(o, answer), "default": o["default"]}
               for o in answer["options"]]
    rejected = [{**{k: x[k] for k in keys}, **rejection(x, answer)} for x in answer["rejected"]]
    unknown = [{**{k: u[k] for k in keys}, "reason": u["reason"],
                "detail": say("unknown.no-arch-data", **_params(u, answer))} for u in answer["unknown"]]
    return {"gpu": answer["gpu"], "driver": answer["driver"], "os": answer["os"], "python": answer["python"],
            "platform": answer["platform"], "options": options, "rejected": rejected, "unknown": unknown}


def will_it_run_text(r: dict) -> str:
    """The terminal rendering of :func:`will_it_run_json`'s document."""
    g = r["gpu"]
    lines = [f"{g['name']} ({g['sm']}, {g['architecture']}) with driver {r['driver']} on {r['platform']}"
             + (f", Python {r['python']}" if r["python"] else ""), "", "Works (newest first):"]
    for o in r["options"]:
        tags = [o["code"] if o["code"] == "ptx" else "", "minor-version compat" if o["minor_version_compat"] else ""]
        tag = ", ".join(t for t in tags if t)
        lines.append(f"  {o['torch']:<8} {o['variant']:<6} {o['install']}" + (f"   [{tag}]" if tag else ""))
    if not r["options"]:
        lines.append("  nothing in the knowledge base")
    lines += ["", "Does not work:"]
    for x in r["rejected"]:
        lines.append(f"  {x['torch']:<8} {x['variant']:<6} {x['detail']}")
    if r["unknown"]:
        lines += ["", f"Not recorded ({len(r['unknown'])} builds): arch lists for {r['platform']} are a known gap."]
    return "\n".join(lines)


def sm_list(ccs: list[str]) -> str:
    return " ".join(versions.cc(c).sm for c in ccs)
