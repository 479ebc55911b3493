"""The error catalogue on the real data: explain() finds each entry for its own messages, finds
every entry of a multi-message paste, and never raises."""

from __future__ import annotations

import io
import itertools
import json

import pytest

from cudacompat import cli
from cudacompat.answers.explain import explain
from cudacompat.text.titles import FAMILY_TITLE


def all_messages(kb):
    return [(e.id, m) for e in kb.data.errors for m in e.messages]


def test_catalogue_size_and_families(kb):
    assert len(kb.data.errors) >= 60
    assert set(FAMILY_TITLE) == {e.family for e in kb.data.errors}


def test_explain_puts_each_entry_first_for_its_messages(kb):
    wrong = []
    for eid, msg in all_messages(kb):
        r = explain(kb, msg)
        if not r["matches"] or r["matches"][0]["id"] != eid:
            wrong.append((eid, msg, [m["id"] for m in r["matches"]][:3]))
    assert wrong == []


def test_a_paste_of_two_messages_finds_both(kb):
    """The terminal used to lose every entry after the first: the pasted lines were overwritten by the
    first entry's advice lines (a reused variable)."""
    firsts = [(e.id, e.messages[0]) for e in kb.data.errors]
    lost = []
    for (a, ma), (b, mb) in itertools.islice(itertools.permutations(firsts, 2), 0, None, 7):
        ids = [m["id"] for m in explain(kb, f"{ma}\n{mb}\n")["matches"]]
        if a not in ids or b not in ids:
            lost.append((a, b, ids[:4]))
    assert lost == []


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
    monkeypatch.setattr("sys.stdin", io.StringIO("everything is fine"))
    assert cli.main(["explain"]) == 1


@pytest.mark.parametrize("text", ["", "\x00\x01", "(" * 5000, "sm_" * 10000, "é" * 300000, "a\rb\x1c\u2028c"])
def test_explain_never_raises(kb, text):
    explain(kb, text)


def test_explain_names_the_builds_for_an_sm_by_driver_range(kb):
    """sm_120: the cu128 builds for drivers from the GPU's floor (570) to 580, the cu130+ builds from 580;
    compute_89: the toolkits that build it."""
    from cudacompat.text.explain import explain_json

    msg = "NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation."
    lines = explain_json(explain(kb, msg))["matches"][0]["personalised"]
    cu128 = next(x for x in lines if "cu128" in x)
    assert cu128.startswith("  driver ≥ 570") and "below 580" in cu128
    assert any(x.startswith("  driver ≥ 580") and "cu130" in x for x in lines)
    lines = explain_json(explain(kb, "nvcc fatal   : Unsupported gpu architecture 'compute_89'"))["matches"][0]["personalised"]
    assert lines[0] == "nvcc of CUDA 11.8 or newer builds sm_89 and compute_89."


def test_explain_decodes_the_cuda_version_of_the_driver(kb):
    from cudacompat.text.explain import explain_json

    top = explain_json(explain(kb, "RuntimeError: The NVIDIA driver on your system is too old (found version 10010)."))
    top = top["matches"][0]
    assert top["id"] == "driver-too-old" and top["facts"]["driver_cuda"] == "10.1"
    assert top["personalised"][0].startswith("“found version 10010” is the newest CUDA the driver supports: CUDA 10.1")
    assert any("CUDA 12.x need driver ≥ 525" in x for x in top["personalised"])
    top = explain_json(explain(kb, "The NVIDIA driver on your system is too old (found version 11040)."))["matches"][0]
    assert "CUDA 11.4 itself needs driver ≥ 470.42.01 (Linux)" in "\n".join(top["personalised"])
