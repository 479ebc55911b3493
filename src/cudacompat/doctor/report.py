"""The doctor's report: the ``--json`` document (with a ``schema_version``), terminal text and a
Markdown environment block. Every string that came from the machine (nvidia-smi output, paths,
environment values) is cleaned of control characters before it reaches a terminal."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from .. import versions
from ..text.terminal import clean
from .checks import SEVERITIES, Verdict, human_bytes
from .facts import Facts, Torch, Unreadable

#: bump when a key of the --json document changes meaning or goes away
SCHEMA_VERSION = 2
_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m"}


def report(facts: Facts, verdicts: list[Verdict], unreadable: list[Unreadable]) -> dict[str, Any]:
    """The ``--json`` document."""
    worst = next((s for s in SEVERITIES if any(v.severity == s for v in verdicts)), None)
    unread = [asdict(u) for u in (*facts.unreadable, *unreadable)]
    return {"schema_version": SCHEMA_VERSION, "facts": asdict(facts), "verdicts": [v.to_dict() for v in verdicts],
            "worst": worst, "unreadable": unread}


def _torch_line(t: Torch) -> str:
    if t.status == "missing":
        return "not installed"
    if t.status == "broken":
        return f"fails to import: {t.error}"
    if t.status != "ok":
        return f"unknown ({t.error or 'no answer'})"
    kind = f"CUDA {t.cuda}" if t.cuda else f"ROCm {t.hip}" if t.hip else "CPU-only build"
    parts = [f"{t.version} ({kind})"]
    if t.cudnn:
        parts.append(f"cuDNN {t.cudnn}")
    if t.nccl:
        parts.append(f"NCCL {t.nccl}")
    return ", ".join(parts)


def _arch_line(t: Torch) -> str | None:
    a = t.arch
    if not a:
        return None
    return " ".join(versions.cc(s).sm for s in a["sm"]) + (
        "  + PTX " + " ".join(versions.cc(p).compute for p in a["ptx"]) if a["ptx"] else "")


def machine_rows(f: Facts) -> list[tuple[str, str]]:
    t, d, c, p = f.torch, f.driver, f.container, f.platform
    where = {"wsl2": " under WSL 2", "jetson": " (Jetson)"}.get(p.guide or "", "")
    rows = [("Platform", f"{p.key}{where}" + (f", {p.distribution}" if p.distribution else "")
             + (f" (kernel {p.kernel})" if p.kernel else "")),
            ("Python", f"{p.python or 'unknown'}" + (f" ({p.python_executable})" if p.python_executable else ""))]
    if f.gpus:
        for g in f.gpus:
            mem = f", {g.memory_mib} MiB" if g.memory_mib else ""
            cc = (f"compute capability {g.compute_capability} (from {g.capability_from})"
                  if g.compute_capability else "compute capability unknown")
            known = "" if g.kb_name else ", not in the knowledge base"
            rows.append((f"GPU {g.index}", f"{g.name or 'unnamed'}: {cc}{mem}{known}"))
    else:
        s = f.nvidia_smi.status
        why = {"absent": "nvidia-smi not installed", "no-devices": "nvidia-smi: No devices were found",
               "no-driver": "nvidia-smi cannot reach the driver", "nvml-mismatch": "driver/library mismatch",
               "empty": "nvidia-smi listed none"}.get(s, f"nvidia-smi: {f.nvidia_smi.message or s}")
        rows.append(("GPU", f"none visible ({why}; /dev/nvidia*: {', '.join(f.device_nodes) or 'none'})"))
    if d.version or d.l4t:
        extra = []
        if d.kernel_module and d.kernel_module != d.version:
            extra.append(f"kernel module {d.kernel_module}")
        if d.open_kernel_module:
            extra.append("open kernel module")
        rows.append(("Driver", (d.version or f"L4T {d.l4t} (Jetson)") + (f" (from {d.source})" if d.source else "")
                     + (f"; {', '.join(extra)}" if extra else "")))
    else:
        rows.append(("Driver", "unknown"))
    if f.jetson:
        j = f.jetson
        rows.append(("Jetson", f"{j.model or 'model unknown'}; L4T {j.l4t or 'unknown'}"
                     + (f", JetPack {j.jetpack} (CUDA {j.cuda})" if j.jetpack else ", JetPack not in the knowledge base")))
    for fc in f.forward_compat:
        rows.append(("libcuda", f"{fc.path} via {fc.via} ({'newer' if fc.newer else 'older'} than driver {fc.host})"))
    rows.append(("torch", _torch_line(t)))
    if t.status == "ok":
        if _arch_line(t):
            rows.append(("torch arch list", _arch_line(t)))
        avail = {True: "yes", False: "no", None: "unknown"}[t.available]
        rows.append(("CUDA available", avail + (f" — {t.why_unavailable}" if t.why_unavailable else "")
                     + (f", {t.device_count} device(s)" if t.available else "")))
    if f.cuda_visible_devices is not None:
        rows.append(("CUDA_VISIBLE_DEVICES", repr(f.cuda_visible_devices)))
    if c.detected:
        img = c.image or "unknown (pass --image)"
        env = ", ".join(f"{k}={v}" for k, v in c.nvidia_env.items()) or "no NVIDIA_* variables"
        rows.append(("Container", f"{c.runtime or 'yes'} ({', '.join(c.signals)}); image {img}; {env}"))
    else:
        rows.append(("Container", "none detected"))
    if f.shm:
        rows.append(("/dev/shm", f"{human_bytes(f.shm['total_bytes'])} ({human_bytes(f.shm['free_bytes'])} free)"))
    n = f.nvcc
    rows.append(("Host CUDA toolkit", f"nvcc {n.version} ({n.path})" if n.version else "no nvcc found"))
    ld = f.ld_library_path
    rows.append(("LD_LIBRARY_PATH", "unset" if not ld else "; ".join(
        e.dir + (f" [{len(e.cuda_libs)} CUDA libs]" if e.cuda_libs else "") for e in ld)))
    return rows


def render_text(facts: Facts, verdicts: list[Verdict], unreadable: list[Unreadable] = (), color: bool = False) -> str:
    def tag(sev: str) -> str:
        label = f"[{sev}]"
        return f"{_COLORS[sev]}{label}\033[0m" if color and sev in _COLORS else label

    rows = [(k, clean(v)) for k, v in machine_rows(facts)]
    w = max(len(k) for k, _ in rows)
    lines = [f"cudacompat doctor {facts.cudacompat}".rstrip(), "", "This machine"]
    lines += [f"  {k:<{w}}  {v}" for k, v in rows]
    lines += ["", "Findings"]
    if not verdicts:
        lines.append("  nothing to report: the build, the GPU and the driver fit together")
    for v in verdicts:
        lines.append(f"  {tag(v.severity)} {clean(v.title)}")
        lines.append(f"      {clean(v.detail)}")
        if v.fix:
            lines.append(f"      fix: {clean(v.fix)}")
        if v.command:
            lines.append(f"      run: {clean(v.command)}")
        if v.see:
            lines.append(f"      see: {v.see}")
    un = [*facts.unreadable, *unreadable]
    if un:
        lines += ["", "Could not read"]
        lines += [f"  {clean(u.what)}: {clean(u.why)}" for u in un]
    return "\n".join(lines) + "\n"


def _md_code(text: Any) -> str:
    """A Markdown code span that holds ``text`` literally, safe inside a table cell."""
    t = " ".join(clean(str(text)).split()).replace("|", "\\|")
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", t)), default=0) + 1)
    pad = " " if t.startswith("`") or t.endswith("`") else ""
    return f"{ticks}{pad}{t}{pad}{ticks}"


def _md_text(text: Any) -> str:
    """Inline Markdown text that renders literally mid-line: no emphasis, link, code, HTML or cell break."""
    t = " ".join(clean(str(text)).split())
    return re.sub(r"([\\`*_\[\]<>|&~])", r"\\\1", t)


def render_markdown(facts: Facts, verdicts: list[Verdict]) -> str:
    """An environment block for a bug report or a paper's appendix."""
    rows = machine_rows(facts)
    out = [f"#### Environment (cudacompat doctor {_md_text(facts.cudacompat)})", "", "| | |", "|---|---|"]
    out += [f"| {_md_text(k)} | {_md_code(v)} |" for k, v in rows]
    if verdicts:
        out += ["", "Findings:", ""]
        out += [f"- **{v.severity}** {_md_code(v.id)}: {_md_text(v.title)}" for v in verdicts]
    return "\n".join(out) + "\n"
