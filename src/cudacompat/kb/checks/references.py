"""Checks that hold across sections: unique ids, references between rows, evidence files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ... import versions
from ..vocab import ERROR_FAMILIES
from . import Context, check


@check("ids-unique")
def ids_unique(ctx: Context):
    """Within a section, every id appears once."""
    for section, items in ctx.rows.items():
        seen: dict[str, int] = {}
        for i, row in items:
            rid = getattr(row, "id", None)
            if rid is None:
                continue
            if rid in seen:
                line = ctx.doc.where((section, seen[rid]))[0]
                yield (section, i, "id"), f"duplicate id {rid!r} (first at line {line}); ids must be unique"
            else:
                seen[rid] = i


@check("image-builds-exist")
def image_builds_exist(ctx: Context):
    """Every image names a torch release and variant of the knowledge base."""
    builds = {(t.version, v.variant) for _, t in ctx.rows["torch"] for v in t.variants}
    by_version = {t.version: t for _, t in ctx.rows["torch"]}
    for _, t in ctx.rows["torch"]:  # a patch release also has the builds it inherits (rebuilds)
        base = by_version.get(t.rebuilds) if t.rebuilds else None
        if base is not None:
            builds |= {(t.version, v.variant) for v in base.variants if v.variant not in t.not_rebuilt}
    releases = {versions.parse(t.version) for _, t in ctx.rows["torch"]}
    for i, im in ctx.rows["images"]:
        if (im.torch, im.variant) not in builds:
            known = versions.parse(im.torch) in releases
            yield (("images", i, "variant" if known else "torch"),
                   f"no torch {im.torch} {im.variant} build in the knowledge base"
                   if known else f"unknown torch release {im.torch}")


@check("evidence-files-exist")
def evidence_files_exist(ctx: Context):
    """Every ``evidence:`` source names a file that exists under data/evidence/."""
    # evidence:data/evidence/<x> lies in the evidence directory beside the file (data/ in a checkout,
    # the package's _data/ when installed)
    evidence = (ctx.file.resolve().parent / "evidence").resolve()
    plain = _plain_files(evidence)
    for section, items in ctx.rows.items():
        for i, row in items:
            for path, src in sources_of(row, (section, i)):
                if not src.startswith("evidence:"):
                    continue
                rel = src.removeprefix("evidence:")
                if rel.removeprefix("data/evidence/") in plain:
                    continue
                f = (evidence / rel.removeprefix("data/evidence/")).resolve()  # nor may a link lead out of it
                if not f.is_relative_to(evidence):
                    yield path, f"evidence file {rel} is outside data/evidence/"
                elif not f.is_file():
                    yield path, f"evidence file {rel} does not exist"


def _plain_files(root: Path) -> frozenset[str]:
    """The regular files under ``root`` reached without a symbolic link, as POSIX paths relative to it:
    a name in this set is inside ``root`` without resolving it (one directory walk instead of a
    ``resolve()`` per source); any other name is resolved and judged one by one."""
    out: set[str] = set()
    todo = [("", root)]
    while todo:
        prefix, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                todo.append((prefix + e.name + "/", Path(e.path)))
            elif e.is_file(follow_symlinks=False):
                out.add(prefix + e.name)
    return frozenset(out)


def sources_of(obj: Any, path: tuple) -> Iterable[tuple[tuple, str]]:
    """Every source string in a row, with its path."""
    for j, s in enumerate(getattr(obj, "sources", None) or []):
        yield path + ("sources", j), s
    for j, v in enumerate(getattr(obj, "variants", None) or []):
        yield from sources_of(v, path + ("variants", j))
    platforms = getattr(obj, "platforms", None)
    if isinstance(platforms, dict):
        for plat, al in platforms.items():
            yield from sources_of(al, path + ("platforms", plat))


@check("image-id-is-its-tag")
def image_id_is_its_tag(ctx: Context):
    """An image's id is ``pytorch/pytorch:<its tag>`` (the id is what a docker command runs)."""
    for i, im in ctx.rows["images"]:
        if im.id != f"pytorch/pytorch:{im.tag}":
            yield ("images", i, "id"), f"the id must be pytorch/pytorch:{im.tag}, the image's tag"


#: generated pages a row's id must not replace: <dir>/index.md is the directory's own page
RESERVED_PAGE_NAMES = frozenset({"index"})


@check("ids-not-page-names")
def ids_not_page_names(ctx: Context):
    """An id that becomes a page (architectures/<id>, troubleshooting/<family>/<id>, releases/<version>)
    must not be the name of a page the site generates itself: ``index`` would replace the directory's
    own page, and an error id equal to a family's name would read as that family's page."""
    for i, a in ctx.rows["architectures"]:
        if a.id in RESERVED_PAGE_NAMES:
            yield ("architectures", i, "id"), f"{a.id!r} is the name of a generated page; choose another id"
    for i, e in ctx.rows["errors"]:
        if e.id in RESERVED_PAGE_NAMES or e.id in ERROR_FAMILIES:
            yield ("errors", i, "id"), f"{e.id!r} is the name of a generated page; choose another id"
    for i, t in ctx.rows["torch"]:
        if t.version in RESERVED_PAGE_NAMES:
            yield ("torch", i, "version"), f"{t.version!r} is the name of a generated page"
