"""cudacompat: the PyTorch + CUDA compatibility knowledge base, its queries and its site."""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parents[2]


def data_path() -> Path:
    """``$CUDACOMPAT_DATA``, else the repository's ``data/compat.yaml``, else (an installed wheel) the copy
    packaged with the command."""
    if os.environ.get("CUDACOMPAT_DATA"):
        return Path(os.environ["CUDACOMPAT_DATA"])
    here = ROOT / "data" / "compat.yaml"
    return here if here.is_file() else Path(__file__).resolve().parent / "_data" / "compat.yaml"


def checkout_data_path() -> Path:
    """What ``cudacompat check`` validates without a FILE: ``$CUDACOMPAT_DATA``, else the
    ``data/compat.yaml`` of the checkout the command runs in (a contributor's edits), else the package's."""
    if os.environ.get("CUDACOMPAT_DATA"):
        return Path(os.environ["CUDACOMPAT_DATA"])
    here = Path.cwd() / "data" / "compat.yaml"
    return here if here.is_file() else data_path()
