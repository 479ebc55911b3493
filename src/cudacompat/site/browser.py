"""What the browser scripts read: the lookup data (the builds, codes and driver minimums of
:func:`cudacompat.answers.will_it_run.lookup_table` plus the sentence templates), the error
catalogue, and ``compat.json``. Written as scripts (``window.x = ...``) so that pages opened from
disk (the offline copy) work without fetch. ``</`` is escaped so no data string closes the script."""

from __future__ import annotations

import json
import re
from typing import Any

from ..answers import commands, explain, matcher
from ..answers.index import KB
from ..answers.will_it_run import lookup_table
from ..text.templates import SENTENCES
from .pages.troubleshooting import entry_heading


def _script(name: str, data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
    return f"window.{name} = {text};\n"


def lookup_data(kb: KB) -> dict[str, Any]:
    return {**lookup_table(kb), "text": dict(SENTENCES), "commands": {"conda": commands.CONDA}}


def lookup_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def lookup_js(data: dict) -> str:
    return _script("cudacompatTable", data)


def js_pattern(pattern: str) -> str:
    """A catalogue pattern (Python ``re``) in JavaScript RegExp syntax."""
    return re.sub(r"\(\?P=(\w+)\)", r"\\k<\1>", pattern.replace("(?P<", "(?<"))


def errors_data(kb: KB) -> dict[str, Any]:
    """The catalogue as the site search ranks it (errorsearch-core.js): the entries (with their
    patterns, which only read facts), the matcher's data (:func:`cudacompat.answers.matcher.index`),
    and the words of the catalogue hits."""
    return {"entries": [{"id": e.id, "family": e.family, "heading": entry_heading(e), "cause": e.cause,
                         "pattern": js_pattern(e.pattern), "url": f"troubleshooting/{e.family}/{e.id}/"}
                        for e in kb.data.errors],
            "matcher": matcher.index(kb.data.errors), "strong": explain.STRONG,
            "relevant": {k: list(v) for k, v in explain.RELEVANT.items()},
            "text": {k: v for k, v in SENTENCES.items() if k.startswith("explain.label")}}


def errors_js(kb: KB) -> str:
    """The error catalogue for the site search's "catalogue match" results (errorsearch.js)."""
    return _script("cudacompatErrors", errors_data(kb))


def plain(value: Any) -> Any:
    """A validated row as JSON values, ``None`` fields left out (pydantic's
    ``model_dump(mode="json", exclude_none=True)``)."""
    if hasattr(value, "_kind"):  # a kb.rows.Row
        return {k: plain(v) for k, v in value if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    return value


def compat_json(kb: KB) -> str:
    return json.dumps(plain(kb.data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
