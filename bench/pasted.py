"""Pasted errors: does the right troubleshooting entry come first (top-1) or among the first three
(top-3)? Measured over the held-out part of the corpus of real messages
(tests/fixtures/corpus/messages.yaml, ``split: held-out``: no message of theirs, and no thread they
come from, is in the catalogue), each pasted three ways: whole, a 6-10-word fragment from the middle
of its error message (the corpus's ``fragment``), and that fragment with its punctuation mangled.

- ``explain``: ``cudacompat.answers.explain.explain`` in Python (the terminal's answer).
- the site search box in Chromium, as a reader sees it: the page list in the order shown (the
  catalogue hits errorsearch.js puts first, then Material's own results);
- Material's own results alone (the lunr index), and the troubleshooting search alone
  (errorsearch-core.js ``match`` run in the page, what the catalogue hits show).

A message that shows several entries counts as found whole when all of them are in the top 3 (top-1:
any of them first); a fragment, when any of them is. ``python -m bench.pasted --site DIR`` measures
another build (the baseline in bench/pasted-baseline.json was measured so, on the tree before the
matcher: PYTHONPATH pointing at its src/, DIR built from it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

from .common import ROOT, browser, built_site, log, serve

CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "messages.yaml"
BASELINE = ROOT / "bench" / "pasted-baseline.json"
KINDS = ("whole", "middle", "mangled")
SURFACES = ("explain", "box", "material", "catalogue")
PUNCT = re.compile(r"[^A-Za-z0-9\s]")


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)


def mangle(fragment: str) -> str:
    """The fragment's punctuation mangled as pastes and retyping mangle it: each mark dropped, turned
    into a space, doubled or swapped for another; a quote or a colon added around it now and then."""
    rng = random.Random(_seed(fragment))
    out = []
    for ch in fragment:
        if PUNCT.fullmatch(ch):
            op = rng.random()
            ch = "" if op < 0.3 else " " if op < 0.55 else ch * 2 if op < 0.75 else rng.choice("-:'\"_./=()")
        out.append(ch)
    text = "".join(out)
    r = rng.random()
    if r < 0.25:
        text = f'"{text}"'
    elif r < 0.4:
        text = f"{text}:"
    elif r < 0.5:
        text = f"--{text}"
    return text


def cases(split: str = "held-out") -> list[dict]:
    import yaml

    out = []
    for m in yaml.safe_load(CORPUS.read_text(encoding="utf-8")):
        if m["split"] != split:
            continue
        mid = m.get("fragment")
        out.append({"expect": m["expect"], "source": m["source"],
                    "queries": {"whole": m["text"], "middle": mid, "mangled": mangle(mid) if mid else None}})
    return out


def _hit(kind: str, expect: list[str], ranked: list[str], k: int) -> bool:
    top = ranked[:k]
    if kind == "whole" and k > 1:
        return all(e in top for e in expect)
    return any(e in top for e in expect)


def score(cs: list[dict], ranked: dict[tuple[int, str], list[str]]) -> dict:
    """Top-1 and top-3 rates per kind, and the misses (for reading, not for tuning)."""
    out = {}
    for kind in KINDS:
        rows = [(c, ranked[(i, kind)]) for i, c in enumerate(cs) if (i, kind) in ranked]
        n = len(rows)
        t1 = sum(_hit(kind, c["expect"], r, 1) for c, r in rows)
        t3 = sum(_hit(kind, c["expect"], r, 3) for c, r in rows)
        out[kind] = {"n": n, "top1": t1 / n if n else 0.0, "top3": t3 / n if n else 0.0,
                     "misses": [[c["queries"][kind][:160], c["expect"], r[:3]] for c, r in rows
                                if not _hit(kind, c["expect"], r, 3)]}
    return out


def explain_ranks(cs: list[dict]) -> tuple[dict, float]:
    from cudacompat import data_path
    from cudacompat.answers.explain import explain
    from cudacompat.answers.index import KB
    from cudacompat.kb.load import load

    kb = KB(load(data_path()))
    ranked = {}
    t0 = time.perf_counter()
    for i, c in enumerate(cs):
        for kind, q in c["queries"].items():
            if q is not None:
                ranked[(i, kind)] = [m["id"] for m in explain(kb, q)["matches"]]
    return ranked, time.perf_counter() - t0


# reset the box, type the query (a key event: Material searches on keyboard input), wait for the
# answer to this query, then read the page list in the order shown
_CLEAR = """() => { const m = document.querySelector('.md-search-result__meta');
  return m && !/\\d|No matching/.test(m.textContent); }"""
_READ = """() => {
  const page = (h) => { const u = new URL(h, location.href); return u.pathname; };
  const items = Array.from(document.querySelectorAll('.md-search-result__list > li'));
  return {meta: document.querySelector('.md-search-result__meta').textContent.trim(),
          items: items.map(li => [li.classList.contains('compat-hit'),
                                  page(li.querySelector('a').getAttribute('href'))])};
}"""
_MATCH = ("async (q) => { await window.cudacompatErrorsReady();"
          " return window.cudacompatErrorMatch.match(window.cudacompatErrors, q).map(e => e.id); }")


def _entry_of(path: str, base_path: str) -> str | None:
    m = re.fullmatch(re.escape(base_path) + r"troubleshooting/[a-z]+/([a-z0-9.+_-]+)/(?:index\.html)?", path)
    return m.group(1) if m else None


def _search_page(b, base: str, hits: bool):
    """A page with the search index ready; without the catalogue (errors-data.js answers nothing) when
    ``hits`` is False, which leaves Material's own results (errorsearch.js still cleans the query)."""
    ctx = b.new_context(viewport={"width": 1280, "height": 900})
    if not hits:
        ctx.route("**/errors-data.js", lambda route: route.fulfill(
            status=200, content_type="application/javascript", body="window.cudacompatErrors = undefined;\n"))
    page = ctx.new_page()
    page.goto(base, wait_until="networkidle")
    inp = page.locator("input.md-search__input")
    for _ in range(60):  # the index is built in a web worker: wait until it answers
        inp.fill("cuda")
        inp.press("End")
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    return ctx, page, inp


