"""The knowledge base's coverage in words: gap headings and announcement findings."""

from __future__ import annotations

from typing import Any

from ..answers.coverage import announcement_status, gaps
from ..answers.index import KB
from .templates import say
from .titles import NGC_FIELD_TITLE, PLATFORM_TITLE


def announcement_detail(status: dict[str, Any]) -> str:
    return say(f"announce.{status['why']}", **status["params"])


def gap_sections(kb: KB) -> list[tuple[str, list[str]]]:
    """(heading, items) in page order."""
    statuses = {a.id: announcement_status(kb, a) for a in kb.data.announcements}
    out = []
    for code, params, items in gaps(kb):
        p = dict(params)
        if "platform" in p:
            p["platform_title"] = PLATFORM_TITLE[p["platform"]]
        if "field" in p:
            p["field_title"] = NGC_FIELD_TITLE[p["field"]]
        if code == "announcement-unconfirmed":
            items = [f"{i} ({announcement_detail(statuses[i])})" for i in items]
        out.append((say(f"gap.{code}", **p), items))
    return out
