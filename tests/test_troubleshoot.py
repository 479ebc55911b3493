"""The error catalogue: explain() and the generated troubleshooting pages agree with it."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from cudacompat import cli, troubleshoot


def all_messages(kb):
    return [(e.id, m) for e in kb.data.errors for m in e.messages]


def test_catalogue_size_and_families(kb):
    assert len(kb.data.errors) >= 60
    assert set(troubleshoot.FAMILY_TITLE) == {e.family for e in kb.data.errors}


def test_explain_puts_each_entry_first_for_its_messages(kb):
    wrong = []
    for eid, msg in all_messages(kb):
        r = troubleshoot.explain(kb, msg)
        if not r["matches"] or r["matches"][0]["id"] != eid:
            wrong.append((eid, msg, [m["id"] for m in r["matches"]][:3]))
    assert wrong == []


def test_explain_sm120_names_cause_and_builds(capsys):
    msg = ("NVIDIA GeForce RTX 5070 with CUDA capability sm_120 is not compatible with the current "
           "PyTorch installation.")
    assert cli.main(["explain", msg, "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    top = r["matches"][0]
    assert top["params"]["sm"] == "sm_120" and "RTX 5070" in top["params"]["gpu"]
    assert top["cause"]
    native = top["facts"]["builds"]["native"]
    assert native and all(b["install"].startswith("pip install torch==") for b in native)
    assert any("sm_120" in line for line in top["personalised"])


def test_explain_no_match_and_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("everything is fine"))
    assert cli.main(["explain"]) == 1


@pytest.mark.parametrize("text", ["", "\x00\x01", "(" * 5000, "sm_" * 10000, "é" * 300000])
def test_explain_never_raises(kb, text):
    troubleshoot.explain(kb, text)


def test_pages_and_catalogue_agree_both_ways(built_site, kb):
    anchors = Counter()
    for family in {e.family for e in kb.data.errors}:
        html = (built_site / "troubleshooting" / family / "index.html").read_text()
        anchors.update((family, a) for a in re.findall(r'<h2 id="([^"]+)"', html))
    entries = Counter((e.family, e.id) for e in kb.data.errors)
    assert anchors == entries
