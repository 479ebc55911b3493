"""Shortcodes and raw-HTML links: an unknown or malformed shortcode raises, and links are resolved
by one rule for the online site, the offline copy and `cudacompat generate`."""

from __future__ import annotations

import pytest

from cudacompat.site import links, shortcodes
from cudacompat.text import markdown


@pytest.mark.parametrize("text, message", [
    ("<!-- compat:arch-mapp -->", "unknown shortcode compat:arch-mapp"),
    ("<!-- compat:arch-map platform=macos -->", "unknown platform 'macos'"),
    ("<!-- compat:arch-map colour=red -->", "has no argument 'colour'"),
    ("<!-- compat:arch-map platform=\"x y\" -->", "malformed compat shortcode"),
    ("<!-- compat:install release=0.0.1 -->", "no torch 0.0.1"),
    ("<!-- compat:gpu name=Nope_9000 -->", "compat:gpu needs name="),
])
def test_bad_shortcodes_raise(fixture_kb, text, message):
    with pytest.raises(shortcodes.ShortcodeError, match=message):
        shortcodes.expand(f"# Page\n\n{text}\n", fixture_kb, "index.md")


def test_shortcodes_expand(fixture_kb):
    out = shortcodes.expand("<!-- compat:gpu name=Card_A -->\n<!-- compat:cuda-driver version=12.8 -->",
                            fixture_kb, "guide/x.md")
    assert "Card A" in out and "[Alpha](../architectures/alpha.md)" in out
    assert "CUDA 12.8 needs driver ≥ 570.26 on Linux" in out


@pytest.mark.parametrize("to, here, directory_urls, want", [
    ("releases/2.7.1.md", "arch-support.md", True, "../releases/2.7.1/"),
    ("releases/2.7.1.md", "arch-support.md", False, "releases/2.7.1.html"),
    ("releases/2.7.1.md", "architectures/ada.md", True, "../../releases/2.7.1/"),
    ("releases/2.7.1.md", "architectures/ada.md", False, "../releases/2.7.1.html"),
    ("lookup-data.js", "will-it-run.md", True, "../lookup-data.js"),
    ("lookup-data.js", "will-it-run.md", False, "lookup-data.js"),
    ("index.md", "releases/index.md", True, "../"),
    ("releases/index.md", "index.md", True, "releases/"),
    ("troubleshooting/driver/x.md", "troubleshooting/driver.md", True, "x/"),
])
def test_relative_urls_follow_mkdocs(to, here, directory_urls, want):
    assert links.relative(to, here, directory_urls) == want


def test_placeholders_resolve_or_fail():
    html = f'<a href="{links.ref("releases/2.7.1.md", "cu128")}">x</a><script src="{links.ref("a.js")}"></script>'
    out = links.resolve(html, lambda p: {"releases/2.7.1.md": "../releases/2.7.1/", "a.js": "../a.js"}.get(p))
    assert out == '<a href="../releases/2.7.1/#cu128">x</a><script src="../a.js"></script>'
    with pytest.raises(links.LinkError, match="no such file"):
        links.resolve('<a href="compat:nowhere.md">', lambda p: None)
    with pytest.raises(links.LinkError):
        links.ref("../outside.md")
    with pytest.raises(links.LinkError):
        links.resolve('<a href="compat:a/../../x.md">', lambda p: "x")


def test_markdown_links_are_relative_to_the_source():
    assert links.md("architectures/ada.md", "gpus.md") == "../gpus.md"
    assert links.md("matrix.md", "releases/2.7.1.md") == "releases/2.7.1.md"


def test_escaping_in_markdown():
    evil = "<script>alert(1)</script> __main__ [x](javascript:alert(1)) | `code`"
    out = markdown.esc(evil)
    assert "<" not in out and "[" not in out and "|" not in out and "_" not in out and "`" not in out
    assert markdown.fence("a\n```\nb").startswith("````")
    with pytest.raises(ValueError):
        markdown.url("javascript:alert(1)")
