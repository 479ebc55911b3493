from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cudacompat import ROOT, data_path, loader, query

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kb() -> query.KB:
    """The repository's real knowledge base."""
    return query.KB(loader.load(data_path()))


@pytest.fixture(scope="session")
def mini() -> query.KB:
    return query.KB(loader.load(FIXTURES / "mini.yaml"))


@pytest.fixture
def root() -> Path:
    return ROOT


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def mkdocs_build(site_dir: Path, config: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)]
    if config:
        cmd += ["-f", str(config)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per test process with the real `mkdocs build --strict`."""
    site = tmp_path_factory.mktemp("site")
    r = mkdocs_build(site)
    assert r.returncode == 0, r.stderr[-4000:]
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site on http://127.0.0.1:<free port>/ (only loopback)."""
    handler = functools.partial(_Quiet, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served_site):
    """A fresh page that records console errors and every request made."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.console_errors = []
    pg.requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    ctx.close()
