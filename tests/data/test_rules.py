"""The project's rules against rules it did not write.

- NVIDIA's binary-compatibility, PTX, ``a``/``f`` target and minor-version rules, as cited cases
  (tests/fixtures/rules/nvidia.yaml), which :func:`build_code` and :func:`decide` must satisfy.
- torch's own check (``torch.cuda._check_capability`` and ``_check_cubins``, the installed torch's, with
  the device queries faked) over every recorded architecture list and every compute capability: each
  disagreement falls in a class documented below with why torch's check is incomplete there.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from cudacompat import versions
from cudacompat.answers.gpus import build_code, code_for
from cudacompat.answers.will_it_run import decide

RULES = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "rules" / "nvidia.yaml").read_text())["rules"]


def _cases(key: str) -> list[tuple[str, dict]]:
    return [(r["id"], c) for r in RULES for c in r.get(key, [])]


def test_every_rule_cites_nvidia():
    assert len(RULES) >= 7
    for r in RULES:
        assert r["quote"].strip() and r["source"].startswith(("https://docs.nvidia.com/", "https://developer.nvidia.com/"))
        assert r.get("cases") or r.get("driver_cases") or r.get("doctor_cases"), r["id"]


@pytest.mark.parametrize("rule, case", _cases("cases"), ids=lambda x: x if isinstance(x, str) else None)
def test_binary_and_ptx_rules(rule, case):
    arch = SimpleNamespace(sm=tuple(case.get("sass", ())), ptx=tuple(case.get("ptx", ())))
    assert build_code(arch, case["gpu"], case.get("tegra", False)) == (None if case["expect"] == "none" else case["expect"])


def _one_build_table(code: str, toolkit_min: str, minor_version_min: str) -> dict:
    """A lookup table with one Linux build, for :func:`decide`."""
    build = {"torch": "9.9.9", "variant": "cu999", "cuda": "99.9", "platform": "linux-x86_64", "kind": "pip",
             "python": None, "release": "99.9.0", "jetpack": None, "toolkit_max": None, "cudnn": None,
             "cudnn_max": None}
    return {"builds": [build], "codes": {"8.0": {"native": "n", "ptx": "p"}[code]},
            "drivers": {"99.9.0": {"linux": [toolkit_min, minor_version_min], "windows": [None, None]}},
            "jetpacks": []}


@pytest.mark.parametrize("rule, case", _cases("driver_cases"))
def test_minor_version_compatibility_refuses_newer_ptx(rule, case):
    table = _one_build_table(case["code"], case["toolkit_min"], case["minor_version_min"])
    gpu = {"cc": "8.0", "tegra": False, "floor": None}
    out = decide(table, gpu, case["driver"], "linux-x86_64", None)
    assert ("runs" if out["options"] else "refused") == case["expect"]


# --- torch's own check ----------------------------------------------------------------------------

def _torch_checks():
    torch = pytest.importorskip("torch", reason="torch is installed by scripts/setup (pinned CPU build)")
    return torch, torch.cuda


def torch_verdict(torch, tc, sm: list[str], ptx: list[str], cc: str) -> tuple[bool, bool]:
    """(``_check_capability`` accepts, ``_check_cubins`` accepts) for a GPU of ``cc`` and a build whose
    ``get_arch_list()`` is ``sm_XX`` for ``sm`` and ``compute_XX`` for ``ptx``: torch's own functions,
    with the device queries (and the unsupported-code report) replaced."""
    arch = [versions.cc(s).sm for s in sm] + [versions.cc(p).compute for p in ptx]
    c = versions.cc(cc)
    saved = {n: getattr(tc, n) for n in ("get_arch_list", "device_count", "get_device_capability",
                                         "get_device_name", "_warn_unsupported_code")}
    saved_cuda = torch.version.cuda
    refused: list[int] = []
    try:
        tc.get_arch_list = lambda: arch
        tc.device_count = lambda: 1
        tc.get_device_capability = lambda d=None: (c.major, c.minor)
        tc.get_device_name = lambda d=None: "GPU"
        tc._warn_unsupported_code = lambda d, dev_cc, code_ccs: refused.append(dev_cc)
        torch.version.cuda = "12.8"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tc._check_capability()
            tc._check_cubins()
        cubins_ok = not any("is not compatible with the current PyTorch" in str(w.message) for w in caught)
    finally:
        for n, f in saved.items():
            setattr(tc, n, f)
        torch.version.cuda = saved_cuda
    return not refused, cubins_ok


#: Every way the project's verdict may differ from torch's checks, and why torch's is incomplete there.
#: (ours, _check_capability, _check_cubins, Tegra GPU) -> reason
DOCUMENTED = {
    # torch's _check_capability treats a compute_XX entry like sm_XX (_extract_arch_version drops the prefix
    # and DEVICE_REQUIREMENT lists the hardware SASS runs on), so it ignores PTX JIT to newer GPUs, which
    # NVIDIA documents: "PTX code produced for some specific compute capability can always be compiled to
    # binary code of greater or equal compute capability" (CUDA Programming Guide, PTX compatibility).
    ("ptx", False, False, False): "torch ignores PTX JIT",
    ("ptx", False, False, True): "torch ignores PTX JIT",
    # _check_cubins accepts any SASS of the same major ("backward compatible within major version"), but a
    # cubin for X.y runs only on X.z with z >= y, and Tegra GPUs run none but their own (Programming Guide,
    # binary compatibility: "It is not supported for Tegra"); its own _check_capability refuses these too
    ("ptx", False, True, True): "torch's cubin check is major-only",
    (None, False, True, True): "torch's cubin check is major-only",
    (None, False, True, False): "torch's cubin check is major-only",
}


def _recorded_lists(kb) -> dict[tuple, int]:
    """Every recorded architecture list (sm, ptx) and how many (build, platform) rows carry it."""
    out: dict[tuple, int] = {}
    for t in kb.data.torch:
        for v in t.variants:
            for al in v.platforms.values():
                key = (tuple(al.sm), tuple(al.ptx))
                out[key] = out.get(key, 0) + 1
    return out


def test_torch_own_check_agrees_or_the_disagreement_is_documented(kb):
    torch, tc = _torch_checks()
    ccs = sorted({c for a in kb.data.architectures for c in a.compute_capabilities}, key=versions.cc)
    lists = _recorded_lists(kb)
    assert len(ccs) >= 20 and len(lists) >= 10
    pairs, seen = 0, {}
    for (sm, ptx), cc in itertools.product(lists, ccs):
        if any(x.endswith(("a", "f")) for x in sm + ptx):
            continue  # torch reads sm_90a as 9.0 (it drops the suffix): the a/f rules are NVIDIA's cases above
        ours = code_for(kb, SimpleNamespace(sm=sm, ptx=ptx), cc)
        cap, cubins = torch_verdict(torch, tc, list(sm), list(ptx), cc)
        pairs += lists[(sm, ptx)]
        # native code is exactly what torch's capability check accepts
        assert (ours == "native") == cap, (sm, ptx, cc, ours, cap)
        key = (ours, cap, cubins, cc in kb.tegra)
        if (ours == "native" and cubins) or (ours is None and not cubins):
            continue  # all three agree
        assert key in DOCUMENTED, f"undocumented disagreement {key} for {sm} + PTX {ptx} on {cc}"
        seen.setdefault(DOCUMENTED[key], (sm, ptx, cc))
    assert pairs >= 3000  # every (build, platform) list x every compute capability
    # the documented classes are real: each occurs on the recorded data
    assert set(seen) == set(DOCUMENTED.values()), set(DOCUMENTED.values()) - set(seen)


# --- the driver grid: every toolkit release x Linux and Windows x real drivers, against NVIDIA's tables ---

TABLES = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "rules" / "cuda_driver_table.yaml").read_text())
SMI_SOURCES = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "smi" / "SOURCES.yaml").read_text())


def real_drivers() -> list[str]:
    """Drivers people run: every value NVIDIA's tables print, and every driver in the recorded nvidia-smi outputs."""
    out = set()
    for row in TABLES["toolkit_driver"]:
        out |= {row[os_] for os_ in ("linux", "windows") if row[os_]}
    for row in TABLES["minor_version"]:
        out |= {row[os_] for os_ in ("linux", "windows") if row[os_]}
    for meta in SMI_SOURCES.values():
        d = str(meta.get("driver") or "")
        try:
            versions.driver(d)
        except versions.InvalidVersion:
            continue
        out.add(d)
    return sorted(out, key=versions.driver)


