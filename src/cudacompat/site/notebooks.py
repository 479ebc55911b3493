"""The snippet notebooks as ordinary pages of the site, in Material's own styles (no notebook
stylesheet): Markdown cells as they are, code as highlighted blocks with a copy button, each
output in a titled block, and the GPU output recorded for that cell next to it (or a plain
statement that none has been recorded; :mod:`.gpu_outputs`).

The scripts a reader runs are files beside the notebooks (``snippets/ddp_train.py``). A page shows
one with ``<!-- compat:snippet file=ddp_train.py -->`` (:func:`script_block`), and a notebook runs
it, so the suite executes the very file that the page shows and copies: a code cell that is just
``%run check_install.py`` is shown as that file; a cell tagged ``remove-input`` (one that only
launches a script, e.g. under torchrun) is shown by its output alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import ROOT
from ..text.markdown import esc
from . import gpu_outputs
from .gpu_outputs import Run, cell_key, output_text, scripts_named, source_of

SNIPPETS = ROOT / "snippets"
SCRIPT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.(py|sh)")
LANGUAGE = {"py": "python", "sh": "bash"}
_RUN = re.compile(r"%run\s+(" + SCRIPT_NAME.pattern + r")")
RECORDER = "scripts/record_gpu_outputs.py"


class NotebookError(ValueError):
    pass


def notebooks(directory: Path = SNIPPETS) -> list[Path]:
    return sorted(directory.glob("*.ipynb"))


def scripts(directory: Path = SNIPPETS) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and SCRIPT_NAME.fullmatch(p.name))


def _fence_ticks(text: str) -> str:
    return "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)


def _title(text: str) -> str:
    """A block title (data may reach it: a GPU's name): no quote, brace, tag or entity survives."""
    return re.sub(r"[^\w .,:;()+/@#%=-]", "", text).strip()


def script_block(name: str, directory: Path = SNIPPETS) -> str:
    """A snippet script as a highlighted block titled with its file name, holding exactly the file."""
    if not SCRIPT_NAME.fullmatch(name) or not (directory / name).is_file():
        known = ", ".join(p.name for p in scripts(directory)) or "none"
        raise NotebookError(f"no snippet script {name!r} in snippets/; known: {known}")
    text = (directory / name).read_text(encoding="utf-8").rstrip("\n")
    ticks = _fence_ticks(text)
    return f'{ticks}{LANGUAGE[name.rsplit(".", 1)[1]]} title="{name}"\n{text}\n{ticks}'


def output_block(text: str, title: str) -> str:
    ticks = _fence_ticks(text)
    return f'{ticks}{{ .text .no-copy title="{_title(title)}" }}\n{text}\n{ticks}'


def _gpu_note(runs: list[Run]) -> list[str]:
    if not runs:
        return ['!!! note "GPU output not recorded yet"', "",
                "    The outputs on this page come from a run on a CPU, with PyTorch's CPU-only build; the test suite",
                "    runs the notebook again on every change and compares them. What it prints on a GPU has not been",
                f"    recorded yet: `python {RECORDER}` records it on a machine with one.", ""]
    out = ['!!! info "Recorded on a GPU"', "",
           "    Each output is shown as it printed on a CPU (the run the test suite compares on every change) and",
           f"    as it printed on {'this machine' if len(runs) == 1 else 'these machines'} "
           f"(recorded with `python {RECORDER}`):", ""]
    for r in runs:
        m = r.machine
        libs = ", ".join(f"{k} {esc(m[k.lower()])}" for k in ("cuDNN", "NCCL") if m.get(k.lower()))
        out.append(f"    - **{esc(m['gpu'])}** (compute capability {esc(m['compute_capability'])}), "
                   f"driver {esc(m['driver'])}, torch {esc(m['torch'])} (CUDA {esc(m['cuda'])}"
                   + (f", {libs}" if libs else "") + f"), recorded {esc(r.recorded[:10])}")
    return [*out, ""]


def _code(cell: dict, runs: list[Run], directory: Path) -> list[str]:
    src = source_of(cell).strip("\n")
    tags = set((cell.get("metadata") or {}).get("tags") or [])
    out = []
    if "remove-input" not in tags:
        run = _RUN.fullmatch(src.strip())
        out += [script_block(run.group(1), directory) if run else f"{_fence_ticks(src)}python\n{src}\n{_fence_ticks(src)}",
                ""]
    text = output_text(cell)
    if text:
        out += [output_block(text, "CPU output"), ""]
    key = cell_key(source_of(cell), directory)
    for r in runs:
        if key in r.outputs:
            out += [output_block(r.outputs[key] or "(printed nothing)", f"GPU output: {r.machine['gpu']}"), ""]
        elif text:
            out += [f"*GPU output on {esc(r.machine['gpu'])}: not recorded for this version of the cell.*", ""]
    return out


def page(nb: dict, name: str, runs: list[Run], directory: Path = SNIPPETS) -> str:
    """The Markdown page of notebook ``name`` (``distributed-ddp.ipynb``)."""
    out: list[str] = []
    noted = False
    used: set[str] = set()
    for cell in nb.get("cells") or []:
        kind = cell.get("cell_type")
        if kind == "markdown":
            if cell.get("attachments"):
                raise NotebookError("a Markdown cell with attachments: put images in docs/ and link them")
            out += [source_of(cell).strip("\n"), ""]
            if not noted:  # after the title and the first paragraph
                out += _gpu_note(runs)
                noted = True
        elif kind == "code":
            out += _code(cell, runs, directory)
            used.update(scripts_named(source_of(cell), directory))
    if not noted:
        out[:0] = _gpu_note(runs)
    downloads = [f"[the notebook]({name})"] + [f"[{n}]({n})" for n in sorted(used)]
    out += ["---", "", "Download: " + " · ".join(downloads), ""]
    return "\n".join(out)


def files(directory: Path = SNIPPETS, evidence: Path | None = None) -> dict[str, str]:
    """Every file the snippets add to the site, by path under ``docs/``: a page per notebook
    (``snippets/x.md``), the notebook itself and every script, to download. ``evidence``: where
    the ``.gpu.json`` files are (default: beside the notebooks)."""
    out = {}
    for nb in notebooks(directory):
        try:
            doc = json.loads(nb.read_text(encoding="utf-8"))
            out[f"snippets/{nb.stem}.md"] = page(doc, nb.name, gpu_outputs.load(nb, evidence), directory)
        except (NotebookError, gpu_outputs.EvidenceError, json.JSONDecodeError) as e:
            raise NotebookError(f"snippets/{nb.name}: {e}") from None
        out[f"snippets/{nb.name}"] = nb.read_text(encoding="utf-8")
    for s in scripts(directory):
        out[f"snippets/{s.name}"] = s.read_text(encoding="utf-8")
    return out
