"""Is an error-catalogue ``pattern`` safe to run, in Python and in the site's search box?

A catalogue pattern is contributed data and runs in two engines: Python's ``re`` (``cudacompat
explain`` and ``check``, compiled with ``re.IGNORECASE``) and JavaScript's ``RegExp`` (the site
search, ``new RegExp(pattern, "i")`` after :func:`cudacompat.site.browser.js_pattern` renames
``(?P<name>`` to ``(?<name>``). Both are backtracking engines that ``search`` each pasted line (at
most 1,000 characters, at most 400 lines). :func:`problem` returns ``None`` for a pattern that is
safe there, otherwise one short sentence saying what is wrong. It never raises, and it bounds its
input before parsing (at most :data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` nested groups,
:data:`MAX_QUANTIFIERS` quantifiers, counts up to :data:`MAX_COUNT`), so it is fast on anything.

**1. A portable subset, parsed here** (a small recursive-descent parser, not ``sre_parse``):
printable ASCII literals; the escapes ``\\d \\w \\s \\D \\W \\S``, ``\\b`` (outside classes),
``\\t \\n \\r \\f \\v`` and a backslash before ASCII punctuation; character classes ``[...]`` and
``[^...]`` of those, with ranges between two single characters (``]`` and ``[`` escaped inside,
``-`` first, last or escaped); ``.``, ``^``, ``$``; groups ``(...)``, ``(?:...)`` and
``(?P<name>...)`` (a unique ASCII name: the site renames it, and ``explain`` reads the parameters
from it); ``|``; quantifiers ``* + ? {m} {m,} {m,n}`` (``m, n <= MAX_COUNT``), each optionally lazy
(``?``), where one that may stop or go on quantifies something that cannot match the empty
string. Everything else is refused, because one
engine rejects it or reads it differently (e.g. in JavaScript ``\\A`` is the letter A, ``[]a]`` is
an empty class, ``a{,2}`` is literal text, ``(?:x*?)?`` refuses an empty repetition that Python
takes, and Python's ``\\B`` never matches an empty text):
lookahead and lookbehind, backreferences, inline flags, comments, conditionals, atomic groups,
possessive quantifiers, ``\\B \\A \\Z \\z \\G``, ``\\x \\u \\U \\N``, octal, POSIX classes, nested
sets and set operations, unescaped ``{ } ]``, ``(?<name>`` (JavaScript's spelling, an error in
Python 3.11), and non-ASCII or control characters (case-insensitive matching of non-ASCII text
differs between the engines). ``re.compile`` must accept the pattern too.

**2. No catastrophic backtracking.** A backtracking engine's work on a line is the number of ways
the pattern can split it. A choice is *ambiguous* when two ways to go on can both take the next
character (a quantifier that may stop or go on, alternatives that start alike). Refused:

- R1. A repetition (``*``, ``+``, ``{m,n}`` with ``n >= 2``, fixed ``{m}`` with ``m >= 2`` too) of
  something that can match the empty string: ``(a*)*``, ``(a?)+``, ``(a|)*``.
- R2. A repetition whose body has an ambiguous choice, counting the start of the next repetition
  as what may follow the body's end. This is the exponential case: ``(a+)+``, ``(a+b?)*``,
  ``(\\w+\\s?)*``, ``(?:x+y?)+``, ``(a?a){30}`` (nested quantifiers), ``(a|a)*``, ``(a|ab)*``,
  ``(\\w|\\d)+``, ``(.|\\s)*`` (alternatives that start alike). ``(\\d+\\.)+`` and
  ``(?:\\.\\d+){1,3}`` pass: each repetition must end at a ``.`` (or start at one) that ``\\d``
  cannot take.
- R3. Two *long* quantifiers (unbounded, or ``{m,n}`` with ``n - m >=`` :data:`LONG`), neither
  inside the other, that can each take a run of characters the other can take too, where the
  second can start after the first through such characters, unless enough fixed text limits the
  ways to split that run. This is the polynomial case: on a line of ``n`` characters a failing
  search tries about ``n / before`` start positions, ``n / between`` places to switch from the
  first quantifier to the second, and ``n`` characters for each, where ``between`` is the fewest
  literal characters between the two and ``before`` the fewest before the first (at least 1).
  Refused when ``before * between <`` :data:`MIN_LITERALS` (about a tenth of a second on the worst
  1,000-character line at the limit), unless ``between`` is not 0 and the second quantifier ends
  the pattern (its first character completes a match, so the search stops there):
  ``\\w*\\w*``, ``.*.*x``, ``\\d+\\d+``, ``\\d+\\s?\\d+``,
  ``\\w*a\\w*!`` (about a second on one line), ``\\w*abcde\\w*!``, ``[\\w.+-]+\\.so[\\w.]*: x``,
  ``[^\\n]{0,100}?x[^\\n]{0,100}?``. ``(?:\\w+\\.)+\\w+`` passes: its repetitions cannot take a
  run of word characters without a ``.``; so does ``lib\\w*nvrtc[\\w.-]*\\.so``
  (``3 * 5`` and ``8 * 3``).
- R4. Three long quantifiers chained that way through characters all three can take, whatever the
  fixed text between them: the splits multiply (``\\w*abcdefghij\\w*abcdefghij\\w*!``, whose
  pairs pass R3, takes over a second on one line). ``lib\\w*nvrtc[\\w.-]*\\.so[\\w.]*`` passes:
  ``\\w`` cannot take the ``.`` of ``.so``.
- R5. More than :data:`MAX_CHOICES` combinations of the remaining ambiguous choices, counted
  outside repetitions: alternatives that start alike count their number, a ``?`` that could also
  be skipped two, a bounded ``{m,n}`` that could stop earlier ``n - m + 1`` (the unbounded ones are
  R3's and R4's): ``(a|a)`` nine times in a row, ``a?`` nine times before ``aaaaaaaaa``,
  ``.{0,9}a.{0,9}a.{0,9}a``.

Why this suffices here: R1 and R2 make every repetition deterministic (one way to go on with one
character of lookahead), which removes growth exponential in the line's length; R3 and R4 keep the
growth from long quantifiers next to each other at most quadratic per start position, and only
where fixed text divides it by ten or more; R5 caps what the bounded choices multiply to. The
catalogue matches with ``search`` on lines cut at 1,000 characters, so a pattern within these rules
costs at most about a tenth of a second on the worst line one can craft, and next to nothing on
ordinary log lines. The rules are stricter than necessary (``(a|ab)*`` and ``(?:ab)*(?:ba)*`` are
refused though linear): a refused pattern can be rewritten with a character class, or with fixed
text between its quantifiers.

The engines still differ on non-ASCII text (``\\w``, ``\\d``, ``\\s`` and ``.`` are Unicode-aware in
Python, ASCII in JavaScript) and ``.`` matches ``\\r`` in Python only; a portable pattern matches
the same on printable ASCII lines.
"""

