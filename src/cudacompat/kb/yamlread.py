"""Read a YAML file into plain Python, keeping where every value stands (file:line:col).

The YAML is composed into a node tree (so every value keeps its position) and converted to plain
Python by hand, so duplicate keys and aliases are caught and dates stay strings. Nothing is raised
for bad content: :func:`read` returns the problems it found.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .vocab import SECTIONS

Path_ = tuple[str | int, ...]

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 12

try:  # the C parser is much faster; positions are the same
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class Document:
    """Plain data plus where each value (and each mapping key) stands in the file."""

    file: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Position of the value at ``path``, or of the nearest enclosing value that exists."""
        p = tuple(path)
        while p:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def row_id(self, path: Path_) -> str:
        """The id of the row a path belongs to: ``torch-2.7.1``, ``torch-2.7.1+cu128``, ``gpus[3]``."""
        if len(path) < 2 or not isinstance(self.data, dict):
            return "-"
        section, index = path[0], path[1]
        try:
            row = self.data[section][index]
        except (KeyError, IndexError, TypeError):
            return f"{section}[{index}]" if isinstance(index, int) else str(section)
        rid = row.get("id") if isinstance(row, dict) else None
        rid = rid if isinstance(rid, str) and rid else f"{section}[{index}]"
        if len(path) >= 4 and path[2] == "variants" and isinstance(path[3], int):
            try:
                v = row["variants"][path[3]].get("variant")
            except (KeyError, IndexError, TypeError, AttributeError):
                v = None
            rid += f"+{v}" if isinstance(v, str) else f"/variants[{path[3]}]"
        return rid

    def problem(self, path: Path_, message: str, key: bool = False) -> Problem:
        line, col = self.where(path, key)
        return Problem(self.file, line, col, self.row_id(path), message)


MAX_ALIAS_REPORTS = 20
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


@dataclass
class _Scan:
    too_deep: tuple[int, int] | None = None
    aliases: list[tuple[Path_, tuple[int, int]]] = field(default_factory=list)


def _scan(text: str) -> _Scan:
    """One pass over the parser's flat event stream, before composing: where collections nest too
    deep, and where aliases are used (the composed tree keeps only the anchor's position).

    The composer recurses once per level in C, so ``[[[[...`` a few thousand levels deep would
    crash the interpreter before :func:`_convert` could report it. A file with neither (every real
    one) is read by a pass that only counts; the paths are worked out when there is something to place.
    """
    depth = 0
    for ev in yaml.parse(text, Loader=_Loader):
        kind = type(ev)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            depth += 1
            if depth > MAX_DEPTH + 1:
                return _scan_with_paths(text)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.AliasEvent:
            return _scan_with_paths(text)
    return _Scan()


def _scan_with_paths(text: str) -> _Scan:
    out = _Scan()
    # frames: [path, is_mapping, next index (sequence) / current key (mapping), expecting a key]
    stack: list[list[Any]] = []
    for ev in yaml.parse(text, Loader=_Loader):
        if isinstance(ev, _NODE_EVENTS):
            path: Path_ = ()
            if stack:
                f = stack[-1]
                if not f[1]:
                    path, f[2] = f[0] + (f[2],), f[2] + 1
                elif f[3]:  # a mapping key: its value gets the path
                    path, f[2], f[3] = f[0], ev.value if isinstance(ev, yaml.ScalarEvent) else None, False
                else:
                    path, f[3] = (f[0] + (f[2],) if f[2] is not None else f[0]), True
            pos = (ev.start_mark.line + 1, ev.start_mark.column + 1)
            if isinstance(ev, yaml.AliasEvent):
                out.aliases.append((path, pos))
            elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH + 1:
                    out.too_deep = pos
                    return out
                stack.append([path, isinstance(ev, yaml.MappingStartEvent), 0, True])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    return out


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp",
                                                           "seq", "map"))
# characters that can only be mistakes or attacks in this file's values: C0 controls but the line break,
# DEL, C1 controls, and the bidirectional overrides that make text read differently than it is
_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]{0,17})")
_PLAIN_FLOAT = re.compile(r"-?[0-9]{1,12}\.[0-9]{1,12}")


def _trap(node: yaml.ScalarNode) -> str | None:
    """Why a scalar cannot be read as its author meant, or None: a control character, or one of YAML 1.1's
    traps (``no`` is false, ``012`` is 10, ``12:30`` is 750, ``.nan``), which must be written in quotes."""
    m = _FORBIDDEN.search(node.value)
    if m:
        return (f"control character U+{ord(m.group(0)):04X} in a value; text may hold line breaks, nothing "
                "else invisible")
    tag, v = node.tag.rsplit(":", 1)[-1], node.value
    if node.style:  # quoted or block: a string, whatever it looks like (plain is None, or "" from the C parser)
        return None
    if tag == "bool" and v not in ("true", "false"):
        return f"YAML reads {v!r} as a boolean; write true or false, or put text in quotes"
    if tag == "int" and not _PLAIN_INT.fullmatch(v):
        return f"YAML reads {v[:40]!r} as a number it is not (octal, binary, hex or sexagesimal); put it in quotes"
    if tag == "float" and not _PLAIN_FLOAT.fullmatch(v):
        return f"YAML reads {v[:40]!r} as a special or exponent number; put it in quotes"
    return None


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


