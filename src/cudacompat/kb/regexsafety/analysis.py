"""The backtracking rules R1-R5 over a parsed pattern (see the package docstring)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import product

from .parse import (
    _ANY,
    _WORK,
    MAX_CHOICES,
    MIN_LITERALS,
    _Node,
    _refuse,
)


def _ambiguity(node: _Node, follow: int) -> _Node | None:
    """The first ambiguous choice in ``node`` when ``follow`` are the characters that may come
    after it: an alternation whose branches start alike, or a quantifier that could stop or go on
    with the same character (or a repetition of something that can match the empty string)."""
    if node.kind == "seq":
        for item in reversed(node.kids):
            found = _ambiguity(item, follow)
            if found:
                return found
            follow = item.first | (follow if item.nullable else 0)
        return None
    if node.kind == "group":
        return _ambiguity(node.kids[0], follow)
    if node.kind == "alt":
        seen = 0
        for branch in node.kids:
            starts = branch.first | (follow if branch.nullable else 0)
            if starts & seen:
                return node
            seen |= starts
        return next(filter(None, (_ambiguity(b, follow) for b in node.kids)), None)
    if node.kind == "repeat":
        body = node.kids[0]
        if (node.loops() and body.nullable) or (node.variable() and body.first & follow):
            return node
        return _ambiguity(body, follow | (body.first if node.loops() else 0))
    return None


def _choices(node: _Node, follow: int) -> int:
    """How many ways the bounded ambiguous choices of ``node`` (outside repetitions, which R2 made
    deterministic) can combine, at most."""
    if node.kind == "seq":
        total = 1
        for item in reversed(node.kids):
            total *= _choices(item, follow)
            follow = item.first | (follow if item.nullable else 0)
        return total
    if node.kind == "group":
        return _choices(node.kids[0], follow)
    if node.kind == "alt":
        ways = [_choices(b, follow) for b in node.kids]
        starts = [b.first | (follow if b.nullable else 0) for b in node.kids]
        alike = any(a & b for i, a in enumerate(starts) for b in starts[i + 1:])
        return sum(ways) if alike else max(ways)
    if node.kind == "repeat":
        body = node.kids[0]
        ways = 1 if node.loops() else _choices(body, follow)
        if node.variable() and body.first & follow and node.hi is not None:
            ways *= node.hi - node.lo + 1
        return ways
    return 1


class _Positions:
    """The pattern's character positions (Glushkov's construction): which positions can start
    and end each node, and which can follow each position."""

    def __init__(self, root: _Node) -> None:
        self.masks: list[int] = []
        self.literal: list[bool] = []
        self.follow: list[set[int]] = []
        self.first: dict[_Node, set[int]] = {}
        self.last: dict[_Node, set[int]] = {}
        self.span: dict[_Node, range] = {}
        self._after: dict[_Node, set[int]] = {}
        self._before: dict[_Node, int] = {}
        self.work = 0
        self.root = root
        self.visit(root)

    def visit(self, node: _Node) -> tuple[set[int], set[int]]:
        """Number the positions of ``node``, link them, and return the first and last ones."""
        start = len(self.masks)
        first: set[int] = set()
        last: set[int] = set()
        if node.kind == "set":
            self.masks.append(node.mask)
            self.literal.append(node.literal)
            self.follow.append(set())
            first, last = {start}, {start}
        elif node.kind in ("group", "repeat"):
            first, last = self.visit(node.kids[0])
            if node.loops():
                for p in last:
                    self.follow[p] |= first
        elif node.kind == "alt":
            for kid in node.kids:
                f, la = self.visit(kid)
                first, last = first | f, last | la
        elif node.kind == "seq":
            nullable = True
            for kid in node.kids:
                f, la = self.visit(kid)
                for p in last:
                    self.follow[p] |= f
                if nullable:
                    first = first | f
                last = la | last if kid.nullable else set(la)
                nullable = nullable and kid.nullable
        self.first[node], self.last[node], self.span[node] = first, last, range(start, len(self.masks))
        return first, last

    def after(self, node: _Node) -> set[int]:
        """Positions that can come right after ``node`` ends, outside it."""
        if node not in self._after:
            out: set[int] = set()
            for p in self.last[node]:
                out |= self.follow[p]
            self._after[node] = {q for q in out if q not in self.span[node]}
        return self._after[node]

    def gate(self, x: _Node, y: _Node, shared: int) -> int | None:
        """The fewest literal characters on a way from the end of ``x`` to the start of ``y``
        through characters in ``shared`` only; ``None`` if there is no such way."""
        targets = {q for q in self.first[y] if self.masks[q] & shared}
        return self.cheapest(self.after(x), targets, (self.span[x], self.span[y]), shared)

    def before(self, x: _Node) -> int:
        """The fewest literal characters a match takes before it reaches ``x``."""
        if x not in self._before:
            found = self.cheapest(self.first[self.root], self.first[x], (self.span[x],), _ANY)
            self._before[x] = 0 if found is None else found
        return self._before[x]

    def cheapest(self, sources: set[int], targets: set[int], avoid: tuple[range, ...], shared: int) -> int | None:
        """The fewest literal positions stepped on from ``sources`` (included) to one of ``targets``
        (not included) through positions of ``shared`` characters outside ``avoid`` (a 0-1
        breadth-first search); ``None`` if there is no such way."""
        best: dict[int, int] = {}
        queue: deque[tuple[int, int]] = deque()

        def reach(q: int, cost: int) -> bool:
            """Step onto ``q``; True when ``q`` is a target."""
            self.work += 1
            if self.work > _WORK:
                _refuse("pattern is too complex to check for slow backtracking; simplify it")
            if q in targets:
                return True
            if any(q in r for r in avoid) or not self.masks[q] & shared:
                return False
            cost += self.literal[q]
            if cost < best.get(q, cost + 1):
                best[q] = cost
                (queue.append if self.literal[q] else queue.appendleft)((cost, q))
            return False

        if any([reach(q, 0) for q in sources]):
            return 0
        while queue:  # costs come off the queue in order, so the first way found is the cheapest
            cost, p = queue.popleft()
            if cost == best[p] and any([reach(q, cost) for q in self.follow[p]]):
                return cost
        return None


def _within(node: _Node, shared: int) -> tuple[bool, bool]:
    """Whether ``node`` can match a string of ``shared`` characters only, and a non-empty one."""
    if node.kind == "set":
        return bool(node.mask & shared), bool(node.mask & shared)
    if node.kind == "assert":
        return True, False
    if node.kind in ("group", "repeat"):
        can, more = _within(node.kids[0], shared)
        if node.kind == "repeat":
            return can or node.lo == 0, more and node.hi != 0
        return can, more
    results = [_within(kid, shared) for kid in node.kids]
    if node.kind == "seq":
        return all(c for c, _ in results), all(c for c, _ in results) and any(m for _, m in results)
    return any(c for c, _ in results), any(m for _, m in results)


def _runs(node: _Node, shared: int) -> bool:
    """A long quantifier whose repetitions can take a long run of ``shared`` characters."""
    return _within(node.kids[0], shared)[1]


def _skippable(node: _Node) -> bool:
    """Can match the empty string without testing anything (no anchor on the way)."""
    if node.kind in ("set", "assert"):
        return False
    if node.kind == "seq":
        return all(map(_skippable, node.kids))
    if node.kind == "alt":
        return any(map(_skippable, node.kids))
    return (node.kind == "repeat" and node.lo == 0) or _skippable(node.kids[0])


def _free(node: _Node, free: bool = True) -> Iterator[_Node]:
    """The nodes after which the match can end with nothing left that could fail."""
    if free:
        yield node
    if node.kind == "seq":
        for i, kid in enumerate(node.kids):
            yield from _free(kid, free and all(map(_skippable, node.kids[i + 1:])))
    elif node.kind in ("alt", "group"):
        for kid in node.kids:
            yield from _free(kid, free)
    elif node.kind == "repeat":
        yield from _free(node.kids[0], free and node.lo <= 1)


def _snip(text: str, node: _Node) -> str:
    """The node's source, cut to 40 characters."""
    s = text[node.start:node.end]
    return s if len(s) <= 40 else s[:37] + "..."


