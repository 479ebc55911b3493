"""The corpus of real error messages (tests/fixtures/corpus/messages.yaml): well formed, sourced,
split by thread so that the held-out part shares nothing with the catalogue, and explained: the
matcher generalises to it (the benchmark, bench/pasted.py, measures it in full)."""

from __future__ import annotations

import re

import pytest
import yaml
from bench.pasted import mangle

from cudacompat.answers.explain import explain
from cudacompat.text.titles import FAMILY_TITLE
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "corpus" / "messages.yaml"
THREAD = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull|discussions)/\d+")


@pytest.fixture(scope="module")
def corpus():
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def test_every_message_is_real_sourced_and_labelled(corpus, kb):
    ids = {e.id for e in kb.data.errors}
    bad = [m["text"][:60] for m in corpus
           if not m["text"].strip() or not m["expect"] or not set(m["expect"]) <= ids or not THREAD.fullmatch(m["source"])
           or not m["tool"] or m["split"] not in ("variants", "held-out")]
    assert bad == []
    assert len(corpus) >= 300 and len({m["source"] for m in corpus}) >= 300
    families = {e.id: e.family for e in kb.data.errors}
    per_family = {f: sum(1 for m in corpus if any(families[x] == f for x in m["expect"])) for f in FAMILY_TITLE}
    assert min(per_family.values()) >= 20, per_family


def test_the_held_out_part_shares_nothing_with_the_catalogue(corpus, kb):
    """No thread of a held-out message is cited by the catalogue (a catalogue message copied from it
    would cite it), and a thread is on one side only. (Held-out texts do contain catalogue messages
    word for word: many errors print one fixed sentence, whoever hits them.)"""
    cited = {u for e in kb.data.errors for u in (*e.threads, *e.sources)}
    held = [m for m in corpus if m["split"] == "held-out"]
    assert len(held) >= 300
    assert {m["source"] for m in held} & cited == set()
    sides = {}
    for m in corpus:
        sides.setdefault(m["source"], set()).add(m["split"])
    assert [s for s, x in sides.items() if len(x) > 1] == []


def test_fragments_come_from_their_messages(corpus):
    flat = lambda s: " ".join(s.split())  # noqa: E731
    bad = [m["fragment"] for m in corpus if m.get("fragment") and flat(m["fragment"]) not in flat(m["text"])]
    assert bad == []
    assert all(6 <= len(m["fragment"].split()) <= 10 for m in corpus if m.get("fragment"))


def test_explain_finds_held_out_messages(corpus, kb):
    """A floor under the benchmark's figures (whole messages, fragments, mangled fragments): a change
    that makes the matcher stop generalising fails here, not only in bench/RESULTS.md."""
    held = [m for m in corpus if m["split"] == "held-out"]
    top3 = lambda text: [x["id"] for x in explain(kb, text)["matches"][:3]]  # noqa: E731
    whole = sum(all(e in top3(m["text"]) for e in m["expect"]) for m in held) / len(held)
    frags = [m for m in held if m.get("fragment")]
    middle = sum(any(e in top3(m["fragment"]) for e in m["expect"]) for m in frags) / len(frags)
    mangled = sum(any(e in top3(mangle(m["fragment"])) for e in m["expect"]) for m in frags) / len(frags)
    assert whole >= 0.9 and middle >= 0.85 and mangled >= 0.85, (whole, middle, mangled)
