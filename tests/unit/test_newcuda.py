"""Drafting CUDA toolkit releases from the cuda-toolkit metapackages (a recorded pip report; no network)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cudacompat.wheels import newcuda

REPORT = json.loads((Path(__file__).parent.parent / "fixtures" / "pip-report" / "cuda-toolkit-13.5.0.json").read_text())


def test_metapackage_versions_map_to_releases():
    assert newcuda.release_of("13.4.1.0") == "13.4.1" and newcuda.release_of("13.5.0") == "13.5.0"
    assert newcuda.release_of("13.6.0rc1") is None and newcuda.release_of("13") is None
    assert newcuda.missing_releases(["13.5.0", "13.4.1.0", "12.0.0", "11.8.0"], ["12.0.0", "13.4.1"]) == ["13.5.0"]


def test_the_recorded_report_gives_cudart():
    parsed = newcuda.parse_report(REPORT)
    assert parsed["version"] == "13.5.0"
    assert newcuda.cudart_from_requires(parsed["requires_dist"]) == "13.5.37"
    row = newcuda.draft_release("13.5.0", "13.5.0", parsed["requires_dist"])
    assert row == {"version": "13.5.0", "name": "GA", "min_driver": {}, "cudart": "13.5.37", "todo": row["todo"]}
    assert "archive/13.5.0/cuda-toolkit-release-notes" in row["todo"]


def test_draft_asks_pip_and_renders_yaml():
    calls = []

    def run(cmd, **kw):
        calls.append(cmd)
        if "index" in cmd:
            return subprocess.CompletedProcess(cmd, 0, "cuda-toolkit (13.5.0)\nAvailable versions: 13.5.0, 13.4.3\n", "")
        return subprocess.CompletedProcess(cmd, 0, json.dumps(REPORT), "")

    drafts = newcuda.draft(["13.4.3"], run)
    assert [d["version"] for d in drafts] == ["13.5.0"]
    assert any("--dry-run" in c and "cuda-toolkit==13.5.0" in c for c in calls)
    text = newcuda.render(drafts)
    assert '- {version: "13.5.0", name: "GA", min_driver: {}, cudart: "13.5.37"}' in text
