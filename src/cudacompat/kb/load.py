"""Load and validate a knowledge-base file: YAML with positions, each row against the model, then the
named checks. The result is the one row type every consumer reads (:class:`cudacompat.kb.rows.Row`,
frozen); nothing is raised but :class:`InvalidData`, which carries every problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import model
from .problems import InvalidData, Problem
from .rows import Row, freeze
from .yamlread import Document, read

MODELS: dict[str, type[BaseModel]] = {
    name: info.annotation.__args__[0]  # list[Row] -> Row
    for name, info in model.KnowledgeBase.model_fields.items()
}


def _describe(err: dict[str, Any], fields: list[str]) -> str:
    kind, msg, value = err["type"], err["msg"], err.get("input")
    name = next((p for p in reversed(err["loc"]) if isinstance(p, str)), "value")
    if kind == "missing":
        return f"missing required key {name!r}"
    if kind == "extra_forbidden":
        return f"unknown key {name!r}; expected one of: {', '.join(fields)}"
    if kind == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return (f"{name}: {value!r} was read as a number; write it as a quoted string "
                f"(e.g. \"{value}\") so that 12.10 stays 12.10")
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    return f"{name}: {msg}"


def _fields(cls: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where ``loc`` points (for 'unknown key' messages)."""
    current: Any = cls
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            break
        ann = info.annotation
        while getattr(ann, "__args__", None) and not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            ann = next((a for a in ann.__args__ if isinstance(a, type) and issubclass(a, BaseModel)), ann.__args__[-1])
        current = ann
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def parse_rows(doc: Document) -> tuple[dict[str, list[tuple[int, BaseModel]]], list[Problem]]:
    """Validate each row on its own, so one bad row does not hide the others' problems."""
    problems: list[Problem] = []
    rows: dict[str, list[tuple[int, BaseModel]]] = {name: [] for name in MODELS}
    for section, value in doc.data.items():
        if section not in MODELS:
            problems.append(doc.problem((section,), f"unknown section {section!r}; expected one of: "
                                        + ", ".join(MODELS), key=True))
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            problems.append(doc.problem((section,), f"{section} must be a list of rows"))
            continue
        cls = MODELS[section]
        for i, row in enumerate(value):
            try:
                rows[section].append((i, cls.model_validate(row)))
            except ValidationError as e:
                for err in e.errors():
                    loc = tuple(p for p in err["loc"] if isinstance(p, (int, str)) and not str(p).startswith("function-"))
                    path = (section, i) + loc
                    extra = err["type"] == "extra_forbidden"
                    problems.append(doc.problem(path, _describe(err, _fields(cls, loc)), key=extra))
    return rows, problems


def load(path: str | Path, display: str | None = None) -> Row:
    """Load and validate; the knowledge base as frozen rows. Raises :class:`InvalidData`."""
    kb, _doc = load_with_document(path, display)
    return kb


def load_with_document(path: str | Path, display: str | None = None) -> tuple[Row, Document]:
    from .checks import run_checks

    doc, problems = read(path, display)
    if problems and doc.data is None:
        raise InvalidData(problems)
    rows, row_problems = parse_rows(doc)
    problems += row_problems
    problems += run_checks(rows, doc, Path(path))
    if problems:
        raise InvalidData(problems)
    kb = model.KnowledgeBase.model_construct(**{k: [r for _, r in v] for k, v in rows.items()})
    return freeze(kb), doc


__all__ = ["InvalidData", "MODELS", "Problem", "load", "load_with_document", "parse_rows"]