Pending = list[tuple[Path_, tuple[int, int], str]]  # problems found before the row ids are known


def _convert(node: yaml.Node, doc: Document, path: Path_, seen: set[int], pending: Pending,
             aliases: dict[Path_, tuple[int, int]], scalars: yaml.constructor.SafeConstructor, text: str) -> Any:
    if id(node) in seen:  # an alias: reported from the scan, at the alias
        doc.values[path] = aliases.get(path, _pos(node))
        return None
    doc.values[path] = _pos(node)
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        pending.append((path, _pos(node), f"nested deeper than {MAX_DEPTH} levels; this file's rows are shallow"))
        return None
    if node.tag not in _PLAIN_TAGS or text.startswith("!", node.start_mark.index):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        pending.append((path, _pos(node), f"explicit tags ({tag}) are not allowed; write plain values"))
        return None
    if isinstance(node, yaml.ScalarNode):
        trap = _trap(node)
        if trap:  # reported; read as the text it is, so that the row's other checks still run
            pending.append((path, _pos(node), trap))
            return node.value
        if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return node.value  # strings as they are (most scalars: no constructor needed); dates as written
        try:
            return scalars.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as e:
            pending.append((path, _pos(node), f"cannot read this value: {e.problem or e.context}"))
            return None
        except Exception:  # PyYAML's constructors raise what they meet; a bad value is a problem, not a crash
            # explicit tags on bad values: `!!int abc`, `!!int` (empty), `!!float x`, `!!bool maybe`, `!!binary %%`
            pending.append((path, _pos(node), f"cannot read this value as {node.tag.rsplit(':', 1)[-1]}: "
                            f"{node.value[:80]!r}"))
            return None
    if isinstance(node, yaml.SequenceNode):
        return [_convert(n, doc, path + (i,), seen, pending, aliases, scalars, text) for i, n in enumerate(node.value)]
    out: dict[Any, Any] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode):
            pending.append((path, _pos(knode), "mapping keys must be plain words"))
            continue
        key = knode.value
        if key == "<<":
            pending.append((path, _pos(knode), "YAML merge keys (<<) are not allowed"))
            continue
        kpath = path + (key,)
        if key in out:
            first = doc.keys[kpath]
            pending.append((path, _pos(knode),
                            f"duplicate key {key!r} (first at line {first[0]}); each key may appear once"))
            continue
        doc.keys[kpath] = _pos(knode)
        out[key] = _convert(vnode, doc, kpath, seen, pending, aliases, scalars, text)
    return out


def read(path: str | Path, display: str | None = None) -> tuple[Document, list[Problem]]:
    """Parse the file into a :class:`Document`; never raises for bad content."""
    path = Path(path)
    name = display or str(path)
    doc = Document(name)
    try:
        import stat
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, a device never end
            return doc, [Problem(name, 1, 1, "-", "not a regular file")]
        with path.open("rb") as f:  # never read more than the limit
            raw = f.read(MAX_BYTES + 1)
            size = max(len(raw), os.fstat(f.fileno()).st_size)
    except OSError as e:
        return doc, [Problem(name, 1, 1, "-", f"cannot read the file: {e.strerror or e}")]
    if size > MAX_BYTES:
        return doc, [Problem(name, 1, 1, "-", f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return doc, [Problem(name, line, col, "-", "not UTF-8 text; save the file as UTF-8")]
    if "\t" in text:
        i = text.index("\t")
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        return doc, [Problem(name, line, col, "-", "tab character; indent YAML with spaces")]
    try:
        scan = _scan(text)
        if scan.too_deep:
            return doc, [Problem(name, *scan.too_deep, "-", f"nested deeper than {MAX_DEPTH} levels; "
                                 "this file's rows are shallow")]
        root = yaml.compose(text, Loader=_Loader)  # aliases stay references: an alias bomb costs nothing
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return doc, [Problem(name, line, col, "-", f"YAML syntax: {e.problem or e.context}")]
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, other controls)
        at = raw[: e.position]
        line = at.count(b"\n") + 1
        col = len(at[at.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        char = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
        return doc, [Problem(name, line, col, "-", f"YAML syntax: {e.reason} ({char}); remove it")]
    except yaml.YAMLError as e:
        return doc, [Problem(name, 1, 1, "-", f"YAML syntax: {e}")]
    if root is None:
        return doc, [Problem(name, 1, 1, "-", "the file is empty; expected a mapping with the keys "
                             + ", ".join(SECTIONS))]
    pending: Pending = []
    # a fresh constructor per file: one keeps every node it has constructed (a leak across reads)
    doc.data = _convert(root, doc, (), set(), pending, dict(scan.aliases), yaml.constructor.SafeConstructor(), text)
    problems = [Problem(name, *pos, doc.row_id(p), msg) for p, pos, msg in pending]
    for p, pos in scan.aliases[:MAX_ALIAS_REPORTS]:
        problems.append(Problem(name, *pos, doc.row_id(p), "YAML aliases (*name) are not allowed; write the value out"))
    if len(scan.aliases) > MAX_ALIAS_REPORTS:
        problems.append(Problem(name, *scan.aliases[MAX_ALIAS_REPORTS][1], "-",
                                f"{len(scan.aliases) - MAX_ALIAS_REPORTS} more aliases (*name) not listed"))
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping with the keys " + ", ".join(SECTIONS)))
        doc.data = {}
    return doc, problems


