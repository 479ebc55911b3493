"""``cudacompat doctor``: parsers on recorded output, every verdict from a recorded case, renderers.

The nvidia-smi, /proc and nvcc texts are real recordings (tests/fixtures/doctor/SOURCES.yaml names
the thread each one comes from); the torch side is simulated as the dict the torch probe prints.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cudacompat import cli, data_path, doctor, versions
from cudacompat.answers import platforms
from cudacompat.answers.cuda import driver_verdict
from cudacompat.answers.gpus import build_code
from cudacompat.answers.index import KB
from cudacompat.answers.will_it_run import will_it_run
from cudacompat.doctor import advice, checks, parsers, platform_checks, report, stack_checks
from cudacompat.doctor.probes import SMI_FIELDS, TORCH_MARK, Raw
from cudacompat.kb.load import load

FX = Path(__file__).parent.parent / "fixtures" / "doctor"
SOURCES = yaml.safe_load((FX / "SOURCES.yaml").read_text())


@functools.cache
def real_kb() -> KB:
    """The repository's knowledge base, for hypothesis tests (which cannot take fixtures)."""
    return KB(load(data_path()))


def fx(name: str) -> str:
    assert name in SOURCES, f"{name} is not listed in SOURCES.yaml"
    return (FX / name).read_text()


# --- a recorded machine ------------------------------------------------------------------------

def torch_out(version: str = "2.13.0+cu130", cuda: str | None = "13.0", *, arch: str | None = None,
              available: bool | None = None, devices: list | None = None, warnings: list | None = None,
              libs: list | None = None, cudnn: int | None = 91300, python: str = "3.12.3",
              hip: str | None = None) -> dict:
    """What the torch probe prints, for a simulated torch."""
    return {"python": python, "executable": "/env/bin/python", "version": version, "cuda": cuda,
            "hip": hip, "file": "/env/lib/python3.12/site-packages/torch/__init__.py",
            "cudnn": cudnn if cuda else None, "arch_flags": arch, "available": bool(available),
            "device_count": len(devices or []), "devices": devices or [], "warnings": warnings or [],
            "libs": libs or []}


def no_torch(python: str = "3.12.3") -> dict:
    return {"python": python, "executable": "/env/bin/python",
            "import_error": "ModuleNotFoundError: No module named 'torch'"}


class FakeReader:
    """Answers the probes from recorded text; anything not given is absent."""

    def __init__(self, smi: str | Raw | None = None, smi_retry: str | Raw | None = None, proc: str | None = None,
                 nvcc: str | None = None, cgroup: str | None = None, dockerenv: bool = False,
                 shm_bytes: int | None = 32 << 30, torch: dict | Raw | None = None, env: dict | None = None,
                 dev: tuple[str, ...] = (), ld: dict[str, str] | None = None, system: str = "Linux",
                 machine: str = "x86_64", files: dict[str, str] | None = None, release: str = "6.8.0"):
        self.smi = [smi, smi_retry]
        self.calls: list[list[str]] = []
        self.proc, self.nvcc, self.cgroup, self.dockerenv = proc, nvcc, cgroup, dockerenv
        self.shm_bytes, self.torch_answer, self.env = shm_bytes, torch, env or {}
        self.dev, self.ld, self.system, self.machine = dev, ld or {}, system, machine
        self.files, self.release = files or {}, release  # other files, and directories (text: their names)

    @staticmethod
    def _raw(x: str | Raw | None, what: str) -> Raw:
        if isinstance(x, Raw):
            return x
        return Raw(text=x, rc=0, where=what) if x is not None else Raw(error=f"{what}: not found on PATH")

    def run(self, argv, timeout=15.0):
        self.calls.append(list(argv))
        if argv[0] == "nvidia-smi":
            n = sum(1 for c in self.calls if c[0] == "nvidia-smi")
            return self._raw(self.smi[min(n, 2) - 1], "nvidia-smi")
        if argv[0] == "nvcc":
            return self._raw(self.nvcc, "/usr/local/cuda/bin/nvcc") if self.nvcc else Raw(error="nvcc: not found on PATH")
        return Raw(error=f"{argv[0]}: not found")

    def read(self, path):
        text = {"/proc/driver/nvidia/version": self.proc, "/proc/self/cgroup": self.cgroup, **self.files}.get(path)
        return Raw(text=text, where=path) if text is not None else Raw(error=f"{path}: not present")

    def exists(self, path):
        return path == "/.dockerenv" and self.dockerenv

    def listdir(self, path):
        if path == "/dev":
            return Raw(text="\n".join(["null", "shm", *self.dev]))
        if path in self.ld:
            return Raw(text=self.ld[path])
        if path + "/" in self.files:
            return Raw(text=self.files[path + "/"])
        return Raw(error=f"{path}: not present")

    def statvfs(self, path):
        if self.shm_bytes is None:
            return Raw(error=f"{path}: not present")
        return Raw(text=f"4096 {self.shm_bytes // 4096} {self.shm_bytes // 4096}")

    def environ(self):
        return dict(self.env)

    def platform(self):
        return {"system": self.system, "machine": self.machine, "release": self.release, "python": "3.11.9",
                "executable": "/usr/bin/python3"}

    def torch(self, python):
        a = self.torch_answer
        if isinstance(a, Raw):
            return a
        if a is None:
            a = no_torch()
        return Raw(text="some import noise\n" + TORCH_MARK + json.dumps(a) + "\n", rc=0, where=python)


