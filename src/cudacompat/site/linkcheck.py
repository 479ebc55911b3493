"""Check a built site: every internal link and anchor resolves (notebook pages included, which
MkDocs' own validation does not see), and no page loads an asset from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ASSET_ATTRS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
               ("audio", "src"), ("embed", "src"), ("object", "data"), ("link", "href")}
CSS_URL = re.compile(r"""url\(\s*['"]?(https?:)?//""", re.I)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("id", "name") if tag == "a" else ("id",):
            if a.get(k):
                self.ids.add(a[k])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        for t, attr in ASSET_ATTRS:
            if tag == t and a.get(attr):
                if tag == "link" and not set((a.get("rel") or "").split()) & {
                        "stylesheet", "preconnect", "preload", "modulepreload", "icon", "manifest", "dns-prefetch"}:
                    continue
                self.assets.append(a[attr])


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return p


def check(site: Path, base: str = "https://site.invalid/") -> list[str]:
    """Problems as readable lines; empty when the site is sound."""
    site = site.resolve()
    pages = {f: _parse(f) for f in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for f, page in pages.items():
        rel = f.relative_to(site).as_posix()
        page_url = urljoin(base, rel)
        for href in page.links:
            if href.startswith(("mailto:", "javascript:", "data:")):
                if href.startswith("javascript:"):
                    problems.append(f"{rel}: javascript: link {href[:60]!r}")
                continue
            target = urljoin(page_url, href)
            if not target.startswith(base):
                continue  # a link to another site: navigation, not a request
            parts = urlsplit(target)
            path = unquote(parts.path[len(urlsplit(base).path):])
            dest = site / path
            if dest.is_dir() or path.endswith("/") or path == "":
                dest = dest / "index.html"
            if not dest.exists():
                problems.append(f"{rel}: broken link {href!r} (no {dest.relative_to(site)})")
                continue
            if parts.fragment and dest.suffix == ".html":
                tp = pages.get(dest.resolve()) or _parse(dest)
                if unquote(parts.fragment) not in tp.ids:
                    problems.append(f"{rel}: broken anchor {href!r}")
        for src in page.assets:
            target = urljoin(page_url, src)
            if urlsplit(target).scheme in ("http", "https") and not target.startswith(base):
                problems.append(f"{rel}: loads {src!r} from another host")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        if CSS_URL.search(text) and "fonts.googleapis" in text:
            problems.append(f"{css.relative_to(site)}: imports a web font from another host")
    return problems
