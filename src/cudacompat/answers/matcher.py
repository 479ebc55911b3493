"""The catalogue matcher: which entries a pasted text shows, ranked by what it shares with every known
variant of each entry's message.

One algorithm in two languages. :func:`index` turns the catalogue into the data both use (written to
the site as ``errors-data.js`` by :mod:`cudacompat.site.browser`); :func:`rank` ranks a paste over it,
and ``errorsearch-core.js`` does the same over the same data: the parity test holds them equal.

- **Features.** A text is cut into words the same way everywhere (:func:`words`): printable ASCII only,
  hex addresses dropped, a path reduced to its file name, camelCase and snake_case split, lower case,
  letters and digits apart (``sm_120`` -> ``sm 120``, ``cu128`` -> ``cu 128``), numbers of four digits
  or more (PIDs, sizes, versions such as ``11040``) one token ``#``. Its features are the words and the
  pairs of adjacent words.
- **Variants.** An entry's title and each of its messages, with what its pattern reads as one
  machine's facts (the GPU's name, a driver version, a mangled symbol) blanked out.
- **Weights.** A feature weighs by how few entries have it (inverse document frequency over entries;
  a pair of words as much as a word of the same rarity, :data:`PAIR`), as an integer, so that both
  languages add exactly; a feature every entry has weighs nothing.
- **Score.** The cosine between the feature set of a window of the paste (each line, each run of two
  and three lines, the whole of a short paste) and that of a variant; an entry's score is its best. Entries at or above :data:`MIN_SCORE` are matches, best
  first (catalogue order on a tie), so a log of several messages shows each of them.

Regular expressions no longer decide what matches: an entry's ``pattern`` only extracts the facts it
names (see :mod:`cudacompat.answers.explain`).
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_LINE = 1_000  # catalogued messages are short; longer lines are cut
MAX_LINES = 400  # the first and last 200 distinct lines of a long paste
WINDOW = 3  # lines per window at most
WHOLE = 12  # a paste of at most this many lines is also a window of its own
MIN_SCORE = 0.1  # below this cosine a window shares too little with any variant to show the entry
PAIR = 1.0  # a pair of adjacent words weighs this many times a single word of the same rarity
UNKNOWN = 0.5  # a feature no entry has weighs this fraction of the rarest known one (in the paste's norm)
SCALE = 100  # weights are integers: round(SCALE * idf)

_BLANK = re.compile(r"[ \t\f\v]*")
_NOT_ASCII = re.compile(r"[^\x20-\x7e\n]")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_PATHISH = re.compile(r"[A-Za-z0-9_.~+\-:\\/]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_ACRONYM = re.compile(r"([A-Z])([A-Z][a-z])")
_WORD = re.compile(r"[a-z]+|[0-9]+")
_SLASH = re.compile(r"[\\/]")


def paste_lines(text: str) -> list[str]:
    """The distinct non-blank lines of a paste, each cut to :data:`MAX_LINE`; a long paste keeps its
    first and last :data:`MAX_LINES` / 2."""
    lines = list(dict.fromkeys(line[:MAX_LINE] for line in re.split(r"\r\n|\r|\n", text)
                               if not _BLANK.fullmatch(line)))
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES // 2] + lines[-MAX_LINES // 2:]
    return lines


def _file_name(m: re.Match) -> str:
    """A path (two separators or more) reduced to what follows its last separator."""
    s = m.group(0)
    parts = _SLASH.split(s)
    return " " + parts[-1] if len(parts) > 2 else s


def words(text: str) -> list[str]:
    """The words of a text, normalised (see the module's docstring)."""
    t = _NOT_ASCII.sub(" ", text)
    t = _HEX.sub(" ", t)
    t = _PATHISH.sub(_file_name, t)
    t = _ACRONYM.sub(r"\1 \2", _CAMEL.sub(r"\1 \2", t)).lower()
    return [w if len(w) < 4 or not w.isdigit() else "#" for w in _WORD.findall(t)]


def features(text: str) -> list[str]:
    """The words and the pairs of adjacent words of a text, each once, in order of first appearance."""
    ws = words(text)
    return list(dict.fromkeys(ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]))


