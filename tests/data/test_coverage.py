"""Coverage of the real data: the measured evidence agrees with the rows, announced removals are
checked against the builds, stats and gaps are computed from the rows."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from cudacompat import ROOT, cli, versions
from cudacompat.answers.coverage import announcement_status, stats
from cudacompat.answers.index import KB
from cudacompat.kb.load import load
from cudacompat.kb.rows import Row
from cudacompat.text.coverage import announcement_detail, gap_sections
from cudacompat.wheels import evidence, verify


def announcement(**kw) -> Row:
    return Row("Announcement", {"sources": ("https://example.org/rfc",), "confidence": "high", "notes": None,
                                "id": "x", "variant": None, "announced": None, "summary": "s", **kw})


def release_with_cuda_builds(kb: KB):
    """The newest release whose default build has a Linux x86_64 list and a Python range."""
    return next(t for t in kb.releases if t.python and any(v.default and v.cuda and "linux-x86_64" in v.platforms
                                                          for v in t.variants))


def test_cuda_drop_against_the_builds(kb):
    t = release_with_cuda_builds(kb)
    present = next(v.cuda for v in t.variants if v.cuda)
    st = announcement_status(kb, announcement(kind="cuda", subject=present, torch=t.version))
    assert st["status"] == "not-done" and st["checked"] == t.version and t.version in announcement_detail(st)
    assert announcement_status(kb, announcement(kind="cuda", subject="11.0", torch=t.version))["status"] == "done"


def test_python_drop_against_the_range(kb):
    t = release_with_cuda_builds(kb)
    assert announcement_status(kb, announcement(kind="python", subject=t.python.min, torch=t.version))["status"] \
        == "not-done"
    below = versions.parse(t.python.min).release
    older = f"{below[0]}.{below[1] - 1}"
    assert announcement_status(kb, announcement(kind="python", subject=older, torch=t.version))["status"] == "done"


def test_architecture_drop_uses_the_exact_target(kb):
    t = release_with_cuda_builds(kb)
    v = next(v for v in t.variants if v.default)
    sm = v.platforms["linux-x86_64"].sm
    st = announcement_status(kb, announcement(kind="architecture", subject=sm[0], torch=t.version, variant=v.variant))
    assert st["status"] == "not-done" and v.variant in announcement_detail(st)
    missing = next(c for c in ("8.9", "8.7", "6.2", "3.7") if c not in sm)
    st = announcement_status(kb, announcement(kind="architecture", subject=missing, torch=t.version, variant=v.variant))
    assert st["status"] == "done"
    st = announcement_status(kb, announcement(kind="architecture", subject="7.0", torch=t.version, variant="cu999"))
    assert st["status"] == "done" and "no cu999 build" in announcement_detail(st)


def test_a_release_not_recorded_yet_is_planned(kb):
    newest = versions.parse(kb.releases[0].version).release
    st = announcement_status(kb, announcement(kind="cuda", subject="12.6", torch=f"{newest[0]}.{newest[1] + 1}.0"))
    assert st["status"] == "planned" and st["checked"] is None


def test_offline_verify_passes_on_the_repository(capsys):
    assert cli.main(["verify", "--offline"]) == 0
    assert re.search(r"^\d+ evidence file\(s\) checked, 0 difference\(s\)", capsys.readouterr().err, re.M)


def test_evidence_covers_every_default_wheel_from_1_13_1_to_2_15_0(kb):
    files = {f.name for f in evidence.EVIDENCE_DIR.glob("torch-*.json")}
    for t in kb.data.torch:
        if versions.parse("1.13.1") <= versions.parse(t.version) <= versions.parse("2.15.0"):
            assert f"torch-{t.version}-linux-x86_64.json" in files, t.version


def test_offline_verify_fails_when_a_row_disagrees(tmp_path, kb):
    d = tmp_path / "ev"
    shutil.copytree(evidence.EVIDENCE_DIR, d)
    f = d / "torch-2.7.1-linux-x86_64.json"
    ev = json.loads(f.read_text())
    ev["sm"] = ev["sm"][1:]
    f.write_text(json.dumps(ev))
    n, diffs = verify.offline(kb.data, d)
    assert n > 20 and len(diffs) == 1 and "2.7.1" in diffs[0] and "sm is" in diffs[0]


def test_stats_meet_coverage(kb, capsys):
    s = stats(kb)
    c = s["counts"]
    assert c["gpus"] >= 100 and c["torch_releases"] >= 25 and c["errors"] >= 60 and c["ngc"] >= 20
    assert c["announcements"] >= 20 and set(c["announcements_by_kind"]) == {"cuda", "architecture", "python"}
    assert s["sources_by_kind"]["measured"] > 50
    assert cli.main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["newest"]["torch"] == s["newest"]["torch"]


def test_gaps_page_lists_unknowns(kb):
    titles = [t for t, _ in gap_sections(kb)]
    assert any(t.startswith("Builds without an architecture list for") for t in titles)
    assert all("{" not in t for t in titles)


@pytest.mark.parametrize("file", ["data/compat.yaml"])
def test_real_data_is_valid(file, capsys):
    assert cli.main(["check", str(ROOT / file)]) == 0
    assert load(ROOT / file).torch
