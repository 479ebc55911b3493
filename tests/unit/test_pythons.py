"""Measuring the CPython versions with a torch wheel: pip's command line, its reports and logs (no network).

The reports under ``tests/fixtures/pip-report/`` are real ``pip install --dry-run --report -`` outputs
(pip 26.3) with the download URL cut to the file name and the long description dropped; the logs are
the relevant lines of pip's ``--log`` for a release without a wheel and for an unreachable index.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cudacompat.wheels import pythons
from cudacompat.wheels.pythons import (
    ABSENT,
    ERROR,
    FOUND,
    Outcome,
    classify,
    parse_report,
    python_range,
    report_cmd,
)

REPORTS = Path(__file__).parents[1] / "fixtures" / "pip-report"


def report(name: str) -> dict[str, Any]:
    return json.loads((REPORTS / name).read_text(encoding="utf-8"))


def flag_values(cmd: list[str], flag: str) -> list[str]:
    return [cmd[i + 1] for i, c in enumerate(cmd) if c == flag]


# ---------------------------------------------------------------- parse_report


def test_parse_report_linux_cp312() -> None:
    wheel = parse_report(report("torch-2.2.0-linux-x86_64-3.12.json"))
    assert wheel is not None
    assert wheel["filename"] == "torch-2.2.0-cp312-cp312-manylinux1_x86_64.whl"
    assert wheel["version"] == "2.2.0"
    assert (wheel["python_tag"], wheel["abi_tag"], wheel["platform_tag"]) == ("cp312", "cp312", "manylinux1_x86_64")
    assert wheel["requires_python"] == ">=3.8.0"
    assert any(r.startswith("nvidia-cudnn-cu12") for r in wheel["requires_dist"])


def test_parse_report_free_threaded_and_macos() -> None:
    ft = parse_report(report("torch-2.9.0-linux-x86_64-3.13t.json"))
    assert ft is not None and ft["abi_tag"] == "cp313t" and ft["python_tag"] == "cp313"
    mac = parse_report(report("torch-2.2.0-macos-arm64-3.9.json"))
    assert mac is not None
    assert mac["filename"] == "torch-2.2.0-cp39-none-macosx_11_0_arm64.whl"
    assert mac["abi_tag"] == "none"


def test_parse_report_keeps_only_the_file_name() -> None:
    r = report("torch-2.2.0-linux-x86_64-3.12.json")
    r["install"][0]["download_info"]["url"] = "https://files.example/packages/ab/cd/" + \
        "torch-2.2.0-cp312-cp312-manylinux1_x86_64.whl#sha256=00"
    wheel = parse_report(r)
    assert wheel is not None and wheel["filename"] == "torch-2.2.0-cp312-cp312-manylinux1_x86_64.whl"


def test_parse_report_installs_nothing() -> None:
    assert parse_report({"version": "1", "install": []}) is None
    assert parse_report({}) is None


def test_fixtures_name_no_host() -> None:
    for f in REPORTS.glob("torch-*.json"):
        for item in json.loads(f.read_text(encoding="utf-8"))["install"]:
            assert "/" not in item["download_info"]["url"], f.name


# ---------------------------------------------------------------- classify


def test_classify_found() -> None:
    text = (REPORTS / "torch-2.2.0-linux-x86_64-3.12.json").read_text(encoding="utf-8")
    out = classify(0, text, "Fetched page <index>/simple/torch/")
    assert out.kind == FOUND and out.wheel is not None
    assert out.wheel["python_tag"] == "cp312"


def test_classify_no_matching_distribution_is_absent() -> None:
    log = (REPORTS / "torch-2.13.0-linux-x86_64-3.15.log").read_text(encoding="utf-8")
    assert classify(1, "", log) == Outcome(ABSENT)


def test_classify_network_error_is_not_absence() -> None:
    log = (REPORTS / "network-error.log").read_text(encoding="utf-8")
    out = classify(1, "", log)
    assert out.kind == ERROR and "Could not fetch URL" in out.detail


def test_classify_no_match_without_fetched_index_is_an_error() -> None:
    assert classify(1, "", "ERROR: No matching distribution found for torch==2.2.0").kind == ERROR


def test_classify_bad_report_is_an_error() -> None:
    assert classify(0, "not json", "").kind == ERROR
    assert classify(0, '{"install": []}', "").kind == ERROR


# ---------------------------------------------------------------- report_cmd


def test_report_cmd_flags() -> None:
    cmd = report_cmd("2.7.1", "linux-aarch64", "3.12", pip_python="py", log="/tmp/x.log")
    assert cmd[:4] == ["py", "-m", "pip", "install"]
    for flag in ("--isolated", "--dry-run", "--ignore-installed", "--no-deps", "--only-binary=:all:",
                 "--quiet", "--use-feature=fast-deps"):
        assert flag in cmd
    assert flag_values(cmd, "--report") == ["-"]
    assert flag_values(cmd, "--python-version") == ["3.12"]
    assert flag_values(cmd, "--implementation") == ["cp"]
    assert flag_values(cmd, "--abi") == []
    assert flag_values(cmd, "--platform") == ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64",
                                              "manylinux2014_aarch64"]
    assert flag_values(cmd, "--log") == ["/tmp/x.log"]
    assert "--target" not in cmd
    assert cmd[-1] == "torch==2.7.1"
    assert not any("index-url" in c for c in cmd)


def test_report_cmd_free_threaded_windows_macos_target() -> None:
    cmd = report_cmd("2.9.0", "windows-x86_64", "3.14t", target="/tmp/t")
    assert flag_values(cmd, "--python-version") == ["3.14"]
    assert flag_values(cmd, "--abi") == ["cp314t"]
    assert flag_values(cmd, "--platform") == ["win_amd64"]
    assert flag_values(cmd, "--target") == ["/tmp/t"]
    mac = flag_values(report_cmd("2.9.0", "macos-arm64", "3.10"), "--platform")
    assert mac[0] == "macosx_15_0_arm64" and mac[-1] == "macosx_11_0_arm64"


def test_report_cmd_passes_the_ca_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    monkeypatch.setenv("PIP_CERT", str(ca))
    assert flag_values(report_cmd("2.7.1", "linux-x86_64", "3.12"), "--cert") == [str(ca)]


def test_report_cmd_rejects_bad_python() -> None:
    with pytest.raises(ValueError):
        report_cmd("2.7.1", "linux-x86_64", "3")


# ---------------------------------------------------------------- measure (pip faked)


class FakePip:
    """Stands in for subprocess.run: answers from a table of (platform tag, python, abi) -> wheel."""

    def __init__(self, wheels: dict[tuple[str, str, str | None], str], fail_first: int = 0) -> None:
        self.wheels, self.fail_first, self.calls = wheels, fail_first, 0

    def __call__(self, cmd: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        if cmd[-1] == "--version":
            return subprocess.CompletedProcess(cmd, 0, "pip 26.3 from /x (python 3.11)\n", "")
        self.calls += 1
        log = Path(flag_values(cmd, "--log")[0])
        if self.calls <= self.fail_first:
            log.write_text("Could not fetch URL <index>/simple/torch/: connection error - skipping\n")
            return subprocess.CompletedProcess(cmd, 1, "", "")
        py, abi = flag_values(cmd, "--python-version")[0], (flag_values(cmd, "--abi") or [None])[0]
        for tag in flag_values(cmd, "--platform"):
            name = self.wheels.get((tag, py, abi))
            if name:
                log.write_text("Fetched page <index>/simple/torch/\n")
                rep = {"install": [{"download_info": {"url": f"<index>/packages/{name}"},
                                    "metadata": {"version": "2.9.0", "requires_python": ">=3.10"}}]}
                return subprocess.CompletedProcess(cmd, 0, json.dumps(rep), "")
        log.write_text("Fetched page <index>/simple/torch/\nERROR: No matching distribution found for torch==2.9.0\n")
        return subprocess.CompletedProcess(cmd, 1, "", "")


def test_measure_builds_the_evidence_document(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakePip({
        ("win_amd64", "3.10", None): "torch-2.9.0-cp310-cp310-win_amd64.whl",
        ("win_amd64", "3.12", None): "torch-2.9.0-cp312-cp312-win_amd64.whl",
        ("win_amd64", "3.13", "cp313t"): "torch-2.9.0-cp313-cp313t-win_amd64.whl",
        ("win_amd64", "3.14", "cp314t"): "torch-2.9.0-cp314-cp314-win_amd64.whl",  # not free-threaded
    }, fail_first=1)
    monkeypatch.setattr(pythons.subprocess, "run", fake)
    monkeypatch.setattr(pythons.time, "sleep", lambda _: None)
    doc = pythons.measure("2.9.0", ["windows-x86_64"], ["3.10", "3.11", "3.12", "3.13t", "3.14t"], jobs=1)
    assert doc["torch"] == "2.9.0" and doc["pip"] == "26.3"
    assert doc["platforms"] == {"windows-x86_64": {
        "3.10": "torch-2.9.0-cp310-cp310-win_amd64.whl", "3.11": None,
        "3.12": "torch-2.9.0-cp312-cp312-win_amd64.whl",
        "3.13t": "torch-2.9.0-cp313-cp313t-win_amd64.whl", "3.14t": None}}
    assert doc["requires_python"] == {"windows-x86_64": [">=3.10"]}
    assert fake.calls == 6  # one network failure retried
    r = python_range(doc["platforms"]["windows-x86_64"])
    assert r == {"min": "3.10", "max": "3.12", "holes": ["3.11"], "free_threaded": ["3.13t"]}


def test_measure_reports_persistent_network_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pythons.subprocess, "run", FakePip({}, fail_first=99))
    monkeypatch.setattr(pythons.time, "sleep", lambda _: None)
    with pytest.raises(pythons.MeasureError, match="Could not fetch URL"):
        pythons.measure("2.9.0", ["windows-x86_64"], ["3.12"], jobs=1)


def test_measure_refuses_a_pip_that_downloads_wheels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pythons, "pip_version", lambda _=None: "23.2.1")
    with pytest.raises(pythons.MeasureError, match="downloads every wheel"):
        pythons.measure("2.9.0", ["windows-x86_64"], ["3.12"])
