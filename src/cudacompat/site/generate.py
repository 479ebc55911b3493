"""What the MkDocs hook (and ``cudacompat generate``) needs: load once, list the generated files,
expand a page's shortcodes and resolve its links. No MkDocs import: the same generation runs
without MkDocs."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import ROOT, data_path
from ..answers.index import KB
from ..kb import cache, schema
from . import browser, links, shortcodes
from . import notebooks as snippet_pages
from .pages import all_pages


class BuildError(Exception):
    """Raised with the same ``file:line:col: id: message`` lines as ``cudacompat check``."""


@dataclass(frozen=True)
class Generated:
    path: str  # relative to the site's docs dir
    content: str


def load(path: Path | None = None) -> KB:
    """The validated knowledge base, through :mod:`cudacompat.kb.cache`: a file that validated
    before with this very code is not validated again (``mkdocs serve`` rebuilds on every page
    edit); any other file is, and its problems stop the build."""
    p = path or data_path()
    try:
        return KB(cache.load(p, display=display(p)))
    except Exception as e:
        from ..kb.problems import InvalidData

        if isinstance(e, InvalidData):
            raise BuildError(f"{len(e.problems)} problem(s) in the knowledge base:\n{e}") from None
        raise


def display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def generated(kb: KB) -> list[Generated]:
    """Every generated file: the pages, the snippet pages (with the notebooks and scripts to
    download), ``compat.json`` and its schema, the browser's data."""
    out = [Generated(p.path, p.content) for p in all_pages(kb)]
    try:
        out += [Generated(path, content) for path, content in snippet_pages.files().items()]
    except snippet_pages.NotebookError as e:
        raise BuildError(str(e)) from None
    out.append(Generated("compat.json", browser.compat_json(kb)))
    out.append(Generated("compat.schema.json", schema.committed()))
    data = browser.lookup_data(kb)
    out.append(Generated("lookup.json", browser.lookup_json(data)))
    out.append(Generated("lookup-data.js", browser.lookup_js(data)))
    out.append(Generated("errors-data.js", browser.errors_js(kb)))
    return out


def notebooks() -> list[str]:
    """The snippet notebooks, as paths relative to the repository root (``snippets/x.ipynb``)."""
    return sorted(f"snippets/{p.name}" for p in (ROOT / "snippets").glob("*.ipynb"))


def page_markdown(markdown: str, kb: KB, src_uri: str, url_of: Callable[[str], str | None]) -> str:
    """A page's Markdown with its shortcodes expanded and its raw-HTML links resolved (``url_of``:
    the URL of a site file relative to this page); raise BuildError naming the page."""
    try:
        return links.resolve(shortcodes.expand(markdown, kb, src_uri), url_of)
    except (shortcodes.ShortcodeError, links.LinkError) as e:
        raise BuildError(f"docs/{src_uri}: {e}") from None


def check_shortcodes(kb: KB, docs_dir: Path) -> None:
    """Expand every hand-written page's shortcodes once, so a bad one stops the build before
    MkDocs touches the site directory (it cleans it after on_config)."""
    for md in sorted(Path(docs_dir).rglob("*.md")):
        try:
            shortcodes.expand(md.read_text(encoding="utf-8"), kb, md.relative_to(docs_dir).as_posix())
        except shortcodes.ShortcodeError as e:
            raise BuildError(f"docs/{md.relative_to(docs_dir).as_posix()}: {e}") from None


def standalone(kb: KB) -> dict[str, str]:
    """The generated files as ``cudacompat generate`` writes them: pages with their links resolved
    by MkDocs' rule for directory URLs (no MkDocs needed)."""
    files = generated(kb)
    known = {g.path for g in files}
    out = {}
    for g in files:
        if g.path.endswith(".md"):
            out[g.path] = page_markdown(g.content, kb, g.path,
                                        lambda target, here=g.path: links.relative(target, here)
                                        if target in known or (ROOT / "docs" / target).is_file() else None)
        else:
            out[g.path] = g.content
    return out


def write(kb: KB, outdir: Path) -> list[Path]:
    """Write the generated files under ``outdir`` (for another static-site engine)."""
    files = standalone(kb)
    root = outdir.resolve()
    for path in files:  # check every path before writing anything
        if not (outdir / path).resolve().is_relative_to(root):
            raise BuildError(f"refusing to write {path!r} outside {outdir}")
    written = []
    for path, content in files.items():
        target = outdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written


def check(kb: KB, outdir: Path) -> list[tuple[str, str]]:
    """(path, unified diff) for every file under ``outdir`` that differs from what would be
    generated, is missing, or is not generated at all."""
    want = standalone(kb)
    drift = []
    for path, content in want.items():
        f = outdir / path
        have = f.read_text(encoding="utf-8") if f.is_file() else ""
        if have != content:
            diff = "".join(difflib.unified_diff(have.splitlines(True), content.splitlines(True),
                                                f"{outdir / path} (on disk)", f"{path} (generated)", n=1))
            drift.append((path, diff if f.is_file() else f"{outdir / path}: missing\n"))
    if outdir.is_dir():
        for f in sorted(outdir.rglob("*")):
            rel = f.relative_to(outdir).as_posix()
            if f.is_file() and rel not in want:
                drift.append((rel, f"{f}: not generated\n"))
    return sorted(drift)
