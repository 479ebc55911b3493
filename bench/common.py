"""Shared helpers for the benchmarks: timing, the machine, builds, a gzip-serving local server."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"  # scratch space (ignored by git)
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# measured as in an ordinary install, where Python keeps compiled bytecode: this machine sets
# PYTHONDONTWRITEBYTECODE, which makes every process recompile cudacompat's own modules
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_MKDOCS_2_WARNING": "1"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- timing ------------------------------------------------------------------------------------

@dataclass
class Runs:
    """Wall and CPU (user+sys of the child processes) seconds of repeated runs."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def spread(self) -> str:
        return " / ".join(f"{w:.2f}" for w in self.wall)


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_timed(cmd: list[str], runs: Runs, *, cwd: Path = ROOT, env: dict | None = None,
              check: bool = True, quiet: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``cmd`` once, appending its wall and CPU seconds; ``subprocess.TimeoutExpired`` past ``timeout``."""
    c0, t0 = _child_cpu(), time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=quiet, text=True, timeout=timeout)
    runs.wall.append(time.perf_counter() - t0)
    runs.cpu.append(_child_cpu() - c0)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{(p.stderr or '')[-3000:]}")
    return p


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


# --- the machine -------------------------------------------------------------------------------

def _first(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        return out.splitlines()[0] if out else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    mem = "unknown"
    try:
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else mem
    except OSError:
        pass
    py = _first([PY, "-c", "import sys; print(sys.version.split()[0])"])
    chromium = _first([CHROMIUM, "--version"])
    lh = "not installed"
    pkg = ROOT / "node_modules" / "lighthouse" / "package.json"
    if pkg.is_file():
        lh = re.search(r'"version":\s*"([^"]+)"', pkg.read_text()).group(1)
    commit = _first(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _first(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return {
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "cpu": cpu,
        "os": f"{platform.system()} {platform.release()}",
        "python": py,
        "chromium": chromium,
        "node": _first(["node", "--version"]),
        "lighthouse": lh,
        "commit": commit + (" (with uncommitted changes)" if dirty not in ("", "unknown") else ""),
    }


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# --- builds ------------------------------------------------------------------------------------

def mkdocs_cmd(site_dir: Path, config: Path | None = None, wrapper: str | None = None) -> list[str]:
    """``mkdocs build --strict``; ``wrapper`` is Python run before MkDocs' CLI in the same process."""
    args = ["build", "--strict", "-q", "-d", str(site_dir)] + (["-f", str(config)] if config else [])
    if wrapper:
        code = wrapper + "\nimport sys\nfrom mkdocs.__main__ import cli\nsys.argv = ['mkdocs'] + sys.argv[1:]\ncli()"
        return [PY, "-c", code, *args]
    return [PY, "-m", "mkdocs", *args]


def fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


_BUILT: list[Path] = []


def built_site() -> Path:
    """The real site, built once per bench run into bench/out/site (for the browser benchmarks)."""
    if not _BUILT:
        site = fresh(OUT / "site")
        run_timed(mkdocs_cmd(site), Runs())
        _BUILT.append(site)
    return _BUILT[0]


# --- a local server that compresses like a real static host ------------------------------------

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".ipynb")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory``; text types gzip-compressed (level 6) when the client accepts gzip."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the base class redirects to the slash form
            path = os.path.join(path, "index.html")
        if not (path.endswith(COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()
        body = _gzip_file(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=4096)
def _gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _gzip_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return _gzip_bytes(f.read())


def gzip_size(path: Path) -> int:
    return len(_gzip_file(str(path)))


@contextmanager
def serve(directory: Path):
    """``directory`` on http://127.0.0.1:<free port>/ (loopback only), gzip like a static host."""
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def largest(site: Path, pattern: str) -> str:
    """The heaviest built page matching ``pattern`` (``architectures/*/index.html``), as a URL path."""
    found = sorted(site.glob(pattern))
    if not found:
        raise RuntimeError(f"no page {pattern} in the built site")
    best = max(found, key=lambda p: p.stat().st_size)
    return best.parent.relative_to(site).as_posix() + "/"


def arch_page(site: Path) -> str:
    """A GPU architecture page (the one with the most GPUs: the heaviest), as a URL path."""
    return largest(site, "architectures/*/index.html")


def templates(site: Path) -> dict[str, str]:
    """One page of every template, the heaviest of its family: what the weight and Lighthouse
    benchmarks measure."""
    return {
        "home": "",
        "lookup": "will-it-run/",
        "architecture": arch_page(site),
        "gpu list": "gpus/",
        "release": largest(site, "releases/*/index.html"),
        "troubleshooting entry": largest(site, "troubleshooting/*/*/index.html"),
        "notebook": largest(site, "snippets/*/index.html"),
    }
