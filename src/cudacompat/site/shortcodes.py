"""``<!-- compat:NAME key=value -->`` in hand-written pages, expanded by one regex; an unknown name
or argument, or a malformed shortcode, raises (so a typo fails the build)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..answers.cuda import cuda_report
from ..answers.index import KB, QueryError, find_gpu
from ..kb.vocab import PLATFORMS
from ..text.markdown import esc
from .notebooks import NotebookError, script_block
from .pages.arch_support import arch_map_table
from .pages.cuda_drivers import driver_table
from .pages.deprecations import deprecation_table
from .pages.gpus import gpu_table
from .pages.images import image_tables, ngc_table
from .pages.install import install_tabs
from .pages.releases import release_matrix
from .pages.troubleshooting import entry_list

SHORTCODE = re.compile(r"<!--\s*compat:([a-z-]+)((?:\s+[\w.+-]+=[^\s>]+)*)\s*-->")
_MALFORMED = re.compile(r"<!--\s*compat:(?![a-z-]+(?:\s+[\w.+-]+=[^\s>]+)*\s*-->)")


class ShortcodeError(ValueError):
    pass


def _args(raw: str, allowed: set[str], name: str) -> dict[str, str]:
    out = {}
    for part in raw.split():
        k, _, v = part.partition("=")
        if k not in allowed:
            raise ShortcodeError(f"compat:{name} has no argument {k!r}; expected: {', '.join(sorted(allowed)) or 'none'}")
        out[k] = v
    return out


def _arch_map(kb: KB, args: dict, here: str) -> str:
    p = args.get("platform", "linux-x86_64")
    if p not in PLATFORMS:
        raise ShortcodeError(f"unknown platform {p!r}; expected one of {', '.join(PLATFORMS)}")
    if args.get("variant") and not any(v.variant == args["variant"] for t in kb.data.torch for v in t.variants):
        raise ShortcodeError(f"unknown variant {args['variant']!r}")
    return arch_map_table(kb, p, args.get("variant"))


def _gpu(kb: KB, args: dict, here: str) -> str:
    try:
        g = find_gpu(kb, args["name"].replace("_", " "))
    except (KeyError, QueryError) as e:
        raise ShortcodeError(f"compat:gpu needs name=<a known GPU>: {e}") from None
    return gpu_table(kb, [g], here)


def _cuda(kb: KB, args: dict, here: str) -> str:
    try:
        r = cuda_report(kb, args["version"])
    except (KeyError, QueryError) as e:
        raise ShortcodeError(f"compat:cuda-driver needs version=<a known CUDA>: {e}") from None
    mvc = r["minor_version_compat_min_driver"] or {}
    return (f"CUDA {esc(r['version'])} needs driver ≥ {esc(r['min_driver']['linux'] or 'n/a')} on Linux and "
            f"≥ {esc(r['min_driver']['windows'] or 'n/a')} on Windows; with minor-version compatibility, "
            f"≥ {esc(mvc.get('linux') or 'n/a')} / {esc(mvc.get('windows') or 'n/a')}.")


def _install(kb: KB, args: dict, here: str) -> str:
    try:
        return install_tabs(kb, args.get("release"))
    except QueryError as e:
        raise ShortcodeError(f"compat:install: {e}") from None


def _troubleshooting(kb: KB, args: dict, here: str) -> str:
    fam = args.get("family")
    if not any(fam is None or e.family == fam for e in kb.data.errors):
        raise ShortcodeError(f"compat:troubleshooting: no entries for family {fam!r}")
    return entry_list(kb, fam, here)


def _snippet(kb: KB, args: dict, here: str) -> str:
    try:
        return script_block(args["file"])
    except (KeyError, NotebookError) as e:
        raise ShortcodeError(f"compat:snippet needs file=<a script in snippets/>: {e}") from None


SHORTCODES: dict[str, tuple[set[str], Callable[[KB, dict, str], str]]] = {
    "release-matrix": (set(), lambda kb, a, here: release_matrix(kb, here)),
    "arch-map": ({"platform", "variant"}, _arch_map),
    "cuda-drivers": (set(), lambda kb, a, here: driver_table(kb)),
    "gpus": ({"segment"}, lambda kb, a, here: gpu_table(
        kb, [g for g in kb.data.gpus if g.segment == a.get("segment", g.segment)], here)),
    "gpu": ({"name"}, _gpu),
    "cuda-driver": ({"version"}, _cuda),
    "images": (set(), lambda kb, a, here: image_tables(kb, here)),
    "ngc": (set(), lambda kb, a, here: ngc_table(kb)),
    "deprecations": (set(), lambda kb, a, here: deprecation_table(kb)),
    "install": ({"release"}, _install),
    "troubleshooting": ({"family"}, _troubleshooting),
    "snippet": ({"file"}, _snippet),
}


def expand(markdown: str, kb: KB, here: str) -> str:
    """Replace every ``<!-- compat:NAME k=v -->``; an unknown name or argument raises."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in SHORTCODES:
            raise ShortcodeError(f"unknown shortcode compat:{name}; expected one of: {', '.join(sorted(SHORTCODES))}")
        allowed, fn = SHORTCODES[name]
        return fn(kb, _args(m.group(2), allowed, name), here)

    bad = _MALFORMED.search(markdown)
    if bad:
        line = markdown.count("\n", 0, bad.start()) + 1
        raise ShortcodeError(f"line {line}: malformed compat shortcode; expected <!-- compat:NAME key=value -->")
    return SHORTCODE.sub(sub, markdown)
