"""GPU names as people type them: one normalisation and one resolution algorithm.

``docs/assets/lookup-core.js`` implements the same steps over the same index (built here, shipped
in the lookup data); the parity test runs both over thousands of real-looking inputs.

Resolution, in order:

1. the normalised text is a known name (a name, an ``nvidia-smi`` name, an alias or an id);
2. *inside*: known names all of whose words are in the text (``NVIDIA GeForce RTX 4090 24GB``
   contains ``rtx 4090``); the longest wins if it is one GPU;
3. *around*: the text's words all appear in a name (``v100`` in ``tesla v100 sxm2 16gb``); with a
   text that ends in ``...`` (nvidia-smi cuts long names), its last word may be the start of a
   name's word. One GPU, or up to 8 GPUs of one compute capability (the shortest name is taken);
4. otherwise no GPU: suggestions are the names nearest by character bigrams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..gpunames import MAX_INPUT, NOISE, normalise

MAX_AROUND = 8
MAX_SUGGESTIONS = 8
MIN_SIMILARITY = 0.5
_TRUNCATED = re.compile(r"(\.\.\.|…)[ \t]*$")

__all__ = ["NOISE", "index", "normalise", "resolve", "similarity", "truncated"]


def truncated(text: str) -> bool:
    return bool(_TRUNCATED.search(str(text)[:MAX_INPUT]))


def index(names_by_gpu: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """normalised name -> GPU id, first GPU first (``names_by_gpu``: (id, its names) in data order)."""
    out: dict[str, str] = {}
    for gpu_id, names in names_by_gpu:
        for n in names:
            key = normalise(n, limit=None)
            if key:
                out.setdefault(key, gpu_id)
    return out


def bigrams(text: str) -> list[str]:
    t = text.replace(" ", "")
    return [t[i:i + 2] for i in range(len(t) - 1)]


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two strings' character bigrams (spaces ignored), multiset-counted."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    pool: dict[str, int] = {}
    for g in y:
        pool[g] = pool.get(g, 0) + 1
    hits = 0
    for g in x:
        if pool.get(g, 0) > 0:
            pool[g] -= 1
            hits += 1
    return 2.0 * hits / (len(x) + len(y))


def resolve(idx: dict[str, str], cc_of: dict[str, str], name_of: dict[str, str],
            text: str) -> tuple[str | None, list[str]]:
    """(GPU id or None, suggested GPU names). ``cc_of`` and ``name_of`` map ids to their compute
    capability and display name."""
    q = normalise(text)
    if not q:
        return None, []
    if q in idx:
        return idx[q], []
    qt = q.split(" ")
    qs = set(qt)
    inside = [(len(n.split(" ")), n) for n in idx if set(n.split(" ")) <= qs]
    if inside:
        best = max(k for k, _ in inside)
        ids = sorted({idx[n] for k, n in inside if k == best})
        if len(ids) == 1:
            return ids[0], []
    cut = truncated(text)
    around: set[str] = set()
    for n, gid in idx.items():
        words = n.split(" ")
        ws = set(words)
        if cut:
            if set(qt[:-1]) <= ws and any(w.startswith(qt[-1]) for w in words):
                around.add(gid)
        elif qs <= ws:
            around.add(gid)
    if len(around) == 1 or (around and len(around) <= MAX_AROUND and len({cc_of[g] for g in around}) == 1):
        return sorted(around, key=lambda g: (len(name_of[g]), name_of[g]))[0], []
    if around:
        return None, sorted({name_of[g] for g in around})[:MAX_SUGGESTIONS]
    scored = sorted(((similarity(q, n), n) for n in idx), key=lambda t: (-t[0], t[1]))
    near: list[str] = []
    for score, n in scored:
        if score < MIN_SIMILARITY or len(near) >= MAX_SUGGESTIONS:
            break
        if name_of[idx[n]] not in near:
            near.append(name_of[idx[n]])
    return None, sorted(near)