def _apart(pos: _Positions, x: _Node, y: _Node) -> bool:
    """Neither node is inside the other."""
    a, b = pos.span[x], pos.span[y]
    return a.stop <= b.start or b.stop <= a.start


def _chain(pos: _Positions, text: str, x: _Node, y: _Node, z: _Node, ends: set[_Node]) -> None:
    """R4: refuse ``x``, ``y``, ``z`` if one run of characters all three can take leads from each
    to the next."""
    shared = x.chars & y.chars & z.chars
    if (z not in ends and all(_runs(q, shared) for q in (x, y, z)) and pos.gate(x, y, shared) is not None
            and pos.gate(y, z, shared) is not None):
        _refuse(f"{_snip(text, x)}, {_snip(text, y)} and {_snip(text, z)} can all take the same stretch of text "
                "(slow backtracking)")


def _check(root: _Node, text: str) -> None:
    """Refuse the parsed pattern if it breaks R1 to R5 (see the module's docstring)."""
    nodes = list(root.walk())
    for r in nodes:  # R1, R2
        if r.kind != "repeat" or not (r.loops() or r.variable()):
            continue
        body = r.kids[0]
        if body.nullable and r.loops():
            _refuse(f"{_snip(text, r)} repeats something that can match the empty string (catastrophic backtracking)")
        if body.nullable:  # JavaScript refuses an empty repetition past the minimum, Python takes it
            _refuse(f"{_snip(text, r)} makes optional something that can match the empty string, which Python and "
                    "JavaScript match differently")
        if not r.loops():
            continue
        bad = _ambiguity(body, body.first)
        if bad is None:
            continue
        if bad.kind == "alt":
            _refuse(f"{_snip(text, r)} repeats alternatives that can start with the same character "
                    "(catastrophic backtracking)")
        _refuse(f"nested quantifiers: in {_snip(text, r)}, {_snip(text, bad)} can stop or go on with the same "
                "character, so the repetitions can split the text in many ways (catastrophic backtracking)")
    pos = _Positions(root)
    long = [n for n in nodes if n.long() and pos.span[n]]
    ends = {n for n in _free(root) if n.kind == "repeat" and n.lo <= 1 and n.kids[0].kind == "set"}
    links: set[tuple[int, int]] = set()
    pairs = sorted(product(range(len(long)), repeat=2), key=lambda ij: (abs(ij[0] - ij[1]), ij))  # near ones first
    for i, j in pairs:  # R3, R4
        x, y = long[i], long[j]
        shared = x.chars & y.chars
        if i == j or not _apart(pos, x, y) or not _runs(x, shared) or not _runs(y, shared):
            continue
        gate = pos.gate(x, y, shared)
        if (gate is not None and gate < MIN_LITERALS and (gate == 0 or y not in ends)
                and gate * max(1, pos.before(x)) < MIN_LITERALS):
            where = ("with nothing required between them" if gate == 0 else
                     f"with too little fixed text before and between them ({pos.before(x)} and {gate} characters; "
                     f"the product must reach {MIN_LITERALS})")
            _refuse(f"{_snip(text, x)} and {_snip(text, y)} can take the same text {where} (slow backtracking)")
        if gate is not None:  # R4: a chain of three through characters all three can take
            links.add((i, j))
            for a, b, c in [(i, j, k) for k in range(len(long)) if (j, k) in links and k != i] + [
                    (k, i, j) for k in range(len(long)) if (k, i) in links and k != j]:
                _chain(pos, text, long[a], long[b], long[c], ends)
    ways = _choices(root, 0)  # R5
    if ways > MAX_CHOICES:
        _refuse(f"pattern has too many ambiguous choices ({ways} combinations; the limit is {MAX_CHOICES}), "
                "which makes backtracking slow")
