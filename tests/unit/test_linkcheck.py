"""cudacompat.site.linkcheck on small synthetic sites: links that leave the site (``..`` above the
root, plain, percent-encoded in any case, double-encoded, with backslashes, or through a symlink),
script links, and a site directory that is missing, a file or empty (one problem line, no traceback).
The real site's check is in tests/site/test_build.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from cudacompat import cli
from cudacompat.site import linkcheck

ESCAPES = [
    "%2e%2e/secret.html",
    "%2E%2E%2Fsecret.html",
    "%2e%2E/secret.html",
    ".%2e/secret.html",
    "%2e./secret.html",
    "%252e%252e/secret.html",
    "%252E%252E%252Fsecret.html",
    "%25252e%25252e/secret.html",
    "..%2fsecret.html",
    "..%5csecret.html",
    "..\\secret.html",
    "../../secret.html",
    "sub/../../secret.html",
    "/../secret.html",
    "/%2e%2e/secret.html",
    "https://site.invalid/%2e%2e/secret.html",
    "//site.invalid/../secret.html",
]
INSIDE = ["index.html", "sub/", "sub/%2e%2e/index.html", "sub/..%2Findex.html", "./sub/./page.html", "#top",
          "?q=1", "", "sub/page.html#p", "/sub/page.html", "https://site.invalid/sub/", "https://example.org/../x",
          "mailto:a@example.org", "data:text/plain,x"]


def make_site(tmp_path: Path, links: list[str], img: str | None = None) -> Path:
    """tmp_path/secret.html exists outside the site, so a link that climbs out would find a file."""
    (tmp_path / "secret.html").write_text("<p>not part of the site</p>")
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    anchors = "".join(f'<a href="{h}">x</a>' for h in links)
    (site / "index.html").write_text(f'<h1 id="top">Home</h1>{anchors}' + (f'<img src="{img}">' if img else ""))
    (site / "sub" / "index.html").write_text('<a href="../">up</a>')
    (site / "sub" / "page.html").write_text('<p id="p">page</p>')
    return site


def test_links_inside_the_site_pass(tmp_path):
    assert linkcheck.check(make_site(tmp_path, INSIDE)) == []


@pytest.mark.parametrize("href", ESCAPES)
def test_a_link_that_leaves_the_site_is_reported(tmp_path, href):
    assert linkcheck.check(make_site(tmp_path, [href])) == [f"index.html: link {href!r} leaves the site"]


def test_from_a_subdirectory_one_level_up_is_still_inside(tmp_path):
    site = make_site(tmp_path, [])
    (site / "sub" / "deep.html").write_text('<a href="%2e%2e/index.html">ok</a><a href="%2e%2e/%2E%2E/secret.html">no</a>')
    assert linkcheck.check(site) == ["sub/deep.html: link '%2e%2e/%2E%2E/secret.html' leaves the site"]


def test_a_symlink_out_of_the_site_is_reported(tmp_path):
    site = make_site(tmp_path, ["out/secret.html", "out/"])
    (site / "out").symlink_to(tmp_path)
    assert linkcheck.check(site) == ["index.html: link 'out/secret.html' resolves outside the site (a symlink)",
                                     "index.html: link 'out/' resolves outside the site (a symlink)"]


def test_an_asset_from_outside_the_site_is_reported(tmp_path):
    site = make_site(tmp_path, [], img="%2e%2e/%2e%2e/x.png")
    assert linkcheck.check(site) == ["index.html: loads '%2e%2e/%2e%2e/x.png' from outside the site"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JavaScript:alert(1)", " java\tscript:alert(1)",
                                  "vbscript:msgbox(1)"])
def test_script_links_are_reported(tmp_path, href):
    problems = linkcheck.check(make_site(tmp_path, [href]))
    assert len(problems) == 1 and problems[0].startswith("index.html: ") and "script: link" in problems[0]


@pytest.mark.parametrize("kind, says", [("missing", "no such directory"), ("file", "not a directory"),
                                        ("empty", "no HTML page in it"), ("no-html", "no HTML page in it")])
def test_a_site_that_is_not_there_fails_with_one_line(tmp_path, capsys, kind, says):
    site = tmp_path / "site"
    if kind == "file":
        site.write_text("<a href='x'>")
    elif kind in ("empty", "no-html"):
        site.mkdir()
        if kind == "no-html":
            (site / "assets").mkdir()
            (site / "assets" / "a.css").write_text("body{}")
    problems = linkcheck.check(site)
    assert len(problems) == 1 and problems[0].startswith(f"{site}: {says}"), problems
    assert cli.main(["linkcheck", str(site)]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(f"{site}: {says}") and "Traceback" not in err


def test_the_cli_passes_a_sound_site(tmp_path, capsys):
    assert cli.main(["linkcheck", str(make_site(tmp_path, INSIDE))]) == cli.EXIT_OK
    assert "every internal link and anchor resolves" in capsys.readouterr().out
