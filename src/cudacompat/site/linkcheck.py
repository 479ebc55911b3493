"""Check a built site: every internal link and anchor resolves (notebook pages included, which
MkDocs' own validation does not see), no link or asset path leaves the site (``..`` above the root,
plain or percent-encoded, or a symlink out), no ``javascript:`` link, and no page loads an asset from
another host."""

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


_C0_SPACE = "".join(map(chr, range(0x21)))
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
IGNORED_SCHEMES = ("mailto:", "data:", "tel:")


def _as_browser_reads(href: str) -> str:
    """Leading and trailing controls and spaces dropped, tabs and newlines removed anywhere, "\\" as "/"
    before the query or fragment: what a browser does to an http(s) URL (so ``" Java\tScript:"`` is
    still a script link, and ``..\\`` a dot segment)."""
    href = re.sub(r"[\t\n\r]", "", href.strip(_C0_SPACE))
    m = re.match(r"[^?#]*", href)
    return m.group(0).replace("\\", "/") + href[m.end():]


def _normalised(raw: str) -> str | None:
    """``raw`` (a path from the site root) with its dot segments applied; None if they climb out."""
    out: list[str] = []
    segments = raw.split("/")
    for seg in segments:
        if seg == "..":
            if not out:
                return None
            out.pop()
        elif seg not in (".", ""):
            out.append(seg)
    return "/".join(out) + ("/" if out and segments[-1] in ("", ".", "..") else "")


def _leaves(raw: str) -> bool:
    """True when ``raw``, decoded once or again and again (``%2e%2e/``, ``%252e%252e%252f``, ``..%5c``),
    climbs above the site root: a browser reads ``%2e`` as a dot, and a server that decodes twice reads
    ``%252e`` as one too."""
    for _ in range(4):
        if _normalised(raw.replace("\\", "/")) is None:
            return True
        decoded = unquote(raw)
        if decoded == raw:
            return False
        raw = decoded
    return _normalised(raw.replace("\\", "/")) is None


def _site_path(page_rel: str, href: str, base: str) -> str | None:
    """The still-encoded path from the site root that ``href`` on ``page_rel`` points at; "" for the
    page itself, None for a link to another site. Dot segments are left in (see ``_leaves``)."""
    parts, root = urlsplit(href), urlsplit(base)
    if parts.scheme or parts.netloc:
        if (parts.scheme or root.scheme, parts.netloc.lower()) != (root.scheme, root.netloc.lower()):
            return None  # a link to another site: navigation, not a request
    if parts.scheme or parts.netloc or parts.path.startswith("/"):
        path = parts.path or "/"
        return path[len(root.path):] if path.startswith(root.path) else "../" + path  # above the root
    if not parts.path:
        return page_rel
    return page_rel.rsplit("/", 1)[0] + "/" + parts.path if "/" in page_rel else parts.path


def _site_problem(site: Path) -> str | None:
    if not site.exists():
        return f"{site}: no such directory (build the site first)"
    if not site.is_dir():
        return f"{site}: not a directory"
    if next(site.rglob("*.html"), None) is None:
        return f"{site}: no HTML page in it (an empty or unfinished build?)"
    return None


def check(site: Path, base: str = "https://site.invalid/") -> list[str]:
    """Problems as readable lines; empty when the site is sound. A site directory that is missing, a
    file or without HTML is one problem line, not an exception."""
    site = Path(site)
    if problem := _site_problem(site):
        return [problem]
    site = site.resolve()
    pages = {f: _parse(f) for f in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for f, page in pages.items():
        rel = f.relative_to(site).as_posix()
        for raw_href in page.links:
            href = _as_browser_reads(raw_href)
            if href.lower().startswith(SCRIPT_SCHEMES):
                problems.append(f"{rel}: {href.split(':', 1)[0].lower()}: link {raw_href[:60]!r}")
                continue
            if href.lower().startswith(IGNORED_SCHEMES):
                continue
            raw = _site_path(rel, href, base)
            if raw is None:
                continue
            if _leaves(raw):
                problems.append(f"{rel}: link {raw_href!r} leaves the site")
                continue
            path = _normalised(unquote(raw))
            dest = site / path
            if dest.is_dir() or path.endswith("/") or path == "":
                dest = dest / "index.html"
            if not dest.resolve().is_relative_to(site):
                problems.append(f"{rel}: link {raw_href!r} resolves outside the site (a symlink)")
                continue
            if not dest.exists():
                problems.append(f"{rel}: broken link {raw_href!r} (no {dest.relative_to(site)})")
                continue
            fragment = urlsplit(href).fragment
            if fragment and dest.suffix == ".html":
                tp = pages.get(dest.resolve()) or _parse(dest)
                if unquote(fragment) not in tp.ids:
                    problems.append(f"{rel}: broken anchor {raw_href!r}")
        for src in page.assets:
            target = urljoin(urljoin(base, rel), src)
            if urlsplit(target).scheme in ("http", "https") and not target.startswith(base):
                problems.append(f"{rel}: loads {src!r} from another host")
            elif (raw := _site_path(rel, _as_browser_reads(src), base)) is not None and _leaves(raw):
                problems.append(f"{rel}: loads {src!r} from outside the site")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        if CSS_URL.search(text) and "fonts.googleapis" in text:
            problems.append(f"{css.relative_to(site)}: imports a web font from another host")
    return problems
