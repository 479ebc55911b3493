"""The platforms page: what runs where (Linux x86_64, Linux aarch64 servers, Windows, WSL 2, Jetson), the
driver minimums each uses, JetPack releases and NVIDIA's Jetson builds. Facts from the knowledge base;
the rules from :mod:`cudacompat.answers.platforms`."""

from __future__ import annotations

from ... import versions
from ...answers import commands
from ...answers.index import KB
from ...answers.platforms import DRIVER_OS, PLATFORMS
from ...text.markdown import code, esc, sources, table
from ..page import Page

#: what each platform runs, in the guide's words (the rules are in answers.platforms)
RUNS = {
    "linux-x86_64": "the Linux x86_64 wheels and the official images",
    "linux-aarch64": "the Linux aarch64 CUDA wheels (Grace Hopper, Grace Blackwell, GB10)",
    "windows-x86_64": "the Windows wheels",
    "wsl2": "the Linux x86_64 wheels, with the Windows host's driver",
    "jetson": "NVIDIA's Jetson wheels and containers for the installed JetPack; from JetPack 7 (SBSA) also the "
              "Linux aarch64 CUDA wheels",
}
WSL_GUIDE = "https://docs.nvidia.com/cuda/wsl-user-guide/index.html"
WSL_SMI_THREAD = "https://github.com/microsoft/WSL/issues/11277"


def overview(kb: KB) -> str:
    rows = [[code(p), esc(RUNS[p]), esc(DRIVER_OS[p].capitalize()), code(f"--platform {p}")] for p in PLATFORMS]
    return table(["Platform", "Runs", "Driver minimums", "Terminal"], rows)


def aarch64_rows(kb: KB) -> tuple[str, str | None]:
    """The releases with recorded aarch64 CUDA architecture lists, and the first whose PyPI default is one."""
    rows, first_default = [], None
    for t in sorted(kb.releases, key=lambda t: versions.parse(t.version)):
        for v in t.variants:
            al = v.platforms.get("linux-aarch64")
            if al is None:
                continue
            if v.default_aarch64 and first_default is None:
                first_default = t.version
            rows.append([esc(t.version), code(v.variant), esc(v.cuda or "—"),
                         esc(" ".join(versions.cc(s).sm for s in al.sm)),
                         esc(" ".join(versions.cc(p).compute for p in al.ptx) or "none"),
                         "yes" if v.default_aarch64 else "", code(commands.pip_install(t, v, "linux-aarch64"))])
    rows.reverse()
    if not rows:
        return "None is recorded.", first_default
    return table(["torch", "Variant", "CUDA", "Native code", "PTX", "PyPI default", "Install"], rows), first_default


def aarch64_gpus(kb: KB) -> str:
    rows = []
    for g in kb.data.gpus:
        if g.compute_capability in kb.tegra or not any(w in g.name for w in ("GH200", "GB200", "GB300", "GB10")):
            continue
        rows.append([esc(g.name), code(versions.cc(g.compute_capability).sm), esc(kb.architecture_name(g.architecture))])
    return table(["GPU", "Code", "Architecture"], rows) if rows else "No such GPU is recorded."


def jetpack_table(kb: KB) -> str:
    rows = []
    for j in sorted(kb.data.jetpack, key=lambda j: (versions.parse(j.l4t.split()[0]), j.version), reverse=True):
        rows.append([esc(j.version), esc(j.l4t), esc(j.cuda), esc(j.python or "—"),
                     esc(", ".join(versions.cc(c).sm for c in j.compute_capabilities)),
                     esc(", ".join(j.modules) or "—"), "yes" if j.sbsa else "", sources(j.sources)])
    return table(["JetPack", "L4T", "CUDA", "Python", "GPU code", "Modules", "SBSA", "Sources"], rows)


def jetson_builds_table(kb: KB) -> str:
    rows = []
    for b in kb.data.jetson_builds:
        how = commands.pip_wheel(b.wheel) if b.wheel else commands.docker_pull(b.container)
        rows.append([esc(b.torch), esc(", ".join(b.jetpack)), "wheel" if b.wheel else "container",
                     esc(b.python or "—"), code(how), sources(b.sources)])
    return table(["torch", "JetPack", "Kind", "Python", "Install", "Sources"], rows)


