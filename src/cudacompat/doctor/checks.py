"""Facts -> verdicts. Each check is independent and pure: it returns its verdicts and what it could
not judge; one that fails on unexpected facts is reported under ``unreadable`` instead of stopping
the others. Every judgement goes through :mod:`cudacompat.answers` (``build_code``,
``driver_verdict``, ``will_it_run``, commands), so the doctor and the other commands agree."""

from __future__ import annotations

import os
from collections.abc import Callable

from .. import versions
from ..answers import commands
from ..answers.cuda import driver_verdict
from ..answers.explain import explain
from ..answers.gpus import code_for
from ..answers.index import KB, QueryError
from ..answers.platforms import DRIVER_OS, release_for
from ..answers.will_it_run import OS_PLATFORM
from ..kb.vocab import PLATFORMS
from ..text.templates import MVC_LIMITS
from .advice import arch_list, recommend, release_of, support_outlook
from .facts import Facts, Unreadable, wheel_library_dirs
from .parsers import soname
from .platform_checks import check_forward_compat, check_platform
from .stack_checks import check_companions
from .verdicts import SEVERITIES, Result, Verdict, gpu_label, human_bytes

SHM_MIN_BYTES = 1 << 30  # below this, DataLoader workers run out of shared memory


def check_nvidia_smi(facts: Facts, kb: KB) -> Result:
    smi, drv = facts.nvidia_smi, facts.driver
    out = []
    if smi.status == "no-driver":
        out.append(Verdict(
            "driver-not-loaded", "error", "nvidia-smi cannot reach the NVIDIA driver",
            f"nvidia-smi says: {smi.message} The kernel driver is not loaded (or not installed "
            "for the running kernel), so nothing can use the GPU.",
            "Check `lsmod | grep nvidia` and `dmesg | grep -i nvrm`; reinstall the driver for the "
            "running kernel (DKMS), or sign it / turn off Secure Boot, then reboot. Inside a "
            "container the driver comes from the host: fix it there."))
    km, user = drv.kernel_module, drv.version if drv.source == "nvidia-smi" else None
    if smi.status == "nvml-mismatch" or (km and user and km != user):
        lib = drv.nvml_library or user
        out.append(Verdict(
            "driver-library-mismatch", "error", "Driver/library version mismatch",
            f"The loaded kernel module ({km or 'unknown'}) and the user-space driver libraries "
            f"({lib or 'unknown'}) differ, typically after a driver upgrade without a reboot; "
            "CUDA initialisation fails until they match.",
            "Reboot (or unload and reload the nvidia kernel modules) so the new module loads."))
    return out, []


def check_container(facts: Facts, kb: KB) -> Result:
    c, t, smi = facts.container, facts.torch, facts.nvidia_smi
    if not c.detected or facts.gpu_seen() or t.devices:
        return [], []
    nvd = c.nvidia_env.get("NVIDIA_VISIBLE_DEVICES")
    reasons = []
    if t.status == "ok" and t.cuda:
        reasons.append(f"torch {t.version} is a CUDA build")
    if nvd and nvd.strip().casefold() not in ("void", "none", ""):
        reasons.append(f"the image sets NVIDIA_VISIBLE_DEVICES={nvd}")
    if smi.status == "no-devices":
        reasons.append("nvidia-smi is present but finds no devices")
    if not reasons:
        return [], []
    where = c.runtime or "container"
    return [Verdict(
        "container-no-gpu", "error", "Container without GPU access",
        f"This is a {where} container ({', '.join(c.signals)}) and no NVIDIA device is visible "
        f"(no /dev/nvidia* node, no GPU from nvidia-smi), yet {'; '.join(reasons)}.",
        "Start it with GPUs: `docker run --gpus all ...` (needs the NVIDIA Container Toolkit on the "
        "host; Podman: `--device nvidia.com/gpu=all`; Kubernetes: a `nvidia.com/gpu` resource limit).",
        commands.DOCKER_RUN_ANY)], []


