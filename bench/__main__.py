"""Run the benchmarks and write bench/RESULTS.md: ``python -m bench`` (all) or ``python -m bench cli weight``.

A full run writes bench/RESULTS.md; a partial run writes bench/out/RESULTS.partial.md. Raw figures
go to bench/out/results.json. Benchmarks never fail a build: a missed target is reported, with the
measured context (wall against CPU time, the machine's load), not raised.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from . import build, cli, latency, lighthouse, pasted, scaling, snippets, suite, weight
from .common import OUT, ROOT, Runs, loadavg, log, machine
from .report import render

SUITES = {"build": build, "scaling": scaling, "weight": weight, "latency": latency, "lighthouse": lighthouse,
          "snippets": snippets, "cli": cli, "suite": suite, "pasted": pasted}


def _jsonable(o):
    if isinstance(o, Runs):
        return {"wall": o.wall, "cpu": o.cpu, "median": o.median, "cpu_median": o.cpu_median}
    raise TypeError(type(o).__name__)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("suites", nargs="*", metavar="SUITE", help="some of: " + ", ".join(SUITES) + " (default: all)")
    a = ap.parse_args(argv)
    unknown = [s for s in a.suites if s not in SUITES]
    if unknown:
        ap.error(f"unknown suite(s) {', '.join(unknown)}; expected some of: {', '.join(SUITES)}")
    chosen = a.suites or list(SUITES)
    OUT.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).astimezone()
    results: dict = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
                     "load_start": loadavg(), "suites": chosen}
    t0 = time.perf_counter()
    errors = {}
    for name in chosen:
        log(f"== {name}")
        s = time.perf_counter()
        load_before = loadavg()
        try:
            results[name] = SUITES[name].run()
        except Exception as e:  # one broken benchmark must not lose the others' figures
            errors[name] = f"{type(e).__name__}: {e}"
            log(f"{name} FAILED: {errors[name][:2000]}")
        results.setdefault("seconds", {})[name] = time.perf_counter() - s
        results.setdefault("load", {})[name] = [load_before.split()[0], loadavg().split()[0]]
    results["errors"] = errors
    results["load_end"] = loadavg()
    results["total_seconds"] = time.perf_counter() - t0
    (OUT / "results.json").write_text(json.dumps(results, default=_jsonable, indent=1), encoding="utf-8")
    md = render(results)
    target = ROOT / "bench" / "RESULTS.md" if set(chosen) == set(SUITES) else OUT / "RESULTS.partial.md"
    target.write_text(md, encoding="utf-8")
    sys.stdout.write(md)
    log(f"wrote {target.relative_to(ROOT)} in {results['total_seconds'] / 60:.1f} min")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
