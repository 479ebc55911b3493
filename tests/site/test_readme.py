"""Every command README.md shows runs as shown (from the repository root, as a reader would)."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from cudacompat import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# commands that are not run here, each with its reason
NOT_RUN = {
    "bash scripts/test": "it is the command that runs this very test",
}
# what the commands write into the checkout (removed afterwards)
WRITES = ["site-offline", "cudacompat-offline.zip", "out"]


def commands() -> list[str]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            cmd = re.sub(r"\s+#.*$", "", line).strip()
            if cmd and not cmd.startswith("#"):
                out.append(cmd)
    return out


def test_readme_shows_the_two_commands():
    cmds = commands()
    assert "bash scripts/serve" in cmds and "bash scripts/test" in cmds
    assert len(cmds) >= 8


@pytest.fixture
def cleanup():
    yield
    for name in WRITES:
        p = ROOT / name
        if p.is_dir():
            subprocess.run(["rm", "-rf", str(p)], check=True)
        elif p.exists():
            p.unlink()


def test_every_command_runs_in_order(cleanup):
    """In README order (a later command may read what an earlier one wrote: generate --check out/)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    failed = []
    ran = 0
    for cmd in commands():
        if cmd in NOT_RUN or cmd.startswith("bash scripts/serve"):
            continue
        r = subprocess.run(cmd, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        ran += 1
        if r.returncode != 0 or "Traceback" in r.stderr:
            failed.append(f"{cmd}: exit {r.returncode}\n{r.stdout[-1000:]}\n{r.stderr[-1000:]}")
    assert ran >= 8 and failed == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_and_serves(cleanup):
    cmd = next(c for c in commands() if c.startswith("bash scripts/serve"))
    port = free_port()
    p = subprocess.Popen(shlex.split(cmd), cwd=ROOT, env={**os.environ, "PORT": str(port)},
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/will-it-run/", timeout=5) as r:
                    assert r.status == 200 and b"wir-form" in r.read()
                    break
            except OSError:
                assert p.poll() is None, p.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "mkdocs serve did not answer within 120 s"
                time.sleep(1)
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=30)
