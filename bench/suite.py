"""The README's test command, timed: `bash scripts/test` as CI runs it (set-up already done, as on a
second run; the first run's set-up is timed separately by CI's own log). Target: at most 4 minutes
on the 2-core machine. Also the time of each test directory alone, so a slow one is easy to find."""

from __future__ import annotations

import re

from .common import ENV, ROOT, Runs, log, run_timed

TARGET_S = 240.0
DIRS = ("tests/unit", "tests/data", "tests/site", "tests/browser", "snippets")


def _summary(out: str) -> str:
    lines = [line for line in out.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    return lines[-1].strip("= ") if lines else "no summary line"


def run() -> dict:
    env = {**ENV, "CI": "true"}
    whole = Runs()
    p = run_timed(["bash", "scripts/test"], whole, env=env, check=False)
    log(f"suite: {whole.wall[-1]:.0f} s, {_summary(p.stdout)}")
    parts = {}
    for d in DIRS:
        r = Runs()
        q = run_timed(["bash", "scripts/test", d], r, env=env, check=False)
        parts[d] = {"runs": r, "summary": _summary(q.stdout), "rc": q.returncode}
        log(f"suite {d}: {r.wall[-1]:.0f} s, {parts[d]['summary']}")
    return {"whole": whole, "summary": _summary(p.stdout), "rc": p.returncode, "target_s": TARGET_S,
            "ratio": whole.wall[-1] / TARGET_S, "parts": parts, "cwd": str(ROOT)}
