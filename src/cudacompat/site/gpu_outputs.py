"""What the snippets printed on a GPU: the evidence files ``snippets/<notebook>.gpu.json`` that
``scripts/record_gpu_outputs.py`` writes on a machine with a GPU, read back for the snippet pages.

A recorded output belongs to one version of a cell: it is keyed by :func:`cell_key`, the sha256 of
the cell's source and of every snippet script the cell names, so a recording is shown only while the
code that produced it is unchanged. A run must name its GPU, driver and CUDA runtime; anything else
is refused, so that a page can never present a CPU run (or an invented one) as a GPU output.

Standard library only: the recorder imports this module inside the PyTorch images, where
cudacompat's own dependencies are not installed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

SCHEMA = 1
SUFFIX = ".gpu.json"
#: what a run must say about its machine (``nccl`` and ``cudnn`` may be null)
MACHINE_KEYS = ("gpu", "compute_capability", "driver", "torch", "cuda")
_SCRIPT = re.compile(r"\b([A-Za-z0-9][A-Za-z0-9_-]*\.py)\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class EvidenceError(ValueError):
    """A GPU-output file that cannot be shown as it is."""


@dataclass(frozen=True)
class Run:
    recorded: str  # ISO 8601 date and time
    machine: dict
    outputs: dict  # cell_key -> the text the cell printed

    @property
    def label(self) -> str:
        """The machine, as a block title shows it (``NVIDIA H200, driver 570.x, torch 2.y+cu128``)."""
        m = self.machine
        return f"{m['gpu']}, driver {m['driver']}, torch {m['torch']}"


def evidence_path(notebook: Path) -> Path:
    return notebook.with_name(notebook.stem + SUFFIX)


def scripts_named(source: str, directory: Path) -> list[str]:
    """The snippet scripts (files beside the notebook) that a cell's source names."""
    return sorted({n for n in _SCRIPT.findall(source) if (directory / n).is_file()})


def cell_key(source: str, directory: Path) -> str:
    """sha256 of a code cell's source and of the scripts it names (``%run x.py``, a command line)."""
    h = hashlib.sha256(source.encode())
    for name in scripts_named(source, directory):
        h.update(b"\0" + name.encode() + b"\0" + (directory / name).read_bytes())
    return h.hexdigest()


def source_of(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def output_text(cell: dict) -> str:
    """What a code cell printed, as one text: streams, the plain-text form of results, errors."""
    parts = []
    for o in cell.get("outputs") or []:
        kind = o.get("output_type")
        if kind == "stream":
            parts.append(source_of({"source": o.get("text", "")}))
        elif kind in ("execute_result", "display_data"):
            plain = (o.get("data") or {}).get("text/plain")
            if plain is None:
                raise EvidenceError(f"an output without a text/plain form ({', '.join(o.get('data') or {})})")
            parts.append(source_of({"source": plain}) + "\n")
        elif kind == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}\n")
    return _ANSI.sub("", "".join(parts)).rstrip()


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EvidenceError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def parse(doc: object, where: str) -> list[Run]:
    """The runs of one evidence file (already parsed from JSON); :class:`EvidenceError` if malformed."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("runs"), list):
        raise EvidenceError(f"{where}: expected {{\"schema\": {SCHEMA}, \"runs\": [...]}}")
    runs = []
    for i, r in enumerate(doc["runs"]):
        at = f"{where}: runs[{i}]"
        if not isinstance(r, dict) or not isinstance(r.get("machine"), dict) or not isinstance(r.get("cells"), list):
            raise EvidenceError(f"{at}: expected machine and cells")
        machine = r["machine"]
        for k in MACHINE_KEYS:  # a run without a GPU, a driver or a CUDA runtime is not a GPU run
            _text(machine.get(k), f"{at}.machine.{k}")
        outputs = {}
        for j, c in enumerate(r["cells"]):
            if not isinstance(c, dict) or not re.fullmatch(r"[0-9a-f]{64}", str(c.get("key", ""))):
                raise EvidenceError(f"{at}.cells[{j}]: expected a sha256 key")
            if not isinstance(c.get("output"), str):
                raise EvidenceError(f"{at}.cells[{j}].output: expected a string")
            outputs[c["key"]] = c["output"]
        runs.append(Run(_text(r.get("recorded"), f"{at}.recorded"), machine, outputs))
    return runs


def load(notebook: Path, directory: Path | None = None) -> list[Run]:
    """The recorded GPU runs of a notebook: ``<directory>/<stem>.gpu.json`` (default: beside it);
    none when the file does not exist."""
    f = (directory / (notebook.stem + SUFFIX)) if directory else evidence_path(notebook)
    if not f.is_file():
        return []
    try:
        doc = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EvidenceError(f"{f}: cannot read: {e}") from None
    return parse(doc, str(f))


def machine_id(machine: dict) -> tuple:
    return tuple(str(machine.get(k)) for k in ("gpu", "driver", "torch"))


def merge(doc: dict | None, run: dict) -> dict:
    """An evidence file with ``run`` added, replacing an earlier run on the same GPU, driver and torch."""
    runs = [r for r in (doc or {}).get("runs", []) if machine_id(r.get("machine", {})) != machine_id(run["machine"])]
    return {"schema": SCHEMA, "runs": sorted([*runs, run], key=lambda r: machine_id(r["machine"]))}