from __future__ import annotations

import re
import string
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from typing import NoReturn

MAX_LENGTH = 300  # characters: the longest catalogue pattern is about 150
MAX_DEPTH = 10  # nested groups
MAX_QUANTIFIERS = 40
MAX_COUNT = 1000  # the largest m, n of {m,n}; a line is cut at 1,000 characters anyway
LONG = 10  # a bounded quantifier {m,n} with n - m >= LONG counts as long (R3, R4)
MIN_LITERALS = 10  # fixed characters before a long quantifier times those before the next one (R3)
MAX_CHOICES = 256  # combinations of bounded ambiguous choices (R5)
_WORK = 200_000  # steps of the R3/R4 searches before the pattern is called too complex to check

# character sets: bits 0-127 are ASCII (case-folded); bits 128-131 stand for the non-ASCII digits,
# other word characters, spaces and everything else, which Python's \d \w \s tell apart
_ASCII = (1 << 128) - 1
_U_DIGIT, _U_WORD, _U_SPACE, _U_OTHER = (1 << 128, 1 << 129, 1 << 130, 1 << 131)
_UNICODE = _U_DIGIT | _U_WORD | _U_SPACE | _U_OTHER
_ANY = _ASCII | _UNICODE
_LETTERS = (1 << 26) - 1


