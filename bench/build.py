"""Build overhead: the strict build with the hook against the same pages built with the generation
already done (the hook removed from the config)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .common import ENV, OUT, PY, ROOT, Runs, fresh, log, mkdocs_cmd, run_timed

RUNS = 5  # of each build, interleaved


class _PyName(str):
    """A ``!!python/name:...`` value of mkdocs.yml, kept as written."""


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:",
                              lambda loader, suffix, node: _PyName(suffix))
_Dumper.add_representer(_PyName, lambda d, v: d.represent_scalar(f"tag:yaml.org,2002:python/name:{v}", ""))


def prepare_hookless(work: Path) -> Path:
    """A copy of docs/ with the generated pages (the snippet pages among them) written in and every
    shortcode already expanded, and a config without the hook. Returns the config's path."""
    from cudacompat.site import generate, links

    docs = work / "docs"
    shutil.copytree(ROOT / "docs", docs)
    kb = generate.load()
    generate.write(kb, docs)  # what `cudacompat generate --write DIR` writes
    for md in sorted(docs.rglob("*.md")):  # what the hook's on_page_markdown does
        rel = md.relative_to(docs).as_posix()
        md.write_text(generate.page_markdown(md.read_text(encoding="utf-8"), kb, rel,
                                             lambda target, here=rel: links.relative(target, here)), encoding="utf-8")
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    cfg.pop("hooks", None)
    cfg["docs_dir"] = str(docs)
    theme = cfg.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(ROOT / theme["custom_dir"])
    cfg.pop("watch", None)  # `serve` only
    config = work / "mkdocs-nohooks.yml"
    config.write_text(yaml.dump(cfg, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


BREAKDOWN = """
import json, time
c0 = time.process_time()
from cudacompat.site import generate
c1 = time.process_time()
kb = generate.load()
c2 = time.process_time()
generate.generated(kb)
c3 = time.process_time()
print(json.dumps({"import": c1 - c0, "load": c2 - c1, "generate": c3 - c2}))
"""


def breakdown(env: dict) -> dict[str, float]:
    """CPU seconds of what the hook's on_config does, each step in a fresh process (median of 3)."""
    import json
    import statistics
    import subprocess

    runs = [json.loads(subprocess.run([PY, "-c", BREAKDOWN], cwd=ROOT, env=env, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(3)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def _html_pages(site_dir: Path) -> set[str]:
    return {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")}


def run() -> dict:
    work = fresh(OUT / "build")
    # the generation step itself, as a separate command (the hook-less build's precondition)
    gen = Runs()
    for _ in range(3):
        run_timed([PY, "-m", "cudacompat", "generate", "--write", str(fresh(work / "gen"))], gen)
    config = prepare_hookless(work)
    # the hook reads the knowledge base through cudacompat's validated-data cache: "cold" is a build
    # with an empty cache directory (a fresh clone, CI, the first build after a data change), "warm"
    # one whose data file validated before (mkdocs serve's rebuilds, a second build)
    warm_env = {**ENV, "CUDACOMPAT_CACHE_DIR": str(fresh(work / "cache-warm"))}
    run_timed(mkdocs_cmd(fresh(work / "site-hook")), Runs(), env=warm_env)  # fills the warm cache
    with_hook, cold, without = Runs(), Runs(), Runs()
    for i in range(RUNS):  # interleaved, so that a change in the machine's load hits all alike
        log(f"build overhead: run {i + 1}/{RUNS}")
        cold_env = {**ENV, "CUDACOMPAT_CACHE_DIR": str(fresh(work / "cache-cold"))}
        run_timed(mkdocs_cmd(fresh(work / "site-cold")), cold, env=cold_env)
        run_timed(mkdocs_cmd(fresh(work / "site-hook")), with_hook, env=warm_env)
        run_timed(mkdocs_cmd(fresh(work / "site-nohook"), config), without)
    steps = breakdown({**ENV, "CUDACOMPAT_NO_CACHE": "1"})
    steps_warm = breakdown(warm_env)
    a, b = _html_pages(work / "site-hook"), _html_pages(work / "site-nohook")
    overhead = (with_hook.median - without.median) / with_hook.median
    return {
        "runs": RUNS,
        "with_hook": with_hook,
        "cold_hook": cold,
        "without_hook": without,
        "steps_warm": steps_warm,
        "cold_overhead": (cold.median - without.median) / cold.median,
        "cold_cpu_overhead": (cold.cpu_median - without.cpu_median) / cold.cpu_median,
        "generate_cmd": gen,
        "steps": steps,
        "overhead": overhead,
        "cpu_overhead": (with_hook.cpu_median - without.cpu_median) / with_hook.cpu_median,
        "pages_hook": len(a),
        "pages_nohook": len(b),
        "pages_differ": sorted(a ^ b)[:10],
    }