def diagnose(kb, **kw):
    facts, verdicts, unreadable = doctor.run(kb, FakeReader(**kw))
    doc = json.loads(json.dumps(report.report(facts, verdicts, unreadable)))  # always serialisable
    assert doc["schema_version"] == report.SCHEMA_VERSION
    report.render_text(facts, verdicts, unreadable, color=True)
    report.render_markdown(facts, verdicts)
    return facts, {v.id: v for v in verdicts}


def unread(facts) -> list[dict]:
    return [{"what": u.what, "why": u.why} for u in facts.unreadable]


ARCH_2_13_CU130 = "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120"
ARCH_2_0_CU117 = "sm_37 sm_50 sm_60 sm_70 sm_75 sm_80 sm_86"  # printed in pytorch/pytorch#150733-like warnings
NO_DRIVER_WARNING = ("CUDA initialization: Found no NVIDIA driver on your system. Please check that you have an "
                     "NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx (Triggered "
                     "internally at  /pytorch/c10/cuda/CUDAFunctions.cpp:100.)")  # pytorch/pytorch#74733


def native_in_kb(kb, install: str, cc: str, platform: str = "linux-x86_64") -> bool:
    """The build an install command names really has native code for ``cc`` in the knowledge base."""
    ver = re.search(r"torch==(\S+)", install).group(1)
    t = next(x for x in kb.releases if x.version == ver)
    m = re.search(r"/(cu\d+)\b", install)
    v = next(x for x in t.variants if (x.variant == m.group(1) if m else x.default))
    return build_code(v.platforms[platform], cc) == "native"


# --- the fixtures are what they claim ---------------------------------------------------------------

def test_every_fixture_has_a_source():
    files = {p.name for p in FX.iterdir() if p.name != "SOURCES.yaml"}
    assert files == set(SOURCES)
    for name, meta in SOURCES.items():
        assert meta["command"], name
        assert meta["source"].startswith(("https://github.com/", "recorded on")), name
        if name.startswith("smi-"):
            assert meta["source"].startswith("https://github.com/"), f"{name}: nvidia-smi text must be a public recording"


# --- parsers ------------------------------------------------------------------------------------

def test_smi_two_gpus_with_header():
    r = parsers.parse_smi(fx("smi-titanv-rtx5880ada-570.86.15.csv"))
    assert r["status"] == "ok"
    assert [(g["name"], g["compute_capability"], g["driver"], g["index"]) for g in r["gpus"]] == [
        ("NVIDIA TITAN V", "7.0", "570.86.15", 0), ("NVIDIA RTX 5880 Ada Generation", "8.9", "570.86.15", 1)]


def test_smi_wide_capture_picks_its_columns_by_header():
    r = parsers.parse_smi(fx("smi-h100-590.48.01-wide.csv"))
    (g,) = r["gpus"]
    assert (g["name"], g["compute_capability"], g["driver"], g["memory_mib"]) == (
        "NVIDIA H100 80GB HBM3", "9.0", "590.48.01", 81559)


def test_smi_noheader_uses_the_fields_asked_for():
    text = "0, NVIDIA H100 80GB HBM3, 9.0, 590.48.01, 81559 MiB\n"
    (g,) = parsers.parse_smi(text, SMI_FIELDS)["gpus"]
    assert (g["index"], g["compute_capability"], g["memory_mib"]) == (0, "9.0", 81559)


def test_smi_capability_without_name():
    (g,) = parsers.parse_smi(fx("smi-compute-cap-only.csv"))["gpus"]
    assert (g["name"], g["compute_capability"], g["driver"]) == (None, "8.9", None)


@pytest.mark.parametrize(("name", "status"), [
    ("smi-failed-communicate.txt", "no-driver"),
    ("smi-failed-communicate-windows.txt", "no-driver"),
    ("smi-no-devices.txt", "no-devices"),
    ("smi-nvml-mismatch.txt", "nvml-mismatch"),
    ("smi-field-compute-cap-invalid.txt", "field-unsupported"),
])
def test_smi_failures(name, status):
    r = parsers.parse_smi(fx(name))
    assert (r["status"], r["gpus"]) == (status, [])
    assert r["message"]


def test_smi_mismatch_names_the_library_version():
    assert parsers.parse_smi(fx("smi-nvml-mismatch.txt"))["nvml_library"] == "570.124"


def test_smi_truncated_output_keeps_what_it_can():
    text = fx("smi-titanv-rtx5880ada-570.86.15.csv")
    for cut in range(len(text) + 1):
        r = parsers.parse_smi(text[:cut])
        assert r["status"] in ("ok", "empty", "error")
    r = parsers.parse_smi(text[: text.index("Ada") + 3])  # the second row loses its index column
    assert [g["truncated"] for g in r["gpus"]] == [False, True]
    assert r["gpus"][1]["compute_capability"] == "8.9"


