"""The package's layout: imports go one way (data -> kb -> answers -> text -> site / doctor /
wheels -> cli), there is no import cycle, no module is over 400 lines, and the MkDocs hook and the
browser scripts hold no knowledge logic of their own."""

from __future__ import annotations

import ast
from pathlib import Path

from cudacompat import ROOT

PKG = ROOT / "src" / "cudacompat"
MAX_LINES = 400
# a module may import from its own layer and the layers before it
LAYERS = {"versions": 0, "gpunames": 0, "kb": 1, "answers": 2, "text": 3, "site": 4, "doctor": 4, "wheels": 4, "cli": 5,
          "__init__": 0, "__main__": 5}


def modules() -> dict[str, Path]:
    out = {}
    for f in sorted(PKG.rglob("*.py")):
        rel = f.relative_to(PKG).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(["cudacompat", *parts])] = f
    return out


def imports_of(name: str, f: Path) -> set[str]:
    """The cudacompat modules ``f`` imports (relative imports resolved), at any depth of its code."""
    pkg = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
    known = modules()
    out = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("cudacompat"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("cudacompat")}
    return {m for m in out if m in known and m != name}


def layer(name: str) -> int:
    top = name.split(".")[1] if "." in name else "__init__"
    return LAYERS[top]


def test_every_module_is_in_a_layer():
    assert all(layer(m) >= 0 for m in modules())


def test_imports_go_one_way():
    wrong = []
    for name, f in modules().items():
        for target in imports_of(name, f):
            if layer(target) > layer(name):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_import_cycle():
    graph = {name: imports_of(name, f) for name, f in modules().items()}
    # a package's __init__ importing its own submodules is how a package exposes them, not a cycle
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                cycles.append(stack[stack.index(m):] + [m] if m in stack else [n, m])
            elif m not in state:
                visit(m, stack + [m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert cycles == []


def test_no_module_over_400_lines():
    long = {str(f.relative_to(ROOT)): n for f in PKG.rglob("*.py") if (n := len(f.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_the_hook_only_adapts():
    tree = ast.parse((ROOT / "hooks" / "compat.py").read_text())
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert functions == ["on_startup", "on_config", "on_files", "on_page_markdown", "on_post_build",
                         "on_build_error", "on_shutdown"]
    assert len((ROOT / "hooks" / "compat.py").read_text().splitlines()) < 80
    assert not list((ROOT / "hooks").glob("offline*.py")), "the offline copy needs no hook of its own"


def test_the_browser_scripts_do_not_retype_sentences():
    """Sentences come from cudacompat.text.templates through the lookup data."""
    page = (ROOT / "docs" / "assets" / "lookup.js").read_text()
    for phrase in ("is outside torch", "no native code or PTX", "minor-version compatibility does not cover",
                   "JIT-compiled from PTX", "docker run", "conda create"):
        assert phrase not in page, phrase
