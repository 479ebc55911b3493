"""The commands a reader copies: pip, conda and docker. Built here only; the terminal, the pages and
the browser show these strings (the browser fills :data:`CONDA` with the Python the reader picks)."""

from __future__ import annotations

from typing import Any

DOCKER_RUN = "docker run --gpus all --ipc=host --rm -it"
PYTORCH_INDEX = "https://download.pytorch.org/whl/{variant}"
#: filled by :func:`cudacompat.text.templates.fill` in Python and JavaScript alike
CONDA = "conda create -n torch python={python} -y\nconda activate torch\n{pip}"
DEFAULT_PYTHON = "3.12"


def pip_install(t: Any, v: Any, os: str) -> str:
    """The exact pip command. PyPI's default build is a Linux x86_64 thing: on Windows PyPI
    serves the CPU build, so CUDA builds always need their index there."""
    if v.index == "pypi" and os == "linux":
        return f"pip install torch=={t.version}"
    index = v.index if v.index != "pypi" else PYTORCH_INDEX.format(variant=v.variant)
    return f"pip install torch=={t.version} --index-url {index}"


def docker_run(image: str) -> str:
    return f"{DOCKER_RUN} {image}"


def conda_python(t: Any, v: Any | None = None) -> str:
    """The Python a conda environment is created with when the reader names none: the newest the
    build supports."""
    r = (v.python if v is not None and v.python else None) or t.python
    return r.max if r and r.max else DEFAULT_PYTHON