def page_platforms(kb: KB) -> Page:
    table_aarch64, first_default = aarch64_rows(kb)
    sbsa = sorted((j for j in kb.data.jetpack if j.sbsa), key=lambda j: versions.parse(j.l4t.split()[0]))
    major13 = kb.majors.get(13)
    body = [
        "# Platforms", "",
        "A build runs on a machine only if it was made for that machine's platform. The "
        "[Will it run?](will-it-run.md) page and `cudacompat will-it-run --platform …` judge every build on the "
        "platform chosen (by default: Jetson for a Jetson module, Linux x86_64 otherwise).", "",
        overview(kb), "",
        "## Linux aarch64 servers", "",
        "Grace Hopper, Grace Blackwell and DGX Spark (GB10) machines are Arm servers with discrete-class GPUs: "
        "they run the Linux aarch64 CUDA wheels, with the Linux driver minimums. "
        + (f"The default `pip install torch` on aarch64 carries CUDA from torch {esc(first_default)} on; before, "
           "it installed a CPU-only build and the CUDA wheels came from the variant indexes."
           if first_default else "Which release's default aarch64 wheel first carries CUDA is not recorded."), "",
        aarch64_gpus(kb), "",
        "The aarch64 CUDA builds whose architecture lists are measured (releases without a list here are "
        "[known gaps](gaps.md)):", "",
        table_aarch64, "",
        "## Windows", "",
        "The Windows wheels, with NVIDIA's Windows driver minimums. For CUDA 13 NVIDIA prints no Windows "
        "minimum in its driver table (\"N/A\"; the Windows display driver is no longer bundled with the toolkit), "
        + (f"so a CUDA 13 build is offered only on the CUDA 13 branch floor, driver ≥ "
           f"{esc(major13.minor_version_compat_min_driver.windows)}, and says so. "
           if major13 and major13.minor_version_compat_min_driver and major13.minor_version_compat_min_driver.windows
           else "and the guide offers no CUDA 13 build on Windows. ")
        + (sources(major13.sources) if major13 else ""), "",
        "## WSL 2", "",
        "Under WSL 2 the only NVIDIA driver is the Windows host's: NVIDIA's CUDA on WSL guide says to install the "
        "Windows driver and never a Linux one inside WSL, whose libcuda is the Windows driver's, mounted into "
        "the distribution. The Linux x86_64 wheels run unchanged; their driver minimums are the Windows ones. "
        "Inside WSL, `nvidia-smi` prints the Windows driver as *Driver Version* (for example 555.99) beside a "
        "Linux *NVIDIA-SMI* build number (555.52.01), and some queries report `N/A` or `ERR!`. "
        "`cudacompat doctor` recognises WSL 2 (its kernel, /dev/dxg, /usr/lib/wsl/lib) and judges the driver "
        f"that way. Sources: [NVIDIA CUDA on WSL User Guide]({WSL_GUIDE}); "
        f"[a WSL 2 nvidia-smi output]({WSL_SMI_THREAD}).", "",
        "## Jetson", "",
        "A Jetson module's GPU is integrated (Tegra): NVIDIA's binary compatibility between GPU generations does "
        "not apply to Tegra, nor between desktop and Tegra GPUs, so desktop and server builds with `sm_80` or "
        "`sm_86` code do not run on an Orin (`sm_87`). What runs is what NVIDIA builds for the installed JetPack: "
        "wheels and `-igpu` containers. "
        + (f"From JetPack {esc(sbsa[0].version)} (L4T {esc(sbsa[0].l4t)}, CUDA {esc(sbsa[0].cuda)}) Jetson uses the "
           "server Arm (SBSA) CUDA stack, so the Linux aarch64 CUDA wheels with code for the module run too "
           "(Jetson Thor, `sm_110`)." if sbsa else ""), "",
        "JetPack releases, the Jetson Linux (L4T) release each ships (`/etc/nv_tegra_release` on the module), "
        "and the CUDA that comes with it:", "",
        jetpack_table(kb), "",
        "PyTorch builds NVIDIA publishes for Jetson:", "",
        jetson_builds_table(kb), "",
    ]
    return Page("platforms.md", "\n".join(body))


def pages(kb: KB) -> list[Page]:
    return [page_platforms(kb)]