def _torch_install_state(facts: Facts, kb: KB) -> list[Verdict] | None:
    """Verdicts when torch is broken, missing or not a CUDA build; None for a CUDA build."""
    t, plat = facts.torch, facts.platform
    gpus = [g for g in facts.gpus if g.compute_capability]
    if t.status == "broken":
        return [Verdict("torch-broken", "error", "torch fails to import",
                        f"`import torch` in {plat.python_executable} raised: {t.error}",
                        "Reinstall torch in that environment (`pip install --force-reinstall torch==<version> "
                        "--index-url <the variant's index>`); look for a mixed install of two CUDA variants.")]
    if t.status == "missing":
        rec = recommend(kb, facts, gpus[0]) if gpus else None
        detail = f"torch is not installed for {plat.python_executable}."
        if rec:
            detail = f"torch is not installed for {plat.python_executable}. For {gpu_label(gpus[0])}: {rec['reason']}."
        return [Verdict("torch-missing", "info", "torch is not installed", detail,
                        "Install the build below." if rec else None, rec["install"] if rec else None)]
    if t.status != "ok":
        return []
    if not t.cuda and not t.hip:
        if facts.gpu_seen():
            g = gpus[0] if gpus else None
            rec = recommend(kb, facts, g) if g else None
            return [Verdict(
                "cpu-build-with-gpu", "error", "CPU-only torch on a machine with an NVIDIA GPU",
                f"torch {t.version} is a CPU-only build (torch.version.cuda is None), but "
                + (f"this machine has {gpu_label(g)}" if g else "this machine has NVIDIA device nodes")
                + "; torch.cuda.is_available() is False and everything runs on the CPU.",
                ("Replace it with a CUDA build: " + rec["reason"] + ".") if rec else
                "Replace it with a CUDA build that has code for this GPU (`cudacompat will-it-run`).",
                rec["install"] if rec else None)]
        where = ""
        if facts.container.detected:
            where = (" This is a container: if the host has an NVIDIA GPU, start it with `--gpus all` "
                     "and install a CUDA build of torch.")
        smi = facts.nvidia_smi
        seen = "nvidia-smi is not installed" if smi.status == "absent" else f"nvidia-smi: {smi.message or smi.status}"
        return [Verdict(
            "cpu-only", "info", "CPU-only torch, and no NVIDIA GPU here",
            f"torch {t.version} is a CPU-only build and no NVIDIA GPU is visible ({seen}, "
            "no /dev/nvidia* device): torch runs on the CPU, torch.cuda.is_available() is False. "
            "That is consistent; nothing is broken." + where)]
    if t.hip:
        return [Verdict("rocm-build", "info", "ROCm build of torch",
                        f"torch {t.version} is a ROCm (HIP {t.hip}) build; this guide covers CUDA only.")]
    if not facts.gpu_seen() and not t.devices and not facts.driver.version:
        if facts.container.detected:  # in a container, check_container speaks
            return []
        return [Verdict(
            "cuda-build-no-gpu", "info", "CUDA build of torch, but no NVIDIA GPU here",
            f"torch {t.version} is a CUDA {t.cuda} build and no NVIDIA GPU is visible "
            f"(nvidia-smi: {facts.nvidia_smi.message or facts.nvidia_smi.status}, "
            "no /dev/nvidia* device): it runs on the CPU. A CPU-only build does the same in a "
            "fraction of the download.")]
    return None


