"""Hostile strings in every field that reaches a page: the site built from them shows them as text.

A copy of the real knowledge base has script tags, event-handler attributes, ``javascript:`` links,
Markdown links, emphasis and table pipes put into every free-text field that is rendered (GPU
names, aliases, nvidia-smi names, notes, error titles / messages / cause / fix / confirm, image
and NGC ids, NGC torch strings, CUDA release names, ...) and hostile but valid https URLs into
every ``sources`` and ``threads`` list. The site is built from it once (strict) and every page is
loaded in Chromium.
"""

from __future__ import annotations

import itertools
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from cudacompat import ROOT
from cudacompat.kb.load import load
from cudacompat.kb.yamlread import read
from tests.browser.helpers import all_pages, one_per_template, search, visit_all
from tests.conftest import serve, shared_build, shared_root

pytestmark = pytest.mark.browser

PIECES = [
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__pwned=1">',
    '" onmouseover="window.__pwned=2',
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "</title><img src=x onerror=\"window.__pwned=3\">",  # closes <title> if a template forgets to escape
    "</code></pre><script>window.__pwned=4</script>",
    "__main__",
    "**bold**",
    "| pipe",
    "{#anchor .cls onclick=alert(1)}",
    "<!-- comment",
]
PAYLOAD = " ".join(PIECES)
# hostile but valid: the knowledge base refuses quotes, brackets and spaces in URLs (tests/unit/test_malformed.py)
URLS = ["https://x.invalid/javascript:alert(1)", "https://x.invalid/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "https://x.invalid/a&quot;onmouseover=alert(1)", "https://x.invalid/#javascript:alert(1)"]


def tamper(data: dict) -> dict:
    """Put the payload into every rendered free-text field (numbered, where names must be unique)."""
    n = itertools.count(1)

    def evil() -> str:
        return f"{PAYLOAD} #{next(n)}"

    def sources(row: dict) -> None:
        row["sources"] = URLS + row["sources"]

    for a in data["architectures"]:
        a.update(name=evil(), notes=evil())
        sources(a)
    for g in data["gpus"]:
        g.update(name=evil(), aliases=[evil()], smi_names=[evil()], notes=evil())
        sources(g)
    for c in data["cuda"]:
        sources(c)
        for r in c["releases"]:
            r["name"] = evil()
    for m in data["cuda_majors"]:
        m.update(forward_compat=evil(), notes=evil())
        sources(m)
    for section in ("cudnn", "nccl"):
        for r in data[section]:
            r["notes"] = evil()
            sources(r)
    for t in data["torch"]:
        t["notes"] = evil()
        sources(t)
        for v in t["variants"]:
            v["notes"] = evil()
            sources(v)
            for al in (v.get("platforms") or {}).values():
                al["notes"] = evil()
                sources(al)
    for im in data["images"]:
        im.update(cudnn=evil(), platforms=[evil()], notes=evil())  # the id is a command: shape-bound
        sources(im)
    for x in data["ngc"]:
        x.update(id=evil(), torch=evil(), ubuntu=evil(), forward_compat_drivers=[evil()], notes=evil())
        sources(x)
    for e in data["errors"]:
        e.update(title=evil(), messages=[evil(), evil()], pattern="alert", cause=evil(), fix=evil(),
                 confirm=evil(), threads=URLS[:], notes=evil())
        sources(e)
    return data


@pytest.fixture(scope="session")
def tampered_site(tmp_path_factory) -> Path:
    """The site built (once per run, shared by the workers) from a copy of the real data with a
    payload in every rendered free-text field."""
    root = shared_root(tmp_path_factory)
    data_file = root / "tampered" / "data" / "compat.yaml"
    with FileLock(str(root / "tampered.lock")):
        if not data_file.is_file():
            doc, problems = read(ROOT / "data" / "compat.yaml")
            assert not problems
            data_file.parent.mkdir(parents=True)
            shutil.copytree(ROOT / "data" / "evidence", data_file.parent / "evidence")
            data_file.write_text(yaml.safe_dump(tamper(doc.data), sort_keys=False, allow_unicode=True,
                                                width=1 << 20), encoding="utf-8")
    load(data_file)  # the payloads are valid data: the site must show them, not refuse them
    return shared_build(tmp_path_factory, "tampered", env={"CUDACOMPAT_DATA": str(data_file)})


@pytest.fixture(scope="module")
def tampered_server(tampered_site):
    server, url = serve(tampered_site)
    yield url
    server.shutdown()


INSPECT = """() => {
  const scripts = [...document.querySelectorAll('script')]
    .filter(s => /alert|__pwned/.test(s.text)).map(s => s.outerHTML.slice(0, 200));
  const handlers = [...document.querySelectorAll('*')].flatMap(e =>
    [...e.attributes].filter(a => a.name.startsWith('on')).map(a => `${e.tagName}[${a.name}=${a.value}]`));
  const links = [...document.querySelectorAll('a[href]')]
    .filter(a => !['http:', 'https:', 'mailto:'].includes(a.protocol)).map(a => a.getAttribute('href'));
  const imgs = [...document.querySelectorAll('img')].map(i => i.getAttribute('src'))
    .filter(s => s === 'x' || /^x\\b/.test(s || ''));
  return {pwned: window.__pwned ?? null, scripts, handlers, links, imgs,
          text: document.body.innerText, title: document.title};
}"""

# pages generated from the data: each must show the payload as text
SHOWS_PAYLOAD = ["gpus/", "images/", "cuda-drivers/", "architectures/", "troubleshooting/"]


class _Static(HTMLParser):
    """What a browser would execute or follow in a page, read from its HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.imgs: list[str] = []
        self.text: list[str] = []
        self.title = ""
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append(f"{tag}[{k}={v}]")
        a = dict(attrs)
        if tag == "a" and a.get("href") and a["href"].strip().lower().startswith(("javascript:", "data:", "vbscript:")):
            self.links.append(a["href"])
        if tag == "img" and (a.get("src") or "").split("/")[0] == "x":
            self.imgs.append(a.get("src") or "")

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            if "alert" in data or "__pwned" in data:
                self.scripts.append(data[:200])
        elif self._in and self._in[-1] == "title":
            self.title += data
        elif "script" not in self._in and "style" not in self._in:
            self.text.append(data)


def test_every_page_shows_hostile_data_as_text_in_its_html(tampered_site):
    pages = all_pages(tampered_site)
    families = [p for p in pages if p.startswith("troubleshooting/") and p != "troubleshooting/"]
    archs = [p for p in pages if p.startswith("architectures/") and p != "architectures/"]
    assert families and archs and len(pages) > 40
    bad = {}
    for path in pages:
        f = tampered_site / (path + "index.html" if path.endswith("/") or path == "" else path)
        page = _Static()
        page.feed(f.read_text(encoding="utf-8"))
        problems = {k: getattr(page, k) for k in ("scripts", "handlers", "links", "imgs") if getattr(page, k)}
        text = " ".join(" ".join(page.text).split())
        if path in SHOWS_PAYLOAD + families + archs and " ".join(PAYLOAD.split()) not in text:
            problems["payload not shown literally"] = text[:300]
        if path in archs and not page.title.startswith(PAYLOAD):
            problems["title"] = page.title[:300]
        if problems:
            bad[path] = problems
    assert bad == {}


def test_every_kind_of_page_shows_hostile_data_as_text_in_chromium(browser, tampered_site, tampered_server):
    pages = one_per_template(all_pages(tampered_site))
    assert len(pages) > 15
    events: list[str] = []
    navigations: list[tuple[str, str]] = []

    def setup(pg, current):
        pg.on("dialog", lambda d: (events.append(f"dialog {d.message!r} on {current[pg]}"), d.dismiss()))
        pg.on("console", lambda m: m.type == "error" and events.append(f"console error on {current[pg]}: {m.text}"))
        pg.on("pageerror", lambda e: events.append(f"page error on {current[pg]}: {e}"))
        pg.on("framenavigated", lambda f: f == pg.main_frame and navigations.append((current[pg], f.url)))

    bad: dict[str, dict] = {}
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for url, pg in visit_all(ctx, [tampered_server + p for p in pages], "load", setup=setup):
            path = url.removeprefix(tampered_server)
            pg.mouse.move(640, 450)  # an onmouseover that got through would fire
            r = pg.evaluate(INSPECT)
            problems = {k: r[k] for k in ("pwned", "scripts", "handlers", "links", "imgs") if r[k]}
            if path in SHOWS_PAYLOAD and PAYLOAD not in r["text"]:
                problems["payload not shown literally"] = r["text"][:300]
            if problems:
                bad[path] = problems
    finally:
        ctx.close()
    assert events == []
    assert bad == {}
    # the lookup page may rewrite its own query string (history.replaceState); nothing may leave
    away = [(want, got) for want, got in navigations if got.split("?")[0].split("#")[0] != want]
    assert away == []
    assert {want for want, _ in navigations} == {tampered_server + p for p in pages}


def test_search_results_show_hostile_data_as_text(browser, tampered_server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog {d.message!r}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    try:
        titles = search(page, tampered_server, "onmouseover alert pwned")
        assert titles, "the search found nothing"
        page.wait_for_timeout(300)
        r = page.evaluate(INSPECT)
        assert any("<script>alert(1)</script>" in t for t in titles)
        assert r["pwned"] is None and r["scripts"] == [] and r["handlers"] == [] and r["imgs"] == []
    finally:
        ctx.close()
    assert events == []


def test_lookup_shows_hostile_names_as_text(browser, tampered_site, tampered_server):
    """The interactive lookup renders data strings from script: they must arrive as text too."""
    assert (tampered_site / "will-it-run" / "index.html").is_file()
    name = json.loads((tampered_site / "compat.json").read_text(encoding="utf-8"))["gpus"][0]["name"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog {d.message!r}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    try:
        page.goto(tampered_server + "will-it-run/", wait_until="load")
        page.locator("#wir-gpu").fill(name)
        page.locator("#wir-driver").fill("999.99")
        page.locator("#wir-gpu").press("Enter")
        page.wait_for_timeout(500)
        r = page.evaluate(INSPECT)
        assert r["pwned"] is None and r["scripts"] == [] and r["handlers"] == [] and r["imgs"] == []
        assert PAYLOAD in r["text"]
    finally:
        ctx.close()
    assert events == []


def test_compat_json_carries_the_strings_unchanged(tampered_site):
    data = json.loads((tampered_site / "compat.json").read_text(encoding="utf-8"))
    assert data["gpus"][0]["name"].startswith(PAYLOAD)
    assert data["errors"][0]["threads"] == URLS


def test_hostile_urls_are_quoted_in_links(tampered_site):
    html = (tampered_site / "images" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://x.invalid/%22%3E%3Cscript%3Ealert%281%29%3C/script%3E"' in html
    assert 'href="https://x.invalid/javascript:alert%281%29"' in html
    for f in tampered_site.rglob("*.html"):
        text = f.read_text(encoding="utf-8")
        assert "href=\"javascript:" not in text and "<script>alert(1)" not in text, f
