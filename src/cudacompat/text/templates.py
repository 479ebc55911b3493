"""Sentence templates: every sentence of a verdict, keyed by its reason code.

Python fills them with :func:`fill`; the browser gets :data:`SENTENCES` in its lookup data and fills
them with the same ``{name}`` rule (``lookup-core.js``), so the terminal, the pages and the browser
word an answer identically. A template names its parameters as ``{name}``; nothing else is special.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SLOT = re.compile(r"\{([a-z_]+)\}")

MVC_LIMITS = ("runs through minor-version compatibility: features that need a newer driver are "
              "unavailable, and PTX produced by this CUDA cannot be JIT-compiled by the older driver")

SENTENCES: dict[str, str] = {
    # notes on a build that runs
    "note.ptx": "no native {sm} code: the driver JIT-compiles this build's PTX for {sm} at first use (the first "
                "launch of each kernel is slow, then cached), and any bundled library kernel without code for "
                "{sm} fails with \"no kernel image is available\"",
    "note.minor-version": MVC_LIMITS,
    "note.branch": "NVIDIA publishes no {os_name} driver minimum for CUDA {cuda} (only the CUDA {major}.x branch floor, "
                   "R{minor_version_min}, which this driver meets); features of newer drivers may be missing",
    "note.driver-unknown": "the {os} driver minimum for CUDA {cuda} is not recorded",
    "note.not-checked": "the driver was not checked: give the one nvidia-smi prints to judge it against CUDA {cuda}",
    "note.jetson-wheel": "NVIDIA's PyTorch wheel for JetPack {jetpacks}: install it on top of that JetPack",
    "note.jetson-container": "NVIDIA's PyTorch container for JetPack {jetpacks}",
    "note.sbsa": "JetPack {sbsa} uses the server Arm (SBSA) CUDA stack, so the linux-aarch64 builds run on it",
    # why a build does not run, and what would fix it
    "reject.arch": "no native code or PTX for {sm} in {torch}+{variant} (it has {have}{ptx})",
    "fix.arch": "choose a release or variant that lists {sm}",
    "reject.arch-jetson": "{torch} is NVIDIA's build for JetPack {jetpacks}, whose modules are {ccs}, not {sm}",
    "fix.arch-jetson": "use a build for a JetPack that supports this module",
    "reject.libraries": "{torch}+{variant} has only PTX for {sm}, and the libraries it bundles predate the GPU: "
                        "{libraries}",
    "fix.libraries": "choose a build with native {sm} code",
    "lib.toolkit": "the CUDA {cuda} libraries (cuBLAS, cuFFT, cuSPARSE, …) target up to {toolkit_max_sm}",
    "lib.cudnn": "cuDNN {cudnn} supports up to {cudnn_max_sm}",
    "reject.jetpack": "{torch} is built for JetPack {built_for}, not JetPack {jetpack}",
    "fix.jetpack": "use the build for JetPack {jetpack}, or install JetPack {built_for}",
    "reject.python": "Python {python} is outside torch {torch}'s range {lo}–{hi}",
    "fix.python": "use a Python inside that range",
    "reject.gpu-driver": "driver {driver} predates the {family} (first supported by {floor_needs})",
    "fix.gpu-driver": "upgrade the driver to ≥ {floor_needs}",
    "reject.driver": "driver {driver} is too old for CUDA {cuda} even under minor-version compatibility "
                     "(needs ≥ {minor_version_min}; the toolkit minimum is {toolkit_min})",
    "fix.driver": "upgrade the driver to ≥ {needs}",
    "reject.driver-ptx": "{sm} runs this build only by JIT-compiling its PTX, which needs the CUDA {cuda} driver "
                         "(≥ {toolkit_min}); minor-version compatibility does not cover JIT of newer PTX",
    "fix.driver-ptx": "upgrade the driver to ≥ {toolkit_min}",
    "unknown.no-arch-data": "the architectures compiled into {torch}+{variant} on {platform} are not recorded "
                            "(a known gap); everything else about it fits",
    # a whole answer: the GPU and the platform do not go together, groups of rejections, fixes
    "mismatch.tegra-not-jetson": "{name} is a Jetson module (an integrated Tegra GPU on an aarch64 board): no "
                                 "{platform} build runs on it; ask for the jetson platform",
    "mismatch.jetson-not-tegra": "{name} is not a Jetson module: NVIDIA's Jetson builds run only on Jetson boards",
    "group.arch": "no code for {sm}",
    "group.libraries": "only PTX for {sm}, and bundled libraries that predate it",
    "group.jetpack": "built for another JetPack",
    "group.python": "outside the Python range",
    "group.gpu-driver": "driver older than the GPU",
    "group.driver": "driver too old for the build's CUDA",
    "group.driver-ptx": "PTX JIT needs the build's own CUDA driver",
    "fixrun.driver": "with driver ≥ {needs}: torch {torch}+{variant} would run",
    "fixrun.python": "with Python {lo}–{hi}: torch {torch}+{variant} would run",
    "fixrun.jetpack": "with JetPack {jetpack}: torch {torch} would run",
    # the page's own words around the answer
    "page.gpu": "{name}: compute capability {cc} ({sm}), {arch}",
    "page.unknown-gpu": "Unknown GPU.",
    "page.did-you-mean": " Did you mean: {names}?",
    "page.pick-one": " Pick one from the list.",
    "page.bad-driver": "“{driver}” is not a driver version: type it as nvidia-smi prints it, e.g. 570.86.10 "
                       "(not the “CUDA Version”).",
    "page.count": "{n} builds run on this GPU and driver",
    "page.none": "No recorded build runs on this GPU and driver",
    "page.why-not": "Why the others do not run",
    "page.all-rejected": "All {n} builds that do not run, with every reason",
    "page.no-image": "No pytorch/pytorch image recorded for this build; use pip inside a CUDA base image.",
    "page.unknown": "Not judged on architecture ({n} builds, a known gap):",
    "page.smi-filled": "Filled: {what}",
    "page.smi-nothing": "No GPU name or driver version found in this text.",
    "badge.default": "PyPI default",
    "badge.minor-version": "minor-version compatibility",
    "badge.ptx": "PTX JIT only",
    "badge.jetson": "NVIDIA Jetson build",
    # cudacompat explain and the troubleshooting pages (text.explain; errorsearch.js, troubleshooting.js)
    "explain.label-match": "Catalogued error · {family}",
    "explain.label-similar": "Similar catalogued error · {family}",
    "explain.none": "No catalogued error matches this text. Search the guide, or open an issue with the message.",
    "explain.builds-native": "Builds with native {sm} code ({platform}), by the driver they need:",
    "explain.builds-ptx": "Builds that only JIT-compile PTX for {sm} ({platform}; slow first launch), by the driver "
                          "they need:",
    "explain.no-builds": "No PyTorch build in the knowledge base has code for {sm} ({platform}).",
    "explain.range": "driver ≥ {driver}, below {below}: {variants}",
    "explain.range-last": "driver ≥ {driver}: {variants}",
    "explain.range-any": "any driver: {variants}",
    "explain.variant": "{variant} (torch {oldest} to {newest})",
    "explain.variant-one": "{variant} (torch {newest})",
    "explain.platform.linux-x86_64": "Linux x86_64",
    "explain.platform.windows-x86_64": "Windows x86_64",
    "explain.toolkits": "nvcc of CUDA {first} or newer builds {sm} and {compute}.",
    "explain.toolkits-range": "nvcc of CUDA {first} to {last} builds {sm} and {compute}; newer toolkits dropped it.",
    "explain.no-toolkit": "No CUDA toolkit in the knowledge base builds {sm}.",
    "explain.found-version": "“found version {found}” is the newest CUDA the driver supports: CUDA {cuda} (the "
                             "driver's own version is what nvidia-smi prints).",
    "explain.found-known": "CUDA {cuda} itself needs driver ≥ {linux} (Linux) / ≥ {windows} (Windows).",
    "explain.major-needs": "Builds for CUDA {major}.x need driver ≥ {linux} (Linux) / ≥ {windows} (Windows), the "
                           "floor of minor-version compatibility.",
    "explain.cuda": "CUDA {version} needs driver ≥ {linux} (Linux) / ≥ {windows} (Windows); minor-version "
                    "compatibility from {mvc_linux} / {mvc_windows}.",
    "explain.driver": "Driver {driver} runs CUDA up to {cuda} by the toolkit minimums (Linux); newer minors of the "
                      "same CUDA major may run under minor-version compatibility.",
    "explain.page-gpu": "Your GPU or its sm (e.g. RTX 5090, sm_120)",
    "explain.page-unknown": "Neither a GPU nor an sm_XY: {text}",
    # announced removals against the recorded builds (cudacompat.answers.coverage.announcement_status)
    "announce.unreleased": "torch {torch} is not released yet",
    "announce.cuda-still": "torch {checked} still has {variants}",
    "announce.cuda-gone": "torch {checked} has no CUDA {subject} build",
    "announce.python-unrecorded": "torch {checked}'s Python range is not recorded",
    "announce.python-range": "torch {checked} supports Python {span}",
    "announce.variant-gone": "torch {checked} has no {variant} build",
    "announce.arch-unrecorded": "torch {checked} has no Linux x86_64 architecture list for these builds",
    "announce.arch-still": "torch {checked} {variants} still has {sm}",
    "announce.arch-gone": "no {sm} in torch {checked} {variants} (Linux x86_64)",
    # headings of the gaps page (cudacompat.answers.coverage.gaps)
    "gap.release-date": "Releases without a sourced date",
    "gap.release-python": "Releases without a Python range",
    "gap.build-arch-list": "Builds without an architecture list for {platform_title}",
    "gap.build-cudnn": "Builds without a recorded cuDNN",
    "gap.build-nccl": "Builds without a recorded NCCL",
    "gap.newer-than-data": "Newer than the data: versions the knowledge base's own rows cite that its CUDA rows do not "
                           "have yet",
    "gap.architecture-announced": "Architectures NVIDIA has announced whose compute capability its own table does not "
                                  "name yet",
    "gap.cuda-linux-driver": "CUDA releases whose Linux driver minimum is not sourced (judged by the CUDA major's "
                             "minor-version floor)",
    "gap.toolkit-arch-range": "CUDA toolkits without an architecture range",
    "gap.cuda-windows-driver": "CUDA releases without a Windows driver minimum (N/A since the Windows driver was "
                               "unbundled, or not recorded)",
    "gap.cudnn-cuda-range": "cuDNN versions without a supported-CUDA range",
    "gap.ngc-months": "NGC PyTorch containers not recorded between {first} and {last}",
    "gap.ngc-field": "NGC containers without a recorded {field_title}",
    "gap.announcement-unconfirmed": "Announced removals the recorded builds cannot confirm",
    "gap.gpu-smi-name": "GPUs without a sourced nvidia-smi name",
    "gap.gpu-first-driver": "GPUs without a sourced first driver of their own (judged by the driver branch of the "
                            "first CUDA that supports their architecture, where the knowledge base has it)",
    "gap.gpu-first-driver-windows": "GPU families whose first Windows driver is not sourced (judged by the branch "
                                    "of the first Linux driver)",
    "gap.jetpack-l4t": "JetPack releases whose exact L4T release is not sourced (only its major)",
    "gap.jetson-build-python": "NVIDIA Jetson builds without a recorded Python",
    "gap.medium-confidence": "Rows resting on secondary or indirect sources (medium confidence)",
}


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``{name}`` -> ``str(params[name])``; a missing parameter raises (a template bug, never data)."""
    return _SLOT.sub(lambda m: str(params[m.group(1)]), template)


def say(key: str, **params: Any) -> str:
    return fill(SENTENCES[key], params)
