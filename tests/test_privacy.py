"""Privacy in a real browser: no page of the built site makes a request to any other host."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def all_pages(site: Path) -> list[str]:
    """Every built HTML file, as the path to request ("", "gpus/", "404.html", ...)."""
    out = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def visit_all(context, urls: list[str], wait_until: str = "load", tabs: int = 4,
              setup: Callable | None = None) -> Iterator[tuple[str, object]]:
    """Load every URL, a few tabs at a time (their waits overlap); yield ``(url, page)`` once each
    has reached ``wait_until``. ``setup(page, current)`` attaches handlers to each new tab;
    ``current[page]`` is the URL that tab is on."""
    current: dict = {}
    pages = []
    for _ in range(min(tabs, len(urls))):
        pg = context.new_page()
        if setup:
            setup(pg, current)
        pages.append(pg)
    try:
        for i in range(0, len(urls), len(pages)):
            batch = list(zip(urls[i:i + len(pages)], pages, strict=False))
            for url, pg in batch:
                current[pg] = url
                pg.goto(url, wait_until="commit")
            for url, pg in batch:
                pg.wait_for_load_state(wait_until)
                yield url, pg
    finally:
        for pg in pages:
            pg.close()


def test_every_page_requests_only_the_local_server(browser, built_site, served_site):
    pages = all_pages(built_site)
    assert len(pages) > 40 and "" in pages and "gpus/" in pages
    host = urlsplit(served_site).netloc
    requests: list[tuple[str, str]] = []
    errors: list[str] = []

    def setup(pg, current):
        pg.on("request", lambda r: requests.append((current[pg], r.url)))
        pg.on("console", lambda m: m.type == "error" and errors.append(f"{current[pg]}: {m.text}"))
        pg.on("pageerror", lambda e: errors.append(f"{current[pg]}: {e}"))

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # networkidle: also the requests a page makes after `load` (the search index, lazy assets)
        seen = [url for url, _ in visit_all(ctx, [served_site + p for p in pages], "networkidle", setup=setup)]
    finally:
        ctx.close()
    assert len(seen) == len(pages)
    assert {u for u, _ in requests} == set(seen)  # every page was recorded
    away = [(page, u) for page, u in requests
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != host]
    assert away == []
    assert errors == []
