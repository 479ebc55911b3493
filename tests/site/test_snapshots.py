"""One page of each generated family, rendered from the fixture knowledge base, compared byte for
byte with a reviewed copy (tests/site/snapshots/). After a deliberate change of a page's content,
rewrite them with ``CUDACOMPAT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/site/test_snapshots.py``
and review the diff like any other change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cudacompat.site import generate
from cudacompat.site.pages import FAMILIES

SNAPSHOTS = Path(__file__).parent / "snapshots"
# family module -> the page of it that is kept
PAGES = {
    "releases": "releases/9.1.0.md",
    "arch_support": "arch-support.md",
    "cuda_drivers": "cuda-drivers.md",
    "gpus": "architectures/gamma.md",
    "images": "images.md",
    "platforms": "platforms.md",
    "companions": "companions.md",
    "gaps": "gaps.md",
    "deprecations": "deprecations.md",
    "troubleshooting": "troubleshooting/architecture/gadget-too-old.md",
}


def test_every_family_has_a_snapshot():
    assert set(PAGES) == {f.__name__.rsplit(".", 1)[-1] for f in FAMILIES}


@pytest.mark.parametrize("family", sorted(PAGES))
def test_page_matches_its_snapshot(family, fixture_kb):
    files = generate.standalone(fixture_kb)
    got = files[PAGES[family]]
    snap = SNAPSHOTS / (PAGES[family].replace("/", "__"))
    if os.environ.get("CUDACOMPAT_UPDATE_SNAPSHOTS"):
        snap.write_text(got, encoding="utf-8")
    assert snap.is_file(), f"no snapshot {snap.name}: run with CUDACOMPAT_UPDATE_SNAPSHOTS=1"
    assert got == snap.read_text(encoding="utf-8")
