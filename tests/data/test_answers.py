"""Answers on the real knowledge base, and the CLI's JSON interface."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cudacompat import cli, versions
from cudacompat.answers import platforms
from cudacompat.answers.gpus import build_code
from cudacompat.answers.index import find_gpu
from cudacompat.answers.releases import torch_report


def run_json(capsys, *args) -> tuple[int, dict]:
    rc = cli.main([*args, "--json"])
    return rc, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", ["4090", "RTX 4090", "NVIDIA GeForce RTX 4090", "geforce rtx 4090", "RTX4090",
                                  "NVIDIA GeForce RTX 4090 24GB", "rtx 4090 (24 GB)"])
def test_gpu_forgiving_names(kb, name):
    assert find_gpu(kb, name).compute_capability == "8.9"


@pytest.mark.parametrize("name, want", [("GTX 1080Ti", "GeForce GTX 1080 Ti"), ("GTX1080 Ti", "GeForce GTX 1080 Ti"),
                                        ("NVIDIA A100-SXM4-80GB", None), ("Tesla V100-SXM2-16GB", None)])
def test_gpu_names_as_printed(kb, name, want):
    g = find_gpu(kb, name)
    assert want is None or g.name == want


def test_gpu_unknown_lists_nearest(kb, capsys):
    rc = cli.main(["gpu", "RTX 4099"])
    assert rc == 1
    assert "did you mean" in capsys.readouterr().err


def test_gpu_v100_shows_drops(kb, capsys):
    rc, r = run_json(capsys, "gpu", "Tesla V100-SXM2-16GB")
    assert rc == 0
    assert (r["compute_capability"], r["architecture"]) == ("7.0", "Volta")
    native = {(b["torch"], b["variant"], b["platform"]) for b in r["builds"]["native"]}
    dropped = {(b["torch"], b["variant"], b["platform"]) for b in r["no_code"]}
    # the cu128 wheels of 2.8-2.10 still carry sm_70 on Linux x86_64; 2.11's do not
    assert ("2.8.0", "cu128", "linux-x86_64") in native
    assert ("2.10.0", "cu128", "linux-x86_64") in native
    assert ("2.11.0", "cu128", "linux-x86_64") in dropped
    t = {x.version: x for x in kb.releases}
    for ver, var, plat in native:
        al = next(v for v in t[ver].variants if v.variant == var).platforms[plat]
        assert build_code(al, "7.0") == "native"


@pytest.mark.parametrize("text, variants", [("2.7", None), ("2.7.1", None), ("2.7.1+cu128", ["cu128"])])
def test_torch_versions(capsys, text, variants):
    rc, r = run_json(capsys, "torch", text)
    assert rc == 0 and r["version"] == "2.7.1"
    got = [v["variant"] for v in r["variants"]]
    if variants:
        assert got == variants
    else:
        assert {"cu118", "cu126", "cu128"} <= set(got)
    for v in r["variants"]:
        assert set(v) >= {"variant", "cuda", "cudnn", "nccl", "default", "arch"}


def test_torch_default_variant_is_measured(kb):
    r = torch_report(kb, "2.7.1")
    (d,) = [v for v in r["variants"] if v["default"]]
    assert d["variant"] == "cu126" and d["install"] == "pip install torch==2.7.1 torchvision==0.22.1 torchaudio==2.7.1"
    assert d["arch"]["linux-x86_64"]["sm"][0] == "5.0"


def test_torch_unknown(capsys):
    assert cli.main(["torch", "0.1.2"]) == 1
    assert cli.main(["torch", "2.7.1+cu999"]) == 1


def test_cuda_query(capsys):
    rc, r = run_json(capsys, "cuda", "12.8")
    assert rc == 0 and r["version"] == "12.8"
    assert set(r) >= {"version", "min_driver", "minor_version_compat_min_driver", "arch_range"}
    assert versions.driver(r["min_driver"]["linux"]) > versions.driver(r["minor_version_compat_min_driver"]["linux"])
    assert r["arch_range"]["max"] == "12.0"


def test_cuda_versions_compare_numerically(kb):
    # 12.10 would sort before 12.9 as a string; the toolkits are ordered by packaging.version
    vs = [c.version for c in sorted(kb.data.cuda, key=lambda c: versions.parse(c.version))]
    assert vs.index("12.9") < vs.index("13.0") and vs.index("11.8") < vs.index("12.0")


def test_will_it_run_rtx5090_570(kb, capsys):
    drv = "570.86.16"  # the first Linux driver for the RTX 50 series
    rc, r = run_json(capsys, "will-it-run", "--gpu", "RTX 5090", "--driver", drv)
    assert rc == 0 and r["gpu"]["sm"] == "sm_120"
    assert r["options"], "some build must run"
    builds = {(t.version, v.variant): v for t in kb.releases for v in t.variants}
    for o in r["options"]:
        assert o["code"] in ("native", "ptx")
        assert o["driver_via"] in ("toolkit", "minor-version")
        assert o["install"].startswith(f"pip install torch=={o['torch']}")
        # the driver a wheel needs is that of the toolkit release its pinned runtime comes from
        rel = platforms.release_for(kb, builds[(o["torch"], o["variant"])])
        if o["driver_via"] == "toolkit":
            assert versions.driver(drv) >= versions.driver(rel.min_driver.linux)
        else:
            assert versions.driver(drv) < versions.driver(rel.min_driver.linux)
            assert o["minor_version_compat"] is True and any("minor-version" in n for n in o["notes"])
    keys = [versions.parse(o["torch"]) for o in r["options"]]
    assert keys == sorted(keys, reverse=True)
    reasons = {x["reason"] for x in r["rejected"]}
    assert {"arch", "driver"} <= reasons
    assert any(x["variant"] == "cu126" and x["reason"] == "arch" for x in r["rejected"])
    assert any(x["cuda"].startswith("13.") and x["reason"] == "driver" and "580" in x["detail"]
               for x in r["rejected"])
    assert any(o["variant"] == "cu128" and o["driver_via"] == "toolkit" for o in r["options"])


def test_will_it_run_python_and_bad_input(kb, capsys):
    rc, r = run_json(capsys, "will-it-run", "--gpu", "RTX 4090", "--driver", "580.65.06", "--python", "3.8")
    assert any(x["reason"] == "python" and "outside torch" in x["detail"] for x in r["rejected"])
    for bad in ("banana", "570..1", "-1"):
        assert cli.main(["will-it-run", "--gpu", "RTX 4090", "--driver", bad]) == 2  # a usage error
    assert "not a driver version" in capsys.readouterr().err


def test_cli_runs_as_module_without_torch():
    code = ("import sys; sys.argv=['cudacompat','gpu','4090','--json'];"
            "import cudacompat.cli as c; rc=c.main(sys.argv[1:]); assert 'torch' not in sys.modules; raise SystemExit(rc)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "cudacompat", "cuda", "12.8", "--json"], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["version"] == "12.8"
