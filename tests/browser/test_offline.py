"""The offline copy (mkdocs.offline.yml): built for file://, links to .html files, and a site search
that works from disk without a single request leaving it."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from cudacompat import ROOT
from cudacompat.site import linkcheck

CONFIG = ROOT / "mkdocs.offline.yml"
HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')


def test_offline_config_inherits_and_repeats_the_online_plugins_and_hooks():
    # INHERIT replaces lists: the offline config must repeat mkdocs.yml's plugins and hooks exactly
    online = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    off = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert off["INHERIT"] == "mkdocs.yml"
    assert off["use_directory_urls"] is False and off["site_dir"] == "site-offline"
    assert [p for p in off["plugins"] if p != "offline"] == online["plugins"]
    assert "offline" in off["plugins"]
    assert off["hooks"] == online["hooks"]  # no after-the-fact patching: the one hook serves both
    # Material's offline plugin adds a CDN shim unless a polyfill named iframe-worker is configured
    assert any("iframe-worker" in s for s in off["extra"]["polyfills"])


def test_offline_pages_are_files_and_links_end_in_html(offline_site):
    assert (offline_site / "index.html").is_file()
    assert (offline_site / "guide" / "how-it-fits.html").is_file()
    assert (offline_site / "releases" / "2.7.1.html").is_file()
    assert (offline_site / "search" / "search_index.js").is_file()  # the inlined index, for file://
    assert not (offline_site / "matrix" / "index.html").exists()
    bad = []
    for f in sorted(offline_site.rglob("*.html")):
        for href in HREF.findall(f.read_text(encoding="utf-8")):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or an anchor on the same page
            path = unquote(parts.path)
            if not (path.endswith(".html") or Path(path).suffix in {".json", ".ipynb", ".py"}):
                bad.append(f"{f.relative_to(offline_site)}: {href}")
    assert bad == []


def test_offline_links_resolve_and_no_asset_from_another_host(offline_site):
    assert linkcheck.check(offline_site) == []


@pytest.mark.browser
def test_search_works_from_disk_without_any_network_request(browser, offline_site):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    requests: list[str] = []
    errors: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto((offline_site / "index.html").as_uri())
        box = pg.locator("input.md-search__input")
        deadline = time.monotonic() + 20
        found = False
        while not found and time.monotonic() < deadline:
            box.fill("sm_120")
            box.press("End")  # a key event: Material searches on keyboard input
            try:
                pg.wait_for_selector(".md-search-result__item", timeout=1000)
                found = True
            except Exception:
                continue
        assert found, "no search results for sm_120 from file://"
        assert "matching" in pg.locator(".md-search-result__meta").inner_text()
        titles = pg.locator(".md-search-result__item h1").all_inner_texts()
        assert titles
    finally:
        ctx.close()
    assert [u for u in requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")] == []
    assert errors == []


def test_will_it_run_answers_from_disk(browser, offline_site):
    """The offline copy's lookup loads its data and scripts from disk and answers."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    requests: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: requests.append(r.url))
    try:
        pg.goto((offline_site / "will-it-run.html").as_uri() + "?gpu=RTX%204090&driver=570.86.10")
        pg.wait_for_selector("#wir-form[data-ready=true]", timeout=10000)
        pg.wait_for_selector(".wir-option")
        assert pg.locator("#wir-gpus option").count() > 100
        assert "compute capability 8.9" in pg.locator("#wir-gpu-msg").inner_text()
    finally:
        ctx.close()
    assert errors == []
    assert [u for u in requests if urlsplit(u).scheme not in ("file", "data", "blob", "about")] == []
