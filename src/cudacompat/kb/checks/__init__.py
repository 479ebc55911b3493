"""Cross-record checks of the knowledge base: a registry of small named functions.

Each check receives a :class:`Context` (the rows that passed the per-row model, the document with
positions, the data file) and yields ``(path, message)`` pairs; the registry turns them into
:class:`~cudacompat.kb.problems.Problem` lines pointing at the offending value. Rows that failed
the model still count as existing (:meth:`Context.declared_ids`), so one broken row does not cause
a cascade of "unknown reference" reports. A check is added by decorating it with :func:`check`
in one of this package's modules; ``tests/unit/test_checks.py`` gives each its own test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..yamlread import Document

Found = Iterable[tuple[tuple, str] | tuple[tuple, str, bool]]  # (path, message[, at the key])


@dataclass(frozen=True)
class Context:
    rows: dict[str, list[tuple[int, Any]]]  # section -> [(index in the file, validated row)]
    doc: Document
    file: Path

    def declared_rows(self, section: str) -> list[dict]:
        """The rows of a section as written, including those that failed the model (any shape)."""
        rows = self.doc.data.get(section) if isinstance(self.doc.data, dict) else None
        return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []

    def declared_ids(self, section: str) -> set[str]:
        return {r["id"] for r in self.declared_rows(section) if isinstance(r.get("id"), str)}


@dataclass(frozen=True)
class Check:
    name: str
    fn: Callable[[Context], Found]
    doc: str


REGISTRY: dict[str, Check] = {}


def check(name: str) -> Callable[[Callable[[Context], Found]], Callable[[Context], Found]]:
    def register(fn: Callable[[Context], Found]) -> Callable[[Context], Found]:
        if name in REGISTRY:
            raise ValueError(f"check {name!r} is registered twice")
        REGISTRY[name] = Check(name, fn, (fn.__doc__ or "").strip().split("\n")[0])
        return fn
    return register


def run_checks(rows: dict[str, list[tuple[int, Any]]], doc: Document, file: Path,
               only: Iterable[str] | None = None) -> list[Problem]:
    """Every registered check (or those named in ``only``) over the rows."""
    _load_all()
    ctx = Context(rows, doc, file)
    out: list[Problem] = []
    for name, c in REGISTRY.items():
        if only is not None and name not in only:
            continue
        for found in c.fn(ctx):
            path, message, *key = found
            out.append(doc.problem(path, message, bool(key and key[0])))
    return out


def _load_all() -> None:
    from . import cuda, errors, gpus, platforms, references, releases  # noqa: F401  (registration)
