"""A problem in a knowledge-base file, in the one form every tool prints: ``file:line:col: id: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    row: str
    message: str

    def __post_init__(self) -> None:
        # one problem, one line: a message that quotes a YAML error or a value must not break the
        # `file:line:col: row: message` format (nor a GitHub annotation)
        if "\n" in self.message or "\r" in self.message:
            object.__setattr__(self, "message", re.sub(r"\s*[\r\n]+\s*", " ", self.message).strip())

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.row}: {self.message}"

    def github(self) -> str:
        """The same problem as a GitHub Actions annotation on that line. Property values escape
        ``%``, CR, LF, ``:`` and ``,`` so a file name cannot end the annotation's properties."""
        def prop(text: str) -> str:
            return (text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                    .replace(":", "%3A").replace(",", "%2C"))

        msg = f"{self.row}: {self.message}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={prop(self.file)},line={self.line},col={self.col}::{msg}"


class InvalidData(Exception):
    """Every problem found in one file, sorted by position."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))
