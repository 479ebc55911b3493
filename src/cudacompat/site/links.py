"""Links between pages.

Markdown links (``[text](releases/2.7.1.md)``) are written relative to the linking page's source
(:func:`md`) and MkDocs rewrites and validates them. Raw HTML (tables, ``<script>``) is not
rewritten by MkDocs, so generated and hand-written pages write a placeholder there,
``href="compat:releases/2.7.1.md#cu128"`` (:func:`ref`), and :func:`resolve` replaces it with the
URL of that file as seen from the page: in a MkDocs build through MkDocs' own ``File`` objects
(``hooks/compat.py``), which is right for the online site and the offline copy alike; without
MkDocs (``cudacompat generate``) through :func:`built_url`, MkDocs' rule for directory URLs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

SCHEME = "compat:"
_TARGET = r"[A-Za-z0-9][A-Za-z0-9._+/-]*"
_REF = re.compile(r'\b(href|src)="' + SCHEME + r'([^"#?]*)((?:[#?][^"]*)?)"')
PAGE_SUFFIXES = (".md",)  # notebooks are rendered into .md pages (site/notebooks.py)


class LinkError(ValueError):
    pass


def md(here: str, to: str) -> str:
    """A Markdown link target from source page ``here`` to source path ``to``."""
    return posixpath.relpath(to, posixpath.dirname(here) or ".")


def ref(to: str, fragment: str = "") -> str:
    """The placeholder for a raw-HTML attribute naming source path ``to`` (``#fragment`` optional)."""
    if not re.fullmatch(_TARGET, to) or ".." in to.split("/"):
        raise LinkError(f"not a site path: {to!r}")
    return f"{SCHEME}{to}" + (f"#{fragment}" if fragment else "")


def resolve(text: str, url_of: Callable[[str], str | None]) -> str:
    """Replace every placeholder in ``text``; ``url_of(path)`` gives the URL of a site file relative
    to the page, or None when there is no such file (a :class:`LinkError`)."""
    def sub(m: re.Match) -> str:
        target = m.group(2)
        if not re.fullmatch(_TARGET, target) or ".." in target.split("/"):
            raise LinkError(f"not a site path: {target!r}")
        url = url_of(target)
        if url is None:
            raise LinkError(f"{m.group(1)}=\"{SCHEME}{target}\": no such file in the site")
        return f'{m.group(1)}="{url}{m.group(3)}"'
    return _REF.sub(sub, text)


def built_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """Where a file lands in the built site (MkDocs' rule): ``a/b.md`` -> ``a/b/`` (``a/b.html``
    without directory URLs); ``a/index.md`` -> ``a/``; other files keep their path."""
    stem, ext = posixpath.splitext(src_uri)
    if ext not in PAGE_SUFFIXES:
        return src_uri
    if posixpath.basename(stem) in ("index", "README"):
        return posixpath.dirname(stem) + "/" if posixpath.dirname(stem) else ""
    return stem + "/" if use_directory_urls else stem + ".html"


def relative(to_src: str, from_page_src: str, use_directory_urls: bool = True) -> str:
    """The URL of site file ``to_src`` relative to page ``from_page_src``, as MkDocs writes it."""
    target = built_url(to_src, use_directory_urls)
    here = built_url(from_page_src, use_directory_urls)
    base = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"
    rel = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/" if rel != "." else "./"
    return rel
