"""Terminal renderings of the answers (``cudacompat gpu``, ``torch``, ``cuda``, ``stats``)."""

from __future__ import annotations

from typing import Any


def gpu_text(r: dict) -> str:
    lines = [f"{r['name']}: compute capability {r['compute_capability']} ({r['sm']}), "
             f"{r['architecture']}, {r['segment']}"]
    if r["smi_names"]:
        lines.append("nvidia-smi prints: " + "; ".join(r["smi_names"]))

    def group(rows: list[dict]) -> list[str]:
        by: dict[tuple, list[str]] = {}
        for b in rows:
            by.setdefault((b["variant"], b["platform"]), []).append(b["torch"])
        return [f"  {v:<7} {p:<15} {', '.join(ts)}" for (v, p), ts in sorted(by.items())]

    lines.append(f"native code ({len(r['builds']['native'])} builds):")
    lines += group(r["builds"]["native"]) or ["  none"]
    lines.append(f"PTX only, JIT-compiled at start ({len(r['builds']['ptx_only'])} builds):")
    lines += group(r["builds"]["ptx_only"]) or ["  none"]
    lines.append(f"no code for {r['sm']} ({len(r['no_code'])} builds):")
    lines += group(r["no_code"]) or ["  none"]
    return "\n".join(lines)


def torch_text(r: dict) -> str:
    py = r["python"]
    lines = [f"torch {r['version']}" + (f" ({r['date']})" if r["date"] else "")
             + (f", Python {py['min']}–{py['max'] or '…'}" if py else "")]
    c = r.get("companions") or {}
    libs = [f"{lib} {c[lib]}" for lib in ("torchvision", "torchaudio", "torchtext", "torchdata") if c.get(lib)]
    if libs:
        lines.append("  with " + ", ".join(libs))
    for v in r["variants"]:
        lines.append(f"  {v['variant']:<7} CUDA {v['cuda'] or '-':<5} cuDNN {v['cudnn'] or '-':<11} "
                     f"NCCL {v['nccl'] or '-':<8}" + (f" triton {v['triton']}" if v.get("triton") else "")
                     + ("  (PyPI default on Linux x86_64)" if v["default"] else "")
                     + (f"  (as built for {v['inherited_from']}: this patch release rebuilt its set; not measured)"
                        if v.get("inherited_from") else ""))
        lines.append(f"          {v['install']}")
        for plat, a in v["arch"].items():
            sm = " ".join(f"sm_{s.replace('.', '')}" for s in a["sm"])
            ptx = " ".join(f"compute_{p.replace('.', '')}" for p in a["ptx"])
            lines.append(f"          {plat:<15} {sm}" + (f"  + PTX {ptx}" if ptx else ""))
    return "\n".join(lines)


def companion_text(r: dict) -> str:
    head = f"{r['package']} {r['version']} goes with torch " + ", ".join(r["torch"])
    if "binary" not in r:
        return head
    lines = [head, f"  CUDA: {', '.join(r['cuda']) or 'not recorded'}; "
             + ("wheels published" if r["binary"] else "no wheels: builds from source")
             + (f" ({r['build_needs']})" if r.get("build_needs") else "")]
    return "\n".join(lines)


def _minimum(value: str | None, os_: str, major: str, short: bool = False) -> str:
    """A driver minimum as NVIDIA states it, or why there is none."""
    if value:
        return f"≥ {value}"
    if os_ == "windows" and int(major) >= 13:
        return "N/A" if short else "none published (N/A: the Windows driver is no longer bundled)"
    return "not recorded" if short else "not recorded (a known gap)"


def cuda_text(r: dict) -> str:
    md, mvc = r["min_driver"], r["minor_version_compat_min_driver"] or {}
    major = r["version"].split(".")[0]
    lines = [f"CUDA {r['version']} ({r['release']} {r['release_name']})",
             f"  toolkit minimum driver:           Linux {_minimum(md['linux'], 'linux', major)}, "
             f"Windows {_minimum(md['windows'], 'windows', major)}",
             f"  minor-version compatibility from: Linux {mvc.get('linux') or 'n/a'}, Windows {mvc.get('windows') or 'n/a'}"]
    if r["arch_range"]:
        lines.append(f"  compiles for: {r['arch_range']['min_sm']} .. {r['arch_range']['max_sm']}")
    width = max(len(rel["name"]) for rel in r["releases"])
    for rel in r["releases"]:
        lines.append(f"  {rel['version']:<8} {rel['name']:<{width}}  "
                     f"Linux {_minimum(rel['min_driver']['linux'], 'linux', major, True)}, "
                     f"Windows {_minimum(rel['min_driver']['windows'], 'windows', major, True)}")
    return "\n".join(lines)


def stats_text(r: dict[str, Any]) -> str:
    return "\n".join([f"{k}: {v}" for k, v in r["counts"].items()] + [f"newest {k}: {v}" for k, v in r["newest"].items()]
                     + [f"sources {k}: {v}" for k, v in r["sources_by_kind"].items()])


_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)], "�")
_CONTROL[0x0D] = " "


def clean(text: str) -> str:
    """Text for a terminal: control characters (ESC and the rest of C0/C1, DEL, CR) replaced, so a
    string from the data or from the machine cannot move the cursor, recolour or retitle the terminal."""
    return str(text).translate(_CONTROL)
