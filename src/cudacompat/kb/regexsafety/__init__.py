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

from .analysis import _check
from .parse import LONG, MAX_CHOICES, MAX_COUNT, MAX_DEPTH, MAX_LENGTH, MAX_QUANTIFIERS, MIN_LITERALS, _Parser, _Refused

__all__ = ["LONG", "MAX_CHOICES", "MAX_COUNT", "MAX_DEPTH", "MAX_LENGTH", "MAX_QUANTIFIERS", "MIN_LITERALS", "problem"]


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
