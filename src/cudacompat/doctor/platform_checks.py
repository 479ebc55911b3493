"""The doctor's platform checks: WSL 1 and 2, Jetson, and CUDA forward compatibility (a newer or older
user-space libcuda ahead of the host driver's)."""

from __future__ import annotations

from ..answers.index import KB
from .facts import Facts
from .verdicts import Result, Verdict, gpu_label


def check_platform(facts: Facts, kb: KB) -> Result:
    p = facts.platform
    if p.os == "macos":
        return [Verdict("no-cuda-platform", "info", "macOS has no CUDA",
                        "NVIDIA's CUDA does not run on macOS; torch uses the CPU or Apple's MPS backend.")], []
    if p.guide == "wsl2":
        return _wsl2(facts), []
    if p.guide == "jetson":
        return _jetson(facts, kb), []
    if any(s.startswith("kernel:") for s in p.signals):  # a Microsoft kernel without /dev/dxg: WSL 1
        return [Verdict(
            "wsl1-no-gpu", "warning", "WSL 1 has no GPU access",
            f"The kernel ({p.kernel}) is WSL's, but there is no /dev/dxg and no /usr/lib/wsl/lib: this is WSL 1, "
            "which cannot reach the GPU. CUDA on WSL needs WSL 2.",
            "In Windows PowerShell: `wsl --set-version <distribution> 2` (list them with `wsl -l -v`).")], []
    return [], []


def _wsl2(facts: Facts) -> list[Verdict]:
    drv = facts.driver.version
    libs = facts.platform.signals
    out = [Verdict(
        "wsl2", "info", "WSL 2: the GPU driver is the Windows host's",
        f"This Linux runs under WSL 2 ({', '.join(libs)}). The NVIDIA driver is the one installed on Windows"
        + (f" ({drv}, as nvidia-smi reports it here)" if drv else "")
        + "; WSL 2 mounts its libcuda into /usr/lib/wsl/lib. Builds are the Linux x86_64 wheels, and their "
        "driver minimums are NVIDIA's Windows ones.",
        "Update the driver on Windows only; never install a Linux NVIDIA driver (or a `cuda` package that "
        "pulls one) inside WSL: its libcuda would shadow the one WSL provides.", None, "cuda-drivers/")]
    if "/usr/lib/wsl/lib" not in libs:
        out.append(Verdict(
            "wsl2-no-driver-libraries", "error", "WSL 2 without the Windows driver's CUDA library",
            "/usr/lib/wsl/lib is missing, so there is no libcuda for CUDA programs: the Windows driver is "
            "older than CUDA on WSL support, or GPU support is turned off for this WSL installation.",
            "Install a current NVIDIA driver on Windows, run `wsl --update` in PowerShell, then `wsl --shutdown`."))
    return out


def _jetson(facts: Facts, kb: KB) -> list[Verdict]:
    j = facts.jetson
    if j is None:
        return []
    who = j.model or "This Jetson"
    if j.jetpack:
        runs = ("NVIDIA's Jetson wheels and containers for this JetPack, and (JetPack 7, the SBSA stack) the "
                "linux-aarch64 CUDA wheels" if j.sbsa else
                "only NVIDIA's Jetson wheels and containers built for this JetPack; the linux-aarch64 wheels "
                "of the PyTorch index carry no Tegra code")
        detail = (f"{who}: L4T {j.l4t} is JetPack {j.jetpack} (CUDA {j.cuda}). Jetson GPUs (Tegra) do not run "
                  f"desktop or server binaries; what runs is {runs}.")
        fix = f"`cudacompat will-it-run --gpu '{facts.gpus[0].kb_name}' --jetpack {j.jetpack}` lists them." \
            if facts.gpus and facts.gpus[0].kb_name else None
        return [Verdict("jetson", "info", f"Jetson, JetPack {j.jetpack}", detail, fix, None, "platforms/")]
    known = ", ".join(f"{x.version} (L4T {x.l4t})" for x in kb.data.jetpack[-3:])
    return [Verdict(
        "jetson", "info", "Jetson, JetPack unknown",
        f"{who}: L4T {j.l4t or 'unknown'} is not a release the knowledge base maps to a JetPack (it knows "
        f"{known}, …). Jetson GPUs run only builds made for their JetPack.",
        "`cat /etc/nv_tegra_release` and `apt-cache show nvidia-jetpack` name the release.")]


def check_forward_compat(facts: Facts, kb: KB) -> Result:
    """A libcuda ahead of the host driver's on the loader's path: CUDA forward compatibility (newer than
    the kernel module), which NVIDIA supports on data-center GPUs, select NGC Server Ready RTX SKUs and
    Jetson only (error 804 elsewhere); or an older one, which mismatches the driver (error 803)."""
    out = []
    for fc in facts.forward_compat:
        where = ("remove its directory from LD_LIBRARY_PATH" if fc.via == "LD_LIBRARY_PATH" else
                 f"remove {fc.via} and run `ldconfig`")
        if not fc.newer:
            out.append(Verdict(
                "compat-library-older-than-driver", "error",
                f"An older libcuda ({fc.version}) shadows driver {fc.host}",
                f"{fc.path} (via {fc.via}) belongs to driver {fc.version}, older than the kernel module "
                f"{fc.host}: CUDA initialisation fails with error 803 'system has unsupported display driver / "
                "cuda driver combination'.",
                f"Let the host driver's own libcuda load: {where}.", None,
                "troubleshooting/driver/#unsupported-driver-combination-803"))
            continue
        segments = {g.segment for g in facts.gpus if g.compute_capability}
        names = ", ".join(gpu_label(g) for g in facts.gpus) or "this GPU"
        title = f"CUDA forward compatibility: libcuda {fc.version} on driver {fc.host}"
        said = (f"{fc.path} (via {fc.via}) is the forward-compatibility library of driver {fc.version}, newer "
                f"than the host's {fc.host}. NVIDIA supports forward compatibility only on data-center GPUs, "
                "select NGC Server Ready SKUs of RTX cards and Jetson boards.")
        fix = (f"Either upgrade the host driver to ≥ {fc.version} (then the compat library is not needed), or "
               f"{where} and choose a build whose CUDA driver {fc.host} runs (`cudacompat will-it-run`).")
        if segments <= {"datacenter", "embedded"} and None not in segments and segments:
            out.append(Verdict("forward-compat-in-use", "info", title,
                               f"{said} {names} is one of them: CUDA newer than the driver runs, within the "
                               "limits of forward compatibility (the host driver must be of a supported branch)."))
        elif "consumer" in segments:
            out.append(Verdict("forward-compat-unsupported", "error", title,
                               f"{said} {names} is not: CUDA fails with error 804 'forward compatibility was "
                               "attempted on non supported HW'.", fix, None,
                               "troubleshooting/driver/#forward-compat-unsupported-hw"))
        else:
            out.append(Verdict("forward-compat-unsupported", "warning", title,
                               f"{said} {names} is " + ("a workstation GPU: only NGC Server Ready SKUs qualify"
                                                        if "workstation" in segments else "not in the knowledge "
                                                        "base") + "; without support CUDA fails with error 804.",
                               fix, None, "troubleshooting/driver/#forward-compat-unsupported-hw"))
    return out, []