def _bits(chars: str) -> int:
    """The set of ``chars``."""
    mask = 0
    for c in chars:
        mask |= 1 << ord(c)
    return mask


def _fold(mask: int) -> int:
    """The set and its other-case ASCII letters (both engines match case-insensitively)."""
    upper, lower = (mask >> 65) & _LETTERS, (mask >> 97) & _LETTERS
    return mask | (upper << 97) | (lower << 65)


def _not(mask: int) -> int:
    """Every character not in ``mask``."""
    return (_ASCII & ~mask) | (_UNICODE & ~mask)


_DIGIT = _bits(string.digits) | _U_DIGIT
_WORD = _bits(string.ascii_letters + string.digits + "_") | _U_DIGIT | _U_WORD
_SPACE = _bits(" \t\n\r\f\v\x1c\x1d\x1e\x1f") | _U_SPACE
_CLASSES = {"d": _DIGIT, "w": _WORD, "s": _SPACE, "D": _not(_DIGIT), "W": _not(_WORD), "S": _not(_SPACE)}
_DOT = _not(_bits("\n"))
_CONTROL = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}
_ESCAPES = [  # escape letters outside the subset, and why
    ("AZzG", "is an anchor JavaScript does not have (there it is a plain letter); use ^ or $"),
    ("QE", "quotes text in neither Python nor JavaScript; escape each character instead"),
    (string.digits, "is a backreference or an octal escape, which the portable subset leaves out"),
    ("xuUN", "is a character-code escape; write the ASCII character itself"),
    ("pP", "is a Unicode property class, which Python does not have"),
    ("k", "is a named backreference, which the portable subset leaves out"),
    ("c", "is a control-character escape, which Python does not have"),
    (string.ascii_letters, "is not an escape Python knows (JavaScript reads it as a plain letter)"),
]
_GROUPS = [  # what follows "(?" in groups outside the subset, and what they are
    ("P=", "is a backreference, which the portable subset leaves out"),
    ("=", "is a lookahead, which the portable subset leaves out"),
    ("!", "is a negative lookahead, which the portable subset leaves out"),
    ("<=", "is a lookbehind, which the portable subset leaves out"),
    ("<!", "is a negative lookbehind, which the portable subset leaves out"),
    ("<", "is JavaScript's named group, which Python 3.11 rejects; write (?P<name>...)"),
    ("#", "is a comment, which JavaScript does not have"),
    ("(", "is a conditional, which JavaScript does not have"),
    (">", "is an atomic group, which JavaScript does not have"),
    ("P", "must be a named group (?P<name>...)"),
]
_FLAGS = re.compile(r"[aiLmsux-]")
_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,31})>")
_COUNT = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


class _Refused(Exception):
    """The pattern is refused; the message says why."""


def _refuse(message: str) -> NoReturn:
    raise _Refused(message)


