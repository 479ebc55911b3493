"""Pasting a catalogued error into the site search: its entry comes up in the top 3 results,
in a real Chromium, for every message variant and a 6-word fragment of each."""

from __future__ import annotations

import pytest

from cudacompat.answers.explain import explain
from cudacompat.site.browser import js_pattern

pytestmark = pytest.mark.browser


def fragment(message: str, others: list[str]) -> str | None:
    """Six consecutive words of a message, the first run (from the middle outwards) that no other
    entry's messages contain: what someone types from the part of a message that identifies it.
    None when the message is itself that short."""
    words = message.split()
    if len(words) <= 6:
        return None
    starts = sorted(range(len(words) - 5), key=lambda i: abs(i - (len(words) - 6) // 2))
    low = [o.lower() for o in others]
    for i in starts:
        frag = " ".join(words[i: i + 6])
        if not any(frag.lower() in o for o in low):
            return frag
    return " ".join(words[starts[0]: starts[0] + 6])


def cases(kb):
    out = []
    for e in kb.data.errors:
        others = [m for x in kb.data.errors if x.id != e.id for m in x.messages]
        for m in e.messages:
            out.append((e, m))
            f = fragment(m, others)
            if f:
                out.append((e, f))
    return out


def test_every_message_and_fragment_finds_its_entry(page, served_site, kb):
    page.goto(served_site)
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    misses = []
    all_cases = cases(kb)
    assert len(all_cases) >= 2 * len(kb.data.errors)
    for e, q in all_cases:
        want = f"troubleshooting/{e.family}/{e.id}/"
        box.fill(q)
        box.press("End")
        try:
            page.wait_for_function(
                """want => Array.from(document.querySelectorAll('.md-search-result__link')).slice(0, 3)
                          .some(a => a.href.split('?')[0].endsWith(want))""", arg=want, timeout=5000)
        except Exception:
            top = page.evaluate("Array.from(document.querySelectorAll('.md-search-result__link')).slice(0, 3)"
                                ".map(a => a.getAttribute('href'))")
            misses.append((e.id, q[:80], top))
    assert misses == []
    assert page.console_errors == []


def test_a_paste_of_two_messages_shows_both_entries(page, served_site, kb):
    """The catalogue hits at the top of the results list every entry a two-message paste contains."""
    a = next(e for e in kb.data.errors if e.id == "sm-not-compatible")
    b = next(e for e in kb.data.errors if e.id == "no-kernel-image")
    paste = f"{a.messages[0]}\n{b.messages[0]}"
    assert {"sm-not-compatible", "no-kernel-image"} <= {m["id"] for m in explain(kb, paste)["matches"]}
    page.goto(served_site)
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    box.fill(paste)
    box.press("End")
    page.wait_for_selector(".compat-hit")
    # a one-line search box drops the line break: the hits are explain's for the text it holds
    want = [m["id"] for m in explain(kb, box.input_value())["matches"]]
    assert {"sm-not-compatible", "no-kernel-image"} <= set(want[:3])
    hits = page.evaluate("Array.from(document.querySelectorAll('.compat-hit a')).map(a => new URL(a.href).pathname)")
    assert [h.rstrip("/").split("/")[-1] for h in hits] == want[:3]
    assert page.console_errors == []


def test_every_pattern_compiles_in_the_browser(page, served_site, kb):
    page.goto(served_site)
    page.wait_for_load_state("networkidle")
    bad = page.evaluate("async () => { await window.cudacompatErrorsReady();"
                        " const M = window.cudacompatErrorMatch, D = window.cudacompatErrors; M.match(D, 'x');"
                        " return D.entries.filter(e => !e.rx).map(e => e.id); }")
    assert bad == []


def test_the_catalogue_loads_when_the_search_box_is_first_used(page, served_site):
    requested = []
    page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    page.goto(served_site + "gpus/")
    page.wait_for_load_state("networkidle")
    assert "errors-data.js" not in requested and "errorsearch-core.js" not in requested
    assert page.evaluate("window.cudacompatErrors === undefined")
    page.keyboard.press("/")  # Material's shortcut focuses the search box
    page.wait_for_function("window.cudacompatErrors !== undefined && window.cudacompatErrorMatch !== undefined")
    assert requested.count("errors-data.js") == 1 and requested.count("errorsearch-core.js") == 1
    box = page.locator("input.md-search__input")
    box.fill("CUDA error: no kernel image is available for execution on the device")
    box.press("End")
    page.wait_for_selector(".compat-hit")
    assert requested.count("errors-data.js") == 1  # once per page
    assert page.console_errors == []


def test_js_pattern_translation():
    assert js_pattern(r"(?P<sm>sm_\d+) (?P=sm)") == r"(?<sm>sm_\d+) \k<sm>"
