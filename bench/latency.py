"""Lookup latency in Chromium: 1000 random (GPU, driver, platform, Python) queries on the will-it-run page.

Each query sets the form's values as a reader does (GPU, driver, the platform select, Python) and
dispatches an ``input`` event, which runs the page's own handler (resolve the GPU, decide, render),
then reads ``offsetHeight`` to force style and layout; the time is taken with ``performance.now()``
inside the page around those steps. ``decide`` alone is timed too, with the arguments the page passes.
The platform is Linux x86_64 or Windows, at random (the two operating systems the form offered before
it had a platform select); a Jetson module is asked about as the page tells its owner to, with the
platform left at "(from the GPU)" (Jetson) and no driver. The machine may be shared, so the 1000
queries run in three passes and the middle pass is reported.
"""

from __future__ import annotations

import random
import statistics

from .common import browser, built_site, log, percentile, serve

QUERIES = 1000
SEED = 12
PASSES = 3  # the same 1000 queries on a fresh page each time; the pass with the median p95 is reported

JS = """
async (qs) => {
  const $ = (id) => document.getElementById(id);
  const T = window.cudacompatTable, L = window.cudacompatLookup;
  const full = [], decideOnly = [];
  let options = 0, answered = 0, disagree = 0;
  for (const q of qs) {
    $("wir-gpu").value = q.gpu; $("wir-driver").value = q.driver;
    $("wir-platform").value = q.platform; $("wir-python").value = q.python;
    if ($("wir-platform").value !== q.platform || $("wir-python").value !== q.python) {
      throw new Error("the form has no option " + JSON.stringify([q.platform, q.python]));
    }
    const t0 = performance.now();
    $("wir-gpu").dispatchEvent(new Event("input", {bubbles: true}));
    void $("wir-result").offsetHeight;  // style + layout of the new answer
    full.push(performance.now() - t0);
    const g = L.resolveGpu(T, q.gpu).gpu;
    const platform = q.platform || (g.tegra ? "jetson" : "linux-x86_64");  // as the page picks it
    const t1 = performance.now();
    const r = L.decide(T, g, q.driver || null, platform, q.python || null, null);
    decideOnly.push(performance.now() - t1);
    options += r.options.length;
    if ($("wir-answer") !== null) answered += 1;
    if (document.querySelectorAll("#wir-result .wir-option").length !== r.options.length) disagree += 1;
  }
  return {full, decideOnly, options, answered, disagree};
}
"""


def queries(table: dict, n: int = QUERIES, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    names = [(n, g["tegra"]) for g in table["gpus"] for n in g["names"]]
    pythons = sorted({f"3.{m}" for b in table["builds"] if b["python"] and b["python"][1]
                      for m in range(int(b["python"][0].split(".")[1]), int(b["python"][1].split(".")[1]) + 1)})
    out = []
    for _ in range(n):
        major = rng.randint(418, 599)
        driver = f"{major}.{rng.randint(0, 199):02d}" + (f".{rng.randint(0, 99):02d}" if rng.random() < 0.6 else "")
        name, tegra = rng.choice(names)
        platform = rng.choice(["linux-x86_64", "windows-x86_64"])
        python = rng.choice([""] + pythons)
        if tegra:  # a Jetson module: the platform from the GPU (Jetson), no driver version
            platform, driver = "", ""
        out.append({"gpu": name, "driver": driver, "platform": platform, "python": python})
    return out


def run() -> dict:
    site = built_site()
    passes = []
    with serve(site) as base, browser() as b:
        for i in range(PASSES):  # a fresh page each pass
            ctx = b.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.goto(base + "will-it-run/", wait_until="networkidle")
            page.wait_for_selector("#wir-form[data-ready=true]")
            table = page.evaluate("window.cudacompatTable")
            qs = queries(table)
            page.evaluate(JS, qs[:50])  # warm-up: JIT, first layout
            log(f"lookup latency: pass {i + 1}/{PASSES}, {len(qs)} queries")
            r = page.evaluate(JS, qs)
            ctx.close()
            full, dec = r["full"], r["decideOnly"]
            passes.append({"median": statistics.median(full), "p95": percentile(full, 95), "max": max(full),
                           "decide_median": statistics.median(dec), "decide_p95": percentile(dec, 95),
                           "options": r["options"], "answered": r["answered"], "disagree": r["disagree"]})
            if r["disagree"]:
                raise RuntimeError(f"pass {i + 1}: the page listed another number of builds than decide for "
                                   f"{r['disagree']} of {len(qs)} queries; the benchmark no longer drives the page "
                                   "the way it answers")
    mid = sorted(passes, key=lambda p: p["p95"])[len(passes) // 2]  # the pass with the median p95
    return {**mid, "passes": passes, "queries": len(qs), "mean_options": mid["options"] / len(qs),
            "builds": len(table["builds"]), "gpus": len(table["gpus"])}
