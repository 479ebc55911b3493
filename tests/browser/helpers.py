"""Helpers of the browser tests: the pages of a built site, visiting them a few tabs at a time,
and typing into Material's search box."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path


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


def search(page, base, query, timeout_s=30):
    """Type a query into Material's search box; re-type until the index (built in a web worker)
    is ready and results show. Returns the result titles in rank order."""
    if page.url == "about:blank":
        page.goto(base)
        page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    if page.locator(".md-search-result__item").count():
        # the previous query's results: wait until they are gone, or they would be read as these
        box.fill("")
        box.press("End")
        page.wait_for_selector(".md-search-result__item", state="detached", timeout=timeout_s * 1000)
    for _ in range(timeout_s):
        box.fill(query)
        box.press("End")  # a key event: Material searches on keyboard input
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    return [t.strip() for t in page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()]


def one_per_template(pages: list[str]) -> list[str]:
    """One page of each kind: every top-level page, and the first page of each generated family
    (``releases/X/``, ``architectures/X/``, ``troubleshooting/F/``, ``troubleshooting/F/E/``, ...).
    Pages of one family share their template and differ only in data, which the static checks of
    every page cover."""
    seen: set[tuple] = set()
    out = []
    for p in pages:
        parts = [x for x in p.split("/") if x]
        key = tuple(parts) if len(parts) <= 1 else (parts[0], len(parts))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
