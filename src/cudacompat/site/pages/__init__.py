"""The generated page families, one module each: where does a page come from? Its module here."""

from __future__ import annotations

from ...answers.index import KB
from ..page import Page
from . import (
    arch_support,
    companions,
    cuda_drivers,
    deprecations,
    gaps,
    gpus,
    images,
    platforms,
    releases,
    troubleshooting,
)

#: every family, in the order the pages are generated
FAMILIES = (releases, arch_support, cuda_drivers, gpus, images, platforms, companions, gaps, deprecations,
            troubleshooting)


def all_pages(kb: KB) -> list[Page]:
    """Every generated page."""
    return [p for family in FAMILIES for p in family.pages(kb)]
