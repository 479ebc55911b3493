"""Version and compute-capability helpers.

Versions are always compared with :mod:`packaging.version`, never as strings or floats
(``12.10 > 12.9``). Compute capabilities are kept as their written form ("8.6", "9.0a",
"10.0") and compared as ``(major, minor)`` integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from packaging.version import InvalidVersion, Version

__all__ = [
    "CC",
    "InvalidVersion",
    "cc",
    "driver",
    "parse",
    "sm_name",
]

_CC_RE = re.compile(r"(\d{1,2})\.(\d)([af]?)", re.ASCII)
_DRIVER_RE = re.compile(r"[0-9]{3}(\.[0-9]{1,3}){0,2}")


MAX_VERSION = 64  # longer text is no version of anything here (and huge numbers cost time)


@lru_cache(maxsize=4096)
def parse(text: str) -> Version:
    """Parse a version string; raises InvalidVersion (also for over-long text or numbers Python will not
    convert)."""
    if len(text) > MAX_VERSION:
        raise InvalidVersion(f"{text[:20]!r}… is not a version (longer than {MAX_VERSION} characters)")
    try:
        return Version(text)
    except InvalidVersion:
        raise
    except ValueError as e:  # int() refusing a number of thousands of digits
        raise InvalidVersion(f"{text[:20]!r}… is not a version: {e}") from None


def driver(text: str) -> Version:
    """Parse an NVIDIA driver version such as ``570.86`` or ``570.124.06``."""
    text = text.strip(" \t\r\n")
    if not _DRIVER_RE.fullmatch(text):
        raise InvalidVersion(
            f"{text!r} is not a driver version; expected e.g. 570.86 or 570.124.06"
        )
    return Version(text)


@dataclass(frozen=True, order=True)
class CC:
    """A compute capability: ``8.6``, ``9.0a`` (arch-specific), ``10.0f`` (family)."""

    major: int
    minor: int
    suffix: str = ""

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}{self.suffix}"

    @property
    def sm(self) -> str:
        return f"sm_{self.major}{self.minor}{self.suffix}"

    @property
    def compute(self) -> str:
        return f"compute_{self.major}{self.minor}{self.suffix}"

    def runs_cubin(self, code: CC, tegra: bool = False) -> bool:
        """True when native code (SASS) built for ``code`` runs on a GPU of this capability.

        A cubin runs on GPUs of the same major revision and an equal or higher minor revision;
        ``a`` (architecture-specific) code only on exactly that capability; ``f`` (family) code on
        the members of its family (same major, equal or higher minor: ``sm_100f`` on 10.0 and 10.3).
        On a Tegra GPU (``tegra``) only code built for exactly its capability runs: NVIDIA promises
        minor-revision binary compatibility for desktop GPUs only, and none between desktop and Tegra.
        """
        if code.suffix == "a" or tegra:
            return (code.major, code.minor) == (self.major, self.minor)
        return code.major == self.major and code.minor <= self.minor

    def jits_ptx(self, code: CC) -> bool:
        """True when PTX for virtual architecture ``code`` can be JIT-compiled for this GPU: plain PTX
        on any equal or higher capability, ``f`` PTX within its family, ``a`` PTX on exactly its own."""
        if code.suffix == "a":
            return (code.major, code.minor) == (self.major, self.minor)
        if code.suffix == "f":
            return code.major == self.major and code.minor <= self.minor
        return (code.major, code.minor) <= (self.major, self.minor)


@lru_cache(maxsize=1024)
def cc(text: str) -> CC:
    """Parse a compute capability written ``8.6``, ``9.0a``, ``sm_86``, ``sm_90a`` or ``compute_90``."""
    t = text.strip().lower()
    m = re.fullmatch(r"(?:sm|compute)_(\d{1,2})(\d)([af]?)", t, re.ASCII)
    if m:
        return CC(int(m.group(1)), int(m.group(2)), m.group(3))
    m = _CC_RE.fullmatch(t)
    if not m:
        raise ValueError(
            f"{text!r} is not a compute capability; expected e.g. \"8.6\", \"9.0a\" or sm_86"
        )
    return CC(int(m.group(1)), int(m.group(2)), m.group(3))


def sm_name(text: str) -> str:
    """``"8.6"`` -> ``"sm_86"``."""
    return cc(text).sm
