"""The built site in a real Chromium (Playwright, Debian's /usr/bin/chromium)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _local_only(page, base):
    host = urlsplit(base).netloc
    return [u for u in page.requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host]


@pytest.mark.parametrize("path, text", [
    ("", "PyTorch + CUDA compatibility"),
    ("matrix/", "Release matrix"),
    ("arch-support/", "Architecture support map"),
    ("architectures/blackwell/", "Blackwell"),
    ("gpus/", "GPUs and compute capabilities"),
    ("snippets/distributed-ddp/", "DistributedDataParallel"),
    ("troubleshooting/architecture/", "GPU architecture not in the build"),
])
def test_pages_render_without_console_errors(page, served_site, path, text):
    page.goto(served_site + path)
    page.wait_for_load_state("networkidle")
    assert text in page.locator("h1").first.inner_text()
    assert page.console_errors == []
    assert _local_only(page, served_site) == []


def search(page, base, query, timeout_s=30):
    """Type a query into Material's search box; re-type until the index (built in a web worker)
    is ready and results show. Returns the result titles in rank order."""
    if page.url == "about:blank":
        page.goto(base)
        page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    for _ in range(timeout_s):
        box.fill(query)
        box.press("End")  # a key event: Material searches on keyboard input
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    return [t.strip() for t in page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()]


@pytest.mark.parametrize("query, expect", [
    ("sm_120", None),
    ("NOT_INITIALIZED", None),
])
def test_search_finds_identifiers(page, served_site, query, expect):
    titles = search(page, served_site, query)
    assert titles, f"no results for {query}"
    meta = page.locator(".md-search-result__meta").inner_text()
    assert "matching" in meta
    assert page.console_errors == []


def test_arch_map_is_coloured(page, served_site):
    page.goto(served_site + "arch-support/")
    native = page.locator("td.cc-native").first
    bg = native.evaluate("e => getComputedStyle(e).backgroundColor")
    none_bg = page.locator("td.cc-none").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg != none_bg