@pytest.mark.parametrize(("name", "driver", "open_", "l4t"), [
    ("proc-version-384.98.txt", "384.98", False, None),
    ("proc-version-open-565.57.01.txt", "565.57.01", True, None),
    ("proc-version-jetson-35.3.1.txt", None, True, "35.3.1"),
])
def test_proc_driver_version(name, driver, open_, l4t):
    r = parsers.parse_proc_version(fx(name))
    assert (r["driver"], r["open"], r["l4t"]) == (driver, open_, l4t)


@pytest.mark.parametrize(("name", "release", "version"), [
    ("nvcc-10.0.txt", "10.0", "10.0.130"), ("nvcc-13.0.txt", "13.0", "13.0.88")])
def test_nvcc(name, release, version):
    assert parsers.parse_nvcc(fx(name)) == {"release": release, "version": version}


def test_cgroup_and_statvfs_and_library_versions():
    assert parsers.parse_cgroup(fx("cgroup-v1-process-api.txt")) is None
    assert parsers.parse_cgroup("12:devices:/docker/0123abcd\n") == "docker"
    assert parsers.parse_cgroup("0::/kubepods/besteffort/pod1\n") == "kubernetes"
    assert parsers.parse_statvfs("4096 16384 16000") == {"total_bytes": 64 << 20, "free_bytes": 4096 * 16000}
    assert parsers.parse_statvfs("4096 x") is None
    assert (parsers.cudnn_version(90100), parsers.cudnn_version(8902), parsers.cudnn_version(None)) == ("9.1.0", "8.9.2", None)
    assert (parsers.nccl_version([2, 21, 5]), parsers.nccl_version(2708), parsers.nccl_version("x")) == ("2.21.5", "2.7.8", None)
    assert parsers.parse_arch_flags("sm_80 sm_90 compute_90") == {"sm": ["8.0", "9.0"], "ptx": ["9.0"]}
    assert parsers.parse_arch_flags(None) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parsers_never_raise(text):
    parsers.parse_smi(text)
    parsers.parse_smi(text, ("name", "compute_cap"))
    parsers.parse_proc_version(text)
    parsers.parse_nvcc(text)
    parsers.parse_cgroup(text)
    parsers.parse_statvfs(text)
    parsers.parse_arch_flags(text)
    parsers.parse_torch(Raw(text=text))
    parsers.parse_torch(Raw(text=TORCH_MARK + text))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["version", "cuda", "hip", "cudnn", "nccl", "arch_flags", "available",
                                        "device_count", "devices", "warnings", "libs", "import_error"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                                 st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=3))))
def test_odd_torch_answers_never_raise(data):
    facts, verdicts, unreadable = doctor.run(real_kb(), FakeReader(smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                                                                   torch=data))
    json.dumps(report.report(facts, verdicts, unreadable))
    assert not [u for u in unreadable if u.what.startswith("check ")]


# --- verdicts, each from a recorded case ------------------------------------------------------------

def test_this_kind_of_machine_cpu_build_no_gpu(kb):
    facts, v = diagnose(kb, torch=torch_out("2.13.0+cpu", None), nvcc=fx("nvcc-13.0.txt"), dockerenv=True,
                        cgroup=fx("cgroup-v1-process-api.txt"))
    assert set(v) == {"cpu-only", "host-toolkit-unused"}
    assert v["cpu-only"].severity == "info" and "--gpus all" in v["cpu-only"].detail
    assert facts.container.detected and facts.nvidia_smi.status == "absent"
    assert {u.what for u in facts.unreadable} >= {"nvidia-smi", "/proc/driver/nvidia/version"}


def test_driver_too_old_for_cu130(kb):
    # the Triton PR's machine (driver 570.86.15) with the cu130 wheels that 2.13 installs by default
    facts, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                        torch=torch_out(arch=ARCH_2_13_CU130, available=False))
    d = v["driver-too-old"]
    assert d.severity == "error" and "570.86.15" in d.title and "580" in d.detail
    # the fix is a build this driver runs, with native code for the first GPU (TITAN V)
    assert d.command.startswith("pip install torch==") and native_in_kb(kb, d.command, "7.0")
    ver = re.search(r"torch==(\S+)", d.command).group(1)
    var = re.search(r"/(cu\d+)", d.command).group(1)
    cuda = next(x.cuda for t in kb.releases if t.version == ver for x in t.variants if x.variant == var)
    assert driver_verdict(kb, cuda, "570.86.15", "linux")["via"] is not None


def test_arch_not_in_build_titan_v_on_cu130(kb):
    _, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                    torch=torch_out(arch=ARCH_2_13_CU130, available=False))
    a = v["arch-not-in-build"]
    assert a.severity == "error" and "sm_70" in a.title and "TITAN V" in a.title
    assert native_in_kb(kb, a.command, "7.0")


def test_arch_not_in_build_h100_on_torch_2_0(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                    torch=torch_out("2.0.1+cu117", "11.7", arch=ARCH_2_0_CU117, available=True,
                                    devices=[{"name": "NVIDIA H100 80GB HBM3", "capability": "9.0"}]))
    a = v["arch-not-in-build"]
    assert "sm_90" in a.title and native_in_kb(kb, a.command, "9.0")
    assert "driver-too-old" not in v


