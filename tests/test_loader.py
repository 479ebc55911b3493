"""The loader and the invariants: every problem reported once, with file:line:col and row id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import FIXTURES

from cudacompat import cli, loader

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<row>\S+): (?P<msg>.+)$")
MINI = (FIXTURES / "mini.yaml").read_text()


def problems_for(tmp_path: Path, text: str) -> list[loader.Problem]:
    f = tmp_path / "compat.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(loader.InvalidData) as e:
        loader.load(f)
    return e.value.problems


def line_of(text: str, needle: str, nth: int = 0) -> int:
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth]


def test_mini_fixture_is_valid(mini):
    assert [g.id for g in mini.data.gpus] == ["card-a", "card-b"]


def test_missing_source(tmp_path):
    text = MINI.replace('    sources: ["https://example.invalid/gpus"]\n', "", 1)
    (p,) = problems_for(tmp_path, text)
    assert (p.line, p.col, p.row) == (line_of(text, "id: card-a"), 5, "card-a")
    assert "missing required key 'sources'" in p.message


def test_empty_sources_and_bad_source(tmp_path):
    text = MINI.replace('sources: ["https://example.invalid/arch"]', "sources: []", 1)
    text = text.replace('sources: ["https://example.invalid/mvc"]', 'sources: ["my memory"]')
    ps = problems_for(tmp_path, text)
    assert {p.row for p in ps} == {"alpha", "cuda-12"}
    assert any("at least 1 item" in p.message for p in ps)
    assert any("a source must be an https:// URL" in p.message for p in ps)


def test_dangling_reference(tmp_path):
    text = MINI.replace("architecture: beta", "architecture: gamma")
    (p,) = problems_for(tmp_path, text)
    assert p.row == "card-b" and "unknown architecture 'gamma'" in p.message
    assert p.line == line_of(text, "architecture: gamma")


def test_wrong_type_number_instead_of_string(tmp_path):
    text = MINI.replace('compute_capability: "8.6"', "compute_capability: 8.6")
    (p,) = problems_for(tmp_path, text)
    assert p.line == line_of(text, "compute_capability: 8.6") and p.col == 25
    assert "quoted string" in p.message


def test_duplicate_id_and_duplicate_key(tmp_path):
    text = MINI.replace("  - id: card-b", "  - id: card-a").replace(
        "    segment: datacenter", "    segment: datacenter\n    segment: consumer")
    ps = problems_for(tmp_path, text)
    msgs = [p.message for p in ps]
    assert any(m.startswith("duplicate id 'card-a'") for m in msgs)
    assert any(m.startswith("duplicate key 'segment'") for m in msgs)


def test_cc_not_in_architecture(tmp_path):
    text = MINI.replace('compute_capability: "12.0"', 'compute_capability: "8.0"')
    (p,) = problems_for(tmp_path, text)
    assert "is not one of beta's" in p.message


def test_variant_sm_outside_toolkit_range(tmp_path):
    text = MINI.replace('sm: ["8.0", "9.0"]', 'sm: ["8.0", "9.0", "12.0"]')
    (p,) = problems_for(tmp_path, text)
    assert p.row == "torch-9.1.0+cu121"
    assert "sm_120 is outside what CUDA 12.1 can compile for (sm_50..sm_90)" in p.message


def test_driver_minimum_decreasing(tmp_path):
    text = MINI.replace('linux: "570.26"', 'linux: "520.0"')
    (p,) = problems_for(tmp_path, text)
    assert "never decrease along CUDA 12.x" in p.message and p.row == "cuda-12.8"


def test_unparsable_versions(tmp_path):
    text = MINI.replace('version: "9.1.0"', 'version: "nine"').replace('linux: "570.26"', 'linux: "latest"')
    ps = problems_for(tmp_path, text)
    assert any("'nine' is not a version" in p.message for p in ps)
    assert any("'latest' is not a driver version" in p.message for p in ps)


def test_image_reference(tmp_path):
    text = MINI.replace('torch: "9.1.0"\n    variant: cu128', 'torch: "9.1.0"\n    variant: cu126')
    (p,) = problems_for(tmp_path, text)
    assert "no torch 9.1.0 cu126 build" in p.message


def test_unknown_key_names_expected(tmp_path):
    text = MINI.replace("    segment: consumer", "    segment: consumer\n    colour: green")
    (p,) = problems_for(tmp_path, text)
    assert "unknown key 'colour'" in p.message and "compute_capability" in p.message
    assert p.line == line_of(text, "colour: green")


def test_all_problems_in_one_run(tmp_path):
    text = (MINI.replace('    sources: ["https://example.invalid/gpus"]\n', "", 1)
            .replace("architecture: beta", "architecture: gamma")
            .replace('compute_capability: "12.0"', "compute_capability: 12.0")
            .replace("  - id: cuda-12.8", "  - id: cuda-12.1"))
    ps = problems_for(tmp_path, text)
    assert len(ps) >= 3
    assert all(LINE.match(str(p)) for p in ps)


@pytest.mark.parametrize("text, expect", [
    ("", "the file is empty"),
    ("gpus: [\n", "YAML syntax"),
    ("gpus:\n\t- id: x\n", "tab character"),
    ("a: &x [1]\nb: *x\n", "aliases"),
    ("- 1\n- 2\n", "expected a mapping"),
])
def test_malformed_files(tmp_path, text, expect):
    ps = problems_for(tmp_path, text)
    assert any(expect in p.message for p in ps), ps


def test_not_utf8(tmp_path):
    f = tmp_path / "compat.yaml"
    f.write_bytes(b"gpus:\n  - id: \xff\n")
    with pytest.raises(loader.InvalidData) as e:
        loader.load(f)
    (p,) = e.value.problems
    assert (p.line, p.col) == (2, 9) and "UTF-8" in p.message


def test_cli_check_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(MINI)
    assert cli.main(["check", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.replace("architecture: beta", "architecture: gamma"))
    assert cli.main(["check", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert LINE.match(err[0]) and "unknown architecture" in err[0]


def test_cli_check_github_annotations(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = MINI.replace("architecture: beta", "architecture: gamma")
    bad.write_text(text)
    assert cli.main(["check", "--format", "github", str(bad)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"::error file={bad},line={line_of(text, 'architecture: gamma')},col=19::card-b: ")


def test_real_data_is_valid():
    assert cli.main(["check"]) == 0
