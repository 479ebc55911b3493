"""Write rows as YAML in the knowledge base's own style: block mappings, flow lists of scalars,
every string double-quoted (so versions stay strings), no anchors."""

from __future__ import annotations

import json
from typing import Any


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if v is None:
        return "null"
    return json.dumps(str(v), ensure_ascii=False)


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, (dict, list))


def _lines(obj: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if _is_scalar(v):
                out.append(f"{pad}{k}: {_scalar(v)}")
            elif isinstance(v, list) and all(_is_scalar(x) for x in v):
                out.append(f"{pad}{k}: [{', '.join(_scalar(x) for x in v)}]")
            elif isinstance(v, dict) and not v:
                out.append(f"{pad}{k}: {{}}")
            elif isinstance(v, dict) and all(_is_scalar(x) for x in v.values()) and len(v) <= 3:
                out.append(f"{pad}{k}: {{{', '.join(f'{a}: {_scalar(b)}' for a, b in v.items())}}}")
            else:
                out.append(f"{pad}{k}:")
                out += _lines(v, indent + 2)
    elif isinstance(obj, list):
        for item in obj:
            sub = _lines(item, indent + 2)
            if sub:
                out.append(f"{pad}- {sub[0].lstrip()}")
                out += sub[1:]
            else:
                out.append(f"{pad}- {_scalar(item)}")
    else:
        out.append(f"{pad}{_scalar(obj)}")
    return out


def dump_rows(section: str, rows: list[dict[str, Any]]) -> str:
    """``section:`` followed by the rows, two-space indented."""
    return "\n".join([f"{section}:", *_lines(rows, 2)]) + "\n"
