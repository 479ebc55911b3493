#!/usr/bin/env python3
"""Run every snippet notebook on this machine's GPU and record what each cell prints, as evidence
beside the notebook (``snippets/<notebook>.gpu.json``), for the snippet pages to show next to the
CPU output.

Usage (on a machine with an NVIDIA GPU, in the environment whose torch is to be recorded):

    python scripts/record_gpu_outputs.py [NOTEBOOK ...]      # default: snippets/*.ipynb

Needs torch with CUDA, ipykernel and nbclient (``pip install nbclient ipykernel``); not cudacompat's
own dependencies. Records the machine as well: GPU and compute capability, driver, torch, CUDA
runtime, cuDNN, NCCL, Python and the OS. A recording replaces the earlier one from the same GPU,
driver and torch, and is kept beside the others. A cell's output is keyed by its source and the
scripts it names, so the pages show it only while that code is unchanged.

Exit status: 0 when every notebook ran; 1 when a cell failed (its error is recorded, as printed);
2 when no GPU is visible to torch: nothing is recorded, because the outputs would be CPU outputs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # cudacompat.site.gpu_outputs: standard library only

from cudacompat.site import gpu_outputs  # noqa: E402


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}"


def machine() -> dict:
    """What this machine is, or SystemExit(2) when torch sees no GPU."""
    try:
        import torch
    except ImportError:
        raise SystemExit("torch is not installed here: nothing recorded") from None
    if not torch.cuda.is_available():
        print("no GPU visible to torch (torch.cuda.is_available() is False): nothing recorded, because "
              "the outputs would be CPU outputs", file=sys.stderr)
        raise SystemExit(2)
    driver = None
    if shutil.which("nvidia-smi"):
        r = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=60)
        driver = r.stdout.split()[0] if r.returncode == 0 and r.stdout.strip() else None
    major, minor = torch.cuda.get_device_capability(0)
    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    return {
        "gpu": torch.cuda.get_device_name(0),
        "gpu_count": torch.cuda.device_count(),
        "compute_capability": f"{major}.{minor}",
        "driver": driver or "unknown (no nvidia-smi)",
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": str(cudnn) if cudnn else None,
        "nccl": ".".join(map(str, torch.cuda.nccl.version())),
        "python": platform.python_version(),
        "os": _os_name(),
    }


def execute(path: Path, timeout: int) -> tuple[dict, bool]:
    """The notebook executed in a fresh kernel (in its own directory); and whether a cell failed."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    failed = any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return nb, failed


def cells(nb: dict, directory: Path) -> list[dict]:
    return [{"key": gpu_outputs.cell_key(gpu_outputs.source_of(c), directory), "output": gpu_outputs.output_text(c)}
            for c in nb["cells"] if c["cell_type"] == "code"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: snippets/*.ipynb")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    a = ap.parse_args(argv)
    paths = a.notebooks or sorted((ROOT / "snippets").glob("*.ipynb"))
    m = machine()
    print(f"recording on {m['gpu']} (compute capability {m['compute_capability']}), driver {m['driver']}, "
          f"torch {m['torch']}, CUDA {m['cuda']}, NCCL {m['nccl']}")
    status = 0
    for path in paths:
        nb, failed = execute(path.resolve(), a.timeout)
        run = {"recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "command": "python scripts/record_gpu_outputs.py", "machine": m,
               "cells": cells(nb, path.resolve().parent)}
        out = gpu_outputs.evidence_path(path)
        old = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
        doc = gpu_outputs.merge(old, run)
        gpu_outputs.parse(doc, str(out))  # what the site will read back
        out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {'a cell FAILED (its error is recorded)' if failed else 'ok'} -> {out.name}")
        status = status or (1 if failed else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
