"""Privacy in a real browser: no page of the built site makes a request to any other host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import all_pages, one_per_template, visit_all

pytestmark = pytest.mark.browser


def test_every_kind_of_page_requests_only_the_local_server(browser, built_site, served_site):
    """One page of each template, loaded until the network is idle (so lazy requests count too);
    tests/site/test_build.py checks every page's HTML and assets for other hosts."""
    pages = one_per_template(all_pages(built_site))
    assert len(pages) > 15 and "" in pages and "gpus/" in pages and "will-it-run/" in pages
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
