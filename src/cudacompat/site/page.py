"""A generated page: where it goes (relative to ``docs/``) and its Markdown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/, e.g. "releases/2.7.1.md"
    content: str