def _ask(page, inp, q: str) -> dict:
    inp.fill("")
    inp.press("End")
    page.wait_for_function(_CLEAR, timeout=10000)
    inp.fill(q)
    inp.press("End")
    page.wait_for_function("() => /\\d|No matching/.test(document.querySelector("
                           "'.md-search-result__meta').textContent)", timeout=20000)
    page.wait_for_timeout(0)
    return page.evaluate(_READ)


def browser_ranks(site: Path, cs: list[dict]) -> tuple[dict, dict, dict, dict]:
    box, material, catalogue = {}, {}, {}
    dups = {"lists": 0, "with_duplicates": 0}
    with serve(site) as base, browser() as b:
        for hits in (True, False):
            ctx, page, inp = _search_page(b, base, hits)
            t0 = time.perf_counter()
            for i, c in enumerate(cs):
                if i % 50 == 0:
                    log(f"pasted: {i}/{len(cs)} messages in Chromium ({'search box' if hits else 'Material alone'})")
                for kind, q in c["queries"].items():
                    if q is None:
                        continue
                    r = _ask(page, inp, q)
                    if hits:
                        pages = [p for _, p in r["items"]][:10]
                        dups["lists"] += 1
                        dups["with_duplicates"] += len(set(pages)) != len(pages)
                        box[(i, kind)] = _ranked_pages(r["items"], "/", None)
                        catalogue[(i, kind)] = page.evaluate(_MATCH, q)
                    else:
                        material[(i, kind)] = _ranked_pages(r["items"], "/", None)
            dups["seconds_box" if hits else "seconds_material"] = time.perf_counter() - t0
            ctx.close()
    return box, material, catalogue, dups


def _ranked_pages(items: list, base_path: str, hit: bool | None) -> list[str]:
    """The entries of the pages shown, in order; a page that is not an entry keeps its rank (as None)."""
    return [_entry_of(p, base_path) or "-" for h, p in items if hit is None or h == hit]


def measure(site: Path, split: str = "held-out") -> dict:
    cs = cases(split)
    log(f"pasted: {len(cs)} {split} messages; explain")
    ranked, secs = explain_ranks(cs)
    out = {"split": split, "messages": len(cs), "explain": score(cs, ranked), "explain_seconds": secs}
    log("errors: Chromium")
    box, material, catalogue, dups = browser_ranks(site, cs)
    out.update(box=score(cs, box), material=score(cs, material), catalogue=score(cs, catalogue), duplicates=dups)
    return out


