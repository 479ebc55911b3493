from __future__ import annotations

from pathlib import Path

import pytest

from cudacompat import ROOT, data_path, loader, query

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kb() -> query.KB:
    """The repository's real knowledge base."""
    return query.KB(loader.load(data_path()))


@pytest.fixture(scope="session")
def mini() -> query.KB:
    return query.KB(loader.load(FIXTURES / "mini.yaml"))


@pytest.fixture
def root() -> Path:
    return ROOT
