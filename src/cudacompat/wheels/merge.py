"""Merge drafted torch rows into the knowledge base's text, keeping every other line as it is, and
map line numbers of the merged copy back to the printed draft."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from .. import versions
from . import yamlout


def _union(a: list[str] | None, b: list[str] | None) -> list[str]:
    return list(dict.fromkeys([*(a or []), *(b or [])]))


def merge_row(existing: dict[str, Any], drafted: dict[str, Any]) -> dict[str, Any]:
    """An existing release's row with the drafted (measured) facts merged in.

    The measured variant's pins replace the curated ones and its measured platforms' architecture
    lists replace theirs; everything the wheel cannot tell (other variants, Windows lists, date,
    notes) is kept. Only the measured variant stays ``default``.
    """
    row = copy.deepcopy(existing)
    if drafted.get("python"):
        row["python"] = drafted["python"]
    row["sources"] = _union(row.get("sources"), drafted.get("sources"))
    dv = drafted["variants"][0]
    out, found = [], False
    for v in row.get("variants") or []:
        if isinstance(v, dict) and v.get("variant") == dv["variant"]:
            found = True
            v = copy.deepcopy(v)
            for k in ("cuda", "cuda_runtime", "cudnn", "nccl", "index", "default"):
                if k in dv:
                    v[k] = dv[k]
            plats = v.get("platforms") or {}
            plats.update(copy.deepcopy(dv.get("platforms") or {}))
            if plats:
                v["platforms"] = plats
            v["sources"] = _union(v.get("sources"), dv.get("sources"))
        elif isinstance(v, dict) and v.get("default"):
            v = {k: x for k, x in v.items() if k != "default"}
        out.append(v)
    if not found:
        out.insert(0, copy.deepcopy(dv))
    row["variants"] = out
    return row


@dataclass
class Splice:
    """Where rows were put in the temporary copy, to map its line numbers back."""

    start: int  # 1-based first line of the spliced text in the copy
    length: int  # lines of spliced text
    removed: int  # lines of the original file it replaced
    draft_offset: int  # line of the spliced text's first line in the printed draft


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str) -> dict[str, Any]:
    data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    return data if isinstance(data, dict) else {}


def _row_spans(text: str) -> list[tuple[int, int]]:
    """0-based [start, end) line spans of the torch rows (trailing blank and comment lines excluded)."""
    root = yaml.compose(text, Loader=_YAML_LOADER)
    seq = next((v for k, v in (root.value if isinstance(root, yaml.MappingNode) else [])
                if getattr(k, "value", None) == "torch"), None)
    if not isinstance(seq, yaml.SequenceNode):
        return []
    lines = text.splitlines()
    starts = [n.start_mark.line for n in seq.value]
    last_end = seq.end_mark.line + (1 if seq.end_mark.column else 0)
    spans = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else min(last_end, len(lines))
        while e > s + 1 and (not lines[e - 1].strip() or lines[e - 1].lstrip().startswith("#")):
            e -= 1
        spans.append((s, e))
    return spans


def _row_text(row: dict[str, Any]) -> list[str]:
    return yamlout.dump_rows("torch", [row]).splitlines()[1:]


def merge_text(text: str, rows: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]], list[Splice], list[str]]:
    """Merge drafted rows into the knowledge base's text.

    Returns the new text, the rows as merged (what is printed), where each went, and a note per
    release that already existed. A new release goes after the last older one.
    """
    data = _parse(text)
    existing = [r for r in data.get("torch") or [] if isinstance(r, dict)]
    lines = text.splitlines()
    spans = _row_spans(text)
    if not spans or len(spans) != len(existing):
        raise ValueError("cannot locate the torch rows in the knowledge base (a non-empty torch: list)")
    edits: list[tuple[int, int, list[str], int]] = []  # (start0, end0, new lines, row index)
    merged_rows, notes = [], []
    for n, row in enumerate(rows):
        pv = versions.parse(row["version"])
        idx = next((i for i, r in enumerate(existing) if _same(r.get("version"), pv)), None)
        if idx is not None:
            row = merge_row(existing[idx], row)
            s, e = spans[idx]
            notes.append(f"torch {row['version']} is already in the knowledge base (line {s + 1}): "
                         f"below is that row with the measured facts merged in")
        else:
            older = [i for i, r in enumerate(existing) if _older(r.get("version"), pv)]
            at = spans[older[-1]][1] if older else (spans[0][0] if spans else len(lines))
            s = e = at
        merged_rows.append(row)
        edits.append((s, e, _row_text(row), n))
    # apply bottom-up so earlier positions stay valid; draft line numbers follow the printed order
    draft_line, draft_at = 2, {}
    for _s, _e, new, n in sorted(edits, key=lambda t: t[3]):
        draft_at[n] = draft_line
        draft_line += len(new)
    splices = []
    for s, e, new, _n in sorted(edits, key=lambda t: (t[0], t[3]), reverse=True):
        lines[s:e] = new
    shift = 0
    for s, e, new, n in sorted(edits, key=lambda t: (t[0], t[3])):
        splices.append(Splice(s + 1 + shift, len(new), e - s, draft_at[n]))
        shift += len(new) - (e - s)
    return "\n".join(lines) + "\n", merged_rows, splices, notes


def _same(v: Any, pv: Version) -> bool:
    try:
        return isinstance(v, str) and versions.parse(v) == pv
    except InvalidVersion:
        return False


def _older(v: Any, pv: Version) -> bool:
    try:
        return isinstance(v, str) and versions.parse(v) < pv
    except InvalidVersion:
        return False


def map_line(line: int, splices: list[Splice]) -> tuple[bool, int]:
    """(in the draft?, line) for a line of the temporary copy."""
    shift = 0
    for sp in splices:
        if line < sp.start:
            break
        if line < sp.start + sp.length:
            return True, sp.draft_offset + line - sp.start
        shift += sp.length - sp.removed
    return False, line - shift
