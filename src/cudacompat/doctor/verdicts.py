"""A doctor's verdict, and the small helpers every check words its verdicts with."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .facts import Gpu, Unreadable

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Verdict:
    id: str
    severity: str  # error | warning | info
    title: str
    detail: str
    fix: str | None = None
    command: str | None = None  # the exact command to run, when there is one
    see: str | None = None  # a page of the guide

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Result = tuple[list[Verdict], list[Unreadable]]


def human_bytes(n: int | None) -> str:
    if n is None:
        return "unknown"
    x = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if x < 1024 or unit == "TiB":
            return f"{x:.0f} {unit}" if unit in ("B", "KiB") else f"{x:.1f} {unit}"
        x /= 1024
    return f"{n} B"


def gpu_label(g: Gpu) -> str:
    return f"{g.name or 'GPU ' + str(g.index)}" + (f" ({g.sm})" if g.sm else "")
