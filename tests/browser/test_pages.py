"""The built site in a real Chromium (Playwright, Debian's /usr/bin/chromium): pages render, the
search finds identifiers, the support map is coloured."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import search

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
