"""Nothing half-written: a build that fails (a strict-mode warning, a bad link, an exception in a
hook or plugin, SIGINT (KeyboardInterrupt), SIGTERM, even SIGKILL) leaves the previous site directory exactly
as it was (entries, bytes, inodes, modes, mtimes) and no staging directory behind; a build that
succeeds replaces it. A small project (the fixture data, two pages, the real hook plus a ``boom``
hook that fails on demand) keeps each build under a second; ``mkdocs serve`` still serves and reloads.
The staging logic itself is tested in-process in tests/unit/test_atomic.py."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cudacompat import ROOT
from tests.conftest import FIXTURE_KB, mkdocs_build

BOOM = '''
import logging, os, pathlib, time
from mkdocs.exceptions import PluginError

BOOM = os.environ.get("BOOM", "")


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "index.md":
        if BOOM == "badlink":  # what a data string with a bad link does
            return markdown + "\\n[broken](nowhere.md)\\n"
        if BOOM == "plugin-error":
            raise PluginError("boom: a plugin failed")
    return markdown


def on_post_build(config):  # every page is written by now, into the staged directory
    if BOOM == "warn":
        logging.getLogger("mkdocs.hooks.boom").warning("boom: a late warning")
    elif BOOM == "raise":
        raise RuntimeError("boom: a hook crashed")
    elif BOOM == "slow":
        pathlib.Path(os.environ["BOOM_READY"]).write_text(config.site_dir)
        time.sleep(60)
'''


@pytest.fixture
def project(tmp_path) -> Path:
    p = tmp_path / "project"
    (p / "docs").mkdir(parents=True)
    (p / "docs" / "index.md").write_text("# Home\n\nhello from the new build\n")
    (p / "docs" / "will-it-run.md").write_text("# Will it run?\n")  # the fixture data's pages link here
    (p / "docs" / "assets").mkdir()
    for script in ("lookup-core.js", "troubleshooting.js"):  # troubleshooting entries load these
        (p / "docs" / "assets" / script).write_text((ROOT / "docs" / "assets" / script).read_text())
    (p / "boom.py").write_text(BOOM)
    (p / "mkdocs.yml").write_text(f"site_name: mini\ndocs_dir: docs\ntheme: {{name: material}}\n"
                                  f"hooks: [{ROOT / 'hooks' / 'compat.py'}, boom.py]\n")
    return p


def build(project: Path, site: Path, boom: str = "", **env) -> subprocess.CompletedProcess:
    return mkdocs_build(site, project / "mkdocs.yml", env={"CUDACOMPAT_DATA": str(FIXTURE_KB), "BOOM": boom, **env})


def old_site(parent: Path) -> Path:
    """A previous site: files, a subdirectory, a hidden entry, all with mtimes in the past."""
    site = parent / "site"
    (site / "assets").mkdir(parents=True)
    (site / ".git").mkdir()
    (site / "index.html").write_text("<p>the site that was there before</p>")
    (site / "assets" / "old.css").write_text("body{}")
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    for p in [*site.rglob("*"), site]:
        os.utime(p, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return site


def state(d: Path) -> list[tuple]:
    """Everything about a tree that a rewrite would change."""
    out = []
    for p in [d, *sorted(d.rglob("*"))]:
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
        out.append((p.relative_to(d).as_posix(), st.st_mode, st.st_ino, st.st_size, st.st_mtime_ns, digest))
    return out


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".building-" in p.name or ".previous-" in p.name)


def test_success_replaces_the_site_and_keeps_hidden_entries(project, tmp_path):
    site = old_site(tmp_path)
    mode = site.stat().st_mode
    r = build(project, site)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "hello from the new build" in (site / "index.html").read_text()
    assert not (site / "assets" / "old.css").exists()
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"  # as MkDocs' clean keeps it
    assert (site / "search" / "search_index.json").is_file()  # plugins wrote into the staged directory
    assert site.stat().st_mode == mode  # not a temporary directory's 0700
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("boom, says", [
    ("badlink", "Aborted with 1 warnings in strict mode"),
    ("warn", "Aborted with 1 warnings in strict mode"),
    ("raise", "RuntimeError: boom: a hook crashed"),
    ("plugin-error", "boom: a plugin failed"),
])
def test_a_failed_build_leaves_the_site_exactly_as_it_was(project, tmp_path, boom, says):
    site = old_site(tmp_path)
    before = state(site)
    r = build(project, site, boom)
    assert r.returncode != 0 and says in r.stdout + r.stderr, r.stderr[-3000:]
    assert state(site) == before
    assert leftovers(tmp_path) == []


def test_a_site_dir_that_is_a_file_is_refused(project, tmp_path):
    site = tmp_path / "site"
    site.write_text("not a directory")
    r = build(project, site)
    assert r.returncode != 0 and "exists and is not a directory: not replacing it" in r.stderr, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    assert site.read_text() == "not a directory" and leftovers(tmp_path) == []


def test_a_symlinked_site_dir_keeps_its_link(project, tmp_path):
    real = old_site(tmp_path / "releases")
    link = tmp_path / "site"
    link.symlink_to(real)
    r = build(project, link)
    assert r.returncode == 0, r.stderr[-3000:]
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "hello from the new build" in (real / "index.html").read_text()
    assert leftovers(real.parent) == [] and leftovers(tmp_path) == []


def start_slow_build(project: Path, site: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A build that stops in on_post_build, after every file is written, until it is signalled."""
    ready = tmp_path / "ready"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CUDACOMPAT_DATA": str(FIXTURE_KB), "BOOM": "slow",
           "BOOM_READY": str(ready)}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site),
                             "-f", str(project / "mkdocs.yml")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_signals)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.05)  # the file is written; let the hook reach its sleep
    return proc, Path(ready.read_text())


