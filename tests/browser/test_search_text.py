"""The site search and error text, in a real Chromium: single words of error messages find their
pages (the index and the query are normalised alike, no stemming on one side only), pasted
punctuation never blanks the results (lunr's query syntax is taken out of what is typed), no page is
listed twice, and an entry reached from a pasted message lists the same builds as the terminal."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from cudacompat.answers.explain import explain
from cudacompat.text.explain import explain_json
from tests.browser.helpers import search

pytestmark = pytest.mark.browser

# single words of error messages that found nothing while their stems did, and a page each must find
WORDS = {
    "capability": "sm-not-compatible",
    "compatible": "sm-not-compatible",
    "memory": "cuda-error-out-of-memory",
    "allocate": "cuda-oom-tried-to-allocate",
    "unsupported": "nvcc-unsupported-gcc",
    "installation": "sm-not-compatible",
}

# text with the characters that made Material's query parser give up: flags (a leading "-" is
# lunr's "prohibited"), double-quoted paths and words (a phrase, "required"), a hyphenated word or a
# file name before a colon (a field name), "+", "~", "^", "*", hex addresses and line breaks
PUNCTUATION = [
    "--dtype=half",
    "python generate.py --dtype=half --device cuda",
    '"C:\\Users\\me\\venv\\Lib\\site-packages\\torch\\lib\\c10.dll"',
    'Error loading "C:\\ai\\venv\\lib\\site-packages\\torch\\lib\\fbgemm.dll" or one of its dependencies',
    '"/usr/local/cuda/lib64/libcudart.so.12"',
    "nvidia-container-cli: initialization error: load library failed",
    "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.8",
    "_C.cpython-310-x86_64-linux-gnu.so: undefined symbol",
    "flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c104cuda9SetDeviceEi",
    "libcudnn_ops_infer.so.8: cannot open shared object file: No such file or directory",
    "torch 2.1.0+cu121 ~= 2.1 ^ cuda",
    "RuntimeError: CUDA error: device-side assert triggered *",
    "0x7f3a2c001234 in c10::Error::Error(c10::SourceLocation, std::string)",
    "frame #0: c10::Error::Error + 0x4d (0x2ba39fce177d in /lib/libc10.so)",
    "CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported",
    "'sm_120' is not a recognized processor for this target (ignoring processor)",
    "export CUBLAS_WORKSPACE_CONFIG=:4096:8",
]


def _results(page):
    return page.evaluate("""() => ({meta: document.querySelector('.md-search-result__meta').textContent,
        pages: Array.from(document.querySelectorAll('.md-search-result__list > li'))
                    .map(li => new URL(li.querySelector('a').href).pathname)})""")


def test_single_words_find_their_pages(page, served_site):
    missing = []
    for word, entry in WORDS.items():
        titles = search(page, served_site, word)
        r = _results(page)
        top = [p.rstrip("/").split("/")[-1] for p in r["pages"][:10]]
        if not titles or "No matching" in r["meta"] or entry not in top:
            missing.append((word, r["meta"], top[:5]))
    assert missing == []
    assert page.console_errors == []


def test_pasted_punctuation_never_blanks_the_results(page, served_site):
    assert len(PUNCTUATION) == 17
    blank, twice = [], []
    for q in PUNCTUATION:
        search(page, served_site, q, timeout_s=10)
        r = _results(page)
        if not r["pages"] or "No matching" in r["meta"]:
            blank.append(q)
        if len(set(r["pages"])) != len(r["pages"]):
            twice.append(q)
    assert blank == []
    assert twice == []  # no page listed twice (a catalogue hit and Material's result for it)
    assert page.console_errors == []


def test_an_entry_reached_from_a_paste_lists_the_terminals_builds(page, served_site, kb):
    """The sm_120 message: the catalogue hit links with the paste's facts, and the entry page lists the
    builds the terminal prints, line for line: cu128 builds for drivers 570-579, cu130+ from 580."""
    msg = "NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation."
    top = explain_json(explain(kb, msg))["matches"][0]
    lines = [x for x in top["personalised"] if not x.startswith("nvcc of CUDA")]
    assert any("cu128" in x and "below 580" in x for x in lines) and any(x.startswith("  driver ≥ 580") and "cu130" in x
                                                                          for x in lines)
    search(page, served_site, msg)
    page.wait_for_selector(".compat-hit")
    href = page.locator(".compat-hit a").first.get_attribute("href")
    assert urlsplit(href).path.endswith("troubleshooting/architecture/sm-not-compatible/") and "sm=sm_120" in href
    page.goto(href)
    page.wait_for_selector(".compat-personal__out:not([hidden])")
    assert page.locator(".compat-personal__out").inner_text().splitlines() == lines
    page.fill("#cp-gpu", "sm_89")
    page.wait_for_function("() => document.querySelector('.compat-personal__out').textContent.includes('sm_89')")
    assert page.console_errors == []
