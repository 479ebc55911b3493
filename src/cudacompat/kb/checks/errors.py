"""Checks of the error catalogue and of announced removals."""

from __future__ import annotations

import re

from ... import versions
from .. import regexsafety
from . import Context, check
from ._util import rel


@check("error-patterns-match-their-messages")
def error_patterns(ctx: Context):
    """An entry's pattern is in the portable, backtracking-safe subset both engines run alike
    (:mod:`cudacompat.kb.regexsafety`), compiles, and matches every message of its own."""
    for i, e in ctx.rows["errors"]:
        why = regexsafety.problem(e.pattern)
        if why:
            yield ("errors", i, "pattern"), f"pattern refused: {why}"
            continue
        try:
            rx = re.compile(e.pattern, re.I)
        except re.error as err:
            yield ("errors", i, "pattern"), f"pattern is not a valid regular expression: {err}"
            continue
        for j, msg in enumerate(e.messages):
            if not rx.search(msg):
                yield ("errors", i, "messages", j), "message is not matched by the entry's own pattern"


@check("announcement-subjects")
def announcement_subjects(ctx: Context):
    """An announcement's subject is what its kind says; only architecture drops name a variant."""
    for i, a in ctx.rows["announcements"]:
        ap = ("announcements", i)
        try:
            if a.kind == "architecture":
                if not re.fullmatch(r"\d{1,2}\.\d[af]?", a.subject):
                    raise ValueError
            elif len(rel(a.subject)) != 2:
                raise ValueError
        except (ValueError, versions.InvalidVersion):
            yield ap + ("subject",), (f"{a.subject!r}: a {a.kind} announcement names "
                                      + ('a compute capability such as "7.0"' if a.kind == "architecture"
                                         else 'a minor version such as "12.6"' if a.kind == "cuda"
                                         else 'a Python version such as "3.9"'))
        if a.variant and a.kind != "architecture":
            yield ap + ("variant",), "variant narrows architecture drops only; remove it"
