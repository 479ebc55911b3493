"""A patch release that rebuilt its minor release: `torch X.Y` lists every build it published, the
inherited ones marked as such."""

from __future__ import annotations

from cudacompat.answers.releases import torch_report


def test_a_patch_release_lists_the_builds_it_inherits(fixture_kb):
    r = torch_report(fixture_kb, "9.1")
    assert r["version"] == "9.1.1"
    by = {v["variant"]: v for v in r["variants"]}
    assert set(by) == {"cu121", "cu128"}
    assert by["cu121"]["default"] and not by["cu128"]["default"]
    assert by["cu128"]["inherited_from"] == "9.1.0" and by["cu121"]["inherited_from"] is None
    assert by["cu128"]["install"] == "pip install torch==9.1.1 --index-url https://download.pytorch.org/whl/cu128"
    assert by["cu128"]["arch"]["linux-x86_64"]["sm"] == ["8.0", "9.0", "12.0"]
    assert "https://example.invalid/torch-patch" in by["cu128"]["sources"]


def test_not_rebuilt_variants_stay_out(fixture_kb):
    from cudacompat.answers.index import with_inherited
    patch = next(t for t in fixture_kb.data.torch if t.version == "9.1.1")
    base = next(t for t in fixture_kb.data.torch if t.version == "9.1.0")
    from cudacompat.kb.rows import Row
    trimmed = Row("Torch", {**patch.__dict__, "not_rebuilt": ("cu128",)})
    assert [v.variant for v in with_inherited(trimmed, base).variants] == ["cu121"]


def test_cuda_cited_by_an_image_but_not_recorded_is_a_gap(tmp_path):
    from cudacompat.answers.coverage import newer_than_data
    from cudacompat.answers.index import KB
    from cudacompat.kb.load import load
    from tests.conftest import FIXTURE_KB
    text = FIXTURE_KB.read_text(encoding="utf-8").replace('cuda: "12.8.1"\n    min_driver: {linux: "570"}',
                                                          'cuda: "12.9.1"\n    min_driver: {linux: "570"}', 1)
    f = tmp_path / "data" / "compat.yaml"
    f.parent.mkdir()
    f.write_text(text, encoding="utf-8")
    assert newer_than_data(KB(load(f))) == [("CUDA 12.9.1", "nvcr.io/nvidia/pytorch:31.02-py3")]
    assert newer_than_data(KB(load(FIXTURE_KB))) == []