def nvidia_says(row: dict, os_: str, driver: str) -> str | None:
    """How NVIDIA's Table 3 (the release's own minimum) and Table 2 (minor-version compatibility) judge a driver."""
    d = versions.driver(driver)
    own = row[os_]
    if own and d >= versions.driver(own):
        return "toolkit"
    major = int(row["version"].split(".")[0])
    mv = next(m for m in TABLES["minor_version"] if m["major"] == major)
    floor = versions.driver(mv[os_]) if mv[os_] else versions.driver(mv["min"])
    if d >= floor:
        return "minor-version" if own else "branch"  # no release minimum for this OS: only the major's floor
    return None


def test_the_driver_grid_matches_nvidia_tables(kb):
    from cudacompat.answers.cuda import driver_via, minor_version_minimums
    drivers = real_drivers()
    assert len(drivers) >= 80
    releases = {r.version: (tk, r) for tk in kb.data.cuda for r in tk.releases}
    checked = 0
    for row in TABLES["toolkit_driver"]:
        tk, rel = releases[row["version"]]  # every row NVIDIA prints is a release in the knowledge base
        assert rel.min_driver.linux == row["linux"] and rel.min_driver.windows == row["windows"], row["text"]
        mvc = minor_version_minimums(kb, tk)
        for os_, d in itertools.product(("linux", "windows"), drivers):
            ours = driver_via(d, getattr(rel.min_driver, os_), getattr(mvc, os_))
            assert ours == nvidia_says(row, os_, d), (row["text"], os_, d, ours)
            checked += 1
    assert checked >= 53 * 2 * 80
    # and the knowledge base has no release NVIDIA's table lacks, but those it lists as not readable here
    printed = {row["version"] for row in TABLES["toolkit_driver"]} | {m["version"] for m in TABLES["missing"]
                                                                       if "version" in m}
    assert set(releases) <= printed, set(releases) - printed
