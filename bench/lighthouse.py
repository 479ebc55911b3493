"""Lighthouse (the npm package pinned in package.json) on one page of every template (bench.common.templates),
desktop and mobile presets, two runs each, against the built site served with gzip on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from .common import CHROMIUM, OUT, ROOT, built_site, fresh, log, serve, templates

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RUNS = 2
PRESETS = ("desktop", "mobile")
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


def binary() -> Path:
    b = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not b.exists():
        raise RuntimeError("lighthouse is not installed: run `npm install` (it is pinned in package.json)")
    return b


def audit(url: str, preset: str, out: Path) -> dict:
    cmd = [str(binary()), url, "--quiet", f"--chrome-flags={FLAGS}", "--output=json", f"--output-path={out}",
           "--only-categories=" + ",".join(CATEGORIES), "--max-wait-for-load=30000"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    with tempfile.TemporaryDirectory() as tmp:  # HOME: lighthouse and Chromium write their state there
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "HOME": tmp}
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if p.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url} ({preset}):\n{p.stderr[-3000:]}")
    r = json.loads(out.read_text())
    scores = {c: round((r["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failing = {}
    for c in CATEGORIES[1:]:
        for ref in r["categories"][c]["auditRefs"]:
            a = r["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                failing.setdefault(c, []).append(ref["id"])
    metrics = {m: r["audits"][m].get("displayValue", "") for m in METRICS if m in r["audits"]}
    return {"scores": scores, "failing": failing, "metrics": metrics,
            "runtime_error": (r.get("runtimeError") or {}).get("code")}


def run() -> dict:
    site = built_site()
    work = fresh(OUT / "lighthouse")
    pages = templates(site)
    res: dict = {}
    with serve(site) as base:
        for name, path in pages.items():
            for preset in PRESETS:
                for i in range(RUNS):
                    log(f"lighthouse: /{path} {preset} run {i + 1}/{RUNS}")
                    r = audit(base + path, preset, work / f"{name.replace(' ', '-')}-{preset}-{i}.json")
                    res.setdefault(name, {"path": "/" + path}).setdefault(preset, []).append(r)
    return res
