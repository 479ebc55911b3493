"""`cudacompat verify --offline`, `stats`, and rows drafted from the evidence."""

from __future__ import annotations

import json
import re
import shutil

from cudacompat import ROOT, cli, evidence, loader, query, verify
from cudacompat.stats import stats


def test_offline_verify_passes_on_the_repository(capsys):
    assert cli.main(["verify", "--offline"]) == 0
    assert "0 difference(s)" in capsys.readouterr().err


def test_evidence_covers_every_default_wheel_from_1_13_1_to_2_15_0():
    measured = {e["requested"] for e in evidence.load_all() if e["platform"] == "linux-x86_64"}
    for v in ["1.13.1", "2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "2.7.0", "2.8.0",
              "2.9.0", "2.10.0", "2.11.0", "2.12.0", "2.13.0", "2.14.0", "2.15.0"]:
        assert v in measured, v


def _broken_copy(tmp_path, old: str, new: str):
    text = (ROOT / "data" / "compat.yaml").read_text()
    assert old in text
    f = tmp_path / "data" / "compat.yaml"
    f.parent.mkdir()
    f.write_text(text.replace(old, new, 1))
    shutil.copytree(ROOT / "data" / "evidence", tmp_path / "data" / "evidence")
    return loader.load(f)


def test_offline_verify_fails_when_a_row_disagrees(tmp_path):
    text = (ROOT / "data" / "compat.yaml").read_text()
    # the 2.7.1 default variant's measured Linux x86_64 sm list: drop sm_50 from it
    m = re.search(r'id: "torch-2\.7\.1".*?linux-x86_64:\s*\n\s*sm: \[("5\.0", )', text, re.S)
    assert m
    kb = _broken_copy(tmp_path, text[m.start():m.end()], text[m.start():m.start(1)])
    n, diffs = verify.offline(kb)
    assert n > 0 and any("2.7.1+cu126 linux-x86_64 sm" in d for d in diffs)


def test_offline_verify_fails_on_a_wrong_pin(tmp_path):
    text = (ROOT / "data" / "compat.yaml").read_text()
    row = text[text.index('id: "torch-2.7.1"'):]
    row = row[: row.index('cudnn: "9.5.1.17"') + len('cudnn: "9.5.1.17"')]
    kb = _broken_copy(tmp_path, row, row.replace('cudnn: "9.5.1.17"', 'cudnn: "9.5.1.18"'))
    n, diffs = verify.offline(kb)
    assert any("cudnn is '9.5.1.18'; the wheel pins '9.5.1.17'" in d for d in diffs)


def test_online_verify_with_a_reader(kb):
    ev = json.loads((evidence.EVIDENCE_DIR / "torch-2.7.1-linux-x86_64.json").read_text())
    n, diffs, errors = verify.online(kb.data, ["2.7.1"], ["linux-x86_64"], reader=lambda *a: dict(ev))
    assert (n, diffs, errors) == (1, [], [])
    bad = dict(ev, sm=["9.0"])
    n, diffs, errors = verify.online(kb.data, ["2.7.1"], ["linux-x86_64"], reader=lambda *a: dict(bad))
    assert diffs and not errors

    def fail(*a):
        raise OSError("network unreachable")

    n, diffs, errors = verify.online(kb.data, ["2.7.1"], ["linux-x86_64"], reader=fail)
    assert n == 0 and errors == ["torch 2.7.1 linux-x86_64: network unreachable"]


def test_draft_equals_curated_default_variant(kb):
    by: dict[str, list] = {}
    for e in evidence.load_all():
        by.setdefault(e["requested"], []).append(e)
    for version, evs in by.items():
        row = evidence.draft(version, evs)
        dv = row["variants"][0]
        t = next(t for t in kb.data.torch if t.version == version)
        (cur,) = [v for v in t.variants if v.default]
        assert cur.variant == dv["variant"], version
        for k in ("cuda", "cudnn", "nccl", "cuda_runtime"):
            assert getattr(cur, k) == dv.get(k), (version, k)
        for p, al in dv.get("platforms", {}).items():
            assert cur.platforms[p].sm == al["sm"] and cur.platforms[p].ptx == al["ptx"], (version, p)


def test_stats_meet_coverage(kb):
    s = stats(kb)
    c = s["counts"]
    assert c["gpus"] >= 100 and c["errors"] >= 60
    assert c["torch_releases"] >= 30 and c["cuda_toolkits"] >= 21 and c["images"] >= 50
    assert c["ngc"] >= 20 and c["announcements"] >= 20
    assert set(c["announcements_by_kind"]) == {"cuda", "architecture", "python"}
    assert set(c["gpus_by_segment"]) == {"datacenter", "workstation", "consumer", "embedded"}
    assert s["newest"]["torch"] == max((t.version for t in kb.data.torch), key=lambda v: tuple(map(int, v.split("."))))
    assert s["sources_by_kind"]["measured"] > 0


def test_stats_cli_json(capsys):
    assert cli.main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["torch_releases"] > 0


def test_gaps_page_lists_unknowns(kb):
    from cudacompat import render

    g = render.gaps(query.KB(kb.data))
    assert any("nvidia-smi" in k for k in g)


def test_runtime_pin_reads_the_cuda_toolkit_metapackage():
    ev = json.loads((evidence.EVIDENCE_DIR / "torch-2.12.0-linux-x86_64.json").read_text())
    assert "nvidia-cuda-runtime-cu13" not in ev["pins"]  # 2.11 on: cuda-toolkit[cudart,…]==13.0.2
    assert evidence.runtime_pin(ev) == "13.0.2"
    # without the cudart extra the metapackage says nothing about the runtime
    no_cudart = dict(ev, requires_dist=['cuda-toolkit[cufft,nvrtc]==13.0.2; platform_system == "Linux"'])
    assert evidence.runtime_pin(no_cudart) is None
    old = json.loads((evidence.EVIDENCE_DIR / "torch-2.7.1-linux-x86_64.json").read_text())
    assert evidence.runtime_pin(old) == "12.6.77"
