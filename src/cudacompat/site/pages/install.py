"""The install tabs (pip / conda / docker) of one release, as the home page shows them."""

from __future__ import annotations

from ...answers import commands
from ...answers.index import KB
from ...answers.releases import find_release
from ...text.markdown import esc, fence, indent
from ...text.templates import fill

NO_IMAGE = "# no pytorch/pytorch image with evidence for this release yet: see the image catalogue"


def install_tabs(kb: KB, version: str | None = None) -> str:
    """pip / conda / docker content tabs for one release (default: the newest), from the data."""
    t = kb.releases[0] if version is None else find_release(kb, version)[0]
    pip_lines, images = [], []
    for v in t.variants:
        if v.variant == "cpu" and v.index == "pypi":
            continue
        pip_lines.append(f"# {v.variant}" + (" (what plain `pip install torch` gets on Linux x86_64)" if v.default else ""))
        pip_lines.append(commands.pip_install(t, v, "linux"))
        images += [i.id for i in kb.images_for(t.version, v.variant)]
    default = next((v for v in t.variants if v.default), t.variants[0] if t.variants else None)
    pip = commands.pip_install(t, default, "linux") if default else "pip install torch"
    conda = fill(commands.CONDA, {"python": commands.conda_python(t, default), "pip": pip})
    docker = "\n".join(commands.docker_run(i) for i in images) or NO_IMAGE
    out = [f"PyTorch {esc(t.version)}:", ""]
    for title, text in (("pip", "\n".join(pip_lines)), ("conda", conda), ("docker", docker)):
        out += [f'=== "{title}"', "", *indent(fence(text, "bash")), ""]
    return "\n".join(out)
