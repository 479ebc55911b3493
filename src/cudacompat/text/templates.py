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
    "note.ptx": "no native {sm} code: kernels are JIT-compiled from PTX at first use (slow start), and bundled "
                "libraries without code for this GPU can still fail",
    "note.minor-version": MVC_LIMITS,
    "note.driver-unknown": "the {os} driver minimum for CUDA {cuda} is not recorded",
    # why a build does not run, and what would fix it
    "reject.python": "Python {python} is outside torch {torch}'s range {lo}–{hi}",
    "fix.python": "use a Python inside that range",
    "reject.arch": "no native code or PTX for {sm} in {torch}+{variant} (it has {have}{ptx})",
    "fix.arch": "choose a release or variant that lists {sm}",
    "reject.driver": "driver {driver} is too old for CUDA {cuda} even under minor-version compatibility "
                     "(needs ≥ {minor_version_min}; the toolkit minimum is {toolkit_min})",
    "fix.driver": "upgrade the driver to ≥ {needs}",
    "reject.driver-ptx": "{sm} runs this build only by JIT-compiling its PTX, which needs the CUDA {cuda} driver "
                         "(≥ {toolkit_min}); minor-version compatibility does not cover JIT of newer PTX",
    "fix.driver-ptx": "upgrade the driver to ≥ {toolkit_min}",
    "unknown.no-arch-data": "the architectures compiled into {torch}+{variant} on {platform} are not recorded "
                            "(a known gap)",
    # the page's own words around the answer
    "page.gpu": "{name}: compute capability {cc} ({sm}), {arch}",
    "page.unknown-gpu": "Unknown GPU.",
    "page.did-you-mean": " Did you mean: {names}?",
    "page.pick-one": " Pick one from the list.",
    "page.bad-driver": "“{driver}” is not a driver version: type it as nvidia-smi prints it, e.g. 570.86.10 "
                       "(not the “CUDA Version”).",
    "page.count": "{n} builds run on this GPU and driver",
    "page.none": "No recorded build runs on this GPU and driver",
    "page.why-not": "Why not the newest release or the PyPI default?",
    "page.all-rejected": "All {n} builds that do not run, with reasons",
    "page.no-image": "No pytorch/pytorch image recorded for this build; use pip inside a CUDA base image.",
    "page.unknown": "{n} builds have no recorded architecture list for this platform (a known gap) and are not "
                    "judged.",
    "page.smi-filled": "Filled: {what}",
    "page.smi-nothing": "No GPU name or driver version found in this text.",
    "badge.default": "PyPI default",
    "badge.minor-version": "minor-version compatibility",
    "badge.ptx": "PTX JIT only",
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
    "gap.toolkit-arch-range": "CUDA toolkits without an architecture range",
    "gap.cuda-windows-driver": "CUDA releases without a Windows driver minimum (N/A since the Windows driver was "
                               "unbundled, or not recorded)",
    "gap.cudnn-cuda-range": "cuDNN versions without a supported-CUDA range",
    "gap.ngc-months": "NGC PyTorch containers not recorded between {first} and {last}",
    "gap.ngc-field": "NGC containers without a recorded {field_title}",
    "gap.announcement-unconfirmed": "Announced removals the recorded builds cannot confirm",
    "gap.gpu-smi-name": "GPUs without a sourced nvidia-smi name",
    "gap.medium-confidence": "Rows resting on secondary or indirect sources (medium confidence)",
}


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``{name}`` -> ``str(params[name])``; a missing parameter raises (a template bug, never data)."""
    return _SLOT.sub(lambda m: str(params[m.group(1)]), template)


def say(key: str, **params: Any) -> str:
    return fill(SENTENCES[key], params)
