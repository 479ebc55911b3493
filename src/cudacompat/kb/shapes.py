"""The shapes a value may take where it ends up in a command a reader pastes into a shell, or in a
link: package indexes, NVIDIA's Jetson wheel addresses, container images, and sources. Contributed
data is untrusted: anything outside these shapes is refused by the model (``file:line:col``), so no
printed command can carry more than the command (no ``;``, ``|``, ``$``, quotes or spaces)."""

from __future__ import annotations

import re

#: PyTorch's own indexes (a variant's ``index``), or "pypi"
INDEX = r"^(pypi|https://download\.pytorch\.org/whl/(nightly/|test/)?(cpu|cu\d{3}|rocm\d+(\.\d+){0,2}|xpu))$"
#: NVIDIA's Jetson wheels
JETSON_WHEEL = (r"^https://developer\.download\.nvidia\.com/compute/redist/jp/v\d{2,3}(dp)?/pytorch/"
                r"torch-[A-Za-z0-9_.+-]{1,200}\.whl$")
#: NVIDIA's containers on NGC
NGC_CONTAINER = r"^nvcr\.io/nvidia/[a-z0-9][a-z0-9._-]{0,60}:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
#: a pytorch/pytorch image: the repository and a tag
IMAGE = r"^pytorch/pytorch:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
#: an https URL: a host name, no user part, and none of the characters that end an attribute or a
#: Markdown link, start a tag or mean something to a shell quote (space, quotes, <, >, backslash, `)
URL = r"^https://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+(:\d{1,5})?(/[^\s\"'<>\\`{}|^]*)?$"
#: owner/repo:path[@commit]; the path without "..", quotes, brackets or control characters
REPO_FILE = r"^[A-Za-z0-9][\w.-]{0,99}/[\w.-]{1,100}:(?!.*\.\.)[^\s@\"'<>\\`\x00-\x1f\x7f]{1,400}(@[0-9a-f]{7,40})?$"
#: an evidence file under data/evidence/ (no "..": it cannot leave the directory)
EVIDENCE = r"^evidence:data/evidence/(?!.*\.\.)[\w./+-]{1,200}\.json$"

#: one word of a printed command, safe in POSIX shells, cmd.exe and PowerShell alike (no %, no comma,
#: no leading @)
_WORD = re.compile(r"(?!@)[A-Za-z0-9_@+=:./-]+", re.ASCII)


def unsafe_words(command: str) -> list[str]:
    """The words of a command (a line of it) that a shell could read as more than a word."""
    return [w for line in command.split("\n") for w in line.split(" ") if not _WORD.fullmatch(w)]
