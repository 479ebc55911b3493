"""The deprecation timeline: when each GPU generation lost native code, and announced removals."""

from __future__ import annotations

from ... import versions
from ...answers.coverage import announcement_status, deprecation_rows
from ...answers.index import KB
from ...text.coverage import announcement_detail
from ...text.markdown import code, esc, sm_label, sources, table
from ...text.titles import ANNOUNCEMENT_STATUS
from ..page import Page


def deprecation_table(kb: KB) -> str:
    rows = []
    all_rows = deprecation_rows(kb)  # once: it walks every build
    oldest = kb.releases[-1].version if kb.releases else "?"

    def fmt(x: tuple[str, str] | None) -> str:
        return f"{esc(x[0])} {code(x[1])}" if x else "none recorded"

    for r in all_rows:
        if r["platform"] != "linux-x86_64":
            continue
        win = next(x for x in all_rows if x["cc"] == r["cc"] and x["platform"] == "windows-x86_64")
        status = ("supported by the newest release" if r["current"] else "**dropped**" if r["last_any"]
                  else f"not in any release since {esc(oldest)}")
        names = r["gpus"][:4]
        rows.append([code(sm_label(r["cc"])), esc(", ".join(names)) + (" …" if len(r["gpus"]) > 4 else ""),
                     status, fmt(r["last_any"]), fmt(r["last_default"]), fmt(win["last_any"])])
    return table(["Code", "GPUs", "Linux x86_64", "Last release with native code (any variant)",
                  "Last PyPI default with native code", "Last Windows build with native code"], rows)


def announcement_table(kb: KB) -> str:
    what = {"cuda": lambda a: f"CUDA {esc(a.subject)} builds",
            "python": lambda a: f"Python {esc(a.subject)}",
            "architecture": lambda a: f"{code(sm_label(a.subject))} native code"
            + (f" in the {code(a.variant)} build" if a.variant else "")}
    rows = []
    for a in sorted(kb.data.announcements, key=lambda a: (versions.parse(a.torch), a.kind, a.subject),
                    reverse=True):
        st = announcement_status(kb, a)
        rows.append([esc(a.torch), what[a.kind](a), esc(a.announced or "—"),
                     f"{ANNOUNCEMENT_STATUS[st['status']]}: {esc(announcement_detail(st))}",
                     esc(a.summary) + " " + sources(a.sources)])
    return table(["Torch release", "Removal", "Announced", "Recorded builds", "What was said"], rows)


def page_deprecations(kb: KB) -> Page:
    body = ["# Deprecation timeline", "",
            "When each GPU generation lost native code in the published PyTorch builds, computed from the "
            "architecture lists on the [support map](arch-support.md). \"Last release\" is the newest release "
            "in which some build still has native code for that compute capability; a GPU may still run a "
            "newer build through PTX (see its architecture page). Windows lists are partly secondary sources. "
            "Jetson modules are aarch64 systems and are not listed: these x86_64 builds do not run on them.",
            "", deprecation_table(kb), ""]
    if kb.data.announcements:
        body += ["## Announced removals", "",
                 "Removals as PyTorch announced them, each checked against the builds recorded here: the "
                 "first recorded release at or after the announced one either no longer has the CUDA "
                 "version, Python version or native target (`sm_XX` in the Linux x86_64 list, measured "
                 "for the PyPI default), or still has it. Plans change: an announcement that did not "
                 "happen stays listed with what the builds show.", "",
                 announcement_table(kb), ""]
    return Page("deprecations.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_deprecations(kb)]