@dataclass(eq=False)
class _Node:
    """A parsed pattern: ``kind`` is ``set`` (one character of ``mask``), ``assert`` (``^ $
    \\b``), ``seq``, ``alt``, ``group`` or ``repeat`` (``lo`` to ``hi`` times, ``None``: no limit).
    ``first``: the characters it can start with; ``chars``: every character it can consume."""

    kind: str
    start: int
    end: int
    kids: list[_Node] = field(default_factory=list)
    mask: int = 0
    literal: bool = False
    lo: int = 1
    hi: int | None = 1
    first: int = 0
    chars: int = 0
    nullable: bool = True

    def __post_init__(self) -> None:
        k = self.kids
        if self.kind == "set":
            self.first = self.chars = self.mask
            self.nullable = False
        elif self.kind == "seq":
            for kid in k:
                if self.nullable:
                    self.first |= kid.first
                self.nullable = self.nullable and kid.nullable
        elif self.kind == "alt":
            self.nullable = any(kid.nullable for kid in k)
            for kid in k:
                self.first |= kid.first
        elif self.kind in ("group", "repeat"):
            self.first, self.nullable = k[0].first, k[0].nullable or self.lo == 0
        for kid in k:
            self.chars |= kid.chars

    def loops(self) -> bool:
        """A repetition that can run its body twice or more."""
        return self.kind == "repeat" and (self.hi is None or self.hi >= 2)

    def variable(self) -> bool:
        """A quantifier that may stop or go on (``?``, ``*``, ``+``, ``{m,n}`` with m < n)."""
        return self.kind == "repeat" and (self.hi is None or self.hi > self.lo)

    def long(self) -> bool:
        """A quantifier that can take a long run (unbounded, or ``n - m >= LONG``)."""
        return self.kind == "repeat" and (self.hi is None or self.hi - self.lo >= LONG)

    def walk(self) -> Iterator[_Node]:
        """This node and every node inside it."""
        yield self
        for kid in self.kids:
            yield from kid.walk()


def _literal(mask: int) -> bool:
    """One character (in either case)."""
    return bool(mask) and not mask & _UNICODE and _fold(mask & -mask) == mask


