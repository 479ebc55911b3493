"""cudacompat.site.atomic in-process, with a plain dict for MkDocs' config: staging next to the
site, the swap (one exchange, two renames, a mount point), strict mode, discarding, the refusals,
and what killed builds leave behind. The real builds are in tests/site/test_atomic_build.py."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.utils import CountHandler

from cudacompat.site import atomic


def config(site: Path, strict: bool = True) -> dict:
    return {"site_dir": str(site), "strict": strict}


def old_site(parent: Path) -> Path:
    site = parent / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("old")
    (site / "sub" / "page.html").write_text("old page")
    (site / ".nojekyll").write_text("")
    site.chmod(0o750)
    return site


def write_build(d: Path) -> None:
    (d / "index.html").write_text("new")
    (d / "new").mkdir()
    (d / "new" / "index.html").write_text("new page")


def names(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


@pytest.fixture(autouse=True)
def _clean():
    yield
    atomic.discard()
    atomic.startup(False)


def test_stage_then_commit_replaces_the_site(tmp_path):
    site = old_site(tmp_path)
    cfg = config(site)
    temp = atomic.stage(cfg)
    assert cfg["site_dir"] == str(temp) and temp.parent == tmp_path
    assert temp.name.startswith(f".site.building-{os.getpid()}-") and oct(temp.stat().st_mode & 0o777) == "0o750"
    write_build(temp)
    assert (site / "index.html").read_text() == "old"  # untouched until commit
    assert atomic.commit(cfg) is True
    assert cfg["site_dir"] == str(site)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        ".nojekyll", "index.html", "new", "new/index.html"]
    assert names(tmp_path) == ["site"]


def test_a_missing_site_and_parent_are_created(tmp_path):
    site = tmp_path / "a" / "b" / "site"
    cfg = config(site)
    write_build(atomic.stage(cfg))
    assert atomic.commit(cfg) is True
    assert (site / "new" / "index.html").read_text() == "new page" and names(site.parent) == ["site"]


def test_strict_warnings_mean_no_swap(tmp_path):
    site = old_site(tmp_path)
    cfg = config(site)
    write_build(atomic.stage(cfg))
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(counter)  # what mkdocs.commands.build does under --strict
    try:
        logging.getLogger("mkdocs.plugins.x").warning("a warning")
        assert atomic.commit(cfg) is False
    finally:
        mkdocs_log.removeHandler(counter)
    assert (site / "index.html").read_text() == "old" and names(tmp_path) == ["site"]
    assert cfg["site_dir"] == str(site)


def test_warnings_without_strict_still_swap(tmp_path):
    site = old_site(tmp_path)
    cfg = config(site, strict=False)
    write_build(atomic.stage(cfg))
    assert atomic.commit(cfg) is True and (site / "index.html").read_text() == "new"


def test_discard_removes_the_staged_build_and_restores_site_dir(tmp_path):
    site = old_site(tmp_path)
    cfg = config(site)
    write_build(atomic.stage(cfg))
    atomic.discard()
    assert cfg["site_dir"] == str(site) and names(tmp_path) == ["site"]
    assert atomic.commit(cfg) is False  # nothing staged any more


def test_a_file_is_refused_and_a_symlink_keeps_its_link(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "link-to-file").symlink_to(tmp_path / "file")
    for p in ("file", "link-to-file"):
        with pytest.raises(atomic.SiteDirError, match="is not a directory"):
            atomic.stage(config(tmp_path / p))
    real = old_site(tmp_path / "releases")
    (tmp_path / "site").symlink_to(real)
    cfg = config(tmp_path / "site")
    temp = atomic.stage(cfg)
    assert temp.parent == real.parent
    write_build(temp)
    atomic.commit(cfg)
    assert (tmp_path / "site").is_symlink() and (real / "index.html").read_text() == "new"


def test_dirty_builds_go_in_place(tmp_path):
    site = old_site(tmp_path)
    atomic.startup(dirty=True)
    cfg = config(site)
    assert atomic.stage(cfg) is None and cfg["site_dir"] == str(site)


@pytest.mark.parametrize("way", ["exchange", "two renames"])
def test_swap(tmp_path, monkeypatch, way):
    site = old_site(tmp_path)
    new = tmp_path / "new"
    new.mkdir()
    write_build(new)
    if way == "two renames":
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    atomic.swap(new, site)
    assert (site / "index.html").read_text() == "new" and (site / ".nojekyll").exists()
    assert not (site / "sub").exists() and names(tmp_path) == ["site"]


def rename_fails(monkeypatch, path: Path, code: int, message: str) -> None:
    """No atomic exchange, and renaming ``path`` (only) fails with ``code``."""
    rename = os.rename

    def failing(src, dst):
        if Path(src) == path:
            raise OSError(code, message)
        rename(src, dst)

    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    monkeypatch.setattr(atomic.os, "rename", failing)


def test_swap_into_a_mount_point_replaces_the_contents(tmp_path, monkeypatch):
    site = old_site(tmp_path)
    new = tmp_path / "new"
    new.mkdir()
    write_build(new)
    rename_fails(monkeypatch, site, errno.EBUSY, "Device or resource busy")
    atomic.swap(new, site)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        ".nojekyll", "index.html", "new", "new/index.html"]
    assert names(tmp_path) == ["site"]


def test_a_failed_swap_puts_the_old_site_back(tmp_path, monkeypatch):
    site = old_site(tmp_path)
    cfg = config(site)
    temp = atomic.stage(cfg)
    write_build(temp)
    rename_fails(monkeypatch, temp, errno.EACCES, "Permission denied")
    with pytest.raises(atomic.SiteDirError, match="could not put the new build in place"):
        atomic.commit(cfg)
    assert (site / "index.html").read_text() == "old" and names(tmp_path) == ["site"]


def test_sweep_removes_only_what_dead_builds_left(tmp_path):
    site = old_site(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    for n in (f".site.building-{dead}-0123abcd", f".site.previous-{dead}-0123abcd",
              f".site.building-{os.getppid()}-0123abcd", ".site.building-notapid", ".other.building-1-0123abcd"):
        (tmp_path / n).mkdir()
    removed = atomic.sweep(site)
    assert sorted(p.name for p in removed) == [f".site.building-{dead}-0123abcd", f".site.previous-{dead}-0123abcd"]
    assert names(tmp_path) == [".other.building-1-0123abcd", f".site.building-{os.getppid()}-0123abcd",
                               ".site.building-notapid", "site"]
