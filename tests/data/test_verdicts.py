"""Right verdicts on every kind of machine (issue #17): one test per point, on the real knowledge base.
Each failed on the code before it (the commit message of the change names how)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cudacompat import cli, versions
from cudacompat.answers import platforms
from cudacompat.answers.cuda import cuda_report, driver_via
from cudacompat.answers.gpus import gpu_report
from cudacompat.answers.will_it_run import will_it_run
from cudacompat.text.verdicts import will_it_run_json, will_it_run_text


def wir(kb, gpu, driver=None, platform=None, python=None, jetpack=None) -> dict:
    return will_it_run_json(will_it_run(kb, gpu, driver, platform, python, jetpack))


def labels(xs) -> set[str]:
    return {f"{x['torch']}+{x['variant']}" for x in xs}


# 1. Tegra is not desktop ------------------------------------------------------------------------

def test_jetson_orin_gets_only_jetson_builds_naming_jetpack_and_source(kb):
    r = wir(kb, "Jetson AGX Orin")
    assert r["platform"] == "jetson" and r["options"]
    assert {o["platform"] for o in r["options"]} == {"jetson"}  # no linux-x86_64, no server aarch64 build
    for o in r["options"]:
        assert o["jetpack"], o  # the JetPack it is built for
        assert o["install"].startswith(("pip install --no-cache-dir https://developer.download.nvidia.com/",
                                        "docker pull nvcr.io/nvidia/")), o["install"]
        assert any("JetPack" in n for n in o["notes"]) and any(("NVIDIA" in n) for n in o["notes"])
    assert "linux-x86_64" not in will_it_run_text(r)


def test_desktop_code_does_not_run_on_a_tegra_gpu_of_the_same_major(kb):
    orin = kb.gpus["jetson-agx-orin"]
    for t in kb.releases:
        for v in t.variants:
            al = v.platforms.get("linux-aarch64")
            if al and "8.7" not in al.sm:
                # sm_80 / sm_86 code: desktop binaries, which a Tegra 8.7 GPU cannot run
                assert platforms.is_tegra(kb, orin.compute_capability)
                from cudacompat.answers.gpus import code_for
                assert code_for(kb, al, "8.7") != "native", (t.version, v.variant)


def test_thor_answers_agree_between_gpu_and_will_it_run(kb):
    r = wir(kb, "Jetson AGX Thor", jetpack="7.0")
    native_aarch64 = {f"{x['torch']}+{x['variant']}" for x in gpu_report(kb, "Thor")["builds"]["native"]
                      if x["platform"] == "linux-aarch64"}
    assert native_aarch64 and labels(r["options"]) <= native_aarch64
    assert {o["platform"] for o in r["options"]} == {"linux-aarch64"}
    assert all(any("SBSA" in n for n in o["notes"]) for o in r["options"])
    # the same Thor on JetPack 6 (no SBSA stack) is not a Jetson JetPack 6 supports
    r6 = wir(kb, "Jetson AGX Thor", jetpack="6.2")
    assert not r6["options"]


def test_a_discrete_gpu_is_not_a_jetson(kb):
    r = wir(kb, "RTX 4090", "580.65.06", "jetson")
    assert r["mismatch"]["reason"] == "jetson-not-tegra" and not r["options"]
    r = wir(kb, "Jetson AGX Orin", "540.4.0", "linux-x86_64")
    assert r["mismatch"]["reason"] == "tegra-not-jetson"


# 2. A GPU needs its own minimum driver ------------------------------------------------------------

def test_rtx_5090_on_560_runs_nothing_and_says_why(kb):
    r = wir(kb, "RTX 5090", "560.35.03")
    assert r["options"] == []
    assert all("gpu-driver" in x["reasons"] for x in r["rejected"])
    assert any(x["reason"] == "gpu-driver" and "predates" in x["detail"] for x in r["rejected"])
    assert r["summary"]["fixes"][0].startswith("with driver ≥ 570")


def test_rtx_4090_on_470_runs_nothing(kb):
    r = wir(kb, "RTX 4090", "470.256.02")
    assert r["options"] == [] and "2.5.1+cu118" not in labels(r["options"])
    # no product row names the RTX 4090's first driver: Ada's sm_89 arrived with CUDA 11.8 (the 520 branch)
    floor = platforms.gpu_floor(kb, kb.gpus["geforce-rtx-4090"])
    assert floor["branch"] == "520" and floor["derived"]
    assert all("gpu-driver" in x["reasons"] for x in r["rejected"])


# 3. PTX JIT is not the whole story: bundled libraries ------------------------------------------------

@pytest.mark.parametrize("platform, driver", [("windows-x86_64", "572.16"), ("linux-x86_64", "570.86.16")])
def test_cu118_is_never_offered_to_an_rtx_5090(kb, platform, driver):
    r = wir(kb, "RTX 5090", driver, platform)
    assert not any(o["variant"] == "cu118" for o in r["options"])
    libs = [x for x in r["rejected"] if "libraries" in x["reasons"]]
    if platform == "windows-x86_64":  # the Windows cu118 builds carry compute_37 PTX
        assert {x["torch"] for x in libs} >= {"2.0.0", "2.5.1"}
        assert all("cuDNN" in x["detail"] or "CUDA" in x["detail"] for x in libs)


def test_a_ptx_only_option_says_what_to_expect(kb):
    for gpu, drv in (("RTX 5090", "580.65.06"), ("H100", "580.65.06"), ("B200", "580.65.06")):
        for o in wir(kb, gpu, drv)["options"]:
            if o["code"] == "ptx":
                assert any("JIT" in n and "first" in n for n in o["notes"]), o


# 4. Family and arch-specific targets -------------------------------------------------------------

def test_family_targets_run_on_every_member_and_a_targets_on_one():
    c = versions.cc
    assert c("10.3").runs_cubin(c("10.0f")) and c("10.0").runs_cubin(c("10.0f"))
    assert c("12.1").runs_cubin(c("12.0f")) and not c("12.0").runs_cubin(c("12.1f"))
    assert c("12.1").jits_ptx(c("12.0f")) and not c("11.0").jits_ptx(c("10.0f"))
    assert not c("10.3").runs_cubin(c("10.0a")) and c("10.0").runs_cubin(c("10.0a"))


# 5. Windows and CUDA 13 ---------------------------------------------------------------------------

@pytest.mark.parametrize("driver", ["452.39", "527.41", "551.61", "572.16"])
def test_no_cu13_build_on_an_old_windows_driver(kb, driver):
    r = wir(kb, "RTX 4090", driver, "windows-x86_64")
    assert not any(o["cuda"].startswith("13.") for o in r["options"])
    cu13 = [x for x in r["rejected"] if x["cuda"].startswith("13.")]
    assert cu13 and all("driver" in x["reasons"] for x in cu13)
    assert all("580" in x["fix"] for x in cu13 if x["reason"] == "driver")


def test_cu13_on_windows_needs_the_580_branch_and_says_no_minimum_is_published(kb):
    r = wir(kb, "RTX 4090", "581.57", "windows-x86_64")
    cu13 = [o for o in r["options"] if o["cuda"].startswith("13.")]
    assert cu13 and all(o["driver_via"] == "branch" for o in cu13)
    assert all(any("Windows" in n and "580" in n for n in o["notes"]) for o in cu13)


# 6. The driver a wheel needs is that of the runtime it pins ----------------------------------------

# cudart 12.6.77 ships in both 12.6 Update 2 and Update 3 (the cuda-toolkit 12.6.2 metapackage pins it, and
# 12.6.3's release notes list it): the earliest release shipping it, 12.6.2, sets the driver it needs
@pytest.mark.parametrize("runtime, release", [("12.8.90", "12.8.1"), ("12.6.77", "12.6.2"), ("12.4.127", "12.4.1"),
                                              ("13.0.2", "13.0.2"), ("12.8.57", "12.8.0")])
def test_pinned_runtime_maps_to_its_toolkit_release(kb, runtime, release):
    class Build:
        cuda = ".".join(runtime.split(".")[:2])
        cuda_runtime = runtime
    assert platforms.release_for(kb, Build).version == release


def test_cudart_12_8_90_on_570_86_is_minor_version_not_toolkit(kb):
    rel = kb.toolkits["12.8"]
    u1 = next(r for r in rel.releases if r.version == "12.8.1")
    assert u1.min_driver.linux == "570.124.06"
    assert driver_via("570.86.16", u1.min_driver.linux, "525.60.13") == "minor-version"
    builds = {(t.version, v.variant): v for t in kb.releases for v in t.variants}
    r = wir(kb, "RTX 5090", "570.86.16")
    for o in r["options"]:
        need = platforms.release_for(kb, builds[(o["torch"], o["variant"])]).min_driver.linux
        assert (o["driver_via"] == "toolkit") == (versions.driver("570.86.16") >= versions.driver(need)), o


# 7. Release candidates are never the headline ------------------------------------------------------

def test_cuda_11_0_headline_is_the_ga(kb):
    r = cuda_report(kb, "11.0")
    assert r["release"] == "11.0.2" and r["release_name"] == "GA"
    assert r["min_driver"] == {"linux": "450.51.05", "windows": "451.48"}


# 8. No silent pile: every build is judged and named -------------------------------------------------

@pytest.mark.parametrize("gpu, driver, python", [("RTX 5090", "570.86.16", None), ("V100", "525.60.13", "3.12"),
                                                 ("RTX 4090", "580.65.06", "3.8")])
def test_every_build_is_named_once_with_what_is_known(kb, gpu, driver, python):
    raw = will_it_run(kb, gpu, driver, "linux-x86_64", python)
    r = will_it_run_json(raw)
    n = sum(1 for t in kb.releases for v in t.variants if v.variant != "cpu" and v.cuda)
    assert len(r["options"]) + len(r["rejected"]) + len(r["unknown"]) == n
    # a build without architecture data that the driver or Python rules out is rejected for that, and named
    for x in raw["rejected"]:
        assert x["reasons"], x
    for u in r["unknown"]:
        assert "not recorded" in u["detail"]


def test_a_build_without_arch_data_is_rejected_for_the_driver(kb):
    r = wir(kb, "RTX 5090", "525.60.13")
    assert not r["unknown"]  # 2.6/2.7 builds without arch lists: CUDA 12.6/12.8 need a newer driver
    assert any(x["torch"] == "2.7.0" and x["variant"] == "cu128" for x in r["rejected"])


# 9. Aliases must be unique; check reads the checkout -----------------------------------------------

def test_an_alias_equal_to_another_gpus_name_is_refused(tmp_path):
    import yaml
    fixture = Path(__file__).parent.parent / "fixtures" / "kb.yaml"
    data = yaml.safe_load(fixture.read_text())
    # another GPU's name, in other case and with a trailing blank: the same name once normalised
    data["gpus"][0]["aliases"] = list(data["gpus"][0].get("aliases", [])) + [data["gpus"][1]["name"].upper() + " "]
    f = tmp_path / "compat.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    r = subprocess.run([sys.executable, "-m", "cudacompat", "check", str(f)], capture_output=True, text=True)
    assert r.returncode == 2 and "already used by" in r.stderr, r.stderr


def test_check_without_a_file_validates_the_checkout(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "compat.yaml").write_text("gpus: [\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    r = subprocess.run([sys.executable, "-m", "cudacompat", "check"], capture_output=True, text=True,
                       cwd=tmp_path, env=env)
    assert r.returncode == 2 and "data/compat.yaml" in r.stderr


# 10. Platforms are first-class ----------------------------------------------------------------------

def test_platform_choices(kb, capsys):
    assert platforms.PLATFORMS == ("linux-x86_64", "linux-aarch64", "windows-x86_64", "wsl2", "jetson")
    rc = cli.main(["will-it-run", "--gpu", "GH200", "--driver", "580.65.06", "--platform", "linux-aarch64", "--json"])
    r = json.loads(capsys.readouterr().out)
    assert rc == 0 and r["options"] and {o["platform"] for o in r["options"]} == {"linux-aarch64"}
    first = min((o for o in r["options"] if o["default"]), key=lambda o: versions.parse(o["torch"]), default=None)
    assert first is None or versions.parse(first["torch"]) >= versions.parse("2.11.0")


def test_wsl2_uses_the_windows_driver_minimums(kb):
    # 560.70 meets CUDA 12.6's Linux minimum (560.28.03) but not its Windows one (560.76): under WSL 2 the
    # driver is the Windows host's
    tk = kb.toolkits["12.6"]
    ga = platforms.headline(tk.releases)
    assert versions.driver(ga.min_driver.linux) <= versions.driver("560.70") < versions.driver(ga.min_driver.windows)
    linux = {(o["torch"], o["variant"]): o for o in wir(kb, "RTX 4090", "560.70", "linux-x86_64")["options"]}
    wsl = {(o["torch"], o["variant"]): o for o in wir(kb, "RTX 4090", "560.70", "wsl2")["options"]}
    assert set(wsl) <= set(linux)
    assert any(linux[k]["driver_via"] == "toolkit" and wsl[k]["driver_via"] == "minor-version" for k in wsl)
    assert all(o["platform"] == "linux-x86_64" for o in wsl.values())  # WSL 2 runs the Linux wheels


# 11. The rejection list is for reading ---------------------------------------------------------------

def test_thor_rejections_are_grouped_with_the_first_build_that_would_work(kb):
    r = wir(kb, "Jetson AGX Thor", "580.00", "jetson", jetpack="6.2")
    assert not r["options"]
    g = r["summary"]["groups"]
    assert g and sum(x["count"] for x in g) == len(r["rejected"])
    assert len({x["reason"] for x in g}) == len(g)
    text = will_it_run_text(r)
    # the terminal shows each group once, not one line per build
    assert len(text.splitlines()) < 12 + 3 * len(g)
    r2 = wir(kb, "RTX 5090", "560.35.03")
    assert r2["summary"]["fixes"] and "would run" in r2["summary"]["fixes"][0]
