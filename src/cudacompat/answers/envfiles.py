"""Environment files that get the right build: for a GPU, a driver, a platform and a Python, the build
will-it-run would pick (native code, the driver's own toolkit minimum where one runs) written as a
``requirements.txt`` (with its index), a ``pyproject.toml`` for uv (explicit per-package index), a pixi
manifest and a conda environment. Unlike an automatic backend, the build is chosen by the GPU's compute
capability and the driver, not only the driver."""

from __future__ import annotations

import json
from typing import Any

from .index import KB, QueryError
from .will_it_run import will_it_run

FORMATS = ("requirements", "uv", "pixi", "conda")
PIXI_PLATFORM = {"linux-x86_64": "linux-64", "linux-aarch64": "linux-aarch64", "windows-x86_64": "win-64",
                 "wsl2": "linux-64", "jetson": "linux-aarch64"}


def choose(kb: KB, gpu: str, driver: str, platform: str | None, python: str | None) -> dict[str, Any]:
    """The build to write down: the newest with native code that runs on the driver's own toolkit
    minimum, else the newest native, else the newest that runs; its packages and index."""
    r = will_it_run(kb, gpu, driver, platform, python)
    opts = [o for o in r["options"] if o["kind"] == "pip"]
    if not opts:
        raise QueryError(f"no pip build in the knowledge base runs on {r['gpu']['name']} with driver {driver} "
                         f"on {r['platform']}; see `cudacompat will-it-run`")
    native = [o for o in opts if o["code"] == "native"]
    pick = next((o for o in native if o["driver_via"] == "toolkit"), None) or (native or opts)[0]
    words = pick["install"].split(" ")
    packages = [w for w in words[2:] if "==" in w]
    index = words[words.index("--index-url") + 1] if "--index-url" in words else None
    py = python or _newest_python(pick)
    return {"gpu": r["gpu"]["name"], "driver": driver, "platform": r["platform"], "python": py,
            "torch": pick["torch"], "variant": pick["variant"], "packages": packages, "index": index,
            "code": pick["code"], "driver_via": pick["driver_via"]}


def _newest_python(o: dict[str, Any]) -> str:
    rng = o.get("python_range")
    return rng[1] if rng and rng[1] else "3.12"


def _header(c: dict[str, Any]) -> str:
    return (f"{c['gpu']}, driver {c['driver']}, {c['platform']}: torch {c['torch']}+{c['variant']} "
            f"(cudacompat; {c['code']} code, driver by {c['driver_via']})")


def requirements(c: dict[str, Any]) -> str:
    lines = [f"# {_header(c)}"]
    if c["index"]:
        lines.append(f"--index-url {c['index']}")
    return "\n".join(lines + c["packages"]) + "\n"


def uv_pyproject(c: dict[str, Any]) -> str:
    deps = ", ".join(json.dumps(p) for p in c["packages"])
    out = [f"# {_header(c)}", "[project]", 'name = "torch-env"', 'version = "0.1.0"',
           f'requires-python = "=={c["python"]}.*"', f"dependencies = [{deps}]", ""]
    if c["index"]:
        name = f"pytorch-{c['variant']}"
        out += ["[tool.uv.sources]"]
        out += [f'{p.split("==")[0]} = [{{ index = "{name}" }}]' for p in c["packages"]]
        out += ["", "[[tool.uv.index]]", f'name = "{name}"', f'url = "{c["index"]}"', "explicit = true", ""]
    return "\n".join(out)


def pixi_manifest(c: dict[str, Any]) -> str:
    out = [f"# {_header(c)}", "[workspace]", 'name = "torch-env"', 'channels = ["conda-forge"]',
           f'platforms = ["{PIXI_PLATFORM[c["platform"]]}"]', "", "[dependencies]", f'python = "{c["python"]}.*"',
           "", "[pypi-dependencies]"]
    for p in c["packages"]:
        name, version = p.split("==")
        index = f', index = "{c["index"]}"' if c["index"] else ""
        out.append(f'{name} = {{ version = "=={version}"{index} }}')
    return "\n".join(out) + "\n"


def conda_environment(c: dict[str, Any]) -> str:
    out = [f"# {_header(c)}", "name: torch-env", "channels:", "  - conda-forge", "dependencies:",
           f"  - python={c['python']}", "  - pip", "  - pip:"]
    if c["index"]:
        out.append(f"    - --index-url {c['index']}")
    out += [f"    - {p}" for p in c["packages"]]
    return "\n".join(out) + "\n"


RENDER = {"requirements": requirements, "uv": uv_pyproject, "pixi": pixi_manifest, "conda": conda_environment}
FILE_NAME = {"requirements": "requirements.txt", "uv": "pyproject.toml", "pixi": "pixi.toml",
             "conda": "environment.yml"}


def env_file(kb: KB, fmt: str, gpu: str, driver: str, platform: str | None = None,
             python: str | None = None) -> dict[str, Any]:
    """``cudacompat env``: the chosen build and the file's text."""
    c = choose(kb, gpu, driver, platform, python)
    return {**c, "format": fmt, "file": FILE_NAME[fmt], "text": RENDER[fmt](c)}
