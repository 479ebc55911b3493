"""Helpers shared by the checks."""

from __future__ import annotations

from ... import versions


def rel(version: str) -> tuple[int, ...]:
    return versions.parse(version).release


def prefix_match(short: str, full: str) -> bool:
    """``9.1.0`` names the release ``9.1.0.70``; ``2.21.5`` names ``2.21.5``."""
    a, b = rel(short), rel(full)
    return b[: len(a)] == a