def test_arch_from_the_knowledge_base_when_torch_does_not_say(kb):
    _, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"), torch=torch_out(arch=None))
    assert "knowledge base" in v["arch-not-in-build"].detail


def test_arch_ptx_only(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                    torch=torch_out("2.13.0+cu130", "13.0", arch="sm_80 compute_80", available=True,
                                    devices=[{"name": "NVIDIA H100 80GB HBM3", "capability": "9.0"}]))
    assert v["arch-ptx-only"].severity == "warning"


def test_driver_minor_version_compat(kb):
    # 570.86.15 is below CUDA 12.9's toolkit minimum but above 12.x's minor-version minimum
    _, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                    torch=torch_out("2.8.0+cu129", "12.9", arch="sm_70 sm_75 sm_80 sm_86 sm_90 sm_100 sm_120",
                                    available=True))
    m = v["driver-minor-version"]
    assert m.severity == "warning" and "12.9" in m.title
    assert "driver-too-old" not in v and "arch-not-in-build" not in v


def test_healthy_h100_reports_no_problem(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                    torch=torch_out(arch=ARCH_2_13_CU130, available=True,
                                    devices=[{"name": "NVIDIA H100 80GB HBM3", "capability": "9.0"}]))
    assert not [x for x in v.values() if x.severity in ("error", "warning")]


def test_cpu_build_with_gpu(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), torch=torch_out("2.13.0+cpu", None))
    c = v["cpu-build-with-gpu"]
    assert c.severity == "error" and "H100" in c.detail
    assert native_in_kb(kb, c.command, "9.0")


def test_container_without_gpu_access(kb):
    _, v = diagnose(kb, smi=fx("smi-no-devices.txt"), dockerenv=True, torch=torch_out(available=False),
                    env={"NVIDIA_VISIBLE_DEVICES": "all", "NVIDIA_DRIVER_CAPABILITIES": "compute,utility"})
    c = v["container-no-gpu"]
    assert c.severity == "error" and "--gpus all" in c.fix and "NVIDIA_VISIBLE_DEVICES=all" in c.detail


def test_no_container_verdict_outside_containers(kb):
    _, v = diagnose(kb, smi=fx("smi-no-devices.txt"), torch=torch_out(available=False))
    assert "container-no-gpu" not in v
    assert v["cuda-build-no-gpu"].severity == "info" and "No devices were found" in v["cuda-build-no-gpu"].detail


@pytest.mark.parametrize("name", ["smi-failed-communicate.txt", "smi-failed-communicate-windows.txt"])
def test_driver_not_loaded(kb, name):
    facts, v = diagnose(kb, smi=fx(name), dev=("nvidia0", "nvidiactl"),
                        torch=torch_out(available=False, warnings=[NO_DRIVER_WARNING]))
    assert v["driver-not-loaded"].severity == "error"
    assert facts.torch.why_unavailable.startswith("CUDA initialization: Found no NVIDIA driver")
    assert "cpu-build-with-gpu" not in v


def test_driver_library_mismatch(kb):
    _, v = diagnose(kb, smi=fx("smi-nvml-mismatch.txt"), proc=fx("proc-version-open-565.57.01.txt"),
                    torch=torch_out(available=False))
    m = v["driver-library-mismatch"]
    assert m.severity == "error" and "565.57.01" in m.detail and "570.124" in m.detail and "Reboot" in m.fix


def test_old_nvidia_smi_retried_without_compute_cap(kb):
    r = FakeReader(smi=fx("smi-field-compute-cap-invalid.txt"), smi_retry=Raw(error="nvidia-smi: exit status 6"),
                   proc=fx("proc-version-384.98.txt"), torch=torch_out("2.7.1+cu118", "11.8", available=False))
    facts, verdicts, _ = doctor.run(kb, r)
    smi_calls = [c for c in r.calls if c[0] == "nvidia-smi"]
    assert len(smi_calls) == 2 and "compute_cap" in smi_calls[0][1] and "compute_cap" not in smi_calls[1][1]
    assert facts.nvidia_smi.retried_without == "compute_cap"
    assert (facts.driver.version, facts.driver.source) == ("384.98", "/proc/driver/nvidia/version")
    assert "driver-too-old" in {v.id for v in verdicts}


def test_jetson_version_is_not_a_driver(kb):
    facts, v = diagnose(kb, proc=fx("proc-version-jetson-35.3.1.txt"), machine="aarch64",
                        torch=torch_out(available=False))
    assert facts.driver.version is None and facts.driver.l4t == "35.3.1"
    assert "driver-too-old" not in v


def test_shm_too_small(kb):
    _, v = diagnose(kb, dockerenv=True, shm_bytes=64 << 20, torch=torch_out("2.13.0+cpu", None))
    s = v["shm-too-small"]
    assert "64.0 MiB" in s.title and "--shm-size" in s.fix


