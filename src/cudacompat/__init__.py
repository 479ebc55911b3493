"""cudacompat: the PyTorch + CUDA compatibility knowledge base, its queries and its site."""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parents[2]


def data_path() -> Path:
    """``$CUDACOMPAT_DATA`` or the repository's ``data/compat.yaml``."""
    return Path(os.environ.get("CUDACOMPAT_DATA") or ROOT / "data" / "compat.yaml")