def run() -> dict:
    res = measure(built_site())
    if BASELINE.is_file():
        res["baseline"] = json.loads(BASELINE.read_text(encoding="utf-8"))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.pasted", description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, help="a built site (default: build this tree's)")
    ap.add_argument("--split", default="held-out", choices=["held-out", "variants"])
    ap.add_argument("--json", type=Path, help="write the figures here")
    a = ap.parse_args(argv)
    res = measure(a.site or built_site(), a.split)
    text = json.dumps(res, indent=1)
    if a.json:
        a.json.write_text(text + "\n", encoding="utf-8")
    for s in SURFACES:
        print(s, {k: (round(v["top1"] * 100, 1), round(v["top3"] * 100, 1), v["n"]) for k, v in res[s].items()})
    print("duplicates", res["duplicates"])
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --- bench/RESULTS.md ----------------------------------------------------------------------------

TITLES = {"explain": "`cudacompat explain` (Python)", "box": "site search box in Chromium (as shown)",
          "material": "Material's own results in Chromium (no catalogue)",
          "catalogue": "troubleshooting search in Chromium (catalogue hits)"}
TARGETS = {"box": (0.85, 0.95), "explain": (None, 0.95)}


def _p(x: float) -> str:
    return f"{x * 100:.1f} %"


def render(res: dict) -> tuple[list[list[str]], list[str]]:
    """Summary rows and the section of bench/RESULTS.md."""
    r, base = res["pasted"], res["pasted"].get("baseline")

    def was(s: str, k: str, key: str) -> str:
        return f" (was {_p(base[s][k][key])})" if base and s in base else ""

    rows = []
    for k in KINDS:
        x = r["box"][k]
        rows.append([f"Pasted errors ({k}), site search box in Chromium: top-3 / top-1",
                     f"{_p(x['top3'])}{was('box', k, 'top3')} / {_p(x['top1'])}{was('box', k, 'top1')}",
                     "≥ 95 % / ≥ 85 %", "met" if x["top3"] >= 0.95 and x["top1"] >= 0.85 else
                     f"**missed** (top-3 {_p(x['top3'])}, top-1 {_p(x['top1'])})"])
    for k, goal in (("whole", 0.95), ("middle", 0.85), ("mangled", 0.85)):
        x = r["explain"][k]
        rows.append([f"Pasted errors ({k}), `cudacompat explain`: right entry in its first three",
                     f"{_p(x['top3'])}{was('explain', k, 'top3')} (first: {_p(x['top1'])})", f"≥ {goal * 100:.0f} %",
                     "met" if x["top3"] >= goal else f"**missed** by {_p(goal - x['top3'])}"])
    d = r["duplicates"]
    rows.append(["Search result lists with a page twice (first 10 results)",
                 f"{d['with_duplicates']} of {d['lists']}" + (f" (was {base['duplicates']['with_duplicates']} of "
                                                             f"{base['duplicates']['lists']})" if base else ""),
                 "0", "met" if d["with_duplicates"] == 0 else "**missed**"])
    out = ["## Pasted errors", "",
           f"{r['messages']} real messages of the corpus's held-out split (`tests/fixtures/corpus/messages.yaml`,",
           "`split: held-out`: neither they nor any message of their threads is in the catalogue; the catalogue's",
           "variants come from its entries and the `variants` split), each pasted whole, as its 6-10-word",
           "`fragment` (the middle of the error message in it) and as that fragment with its punctuation mangled",
           "(`bench/pasted.py`). A message that shows several entries is found whole when all are in the top 3.",
           "The site search box holds one line: a paste's line breaks are dropped, as in a browser.", ""]
    if base:
        out += [f"Before: {base['measured_on']}.", ""]
    head = ["Where", "Pasted", "n", "Top-1", "Top-3", "Top-1 before", "Top-3 before"]
    table = []
    for s in SURFACES:
        for k in KINDS:
            x, b = r[s][k], (base or {}).get(s, {}).get(k)
            table.append([TITLES[s], k, x["n"], _p(x["top1"]), _p(x["top3"]), _p(b["top1"]) if b else "—",
                          _p(b["top3"]) if b else "—"])
    out += ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in table]
    out += ["", f"`explain` over the {sum(r['explain'][k]['n'] for k in KINDS)} pastes took "
                f"{r['explain_seconds']:.1f} s; the search box {d.get('seconds_box', 0):.0f} s, Material alone "
                f"{d.get('seconds_material', 0):.0f} s (typing, waiting for the worker, reading the list).", "",
            "What the search box missed in its first three, whole messages (text cut to 160 characters; the",
            "entries expected; the first three shown):", ""]
    out += [f"- `{m[0][:160]!r}` expected {', '.join(m[1])}; shown {', '.join(m[2]) or 'nothing'}"
            for m in r["box"]["whole"]["misses"]]
    return rows, out + [""]
