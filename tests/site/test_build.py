"""The real MkDocs build (one per run, shared): strict, generated pages, links, privacy, the
support map, the home page's install tabs."""

from __future__ import annotations

import json
import re

from cudacompat import ROOT
from cudacompat.site import linkcheck


def test_strict_build_has_generated_pages(built_site, kb):
    for p in ["matrix", "arch-support", "cuda-drivers", "gpus", "images", "gaps", "releases",
              "architectures"]:
        assert (built_site / p / "index.html").is_file(), p
    for t in kb.data.torch:
        assert (built_site / "releases" / t.version / "index.html").is_file()
    for a in kb.data.architectures:
        assert (built_site / "architectures" / a.id / "index.html").is_file()


def test_compat_json_and_schema_published(built_site, kb):
    data = json.loads((built_site / "compat.json").read_text())
    assert len(data["gpus"]) == len(kb.data.gpus)
    assert len(data["torch"]) == len(kb.data.torch)
    schema = json.loads((built_site / "compat.schema.json").read_text())
    assert schema["title"].startswith("cudacompat")
    import jsonschema

    jsonschema.validate(data, schema)


def test_every_link_and_anchor_resolves_and_no_third_party_assets(built_site):
    assert linkcheck.check(built_site) == []


def test_no_third_party_request_urls_in_html(built_site):
    bad = []
    for f in built_site.rglob("*.html"):
        for m in re.finditer(r'<(?:script|img|iframe)[^>]+src="(https?:)?//[^"]+"|<link[^>]+rel="(?:stylesheet|preconnect|preload)"[^>]+href="(https?:)?//[^"]+"',
                             f.read_text()):
            bad.append(f"{f.relative_to(built_site)}: {m.group(0)[:120]}")
    assert bad == []


def test_linkcheck_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="b/">broken</a><a href="a/#nope">x</a>'
                                         '<script src="https://cdn.example/x.js"></script>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">A</h1><a href="../#">home</a>')
    problems = linkcheck.check(tmp_path)
    assert any("broken link 'b/'" in p for p in problems)
    assert any("broken anchor 'a/#nope'" in p for p in problems)
    assert any("from another host" in p for p in problems)
    assert len(problems) == 3


def test_search_config_splits_identifiers():
    import yaml

    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!!python", "#"))
    search = next(p["search"] for p in cfg["plugins"] if isinstance(p, dict) and "search" in p)
    sep = re.compile(search["separator"])
    split = lambda s: [w for w in sep.split(s) if w]  # noqa: E731
    assert split("sm_120") == ["sm", "120"]
    assert split("CUBLAS_STATUS_NOT_INITIALIZED") == ["CUBLAS", "STATUS", "NOT", "INITIALIZED"]
    assert split("torch.cuda.is_available") == ["torch", "cuda", "is", "available"]
    assert split("CUDA 12.8") == ["CUDA", "12.8"]
    assert "stopWordFilter" not in search["pipeline"]
    assert cfg["theme"]["font"] is False


def test_support_map_shows_the_sm70_drop_in_cu128(built_site):
    """2.8-2.10 cu128 wheels carry sm_70; 2.11's cu128 builds do not (as the data says)."""
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.row, self.cell, self.in_cell = [], None, None, False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "table" and "compat-archmap" in (a.get("class") or ""):
                self.tables.append({"head": [], "rows": [], "platform": a.get("data-platform")})
            elif tag == "tr" and self.tables:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell, self.in_cell = [a.get("class") or "", ""], True

        def handle_data(self, data):
            if self.in_cell:
                self.cell[1] += data

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.row is not None and self.cell:
                self.row.append(self.cell)
                self.in_cell, self.cell = False, None
            elif tag == "tr" and self.row is not None and self.tables:
                t = self.tables[-1]
                if t["head"]:
                    t["rows"].append(self.row)
                else:
                    t["head"] = self.row
                self.row = None

    p = Rows()
    p.feed((built_site / "arch-support" / "index.html").read_text())
    linux = [t for t in p.tables if t["platform"] == "linux-x86_64"]  # the shown lines, then the folded ones
    assert p.tables[0] is linux[0] and len(linux) > 3
    col = [c[1] for c in linux[0]["head"]].index("sm_70")
    assert all([c[1] for c in t["head"]] == [c[1] for c in linux[0]["head"]] for t in linux)
    cells = {(r[0][1], r[1][1].rstrip(" *")): r[col][0] for t in linux for r in t["rows"]}
    for v in ("2.8.0", "2.9.0", "2.10.0"):
        assert cells[(v, "cu128")] == "cc-native", v
    assert cells[("2.11.0", "cu128")] == "cc-none"


def test_home_page_install_tabs(built_site, kb):
    html = (built_site / "index.html").read_text()
    assert html.count('class="tabbed-set') >= 1
    for label in (">pip<", ">conda<", ">docker<"):
        assert label in html
    text = re.sub(r"<[^>]+>", "", html)
    assert f"pip install torch=={kb.releases[0].version}" in text


def test_support_map_has_one_tab_per_platform(built_site):
    html = (built_site / "arch-support" / "index.html").read_text()
    labels = re.search(r'class="tabbed-labels">(.*?)</div>', html).group(1)
    assert re.findall(r">([^<]+)</label>", labels) == ["Linux x86_64", "Linux aarch64", "Windows x86_64"]
