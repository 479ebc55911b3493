#!/usr/bin/env python3
"""Check the snippet notebooks' output policy (standard library only).

snippets/*.ipynb keep their outputs, because nbval compares a fresh run with them; so:

- every code cell has outputs, unless it is tagged ``skip-execution`` or ``nbval-skip``;
- the execution counts of the code cells run are 1, 2, 3, ... in order (the notebook was run
  once, top to bottom, in a fresh kernel);
- no error output, unless the cell is tagged ``raises-exception``;
- no widget state (``metadata.widgets`` or widget-view outputs): it is large and never compared;
- ``metadata.kernelspec.name`` is ``python3``.

Usage: ``python scripts/check_notebooks.py [NOTEBOOK ...]`` (default: snippets/*.ipynb).
Prints ``file:cell N: problem`` lines; exits 1 if there are any.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SKIP_TAGS = {"skip-execution", "nbval-skip"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def check(nb: dict) -> list[str]:
    """Problems of one notebook (already parsed), as ``cell N: message`` strings."""
    problems: list[str] = []
    if nb.get("nbformat") != 4:
        problems.append(f"notebook: nbformat is {nb.get('nbformat')!r}; expected 4")
    meta = nb.get("metadata") or {}
    kernel = (meta.get("kernelspec") or {}).get("name")
    if kernel != "python3":
        problems.append(f"notebook: metadata.kernelspec.name is {kernel!r}; expected 'python3'")
    if "widgets" in meta:
        problems.append("notebook: metadata.widgets holds widget state; clear it (Widgets > Clear Notebook Widget State)")
    expected = 1
    for n, cell in enumerate(nb.get("cells") or [], start=1):
        if cell.get("cell_type") != "code":
            continue
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        skipped = bool(tags & SKIP_TAGS)
        outputs = cell.get("outputs") or []
        count = cell.get("execution_count")
        where = f"cell {n}"
        if not outputs and not skipped and _source(cell).strip():
            problems.append(f"{where}: code cell has no outputs; run the notebook and save it with its outputs "
                            "(or tag the cell skip-execution / nbval-skip)")
        if count is None:
            if not skipped and _source(cell).strip():
                problems.append(f"{where}: code cell was not executed (execution_count is null)")
        elif count != expected:
            problems.append(f"{where}: execution_count is {count}, expected {expected}; "
                            "restart the kernel and run all cells in order")
            expected = count + 1 if isinstance(count, int) else expected + 1
        else:
            expected += 1
        for out in outputs:
            if out.get("output_type") == "error" and "raises-exception" not in tags:
                problems.append(f"{where}: error output ({out.get('ename')}); "
                                "fix the cell or tag it raises-exception")
            if WIDGET_MIME in (out.get("data") or {}):
                problems.append(f"{where}: widget output; widgets are not compared by nbval, print a value instead")
    return problems


def check_file(path: Path) -> list[str]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"{path}: cannot read the notebook: {e}"]
    if not isinstance(nb, dict):
        return [f"{path}: not a notebook (expected a JSON object)"]
    return [f"{path}:{p}" for p in check(nb)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parent.parent
    paths = [Path(a) for a in args] or sorted((root / "snippets").glob("*.ipynb"))
    problems = [p for path in paths for p in check_file(path)]
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} notebook(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
