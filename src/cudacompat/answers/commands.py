"""The commands a reader copies: pip, conda and docker. Built here only; the terminal, the pages and
the browser show these strings (the browser fills :data:`CONDA` with the Python the reader picks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..kb.shapes import unsafe_words

DOCKER_RUN = "docker run --gpus all --ipc=host --rm -it"
DOCKER_RUN_ANY = DOCKER_RUN + " <image>"  # the form, with a placeholder for the reader's own image
PYTORCH_INDEX = "https://download.pytorch.org/whl/{variant}"
#: filled by :func:`cudacompat.text.templates.fill` in Python and JavaScript alike
CONDA = "conda create -n torch python={python} -y\nconda activate torch\n{pip}"
DEFAULT_PYTHON = "3.12"


def plain(command: str) -> str:
    """``command`` itself, when every word of it is a plain word in every shell; a ValueError otherwise
    (the knowledge base's shapes make this unreachable: it is the last guard before a reader's shell)."""
    bad = unsafe_words(command)
    if bad:
        raise ValueError(f"refusing to print a command with {bad[0][:40]!r} in it")
    return command


def pip_install(t: Any, v: Any, platform: str = "linux-x86_64", extras: Sequence[str] = ()) -> str:
    """The exact pip command for a build on a platform (``linux-x86_64``, ``linux-aarch64``,
    ``windows-x86_64``; ``linux``/``windows`` mean the x86_64 ones). Plain ``pip install torch==X``
    only where PyPI's wheel for that platform is this build (``default`` on Linux x86_64,
    ``default_aarch64`` on Linux aarch64, as measured); elsewhere the build's own index. ``extras``
    (``torchvision==0.22.1``) are installed in the same command, from the same index."""
    platform = {"linux": "linux-x86_64", "windows": "windows-x86_64"}.get(platform, platform)
    on_pypi = v.index == "pypi" and (platform == "linux-x86_64" and v.default
                                     or platform == "linux-aarch64" and getattr(v, "default_aarch64", False))
    pkgs = " ".join([f"torch=={t.version}", *extras])
    if on_pypi:
        return plain(f"pip install {pkgs}")
    index = v.index if v.index != "pypi" else PYTORCH_INDEX.format(variant=v.variant)
    return plain(f"pip install {pkgs} --index-url {index}")


def docker_run(image: str) -> str:
    return plain(f"{DOCKER_RUN} {image}")


def docker_pull(image: str) -> str:
    """NVIDIA's Jetson containers: the image to pull (run it as NVIDIA's Jetson container docs say)."""
    return plain(f"docker pull {image}")


def pip_wheel(url: str) -> str:
    """A wheel NVIDIA publishes at a URL (its Jetson builds), installed as NVIDIA's instructions do."""
    return plain(f"pip install --no-cache-dir {url}")


def conda_python(t: Any, v: Any | None = None) -> str:
    """The Python a conda environment is created with when the reader names none: the newest the
    build supports."""
    r = (v.python if v is not None and v.python else None) or t.python
    return r.max if r and r.max else DEFAULT_PYTHON
