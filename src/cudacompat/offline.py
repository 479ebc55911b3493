"""The offline copy of the site (``mkdocs.offline.yml``): pages are files (``x.html``), not folders.

Generated tables carry a few raw-HTML links written for the online layout, where a page lives at
``x/`` (``render._html_rel``). MkDocs does not rewrite raw HTML, so in the offline build such a
link would point at a folder that does not exist. :func:`file_links` turns each of them into the
``.html`` file of the page it names. Pure: no MkDocs import.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

_HREF = re.compile(r'(\bhref=")([^"#?:]*/)((?:[?#][^"]*)?")')
PAGE_SUFFIXES = (".md", ".ipynb")


def _stem(src_uri: str) -> str:
    for s in PAGE_SUFFIXES:
        if src_uri.endswith(s):
            return src_uri[: -len(s)]
    return src_uri


def directory_url(src_uri: str) -> str:
    """Where a page lives online (``use_directory_urls: true``): ``a/b.md`` -> ``a/b/``."""
    stem = _stem(src_uri)
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def file_url(src_uri: str) -> str:
    """Where a page lives offline (``use_directory_urls: false``): ``a/b.md`` -> ``a/b.html``."""
    return _stem(src_uri) + ".html"


def file_links(html: str, page_src: str, pages: Iterable[str]) -> str:
    """Rewrite the relative links in ``html`` (of page ``page_src``) that end in ``/`` and name a
    page in ``pages`` (source paths such as ``releases/2.7.1.md``) to that page's ``.html`` file.
    Links to anything else are left alone, so the link check still reports them."""
    by_dir = {directory_url(p): p for p in pages}
    here_online = directory_url(page_src)
    here_offline = posixpath.dirname(file_url(page_src))

    def sub(m: re.Match) -> str:
        href = m.group(2)
        if href.startswith("/"):
            return m.group(0)
        target = posixpath.normpath(posixpath.join(here_online, href))
        target = "" if target == "." else target + "/"
        if target.startswith("../") or target not in by_dir:
            return m.group(0)
        rel = posixpath.relpath(file_url(by_dir[target]), here_offline or ".")
        return m.group(1) + rel + m.group(3)

    return _HREF.sub(sub, html)