def _arch_verdicts(facts: Facts, kb: KB) -> tuple[list[Verdict], dict[str, str | None]]:
    t, plat = facts.torch, facts.platform
    al, al_src = arch_list(kb, facts)
    out: list[Verdict] = []
    codes: dict[str, str | None] = {}
    for g in facts.gpus:
        cc = g.compute_capability
        if not cc or cc in codes:
            continue
        if al is None:
            codes[cc] = None
            out.append(Verdict("arch-unknown", "info", f"Cannot check {g.sm} against this build",
                               f"torch {t.version} did not report its architecture list and the knowledge "
                               f"base has none for it on {plat.key}."))
            continue
        code = codes[cc] = code_for(kb, al, cc)
        have = " ".join(versions.cc(s).sm for s in al.sm) + (
            " + PTX " + " ".join(versions.cc(p).compute for p in al.ptx) if al.ptx else "")
        if code is None:
            rec = recommend(kb, facts, g)
            out.append(Verdict(
                "arch-not-in-build", "error", f"{gpu_label(g)} is not in this torch build",
                f"torch {t.version} has code for {have or 'nothing'} (from {al_src}); none of it runs on "
                f"{g.sm}: expect 'no kernel image is available for execution on the device'.",
                ("Install " + f"{rec['torch']}+{rec['variant']}, {rec['reason']}.") if rec else
                f"No build in the knowledge base has native {g.sm} code.",
                rec["install"] if rec else None, "arch-support/"))
        elif code == "ptx":
            rec = recommend(kb, facts, g)
            out.append(Verdict(
                "arch-ptx-only", "warning", f"{gpu_label(g)} runs this build only through PTX JIT",
                f"torch {t.version} has no native {g.sm} code ({have}); kernels are JIT-compiled at "
                "first use (slow start) and bundled libraries without code for it can still fail.",
                (f"Prefer {rec['torch']}+{rec['variant']}: {rec['reason']}.") if rec else None,
                rec["install"] if rec and rec["torch"] != (t.version or "").split("+")[0] else None))
    return out, codes


def _driver_verdicts(facts: Facts, kb: KB, codes: dict[str, str | None]) -> Result:
    """The driver against the CUDA runtime the installed build pins (its toolkit release's minimum, when
    the build is in the knowledge base), with the minimums of the OS whose driver it is: Windows' under
    WSL 2. On a Jetson before JetPack 7 the CUDA comes with JetPack and the driver is not judged."""
    t, plat, drv = facts.torch, facts.platform, facts.driver.version
    if not drv or plat.os not in OS_PLATFORM or (plat.guide == "jetson" and not (facts.jetson and facts.jetson.sbsa)):
        return [], []
    _, var = release_of(kb, t.version, t.cuda)
    rel = release_for(kb, var) if var is not None and var.cuda else None
    try:
        dv = driver_verdict(kb, rel.version if rel else t.cuda, drv, DRIVER_OS.get(plat.guide, plat.os))
    except (QueryError, versions.InvalidVersion) as e:
        return [], [Unreadable("driver check", str(e))]
    pinned = f" (from {dv['release']}, CUDA {dv['cuda']} {dv['release_name']})" if rel else ""
    if plat.guide == "wsl2":
        pinned += "; under WSL 2 the driver is the Windows host's, judged by NVIDIA's Windows minimums"
    gpus = [g for g in facts.gpus if g.compute_capability]
    if dv["via"] is None:
        need = dv["toolkit_min"] or dv["minor_version_min"]
        rec = recommend(kb, facts, gpus[0]) if gpus else None
        return [Verdict(
            "driver-too-old", "error", f"Driver {drv} is too old for CUDA {dv['cuda']}",
            f"torch {t.version} bundles the CUDA {t.cuda} runtime{pinned}, which needs driver ≥ "
            f"{dv['toolkit_min'] or 'n/a'} (≥ {dv['minor_version_min'] or 'n/a'} under minor-version "
            f"compatibility); this machine has {drv} ({facts.driver.source}). CUDA initialisation "
            "fails: 'The NVIDIA driver on your system is too old'.",
            f"Upgrade the driver to ≥ {need}"
            + (f", or install {rec['torch']}+{rec['variant']}, {rec['reason']}." if rec else "."),
            rec["install"] if rec else None, "cuda-drivers/")], []
    if dv["via"] == "minor-version":
        ptx = any(c == "ptx" for c in codes.values())
        return [Verdict(
            "driver-minor-version", "error" if ptx else "warning",
            f"Driver {drv} runs CUDA {dv['cuda']} only through minor-version compatibility",
            f"Driver {drv} is below the toolkit minimum {dv['toolkit_min']} of CUDA {dv['cuda']}{pinned} but at or above "
            f"the minor-version minimum {dv['minor_version_min']}: it {MVC_LIMITS}."
            + (" This GPU needs exactly that JIT (no native code in this build)." if ptx else ""),
            f"Upgrade the driver to ≥ {dv['toolkit_min']} to remove the limits.", None, "cuda-drivers/")], []
    return [], []


