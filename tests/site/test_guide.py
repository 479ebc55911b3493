"""The hand-written guide chapters (docs/guide/): in the nav, shortcodes valid, and no version fact
typed by hand that the knowledge base could contradict (driver versions come through shortcodes)."""

from __future__ import annotations

import re

import pytest
import yaml

from cudacompat import ROOT
from cudacompat.site import shortcodes

GUIDE = ROOT / "docs" / "guide"
PAGES = sorted(GUIDE.glob("*.md"))

# a driver version such as 570.86 or 470.57.02: the 5xx branches with a minor, the 4xx with two
DRIVER_VERSION = re.compile(r"\b5\d\d\.\d+|\b4\d\d\.\d+\.\d+")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=indent)(?P=fence)[ \t]*$",
                   re.M | re.S)


def prose(markdown: str) -> str:
    """The page without fenced code blocks and shortcodes: the text a reader takes as the guide's
    own statements."""
    return shortcodes.SHORTCODE.sub("", FENCE.sub("", markdown))


def nav_pages(nav) -> list[str]:
    out = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += nav_pages(value) if isinstance(value, list) else [value]
    return out


def test_the_guide_has_its_chapters():
    names = {p.stem for p in PAGES}
    assert {"how-it-fits", "install", "containers", "clusters", "performance", "reproducibility"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_guide_page_is_in_the_nav(page):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert f"guide/{page.name}" in nav_pages(config["nav"])


def test_the_guide_section_follows_will_it_run():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    titles = [next(iter(item)) for item in config["nav"]]
    assert titles[titles.index("Will it run?") + 1] == "Guide"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_hand_typed_driver_version(page):
    found = DRIVER_VERSION.findall(prose(page.read_text(encoding="utf-8")))
    assert found == [], f"{page.name}: put driver versions through a compat shortcode, not prose: {found}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_shortcodes_expand(page, kb):
    md = page.read_text(encoding="utf-8")
    out = shortcodes.expand(md, kb, f"guide/{page.name}")
    assert "<!-- compat:" not in out


def test_the_scanner_sees_prose_and_skips_code_and_shortcodes():
    md = ("Needs driver 570.86 or newer.\n\n```text\nDriver Version: 570.86.10\n```\n\n"
          "<!-- compat:cuda-driver version=12.8 -->\nAlso 470.57.02 here.\n")
    assert DRIVER_VERSION.findall(prose(md)) == ["570.86", "470.57.02"]
    assert DRIVER_VERSION.findall(prose("```\n535.104.05\n```\n")) == []
    assert DRIVER_VERSION.findall(prose("CUDA 12.8, torch 2.5.1, sm_120, port 29500")) == []
