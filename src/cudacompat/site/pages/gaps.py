"""The known-gaps page: what the knowledge base does not state, computed from the rows."""

from __future__ import annotations

from ...answers.index import KB
from ...text.coverage import gap_sections
from ...text.markdown import esc
from ..page import Page, unindexed


def page_gaps(kb: KB) -> Page:
    body = ["# Known gaps", "",
            "The edge of the map: facts this guide does not state because no primary source for them "
            "was found yet. Contributions with a source are welcome.", ""]
    for title, items in gap_sections(kb):
        # the sections' titles are what a search should find; their lists are row ids
        body += [f"## {esc(title)}", "", unindexed(f"{len(items)}: " + ", ".join(esc(i) for i in items)), ""]
    return Page("gaps.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_gaps(kb)]