def test_shadowed_libraries(kb):
    site = "/env/lib/python3.12/site-packages"
    libs = [f"{site}/nvidia/nvjitlink/lib/libnvJitLink.so.12", f"{site}/nvidia/cudnn/lib/libcudnn.so.9",
            f"{site}/torch/lib/libtorch_cuda.so"]
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                    torch=torch_out("2.6.0+cu124", "12.4", arch=ARCH_2_0_CU117 + " sm_90", available=True, libs=libs),
                    env={"LD_LIBRARY_PATH": f"/usr/local/cuda-12.1/lib64:{site}/nvidia/cudnn/lib"},
                    ld={"/usr/local/cuda-12.1/lib64": "libcudart.so.12\nlibnvJitLink.so.12\nlibnvJitLink.so.12.1.105",
                        f"{site}/nvidia/cudnn/lib": "libcudnn.so.9"})
    s = v["shadowed-libraries"]
    assert "libnvJitLink.so.12" in s.detail and "/usr/local/cuda-12.1/lib64" in s.detail
    assert "libcudnn" not in s.detail and "libcudart" not in s.detail  # the wheel's own dir; not in the wheel


def test_gpu_support_ended_titan_v(kb):
    _, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                    torch=torch_out("2.7.1+cu126", "12.6", arch="sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90",
                                    available=True))
    s = v["gpu-support-ending"]
    assert "sm_70" in s.title and "TITAN V" in s.detail and native_in_kb(kb, s.command, "7.0")
    assert "arch-not-in-build" not in v and "driver-too-old" not in v


def test_support_outlook_derived_from_data(kb, fixture_kb):
    # the real data: newest recorded release without sm_70, an older one with it
    o = advice.support_outlook(kb, "7.0", "linux-x86_64")
    assert o["status"] == "ended" and versions.parse(o["last"]) < versions.parse(o["newest"])
    assert advice.support_outlook(kb, "9.0", "linux-x86_64") is None
    # the fixture: 5.0 only in 9.0.0; 12.0 in 9.2.0's default cu130, not in its cu128
    o = advice.support_outlook(fixture_kb, "5.0", "linux-x86_64")
    assert (o["status"], o["last"], o["newest"]) == ("ended", "9.0.0", "9.2.0")
    o = advice.support_outlook(fixture_kb, "12.0", "linux-x86_64")
    assert (o["status"], o["native_variants"], o["without"], o["default_without"]) == (
        "narrowing", ["cu130"], ["cu128"], False)


def test_gpus_hidden_by_cuda_visible_devices(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), env={"CUDA_VISIBLE_DEVICES": ""},
                    torch=torch_out(arch=ARCH_2_13_CU130, available=False))
    assert v["gpus-hidden"].severity == "warning"


def test_cuda_unavailable_names_the_reason(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                    torch=torch_out(arch=ARCH_2_13_CU130, available=False, warnings=[NO_DRIVER_WARNING]))
    c = v["cuda-unavailable"]
    assert "Found no NVIDIA driver" in c.detail


def test_host_toolkit(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), nvcc=fx("nvcc-10.0.txt"),
                    torch=torch_out(arch=ARCH_2_13_CU130, available=True))
    assert v["host-toolkit-mismatch"].severity == "warning"
    _, v = diagnose(kb, nvcc=fx("nvcc-13.0.txt"), torch=torch_out("2.13.0+cpu", None))
    assert v["host-toolkit-unused"].severity == "info"
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), nvcc=fx("nvcc-13.0.txt"),
                    torch=torch_out(arch=ARCH_2_13_CU130, available=True))
    assert not any(k.startswith("host-toolkit") for k in v)


def test_without_torch(kb):
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), torch=no_torch())
    m = v["torch-missing"]
    assert m.severity == "info" and native_in_kb(kb, m.command, "9.0")
    _, v = diagnose(kb, torch=no_torch())
    assert v["torch-missing"].command is None


def test_broken_torch_and_a_probe_that_hangs(kb):
    broken = {"python": "3.12.3", "import_error": "OSError: libcudnn_graph.so.9: cannot open shared object file"}
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), torch=broken)
    assert v["torch-broken"].severity == "error" and "libcudnn_graph" in v["torch-broken"].detail
    facts, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"),
                        torch=Raw(error="/env/bin/python: no answer within 90 s"))
    assert facts.torch.status == "unreadable"
    assert any(u["what"] == "torch" and "no answer" in u["why"] for u in unread(facts))
    facts, _ = diagnose(kb, torch=Raw(text="Segmentation fault", rc=-11))
    assert "exit status -11" in facts.torch.error
    facts, _ = diagnose(kb, smi=Raw(error="nvidia-smi: no answer within 15 s", where="/usr/bin/nvidia-smi"),
                        torch=torch_out("2.13.0+cpu", None))
    assert facts.nvidia_smi.status == "unreadable"
    assert {"what": "nvidia-smi", "why": "no answer within 15 s"} in unread(facts)


def test_unknown_gpu_name_still_checked_by_capability(kb):
    facts, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                        torch=torch_out("2.7.1+cu126", "12.6", arch="sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90",
                                        available=True))
    ada = facts.gpus[1]
    assert ada.kb_name is None and ada.compute_capability == "8.9"
    assert "arch-not-in-build" not in v  # 8.9 runs sm_86 code


