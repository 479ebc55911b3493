"""What ``pip index versions`` prints, read."""

from __future__ import annotations

import re


def parse_index_versions(text: str) -> list[str]:
    """The versions in ``pip index versions`` output ("Available versions: 2.15.0, 2.14.1, ...")."""
    m = re.search(r"^Available versions:\s*(.*)$", text, re.M)
    return [v.strip() for v in m.group(1).split(",") if v.strip()] if m else []