BLANKED = ("gpu", "driver", "symbol")  # what a message names about one machine, not about the error


def variants(e: Any) -> list[str]:
    """What an entry's message is known to look like: its title and every message it lists, with the
    parts its pattern reads as one machine's facts (the GPU's name, a driver, a mangled symbol) blanked."""
    rx = re.compile(e.pattern, re.I)
    out = [e.title]
    for m in e.messages:
        found = rx.search(m)
        if found:
            for name in BLANKED:
                if name in rx.groupindex and found.group(name):
                    a, b = found.span(name)
                    m = m[:a] + " " * (b - a) + m[b:]
        out.append(m)
    return out


def index(errors: list[Any]) -> dict[str, Any]:
    """The matcher's data, as the site ships it: ``variants`` (``[entry index, text]``), ``word`` and
    ``pair`` (the integer weight of a word, of a pair of words, found in ``df`` entries: index ``df``),
    ``unknown`` (the weight of a feature no entry has) and ``min_score``. :func:`build` derives the rest,
    here and in the browser alike."""
    n = len(errors)
    idf = [math.log((n + 1) / df) for df in range(1, n + 1)]
    return {"variants": [[i, v] for i, e in enumerate(errors) for v in variants(e)],
            "word": [0] + [round(SCALE * x) for x in idf], "pair": [0] + [round(SCALE * x * PAIR) for x in idf],
            "unknown": round(SCALE * math.log(n + 1) * UNKNOWN), "min_score": MIN_SCORE}


def build(data: dict[str, Any]) -> dict[str, Any]:
    """What :func:`rank` reads: each feature's weight (by the number of entries that have it; features
    every entry has weigh nothing and are left out), each variant's features and squared norm, and the
    variants each feature occurs in."""
    feats = [features(text) for _, text in data["variants"]]
    owners: dict[str, set[int]] = {}
    for (e, _), fs in zip(data["variants"], feats, strict=True):
        for f in fs:
            owners.setdefault(f, set()).add(e)
    weights = {}
    for f, es in owners.items():
        w = (data["pair"] if " " in f else data["word"])[len(es)]
        if w > 0:
            weights[f] = w
    rows, post = [], {}
    for j, ((e, _), fs) in enumerate(zip(data["variants"], feats, strict=True)):
        kept = [f for f in fs if f in weights]
        rows.append((e, sum(weights[f] * weights[f] for f in kept)))
        for f in kept:
            post.setdefault(f, []).append(j)
    return {"weights": weights, "rows": rows, "post": post, "unknown": data["unknown"], "min_score": data["min_score"]}


def windows(lines: list[str]) -> list[str]:
    """Each line, each run of two and three lines, and the whole paste when it is short."""
    out = []
    for i in range(len(lines)):
        for k in range(1, WINDOW + 1):
            if i + k <= len(lines):
                out.append("\n".join(lines[i: i + k]))
    if WINDOW < len(lines) <= WHOLE:
        out.append("\n".join(lines))
    return out


def rank(built: dict[str, Any], text: str) -> list[tuple[int, float, str]]:
    """``(entry index, score, the window that scored it)`` for every entry at or above ``min_score``,
    best first (catalogue order on a tie); ``built`` is :func:`build` of :func:`index`."""
    weights, unknown, rows, post = built["weights"], built["unknown"], built["rows"], built["post"]
    best: dict[int, tuple[float, str]] = {}
    for w in windows(paste_lines(text)):
        dots: dict[int, int] = {}
        norm = 0
        for f in features(w):
            x = weights.get(f)
            if x is None:
                norm += unknown * unknown
                continue
            norm += x * x
            for j in post.get(f, ()):
                dots[j] = dots.get(j, 0) + x * x
        if not dots:
            continue
        root = math.sqrt(norm)
        for j, dot in dots.items():
            e, nv = rows[j]
            s = dot / (root * math.sqrt(nv))
            if s > best.get(e, (0.0, ""))[0]:
                best[e] = (s, w)
    found = [(e, s, w) for e, (s, w) in best.items() if s >= built["min_score"]]
    found.sort(key=lambda t: (-t[1], t[0]))
    return found