def test_narrowing_support_through_diagnose(fixture_kb):
    # the fixture keeps 12.0 only in the default cu130 variant of its newest release
    _, v = diagnose(fixture_kb, smi="0, NVIDIA Card C, 12.0, 580.65.06, 32607 MiB\n", torch=torch_out("9.2.0+cpu", None))
    s = v["gpu-support-ending"]
    assert "sm_120 support is ending" in s.title and "cu128" in s.detail and "cu130" in s.fix


def test_builds_the_knowledge_base_does_not_know(kb):
    _, v = diagnose(kb, smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                    torch=torch_out("2.16.0.dev20260101+cu130", "13.0", arch=None))
    assert v["arch-unknown"].severity == "info"
    _, v = diagnose(kb, torch=torch_out("2.5.1+rocm6.2", None, hip="6.2"))
    assert v["rocm-build"].severity == "info"
    _, v = diagnose(kb, system="Darwin", machine="arm64", torch=torch_out("2.13.0", None), shm_bytes=None)
    assert v["no-cuda-platform"].severity == "info"
    _, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), nvcc=fx("nvcc-13.0.txt"),
                    torch=torch_out("2.13.0+cu132", "13.2", arch=ARCH_2_13_CU130, available=True))
    assert v["host-toolkit-minor"].severity == "info"


def test_every_verdict_has_a_case():
    text = "".join(Path(m.__file__).read_text() for m in (checks, platform_checks, stack_checks))
    ids = set(re.findall(r'Verdict\(\s*"([a-z0-9-]+)"', text))
    assert len(ids) >= 20
    here = Path(__file__).read_text()
    assert sorted(i for i in ids if f'v["{i}"]' not in here and f'"{i}" in' not in here) == []



# --- platforms: WSL 2, Jetson, forward compatibility --------------------------------------------------

SMI_FX = Path(__file__).parent.parent / "fixtures" / "smi"


def smi_csv(name: str, cc: str) -> str:
    """A ``--query-gpu`` answer made from a real nvidia-smi table in tests/fixtures/smi (its GPU name,
    cut where the table cut it, and its Driver Version)."""
    from cudacompat.answers.smi_paste import parse_paste
    p = parse_paste((SMI_FX / name).read_text())
    gpu = p["gpu"].removesuffix("...").strip()
    return f"0, {gpu}, {cc}, {p['driver']}, 6144 MiB\n"


def test_wsl2_judges_the_windows_driver_by_the_windows_minimums(kb):
    # a WSL 2 machine: nvidia-smi prints the Windows driver (546.80) beside a Linux NVIDIA-SMI build (545.46)
    facts, v = diagnose(kb, smi=smi_csv("wsl2_rtx3060_546.80_cuda_err.txt", "8.6"), dev=("dxg",),
                        files={"/proc/version": fx("proc-version-wsl2-4.19.128.txt"), "/usr/lib/wsl/lib/": "libcuda.so.1"},
                        release="4.19.128-microsoft-standard", torch=torch_out(arch=ARCH_2_13_CU130, available=False))
    assert facts.platform.guide == "wsl2" and facts.platform.key == "linux-x86_64"
    assert facts.driver.version == "546.80"
    assert v["wsl2"].severity == "info" and "546.80" in v["wsl2"].detail
    assert "wsl2-no-driver-libraries" not in v
    # /proc/driver/nvidia/version does not exist under WSL 2: not a failure to read
    assert "/proc/driver/nvidia/version" not in {u.what for u in facts.unreadable}
    d = v["driver-too-old"]
    rel = platforms.release_for(kb, advice.release_of(kb, "2.13.0+cu130", "13.0")[1])
    assert "WSL 2" in d.detail and "Windows" in d.detail
    win = rel.min_driver.windows or "n/a"
    assert f"≥ {win}" in d.detail


def test_wsl2_without_the_driver_libraries(kb):
    facts, v = diagnose(kb, smi=smi_csv("wsl2_rtx4070_555.99_cuda12.5.txt", "8.9"), dev=("dxg",),
                        release="5.15.153.1-microsoft-standard-WSL2", torch=torch_out("2.13.0+cpu", None))
    assert facts.platform.guide == "wsl2"
    assert v["wsl2-no-driver-libraries"].severity == "error"


def test_wsl1_has_no_gpu(kb):
    facts, v = diagnose(kb, files={"/proc/version": fx("proc-version-wsl1-19041.txt")},
                        release="4.4.0-19041-Microsoft", torch=torch_out("2.13.0+cpu", None))
    assert facts.platform.guide == "linux-x86_64"
    assert v["wsl1-no-gpu"].severity == "warning" and "wsl --set-version" in v["wsl1-no-gpu"].fix


