"""Page weight: every request a page makes in Chromium (recorded with Playwright), summed as the
gzip-compressed (level 6) size of each local file, which is what a static host that compresses
sends. Third-party requests are counted too (there should be none)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .common import COMPRESSIBLE, browser, built_site, gzip_size, log, serve, templates


def pages(site: Path) -> dict[str, str]:
    return templates(site)


def _local_file(site: Path, base: str, url: str) -> Path | None:
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path)
    f = site / path.lstrip("/")
    if f.is_dir() or path.endswith("/"):
        f = f / "index.html"
    return f if f.is_file() else None


def measure(b, site: Path, base: str, path: str) -> dict:
    ctx = b.new_context(viewport={"width": 1280, "height": 900})
    urls: list[str] = []
    ctx.on("request", lambda r: urls.append(r.url))
    page = ctx.new_page()
    page.goto(base + path, wait_until="networkidle")
    page.wait_for_timeout(500)  # late requests (the search worker's index)
    ctx.close()
    items, foreign = [], []
    for url in dict.fromkeys(urls):  # each URL once (the browser caches repeats)
        if url.startswith("data:"):
            continue
        f = _local_file(site, base, url)
        if f is None:
            foreign.append(url)
            continue
        raw = f.stat().st_size
        gz = gzip_size(f) if f.name.endswith(COMPRESSIBLE) else raw
        items.append({"url": url[len(base) - 1:], "raw": raw, "gzip": min(gz, raw)})
    items.sort(key=lambda x: -x["gzip"])
    return {"path": "/" + path, "requests": len(items), "raw": sum(i["raw"] for i in items),
            "gzip": sum(i["gzip"] for i in items), "items": items, "foreign": foreign}


def run() -> dict:
    site = built_site()
    out = {}
    with serve(site) as base, browser() as b:
        for name, path in pages(site).items():
            log(f"page weight: /{path}")
            out[name] = measure(b, site, base, path)
    return out
