"""What the MkDocs hooks (and ``cudacompat generate``) need: load once, list the generated files.

This module holds no MkDocs imports, so the same generation runs without MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ROOT, cache, data_path, query, render, schema


class BuildError(Exception):
    """Raised with the same ``file:line:col: id: message`` lines as ``cudacompat check``."""


@dataclass(frozen=True)
class Generated:
    path: str  # relative to the site's docs dir
    content: str


def load(path: Path | None = None) -> query.KB:
    """The validated knowledge base, through :mod:`cudacompat.cache`: a file that validated before with
    this very code is not validated again (``mkdocs serve`` rebuilds on every page edit); any other
    file is, and its problems stop the build. ``CUDACOMPAT_NO_CACHE=1`` validates every time."""
    p = path or data_path()
    try:
        return query.KB(cache.load(p, display=_display(p)))
    except Exception as e:
        from .loader import InvalidData  # pydantic: only on the validating path

        if isinstance(e, InvalidData):
            raise BuildError(f"{len(e.problems)} problem(s) in the knowledge base:\n{e}") from None
        raise


def _display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def generated(kb: query.KB) -> list[Generated]:
    """Every generated file: the pages plus ``compat.json`` and its schema."""
    out = [Generated(p.path, p.content) for p in render.pages(kb)]
    out.append(Generated("compat.json", render.compat_json(kb)))
    out.append(Generated("compat.schema.json", schema.committed()))
    table = query.lookup_table(kb)
    out.append(Generated("lookup.json", render.lookup_json(table)))
    out.append(Generated("lookup-data.js", render.lookup_js(table)))
    out.append(Generated("errors-data.js", render.errors_js(kb)))
    return out


def notebooks() -> list[str]:
    """The snippet notebooks, as paths relative to the repository root (``snippets/x.ipynb``)."""
    return sorted(f"snippets/{p.name}" for p in (ROOT / "snippets").glob("*.ipynb"))


def page_markdown(markdown: str, kb: query.KB, src_uri: str) -> str:
    """Expand shortcodes in a page; raise BuildError naming the page."""
    try:
        return render.expand_shortcodes(markdown, kb, src_uri)
    except render.ShortcodeError as e:
        raise BuildError(f"docs/{src_uri}: {e}") from None


def check_shortcodes(kb: query.KB, docs_dir: Path) -> None:
    """Expand every hand-written page's shortcodes once, so a bad one stops the build before
    MkDocs touches the site directory (it cleans it after on_config)."""
    for md in sorted(Path(docs_dir).rglob("*.md")):
        page_markdown(md.read_text(encoding="utf-8"), kb, md.relative_to(docs_dir).as_posix())


def write(kb: query.KB, outdir: Path) -> list[Path]:
    """Write the generated files under ``outdir`` (for another static-site engine)."""
    files = []
    todo = generated(kb)
    root = outdir.resolve()
    for g in todo:  # check every path before writing anything
        if not (outdir / g.path).resolve().is_relative_to(root):
            raise BuildError(f"refusing to write {g.path!r} outside {outdir}")
    for g in todo:
        target = outdir / g.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(g.content, encoding="utf-8")
        files.append(target)
    return files


def check(kb: query.KB, outdir: Path) -> list[str]:
    """Paths under ``outdir`` that differ from what would be generated (drift)."""
    drift = []
    want = {g.path: g.content for g in generated(kb)}
    for path, content in want.items():
        f = outdir / path
        if not f.is_file() or f.read_text(encoding="utf-8") != content:
            drift.append(path)
    if outdir.is_dir():
        for f in outdir.rglob("*"):
            rel = f.relative_to(outdir).as_posix()
            if f.is_file() and rel not in want:
                drift.append(rel + " (not generated)")
    return sorted(drift)