def check_torch(facts: Facts, kb: KB) -> Result:
    state = _torch_install_state(facts, kb)
    if state is not None:
        return state, []
    t = facts.torch
    out, codes = _arch_verdicts(facts, kb)
    drv_out, unread = _driver_verdicts(facts, kb, codes)
    out += drv_out
    gpus = [g for g in facts.gpus if g.compute_capability]
    if t.available is False and gpus and not any(v.severity == "error" for v in out):
        see = None
        for w in t.warnings:
            m = explain(kb, w)["matches"]
            if m:
                see = m[0]["page"]
                break
        out.append(Verdict(
            "cuda-unavailable", "error", "torch.cuda.is_available() is False",
            f"torch {t.version} is a CUDA {t.cuda} build and the GPU is there, but CUDA does not "
            f"initialise: {t.why_unavailable or 'no reason given'}",
            "Read the reason above; `cudacompat explain '<message>'` matches it to its cause.", None, see))
    return out, unread


def check_visible_devices(facts: Facts, kb: KB) -> Result:
    cvd = facts.cuda_visible_devices
    if cvd is None or not facts.gpus:
        return [], []
    ids = [x.strip() for x in cvd.split(",") if x.strip()]
    hidden = not ids or ids[0] in ("-1", "NoDevFiles", "none") or (
        all(x.isdigit() for x in ids) and all(int(x) >= len(facts.gpus) for x in ids))
    if not hidden:
        return [], []
    return [Verdict(
        "gpus-hidden", "warning", "CUDA_VISIBLE_DEVICES hides every GPU",
        f"CUDA_VISIBLE_DEVICES={cvd!r} while nvidia-smi lists {len(facts.gpus)} GPU(s): CUDA "
        "programs (torch included) see none of them.",
        "Unset it (`unset CUDA_VISIBLE_DEVICES`) or list the GPUs to use, e.g. `CUDA_VISIBLE_DEVICES=0`.")], []


def check_support_outlook(facts: Facts, kb: KB) -> Result:
    plat = facts.platform.key
    if plat not in PLATFORMS:
        return [], []
    out = []
    for cc in dict.fromkeys(g.compute_capability for g in facts.gpus if g.compute_capability):
        g = next(x for x in facts.gpus if x.compute_capability == cc)
        o = support_outlook(kb, cc, plat)
        if not o:
            continue
        sm = versions.cc(cc).sm
        if o["status"] == "ended":
            out.append(Verdict(
                "gpu-support-ending", "warning", f"New torch releases no longer carry {sm} code",
                f"The newest release in the knowledge base with recorded architectures (torch {o['newest']}: "
                f"{', '.join(o['newest_variants'])}) has no native {sm} code for {gpu_label(g)}; the last "
                f"that does is torch {o['last']} ({', '.join(o['last_variants'])}). Later upgrades will not run "
                "on this GPU.",
                f"Pin torch {o['last']} with its {o['last_variants'][0]} variant (and plan the hardware change).",
                o["install"], "arch-support/"))
        else:
            out.append(Verdict(
                "gpu-support-ending", "warning", f"{sm} support is ending",
                f"In torch {o['newest']}, only the {', '.join(o['native_variants'])} variant(s) carry native "
                f"{sm} code for {gpu_label(g)}; {', '.join(o['without'])}"
                + (" (the default)" if o["default_without"] else "")
                + " no longer do. Expect the next releases to drop it.",
                f"Install from the {o['native_variants'][0]} index, not the default one.",
                o["install"], "arch-support/"))
    return out, []


def check_shm(facts: Facts, kb: KB) -> Result:
    shm = facts.shm
    if not shm or facts.platform.os != "linux" or shm["total_bytes"] >= SHM_MIN_BYTES:
        return [], []
    c = facts.container
    fix = ("Restart the container with `--ipc=host` or `--shm-size=16g` (Kubernetes: mount an "
           "`emptyDir` with `medium: Memory` on /dev/shm)." if c.detected else
           "Enlarge it: `sudo mount -o remount,size=16G /dev/shm`.")
    return [Verdict(
        "shm-too-small", "warning", f"/dev/shm is only {human_bytes(shm['total_bytes'])}",
        "DataLoader workers (num_workers > 0) pass batches through shared memory in /dev/shm; at this size "
        "they die with 'unable to write to file </torch_…>' or 'bus error' (64 MiB is Docker's default).",
        fix, commands.DOCKER_RUN_ANY if c.detected else None)], []


