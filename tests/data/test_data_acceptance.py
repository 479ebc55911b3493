"""The data issue's acceptance on the real knowledge base: new CUDA releases with their sourced
minimums, measured Python ranges, patch releases listing every build, NGC images never below their CUDA."""

from __future__ import annotations

import json

import pytest

from cudacompat import cli


def run_json(capsys, *args):
    rc = cli.main([*args, "--json"])
    return rc, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("cuda", ["13.3", "13.4", "13.5"])
def test_new_cuda_releases_answer(capsys, cuda):
    rc, r = run_json(capsys, "cuda", cuda)
    assert rc == 0 and r["version"] == cuda and r["sources"]
    assert r["minor_version_compat_min_driver"] == {"linux": "580", "windows": "580"}
    if cuda == "13.3":
        assert r["min_driver"]["linux"] == "610.43.02"
    else:  # not sourced: no number is made up, and the gaps page lists it
        assert r["min_driver"]["linux"] is None


def test_cuda_13_4_headline_is_its_ga_not_the_developer_preview(capsys):
    _, r = run_json(capsys, "cuda", "13.4")
    assert (r["release"], r["release_name"]) == ("13.4.1", "GA")


@pytest.mark.parametrize("version, lo, hi", [("2.2.0", "3.8", "3.12"), ("2.13.0", "3.10", "3.14"),
                                             ("2.14.0", "3.10", "3.14"), ("2.15.0", "3.11", "3.15")])
def test_python_ranges_are_the_measured_ones(capsys, version, lo, hi):
    _, r = run_json(capsys, "torch", version)
    assert r["python"] == {"min": lo, "max": hi}
    assert f"evidence:data/evidence/pythons/torch-{version}.json" in r["sources"]


def test_python_3_15_is_offered_only_what_has_a_cp315_wheel(capsys):
    _, r = run_json(capsys, "will-it-run", "--gpu", "RTX 4090", "--driver", "580.65.06", "--python", "3.15")
    assert {o["torch"] for o in r["options"]} == {"2.15.0"}


def test_torch_2_14_lists_every_build(capsys):
    _, r = run_json(capsys, "torch", "2.14")
    assert r["version"] == "2.14.1"
    assert {v["variant"] for v in r["variants"]} >= {"cu126", "cu130", "cu132"}


def test_no_ngc_image_states_a_driver_below_its_cuda(kb):
    floors = {m.major: m.minor_version_compat_min_driver.linux for m in kb.data.cuda_majors}
    from cudacompat import versions
    for n in kb.data.ngc:
        if n.cuda and n.min_driver and n.min_driver.linux:
            floor = floors[versions.parse(n.cuda).release[0]]
            assert versions.driver(n.min_driver.linux) >= versions.driver(floor), n.id
