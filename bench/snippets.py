"""The snippet suite on CPU: every notebook executed by nbval, as CI runs it (two xdist workers)."""

from __future__ import annotations

import re

from .common import PY, Runs, log, run_timed

RUNS = 1  # a run takes minutes; one is enough against a 3-minute target with this margin
CMD = [PY, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", "--dist", "loadfile", "--nbval",
       "--nbval-current-env", "--nbval-sanitize-with", "snippets/sanitize.cfg", "snippets"]


def run() -> dict:
    runs = Runs()
    summary = ""
    for i in range(RUNS):
        log(f"snippet suite: run {i + 1}/{RUNS}")
        p = run_timed(CMD, runs, check=False)
        tail = (p.stdout or "").strip().splitlines()
        summary = next((line for line in reversed(tail) if re.search(r"\d+ (passed|failed)", line)), "")
        if p.returncode != 0:
            summary = f"exit {p.returncode}: {summary}"
    return {"runs": runs, "summary": summary.strip("= "), "command": " ".join(["pytest", *CMD[3:]])}