def check_shadowing(facts: Facts, kb: KB) -> Result:
    t = facts.torch
    if t.status != "ok" or not t.cuda:
        return [], []
    wheel = wheel_library_dirs(t)
    wheel_dirs = {os.path.normpath(d) for d in wheel.values()}
    hits = []
    for entry in facts.ld_library_path:
        if os.path.normpath(entry.dir) in wheel_dirs:
            continue
        for name in entry.cuda_libs:
            key = soname(name)
            if key in wheel:
                hits.append((entry.dir, name, key))
    if not hits:
        return [], []
    shown = "; ".join(f"{d}/{n} shadows {k} from {wheel[k]}" for d, n, k in hits[:6])
    return [Verdict(
        "shadowed-libraries", "warning", "LD_LIBRARY_PATH shadows the wheel's CUDA libraries",
        f"The dynamic loader searches LD_LIBRARY_PATH before the wheel's own directories, so these load "
        f"instead of what torch {t.version} was built against: {shown}"
        + (f" (and {len(hits) - 6} more)" if len(hits) > 6 else "")
        + ". Typical symptoms: 'undefined symbol ... libnvJitLink', cuDNN version mismatch errors.",
        "Remove those directories from LD_LIBRARY_PATH for Python (or unset it); pip wheels need no host CUDA.")], []


def check_nvcc(facts: Facts, kb: KB) -> Result:
    n, t = facts.nvcc, facts.torch
    if not n.release:
        return [], []
    where = n.path or "nvcc"
    if t.status != "ok" or not t.cuda:
        return [Verdict(
            "host-toolkit-unused", "info", f"Host CUDA toolkit {n.release} (nvcc) is not used by torch",
            f"{where} is CUDA {n.version}. pip wheels bring their own CUDA runtime; the host toolkit matters "
            "only to compile CUDA extensions (torch.utils.cpp_extension, flash-attn, apex), which needs a CUDA "
            "build of torch" + (f" — this one is {t.version}." if t.version else "."))], []
    tm, nm = t.cuda.split(".")[0], n.release.split(".")[0]
    if tm != nm:
        return [Verdict(
            "host-toolkit-mismatch", "warning", f"nvcc is CUDA {n.release}, torch was built with CUDA {t.cuda}",
            f"Runtime is unaffected (the wheel bundles CUDA {t.cuda}), but compiling CUDA extensions "
            "(torch.utils.cpp_extension: flash-attn, apex, custom ops) fails on a CUDA major mismatch.",
            f"For extension builds, point CUDA_HOME at a CUDA {tm}.x toolkit (ideally {t.cuda}).")], []
    if n.release != t.cuda:
        return [Verdict(
            "host-toolkit-minor", "info", f"nvcc is CUDA {n.release}, torch was built with CUDA {t.cuda}",
            "Same major version: extensions compile (torch warns about the minor mismatch) and run.")], []
    return [], []


CHECKS: list[Callable[[Facts, KB], Result]] = [
    check_nvidia_smi, check_container, check_torch, check_visible_devices,
    check_support_outlook, check_shm, check_shadowing, check_nvcc, check_platform, check_forward_compat,
    check_companions,
]


def diagnose(facts: Facts, kb: KB) -> tuple[list[Verdict], list[Unreadable]]:
    """Facts -> (verdicts most severe first, what the checks could not judge)."""
    out: list[Verdict] = []
    unread: list[Unreadable] = []
    for check in CHECKS:
        try:
            verdicts, notes = check(facts, kb)
        except Exception as e:  # a bug in one check must not cost the rest of the report
            unread.append(Unreadable(f"check {check.__name__.removeprefix('check_')}", f"{type(e).__name__}: {e}"))
            continue
        out += verdicts
        unread += notes
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda v: order.get(v.severity, 9)), unread
