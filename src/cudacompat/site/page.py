"""A generated page: where it goes (relative to ``docs/``) and its Markdown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, e.g. "releases/2.7.1.md"
    content: str


def unindexed(block: str) -> str:
    """Markdown the site search leaves out (Material's ``data-search-exclude``): long tables and lists
    whose words are either on other pages too or no use as search words (ids, source links). Every
    visitor downloads the search index, searching or not: it is most of every page's weight."""
    return f'<div data-search-exclude markdown>\n\n{block}\n\n</div>'