def test_jetson_thor_jetpack_7_from_nv_tegra_release(kb):
    # JetPack 7.0 ships no nvidia-smi reading here: the GPU comes from the device tree's model
    facts, v = diagnose(kb, machine="aarch64", release="6.8.12-tegra",
                        files={"/etc/nv_tegra_release": fx("nv-tegra-release-r38.2.txt"),
                               "/proc/device-tree/model": "NVIDIA Jetson AGX Thor Developer Kit\x00"},
                        torch=torch_out("2.13.0+cpu", None))
    assert facts.platform.guide == "jetson" and "/etc/nv_tegra_release" in facts.platform.signals
    assert (facts.jetson.l4t, facts.jetson.jetpack, facts.jetson.sbsa) == ("38.2.0", "7.0", True)
    assert facts.gpus[0].compute_capability == "11.0" and facts.gpus[0].segment == "embedded"
    assert v["jetson"].title == "Jetson, JetPack 7.0" and "linux-aarch64 CUDA wheels" in v["jetson"].detail
    # a CPU build on a Jetson: the fix is a build that runs on Thor (an aarch64 CUDA wheel with sm_110)
    c = v["cpu-build-with-gpu"].command
    assert c and c.startswith("pip install torch==")
    r = will_it_run(kb, "Jetson T5000", None, "jetson", jetpack="7.0")
    assert c in {o["install"] for o in r["options"]}


def test_jetson_orin_jetpack_6_gets_jetson_builds_only(kb):
    facts, v = diagnose(kb, machine="aarch64", release="5.15.148-tegra",
                        smi=smi_csv("jetson_orin_nano_jp62_540.4.0_cuda12.6.txt", "8.7"),
                        files={"/etc/nv_tegra_release": fx("nv-tegra-release-r36.4.3.txt"),
                               "/proc/device-tree/model": "NVIDIA Jetson Orin Nano Developer Kit\x00"},
                        torch=torch_out("2.13.0+cpu", None))
    assert (facts.jetson.l4t, facts.jetson.jetpack, facts.jetson.sbsa) == ("36.4.3", "6.2", False)
    assert "only NVIDIA's Jetson wheels" in v["jetson"].detail
    c = v["cpu-build-with-gpu"].command
    assert c and "download.pytorch.org/whl/cu" not in c  # no PyPI/pytorch-index aarch64 wheel on JetPack 6
    assert "driver-too-old" not in v  # 540.4.0 is a Jetson driver; JetPack brings its CUDA


def test_jetson_release_the_knowledge_base_does_not_map(kb):
    facts, v = diagnose(kb, machine="aarch64", release="4.9.201-tegra",
                        files={"/etc/nv_tegra_release": fx("nv-tegra-release-r32.5.1.txt")},
                        torch=torch_out("2.13.0+cpu", None))
    assert facts.jetson.l4t == "32.5.1" and facts.jetson.jetpack is None
    assert v["jetson"].title == "Jetson, JetPack unknown"


@pytest.mark.parametrize("smi, proc, expect, severity", [
    # a consumer GPU (TITAN V) behind a forward-compatibility libcuda newer than its driver: error 804
    ("smi-titanv-rtx5880ada-570.86.15.csv", None, "forward-compat-unsupported", "error"),
    # a data-center GPU: forward compatibility is supported
    ("smi-h100-590.48.01-wide.csv", "proc-version-open-565.57.01.txt", "forward-compat-in-use", "info"),
])
def test_forward_compat_by_gpu_class(kb, smi, proc, expect, severity):
    compat = "libcuda.so\nlibcuda.so.1\nlibcuda.so.575.57.08\nlibnvidia-ptxjitcompiler.so.575.57.08"
    facts, v = diagnose(kb, smi=fx(smi), proc=fx(proc) if proc else None, dockerenv=True,
                        files={"/etc/ld.so.conf.d/": "000_cuda_compat.conf",
                               "/etc/ld.so.conf.d/000_cuda_compat.conf": "/usr/local/cuda/compat\n",
                               "/usr/local/cuda/compat/": compat},
                        torch=torch_out("2.7.1+cu128", "12.8", available=False))
    fc = facts.forward_compat[0]
    assert (fc.path, fc.version, fc.newer) == ("/usr/local/cuda/compat/libcuda.so.575.57.08", "575.57.08", True)
    got = [i for i in v if i.startswith("forward-compat")]
    assert got == [expect] and ("forward-compat-in-use" in v) == (severity == "info")
    assert ("forward-compat-unsupported" in v) == (severity == "error")
    assert v[expect].severity == severity
    if severity == "error":
        assert "804" in v[expect].detail and v[expect].see.endswith("#forward-compat-unsupported-hw")


def test_an_older_compat_library_than_the_driver(kb):
    facts, v = diagnose(kb, smi=fx("smi-h100-590.48.01-wide.csv"), env={"LD_LIBRARY_PATH": "/usr/local/cuda/compat"},
                        ld={"/usr/local/cuda/compat": "libcuda.so.1\nlibcuda.so.575.57.08"},
                        torch=torch_out(available=False))
    assert facts.forward_compat[0].newer is False
    d = v["compat-library-older-than-driver"]
    assert d.severity == "error" and "803" in d.detail and "LD_LIBRARY_PATH" in d.fix


def test_wsl_libcuda_is_not_a_compat_library(kb):
    # WSL 2 puts /usr/lib/wsl/lib on the loader's path through /etc/ld.so.conf.d/ld.wsl.conf; its libcuda.so.1.1
    # belongs to no driver branch
    facts, v = diagnose(kb, smi=smi_csv("wsl2_rtx4070_555.99_cuda12.5.txt", "8.9"), dev=("dxg",),
                        release="5.15.153.1-microsoft-standard-WSL2",
                        files={"/etc/ld.so.conf.d/": "ld.wsl.conf", "/etc/ld.so.conf.d/ld.wsl.conf": "/usr/lib/wsl/lib\n",
                               "/usr/lib/wsl/lib/": "libcuda.so\nlibcuda.so.1\nlibcuda.so.1.1\nlibd3d12.so"},
                        torch=torch_out("2.13.0+cpu", None))
    assert facts.forward_compat == () and "wsl2" in v