class _Parser:
    """Recursive descent over the portable subset; raises :class:`_Refused` at the first thing
    outside it."""

    def __init__(self, text: str) -> None:
        self.text, self.i, self.depth, self.quantifiers = text, 0, 0, 0
        self.names: set[str] = set()

    def peek(self, ahead: int = 0) -> str:
        """The character ``ahead`` of the current one; "" past the end."""
        j = self.i + ahead
        return self.text[j] if j < len(self.text) else ""

    def parse(self) -> _Node:
        node = self.alternation()
        if self.i < len(self.text):  # only ")" ends an alternation early
            _refuse(f"unbalanced ) at character {self.i + 1}")
        return node

    def alternation(self) -> _Node:
        start, branches = self.i, [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _Node("alt", start, self.i, branches)

    def sequence(self) -> _Node:
        start, items = self.i, []
        while self.peek() not in ("", "|", ")"):
            items.append(self.quantified(self.atom()))
        return _Node("seq", start, self.i, items)

    def atom(self) -> _Node:
        """One character, class, anchor, escape or group."""
        at, c = self.i, self.peek()
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_class()
        self.i += 1
        if c == ".":
            return _Node("set", at, self.i, mask=_DOT)
        if c in "^$":
            return _Node("assert", at, self.i)
        if c == "\\":
            kind, mask, _ = self.escape(at, in_class=False)
            return _Node(kind, at, self.i, mask=mask, literal=_literal(mask))
        if c in "*+?":
            _refuse(f"quantifier {c} at character {at + 1} has nothing to repeat")
        if c in "{}]":
            _refuse(f"{c} at character {at + 1} must be escaped as \\{c}")
        mask = _fold(1 << ord(self.plain(c, at)))
        return _Node("set", at, self.i, mask=mask, literal=True)

    def plain(self, c: str, at: int) -> str:
        """``c`` if it is a printable ASCII character, else refuse it."""
        if " " <= c <= "~":
            return c
        if c > "\x7f":
            _refuse(f"non-ASCII character {c!r} at character {at + 1}: Python and JavaScript fold the case of "
                    "non-ASCII text differently; catalogue patterns are ASCII")
        _refuse(f"control character {c!r} at character {at + 1}; write an escape such as \\t")

    def escape(self, at: int, in_class: bool) -> tuple[str, int, str | None]:
        """After a backslash: ``("set", mask, the character or None for a class)`` or
        ``("assert", 0, None)``."""
        c = self.peek()
        if not c:
            _refuse("pattern ends with a lone \\")
        self.i += 1
        if c in _CLASSES:
            return "set", _CLASSES[c], None
        if c == "b":
            if in_class:
                _refuse(f"\\b inside a character class at character {at + 1} is not portable")
            return "assert", 0, None
        if c == "B":
            _refuse(f"\\B at character {at + 1} is not portable (in Python it never matches an empty text)")
        if c in _CONTROL:
            return "set", 1 << ord(_CONTROL[c]), _CONTROL[c]
        if c in string.punctuation:
            return "set", 1 << ord(c), c
        if c == " ":
            _refuse(f"escaped space at character {at + 1}: write a plain space")
        for letters, why in _ESCAPES:
            if c in letters:
                _refuse(f"escape \\{c} at character {at + 1} {why}")
        self.plain(c, at + 1)
        _refuse(f"escape at character {at + 1} is not portable")  # not reached: plain() refuses

    def group(self) -> _Node:
        """``(...)``, ``(?:...)`` or ``(?P<name>...)``."""
        at = self.i
        self.depth += 1
        if self.depth > MAX_DEPTH:
            _refuse(f"groups nest deeper than {MAX_DEPTH} levels at character {at + 1}")
        self.i += 1
        if self.peek() == "?":
            if self.peek(1) == ":":
                self.i += 2
            elif self.text.startswith("P<", self.i + 1):
                m = _NAME.match(self.text, self.i + 3)
                if not m:
                    _refuse(f"group name at character {at + 1} must be ASCII letters, digits or _ "
                            "(not a digit first, at most 32) closed by >")
                if m.group(1) in self.names:
                    _refuse(f"group name {m.group(1)!r} is used twice")
                self.names.add(m.group(1))
                self.i = m.end()
            else:
                self.refuse_group(at)
        body = self.alternation()
        if self.peek() != ")":
            _refuse(f"unbalanced ( at character {at + 1}")
        self.i += 1
        self.depth -= 1
        return _Node("group", at, self.i, [body])

    def refuse_group(self, at: int) -> NoReturn:
        """Say which group or flag outside the subset ``(?`` starts."""
        rest = self.text[self.i + 1:]
        for prefix, why in _GROUPS:
            if rest.startswith(prefix):
                _refuse(f"(?{prefix} at character {at + 1} {why}")
        if _FLAGS.match(rest):
            _refuse(f"inline flags at character {at + 1} are not portable (JavaScript has none; the catalogue "
                    "always matches case-insensitively)")
        if not rest:
            _refuse(f"pattern ends inside (? at character {at + 1}")
        _refuse(f"(?{rest[0]} at character {at + 1} is not a group the portable subset knows")

    def char_class(self) -> _Node:
        """``[...]`` or ``[^...]``."""
        at = self.i
        self.i += 1
        negate = self.peek() == "^"
        self.i += negate
        if self.peek() == "]":
            _refuse(f"] right after [ at character {at + 1} means different things in Python and JavaScript; "
                    "escape it as \\]")
        mask = 0
        while self.peek() != "]":
            here = self.i
            if self.text[here:here + 2] in ("&&", "--", "~~", "||"):
                _refuse(f"{self.text[here:here + 2]} in a character class at character {here + 1} is a set "
                        "operation in some engines; escape one of them")
            low, low_char = self.class_item(at)
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                high, high_char = self.class_item(at)
                if low_char is None or high_char is None:
                    _refuse(f"range at character {here + 1} has a class such as \\d at one end")
                if low_char > high_char:
                    _refuse(f"range {low_char!r}-{high_char!r} at character {here + 1} runs backwards")
                low = (1 << (ord(high_char) + 1)) - (1 << ord(low_char))
                if self.peek() == "-" and self.peek(1) not in ("]", ""):
                    _refuse(f"- at character {self.i + 1} follows a range; put - first or last, or escape it")
            elif self.peek() == "-" and low_char is None and self.peek(1) != "]":
                _refuse(f"- at character {self.i + 1} follows a class such as \\d; put - first or last, "
                        "or escape it")
            mask |= low
        self.i += 1
        mask = _fold(mask)
        if negate:
            mask = _not(mask)
        return _Node("set", at, self.i, mask=mask, literal=_literal(mask))

    def class_item(self, at: int) -> tuple[int, str | None]:
        """One member of a class: its characters, and the character itself if it is a single one."""
        here, c = self.i, self.peek()
        if not c:
            _refuse(f"character class opened at character {at + 1} is not closed")
        if c == "[":
            _refuse(f"[ inside a character class at character {here + 1} (a nested set, or a POSIX class "
                    "such as [[:alpha:]]) is not portable; escape it as \\[")
        self.i += 1
        if c == "\\":
            _, mask, char = self.escape(here, in_class=True)
            return mask, char
        return 1 << ord(self.plain(c, here)), c

    def quantified(self, atom: _Node) -> _Node:
        """``atom`` with the quantifier that follows it, if any."""
        at, c = self.i, self.peek()
        if c not in ("*", "+", "?", "{"):
            return atom
        if c == "{":
            m = _COUNT.match(self.text, self.i)
            if not m:
                _refuse(f"{{ at character {at + 1} must be escaped as \\{{ unless it is a count {{m}}, {{m,}} "
                        "or {m,n}")
            numbers = [m.group(1)] + ([m.group(3)] if m.group(3) else [])
            if any(len(n) > 4 or int(n) > MAX_COUNT for n in numbers):
                _refuse(f"count {m.group(0)} at character {at + 1} is over {MAX_COUNT}")
            lo = int(m.group(1))
            hi = lo if not m.group(2) else int(m.group(3)) if m.group(3) else None
            if hi is not None and hi < lo:
                _refuse(f"count {m.group(0)} at character {at + 1} runs backwards")
            self.i = m.end()
        else:
            lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
            self.i += 1
        if atom.kind == "assert":
            _refuse(f"quantifier at character {at + 1} repeats an anchor, which has nothing to repeat")
        lazy = self.peek() == "?"
        self.i += lazy
        if self.peek() == "+" and not lazy:
            _refuse(f"possessive quantifier at character {at + 1} is not portable (JavaScript has none)")
        if self.peek() in ("*", "+", "?", "{"):
            _refuse(f"quantifier at character {self.i + 1} repeats a quantifier; wrap the inner one in (?:...)")
        self.quantifiers += 1
        if self.quantifiers > MAX_QUANTIFIERS:
            _refuse(f"pattern has more than {MAX_QUANTIFIERS} quantifiers")
        return _Node("repeat", atom.start, self.i, [atom], lo=lo, hi=hi)


# --- backtracking -------------------------------------------------------------------------------


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


def problem(pattern: str) -> str | None:
    """``None`` if ``pattern`` is a safe, portable catalogue pattern, else one short sentence
    saying what is wrong with it. Never raises; fast on any input."""
    if not isinstance(pattern, str):
        return "pattern is not text"
    if len(pattern) > MAX_LENGTH:
        return f"pattern is {len(pattern)} characters long; the limit is {MAX_LENGTH}"
    try:
        _check(_Parser(pattern).parse(), pattern)
        re.compile(pattern, re.IGNORECASE)
    except _Refused as refused:
        return str(refused)
    except re.error as err:
        return f"Python cannot compile the pattern: {err}"
    except Exception as err:  # never raise: an unforeseen input is refused, not a traceback
        return f"pattern could not be checked ({type(err).__name__})"
    return None