def _default_signals():  # a child of a shell's background job would otherwise ignore SIGINT
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_build_killed_midway_leaves_the_site_and_cleans_up(project, tmp_path, sig):
    site = old_site(tmp_path)
    before = state(site)
    proc, staged = start_slow_build(project, site, tmp_path)
    assert staged.parent == tmp_path and staged.name.startswith(".site.building-")
    assert (staged / "index.html").is_file()  # the new build was complete but not yet in place
    proc.send_signal(sig)
    rc = proc.wait(timeout=30)
    assert rc == (-signal.SIGTERM if sig == signal.SIGTERM else 1), proc.stderr.read()[-3000:]
    assert state(site) == before
    assert leftovers(tmp_path) == []


def test_what_sigkill_leaves_behind_goes_with_the_next_build(project, tmp_path):
    site = old_site(tmp_path)
    before = state(site)
    proc, staged = start_slow_build(project, site, tmp_path)
    proc.kill()
    proc.wait(timeout=30)
    assert state(site) == before and leftovers(tmp_path) == [staged.name]
    r = build(project, site)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "hello from the new build" in (site / "index.html").read_text()
    assert leftovers(tmp_path) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(cond, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if v := cond():
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return ""


def test_serve_builds_reloads_and_keeps_the_last_good_build(project, tmp_path):
    tmp = tmp_path / "tmp"  # where `mkdocs serve` puts its own build directory
    tmp.mkdir()
    log = tmp_path / "serve.log"
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CUDACOMPAT_DATA": str(FIXTURE_KB), "TMPDIR": str(tmp)}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "-f", str(project / "mkdocs.yml"),
                                 "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=out, stderr=out,
                                preexec_fn=_default_signals)
    try:
        url = f"http://127.0.0.1:{port}/"
        html = _wait(lambda: _get(url), "the first page")
        assert "hello from the new build" in html and "livereload" in html
        served = next(tmp.glob("mkdocs_*"))
        (project / "docs" / "index.md").write_text("# Home\n\nedited while serving\n")
        _wait(lambda: "edited while serving" in _get(url), "the rebuilt page")
        # a rebuild that fails in strict mode keeps the last good build on disk (MkDocs then holds
        # page requests until the error is fixed, so the files are read directly)
        (project / "docs" / "index.md").write_text("# Home\n\n[broken](nowhere.md)\n")
        _wait(lambda: "Aborted with 1 warnings" in log.read_text(), "the failed rebuild")
        assert "edited while serving" in (served / "index.html").read_text()
        assert leftovers(tmp) == []
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert list(tmp.iterdir()) == [], log.read_text()[-3000:]


def test_every_site_config_builds_through_the_hook():
    for cfg in ROOT.glob("mkdocs*.yml"):
        assert "- hooks/compat.py" in cfg.read_text(), cfg.name


def test_the_shared_build_left_nothing_next_to_it(built_site):
    assert [n for n in leftovers(built_site.parent) if n.startswith(f".{built_site.name}.")] == []
