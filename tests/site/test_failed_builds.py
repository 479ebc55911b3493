"""A build that fails stops before MkDocs touches the site directory, and says why in the
``file:line:col: id: message`` form (the same loader as `cudacompat check`, tested case by case in
tests/unit/test_malformed.py; here two representative cases go through the real MkDocs)."""

from __future__ import annotations

import shutil

from cudacompat import ROOT
from tests.conftest import FIXTURE_KB, mkdocs_build


def snapshot(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(d.rglob("*"))}


def test_broken_row_fails_the_build_with_file_line_and_leaves_the_site(tmp_path):
    text = FIXTURE_KB.read_text()
    broken = text.replace("architecture: beta", "architecture: nonexistent")
    line = broken[: broken.index("architecture: nonexistent")].count("\n") + 1
    data = tmp_path / "data" / "compat.yaml"
    data.parent.mkdir()
    data.write_text(broken)
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>the site that was there before</p>")
    before = snapshot(site)
    r = mkdocs_build(site, env={"CUDACOMPAT_DATA": str(data)})
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"compat.yaml:{line}:19: card-b: unknown architecture 'nonexistent'" in r.stderr, r.stderr[-2000:]
    assert snapshot(site) == before


def test_unknown_shortcode_fails_the_build_before_cleaning(tmp_path):
    for name in ("docs", "hooks", "overrides", "data", "src", "snippets"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("evidence"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n<!-- compat:arch-mapp -->\n")
    existing = tmp_path / "site"
    existing.mkdir()
    (existing / "keep.txt").write_text("an earlier build")
    r = mkdocs_build(existing, config=tmp_path / "mkdocs.yml", env={"CUDACOMPAT_DATA": str(tmp_path / "data" / "compat.yaml")})
    assert r.returncode != 0 and "docs/index.md: unknown shortcode compat:arch-mapp" in r.stderr, r.stderr[-2000:]
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]  # failed before MkDocs cleaned it
