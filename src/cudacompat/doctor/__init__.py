"""``cudacompat doctor``: diagnose this machine against the knowledge base.

Three layers, so that every verdict can be tested from recorded output: :mod:`.probes` read raw
text; :mod:`.parsers` and :mod:`.facts` turn it into a typed record of facts and never raise;
:mod:`.checks` turn facts into verdicts through :mod:`cudacompat.answers`, and :mod:`.report`
prints them as text, JSON or a Markdown environment block.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from ..answers.index import KB
from . import report
from .checks import Verdict, diagnose
from .facts import Facts, Unreadable, build
from .probes import Reader, collect


def run(kb: KB, reader: Any | None = None, python: str | None = None,
        image: str | None = None) -> tuple[Facts, list[Verdict], list[Unreadable]]:
    """Probe, build the facts and diagnose. Never raises on what the machine answers."""
    facts = build(collect(reader or Reader(), python, image), kb)
    verdicts, unreadable = diagnose(facts, kb)
    return facts, verdicts, unreadable


def command(kb: KB, a: Any) -> int:
    """``cudacompat doctor [--json | --markdown] [--python PATH] [--image REF]``. Exit status 0:
    the report is the answer, whatever it finds; 2 for arguments that cannot be what they claim."""
    problem = argument_problem(getattr(a, "python", None), getattr(a, "image", None))
    if problem:
        print(f"cudacompat doctor: {problem}", file=sys.stderr)
        return 2
    facts, verdicts, unreadable = run(kb, python=getattr(a, "python", None), image=getattr(a, "image", None))
    if getattr(a, "json", False):
        json.dump(report.report(facts, verdicts, unreadable), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    elif getattr(a, "markdown", False):
        sys.stdout.write(report.render_markdown(facts, verdicts))
    else:
        sys.stdout.write(report.render_text(facts, verdicts, unreadable, use_color(sys.stdout, os.environ)))
    return 0


IMAGE_REF = re.compile(r"[a-z0-9][a-z0-9._/:-]{0,250}@sha256:[0-9a-f]{64}")


def argument_problem(python: str | None, image: str | None) -> str | None:
    """Why ``--python`` or ``--image`` cannot be used, or None: the interpreter must be an executable
    file; the image a reference pinned by its digest (a tag names different images over time)."""
    if python is not None and not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return f"--python {python!r} is not an executable file"
    if image is not None and not IMAGE_REF.fullmatch(image):
        return (f"--image {image[:80]!r} is not name@sha256:<64 hex digits> (a tag is not enough: "
                "`docker inspect --format '{{index .RepoDigests 0}}' IMAGE` prints the digest form)")
    return None


def use_color(stream: Any, env: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org)."""
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        tty = False
    return tty and not env.get("NO_COLOR")
