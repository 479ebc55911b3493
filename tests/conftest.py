"""Fixtures shared by every test directory.

- ``kb``: the repository's real knowledge base; ``fixture_kb``: the small synthetic one
  (``tests/fixtures/kb.yaml``) that the unit tests and the mutation tests use.
- ``built_site`` / ``offline_site``: one real ``mkdocs build --strict`` per configuration for the
  whole run, shared by the xdist workers (the first one to need it builds it under a file lock).
- ``served_site``, ``browser``, ``page``: the built site on loopback and Chromium through Playwright.
- ``node``: runs a JavaScript file with node and returns its JSON output (the parity tests).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from cudacompat import ROOT, data_path
from cudacompat.answers.index import KB
from cudacompat.kb.load import load

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_KB = FIXTURES / "kb.yaml"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def kb() -> KB:
    """The repository's real knowledge base."""
    return KB(load(data_path()))


@pytest.fixture(scope="session")
def fixture_kb() -> KB:
    return KB(load(FIXTURE_KB))


def mkdocs_build(site_dir: Path, config: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)]
    if config:
        cmd += ["-f", str(config)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def shared_root(tmp_path_factory) -> Path:
    """A directory of this test run that every xdist worker sees."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def shared_build(tmp_path_factory, name: str, config: Path | None = None, env: dict | None = None) -> Path:
    """One build per configuration and test run, shared by the xdist workers."""
    root = shared_root(tmp_path_factory)
    key = hashlib.sha256(json.dumps([name, str(config), sorted((env or {}).items())]).encode()).hexdigest()[:12]
    site = root / f"site-{name}-{key}"
    with FileLock(str(site) + ".lock"):
        if not (site / "index.html").is_file():
            if site.exists():
                shutil.rmtree(site)
            r = mkdocs_build(site, config, env)
            assert r.returncode == 0, r.stderr[-4000:]
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once per run with the real `mkdocs build --strict`."""
    return shared_build(tmp_path_factory, "online")


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    return shared_build(tmp_path_factory, "offline", ROOT / "mkdocs.offline.yml")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site on http://127.0.0.1:<free port>/ (only loopback)."""
    server, url = serve(built_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser, **context):
    ctx = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | context))
    pg = ctx.new_page()
    pg.console_errors = []
    pg.requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    return ctx, pg


@pytest.fixture
def page(browser, served_site):
    """A fresh page that records console errors and every request made."""
    ctx, pg = new_page(browser)
    yield pg
    ctx.close()


def run_node(script: str, payload: object, timeout: float = 300) -> object:
    """Run ``script`` (JavaScript source) with node; it reads JSON from stdin and prints JSON."""
    node = shutil.which("node")
    assert node, "node is needed for the parity tests (scripts/setup installs it with npm)"
    r = subprocess.run([node, "-e", script], input=json.dumps(payload), capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads(r.stdout)
