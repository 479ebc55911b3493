"""Markdown and HTML from data: every string that came from the knowledge base goes through
:func:`esc` (inline text), :func:`code` (inline code) or :func:`fence` (code blocks) before it lands
in a page, so that a row cannot inject HTML, script or Markdown structure."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from .. import versions

_ENTITIES = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~^=:<>\"'&$"}
_ESC = str.maketrans({**_ENTITIES, "\n": " "})


def esc(text: Any) -> str:
    """Inline text that renders literally in Markdown and HTML (no markup, no tags)."""
    return str(text).translate(_ESC)


def code(text: Any) -> str:
    """Inline code from data: an HTML ``<code>`` whose content is entity-escaped."""
    return f"<code>{esc(text)}</code>"


def fence(text: str, lang: str = "text") -> str:
    """A fenced block that no line of ``text`` can close early."""
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


def url(href: str) -> str:
    """A data URL made safe for a Markdown link target (only https links reach this)."""
    if not href.startswith("https://"):
        raise ValueError(f"refusing to link {href!r}")
    return quote(href, safe=":/?#[]@!$&*+,;=%~.-_")


def source_link(src: str) -> str:
    if src.startswith("https://"):
        short = re.sub(r"^https://(www\.)?", "", src)
        short = short if len(short) <= 70 else short[:67] + "…"
        return f"[{esc(short)}]({url(src)})"
    if src.startswith("evidence:"):
        return f"measured: {code(src.removeprefix('evidence:'))}"
    repo, _, path = src.partition(":")
    path, _, commit = path.partition("@")
    ref = commit or "HEAD"
    label = f"{esc(repo)}: {esc(path)}" + (esc("@" + commit[:10]) if commit else "")
    return f"[{label}]({url(f'https://github.com/{repo}/blob/{ref}/{path}')})"


def sources(srcs: Any) -> str:
    return "; ".join(source_link(s) for s in dict.fromkeys(srcs))


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def slug(version: str) -> str:
    return "v" + re.sub(r"[^0-9a-z]+", "-", version.lower())


def sm_label(c: str) -> str:
    return versions.cc(c).sm


def indent(block: str, prefix: str = "    ") -> list[str]:
    """A block's lines indented (content tabs, admonitions); blank lines stay empty."""
    return [prefix + line if line else "" for line in block.split("\n")]
