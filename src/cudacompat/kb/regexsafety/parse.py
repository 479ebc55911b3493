"""The portable regular-expression subset: character masks, the syntax tree and the parser that refuses
everything outside the subset (see the package docstring)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
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