# --- renderers and the command ------------------------------------------------------------------------

def test_text_colour_only_on_a_terminal():
    class Tty:
        def isatty(self):
            return True

    assert doctor.use_color(Tty(), {}) is True
    assert doctor.use_color(Tty(), {"NO_COLOR": "1"}) is False
    assert doctor.use_color(Tty(), {"NO_COLOR": ""}) is True
    assert doctor.use_color(object(), {}) is False


def test_renderers(kb):
    facts, verdicts, unreadable = doctor.run(kb, FakeReader(smi=fx("smi-titanv-rtx5880ada-570.86.15.csv"),
                                                            torch=torch_out(arch=ARCH_2_13_CU130, available=False)))
    text = report.render_text(facts, verdicts, unreadable)
    assert "\033[" not in text and "[error] Driver 570.86.15 is too old" in text
    assert "\033[1;31m[error]\033[0m" in report.render_text(facts, verdicts, unreadable, color=True)
    md = report.render_markdown(facts, verdicts)
    assert "| GPU 0 | `NVIDIA TITAN V: compute capability 7.0 (from nvidia-smi)`" in md
    assert "| Driver | `570.86.15 (from nvidia-smi)` |" in md
    assert "- **error** `driver-too-old`" in md


def test_markdown_keeps_hostile_names_inside_their_cell(kb):
    text = "0, NVIDIA `Evil` | GPU <b>*x*</b>, 9.0, 590.48.01, 1 MiB\n"
    facts, verdicts, _ = doctor.run(kb, FakeReader(smi=text, torch=torch_out("2.13.0+cpu", None)), image="img@sha256:abc")
    md = report.render_markdown(facts, verdicts)
    row = next(line for line in md.splitlines() if line.startswith("| GPU 0 |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 3  # the cell's own pipe is escaped
    assert "<b>" not in row.replace("`` ", "").split("`")[0]


def test_cli_doctor_on_this_machine(capsys):
    assert cli.main(["doctor", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r) >= {"schema_version", "facts", "verdicts", "worst", "unreadable"}
    t = r["facts"]["torch"]
    if t["status"] == "ok" and not t["cuda"] and not r["facts"]["gpus"]:
        assert "cpu-only" in {v["id"] for v in r["verdicts"]}
    assert cli.main(["doctor", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("#### Environment (cudacompat doctor")


def test_companions_of_another_torch_are_named_with_their_fix(kb):
    t = torch_out("2.7.1+cu126", "12.6", available=False)
    t["packages"] = {"torchvision": "0.21.0", "torchaudio": "2.7.1", "triton": "3.2.0", "xformers": "0.0.29.post1"}
    _, v = diagnose(kb, torch=t)
    m = v["companion-mismatch"]
    assert m.severity == "error" and "torchvision 0.22.1" in m.detail and "torchvision 0.21.0" in m.detail
    assert m.command == "pip install torch==2.7.1 torchvision==0.22.1 torchaudio==2.7.1" or "torchvision==0.22.1" in m.command
    assert v["triton-mismatch"].command == "pip install triton==3.3.1"
    assert "extension-mismatch" in v and "xformers" in v["extension-mismatch"].title
    t["packages"] = {"torchvision": "0.22.1", "torchaudio": "2.7.1", "triton": "3.3.1"}
    _, v = diagnose(kb, torch=t)
    assert not {"companion-mismatch", "triton-mismatch", "extension-mismatch"} & set(v)


def test_the_environment_block_names_the_distribution(kb):
    r = FakeReader(files={"/etc/os-release": 'NAME="Ubuntu"\nVERSION="24.04.1 LTS (Noble Numbat)"\n'
                                             'PRETTY_NAME="Ubuntu 24.04.1 LTS"\n'}, torch=torch_out())
    facts, verdicts, _ = doctor.run(kb, r)
    assert facts.platform.distribution == "Ubuntu 24.04.1 LTS"
    assert "Ubuntu 24.04.1 LTS" in report.render_markdown(facts, verdicts)
    assert parsers.parse_os_release('NAME=Fedora\nVERSION="41"\n') == "Fedora 41"
    assert parsers.parse_os_release(None) is None


@pytest.mark.parametrize("python, image, ok", [
    ("/nonexistent/python", None, False), (None, "pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime", False),
    (None, "pytorch/pytorch@sha256:" + "0" * 64, True), (None, "nvcr.io/nvidia/pytorch:25.01-py3@sha256:" + "ab" * 32, True),
    (None, "x@sha256:" + "0" * 63, False), (None, "$(id)@sha256:" + "0" * 64, False)])
def test_doctor_arguments_are_checked(python, image, ok):
    assert (doctor.argument_problem(python, image) is None) is ok
