"""How GPU names compare: one normalisation for lookups (``cudacompat.answers.names``), the check that
no two GPUs read alike (``cudacompat.kb.checks``) and the browser (``lookup-core.js``)."""

from __future__ import annotations

import re
import unicodedata

NOISE = ("nvidia", "geforce", "tesla", "quadro", "gpu")
MAX_INPUT = 200  # a GPU name is short: longer text is cut before any work is done
_WORD = re.compile(r"[a-z]+|[0-9]+")


def normalise(text: str, limit: int | None = MAX_INPUT) -> str:
    """Compatibility forms folded (NFKC: full-width digits, ligatures), lower case, words of letters or
    digits only (``RTX4090`` -> ``rtx 4090``; punctuation and invisible characters separate nothing
    more than a space does), noise words out. What a reader types is cut to ``limit`` characters first;
    the knowledge base's own names are normalised whole (``limit=None``), so that long names stay apart."""
    t = unicodedata.normalize("NFKC", str(text) if limit is None else str(text)[:limit]).lower()
    return " ".join(w for w in _WORD.findall(t) if w not in NOISE)
