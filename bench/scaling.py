"""Scaling: a synthetic knowledge base at 1x, 10x and 100x the real row counts, generation time
and the full strict build.

The rows that grow with the world are replicated with new ids and versions, so the copy still
validates: GPUs (new ids and names), torch releases with all their variants (versions N*100+major,
e.g. 2.7.1 -> 102.7.1, 202.7.1, ...), the images and the companions row (torchvision, torchaudio, ...)
of those releases, and error entries. A copy's references to other replicated rows follow it: a
patch release's ``rebuilds`` names the copy of the release it rebuilt (2.14.1 rebuilds 2.14.0, so
102.14.1 rebuilds 102.14.0), an image names the copied release, and each driver_support row lists
the copies of its GPUs beside them (so a copied GPU has its original's driver floor). The reference
tables (architectures, CUDA toolkits and majors, cuDNN, NCCL, NGC, triton, extensions, announcements,
JetPack and Jetson builds) stay as they are: they are what the replicated rows refer to, and each
has a few dozen to a few hundred rows. Evidence sources keep citing the original's files (the
synthetic data directory links data/evidence).
"""

from __future__ import annotations

import copy
import json
import shutil
import statistics
import subprocess
from pathlib import Path

import yaml

from .common import ENV, OUT, PY, ROOT, Runs, fresh, log, mkdocs_cmd, run_timed

FACTORS = (1, 10, 100)
GEN_RUNS = 5  # at 1x and 10x; the 100x generation runs once (loading 30 MB of YAML takes a minute)
BUILD_RUNS = 3
BUILD_100_LIMIT_S = 240  # run the 100x build only when the 10x build predicts less than this (if linear)
BUILD_100_TIMEOUT_S = 300  # and stop it after this: it is not linear (see RESULTS.md)
SCALED = ("gpus", "torch", "images", "companions", "errors")
# the loader refuses files above 8 MiB (a guard against hostile input); the 100x file is larger
WRAPPER = "import cudacompat.kb.yamlread as _l; _l.MAX_BYTES = 1 << 31"


def _bump(version: str, j: int) -> str:
    major, _, rest = version.partition(".")
    return f"{j * 100 + int(major)}.{rest}"


def synthesize(data: dict, factor: int) -> dict:
    out = copy.deepcopy(data)
    for j in range(1, factor):
        for g in data.get("gpus") or []:
            g2 = copy.deepcopy(g)
            g2["id"] = f"{g['id']}-x{j}"
            g2["name"] = f"{g['name']} X{j}"
            g2["smi_names"] = [f"{n} X{j}" for n in g.get("smi_names") or []]
            g2["aliases"] = [f"{n} X{j}" for n in g.get("aliases") or []]
            out["gpus"].append(g2)
        for t in data.get("torch") or []:
            t2 = copy.deepcopy(t)
            t2["version"] = _bump(t["version"], j)
            t2["id"] = f"torch-{t2['version']}"
            if t.get("rebuilds"):  # a patch release rebuilds an older release of its own minor: its copy
                t2["rebuilds"] = _bump(t["rebuilds"], j)
            out["torch"].append(t2)
        for c in data.get("companions") or []:  # one row per release, found by its torch version
            c2 = copy.deepcopy(c)
            c2["torch"] = _bump(c["torch"], j)
            c2["id"] = c["id"].replace(c["torch"], c2["torch"], 1) if c["torch"] in c["id"] else f"{c['id']}-x{j}"
            out["companions"].append(c2)
        for im in data.get("images") or []:
            im2 = copy.deepcopy(im)
            new = _bump(im["torch"], j)
            im2["torch"] = new
            im2["tag"] = im["tag"].replace(im["torch"], new, 1) if im["torch"] in im["tag"] else f"{im['tag']}-x{j}"
            im2["id"] = im["id"].replace(im["tag"], im2["tag"], 1) if im["tag"] in im["id"] else f"{im['id']}-x{j}"
            out["images"].append(im2)
        for e in data.get("errors") or []:
            e2 = copy.deepcopy(e)
            e2["id"] = f"{e['id']}-x{j}"
            e2["title"] = f"{e['title']} (copy {j})"
            out["errors"].append(e2)
    gpu_ids = {g["id"] for g in data.get("gpus") or []}
    for r in out.get("driver_support") or []:  # the copies of a family's GPUs share its first driver
        r["gpus"] = list(r["gpus"]) + [f"{g}-x{j}" for j in range(1, factor) for g in r["gpus"] if g in gpu_ids]
    return out


def write(factor: int, data: dict) -> Path:
    d = fresh(OUT / "scale" / f"x{factor}" / "data")
    (d / "evidence").symlink_to(ROOT / "data" / "evidence")  # evidence: sources must resolve
    f = d / "compat.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    f.write_text(yaml.dump(synthesize(data, factor), Dumper=dumper, sort_keys=False, allow_unicode=True,
                           width=4096), encoding="utf-8")
    return f


GEN_SCRIPT = """
import json, sys, time
{wrapper}
from cudacompat.answers.index import KB
from cudacompat.kb.load import load
from cudacompat.site import generate
t0, c0 = time.perf_counter(), time.process_time()
kb = KB(load(sys.argv[1]))
t1, c1 = time.perf_counter(), time.process_time()
out = generate.generated(kb)
t2, c2 = time.perf_counter(), time.process_time()
rows = {{k: len(v) for k, v in kb.data if isinstance(v, (list, tuple))}}
print(json.dumps({{"load": t1 - t0, "generate": t2 - t1, "load_cpu": c1 - c0, "generate_cpu": c2 - c1,
                  "files": len(out),
                  "bytes": sum(len(g.content.encode()) for g in out), "rows": rows}}))
"""


def _generate(path: Path) -> dict:
    p = subprocess.run([PY, "-c", GEN_SCRIPT.format(wrapper=WRAPPER), str(path)], cwd=ROOT, env=ENV,
                       capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"generation at {path} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


FLOOR_PAGE = "# Page {n}\n\nOne short paragraph, so that the page has some text for the search index.\n"


def _stub_nav(nav, docs: Path) -> list:
    """The site's navigation with every entry pointing at a one-line stub page (notebooks become .md),
    so that each page carries the same navigation, header and footer as the real site's pages."""
    out = []
    for item in nav:
        (title, target), = item.items()
        if isinstance(target, list):
            out.append({title: _stub_nav(target, docs)})
            continue
        path = target.removesuffix(".ipynb") + (".md" if target.endswith(".ipynb") else "")
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(f"# {title}\n", encoding="utf-8")
        out.append({title: path})
    return out


def floor(n1: int, n10: int) -> dict:
    """The same theme, navigation, plugins and Markdown extensions (the hook and the notebooks removed)
    over ``n1`` and ``n10`` near-empty pages: what MkDocs costs per page before any content, the lower
    bound of the 10x build whatever the generated pages hold."""
    from .build import _Dumper, _Loader

    work = fresh(OUT / "floor")
    configs = {}
    for n in (n1, n10):
        docs = work / f"docs-{n}"
        cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
        cfg["nav"] = _stub_nav(cfg["nav"], docs)
        stubs = sum(1 for _ in docs.rglob("*.md"))
        (docs / "p").mkdir(parents=True)
        for i in range(n - stubs):
            (docs / "p" / f"{i:05d}.md").write_text(FLOOR_PAGE.format(n=i), encoding="utf-8")
        for k in ("hooks", "watch", "extra_javascript", "extra_css"):
            cfg.pop(k, None)
        cfg.update(docs_dir=str(docs), not_in_nav="/p/*.md")
        cfg["theme"]["custom_dir"] = str(ROOT / cfg["theme"]["custom_dir"])
        configs[n] = work / f"mkdocs-{n}.yml"
        configs[n].write_text(yaml.dump(cfg, Dumper=_Dumper, sort_keys=False), encoding="utf-8")
    runs = {n1: Runs(), n10: Runs()}
    for i in range(BUILD_RUNS):
        for n in (n1, n10):
            log(f"scaling: floor build with {n} near-empty pages, run {i + 1}/{BUILD_RUNS}")
            run_timed(mkdocs_cmd(fresh(work / f"site-{n}"), configs[n]), runs[n])
    shutil.rmtree(work)
    return {"pages": [n1, n10], "build": runs}


def run() -> dict:
    real = yaml.load((ROOT / "data" / "compat.yaml").read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    files = {}
    for f in FACTORS:
        log(f"scaling: writing the {f}x knowledge base")
        files[f] = write(f, real)
    res: dict = {"factors": {}}
    for f in FACTORS:
        res["factors"][f] = {"file_bytes": files[f].stat().st_size, "load": [], "generate": [], "load_cpu": [],
                             "generate_cpu": []}
    for i in range(GEN_RUNS):  # interleaved
        for f in FACTORS if i == 0 else [f for f in FACTORS if f < 100]:
            log(f"scaling: generation {f}x, run {i + 1}/{GEN_RUNS}")
            r = _generate(files[f])
            x = res["factors"][f]
            for k in ("load", "generate", "load_cpu", "generate_cpu"):
                x[k].append(r[k])
            x.update(files=r["files"], bytes=r["bytes"], rows=r["rows"])
    for f in FACTORS:
        x = res["factors"][f]
        for k in ("load", "generate", "load_cpu", "generate_cpu"):
            x[k + "_median"] = statistics.median(x[k])
    builds = {1: Runs(), 10: Runs()}
    pages = {}
    for i in range(BUILD_RUNS):
        for f in (1, 10):
            log(f"scaling: full build {f}x, run {i + 1}/{BUILD_RUNS}")
            env = {**ENV, "CUDACOMPAT_DATA": str(files[f])}
            site_dir = fresh(OUT / "scale" / f"x{f}" / "site")
            run_timed(mkdocs_cmd(site_dir, wrapper=WRAPPER), builds[f], env=env)
            pages[f] = sum(1 for _ in site_dir.rglob("*.html"))
    res["build"] = builds
    res["pages"] = pages
    predicted = builds[10].median * 10
    res["build_100_predicted"] = predicted
    if predicted <= BUILD_100_LIMIT_S:
        log(f"scaling: full build 100x (predicted {predicted:.0f} s)")
        b = Runs()
        env = {**ENV, "CUDACOMPAT_DATA": str(files[100])}
        site_dir = fresh(OUT / "scale" / "x100" / "site")
        try:
            run_timed(mkdocs_cmd(site_dir, wrapper=WRAPPER), b, env=env, timeout=BUILD_100_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            res["build_100_timeout"] = BUILD_100_TIMEOUT_S
            log(f"scaling: the 100x build did not finish in {BUILD_100_TIMEOUT_S} s; stopped")
        else:
            res["build"][100] = b
            pages[100] = sum(1 for _ in site_dir.rglob("*.html"))
    res["floor"] = floor(pages[1], pages[10])
    for f in FACTORS:  # the sites are large; keep the data files only
        site_dir = OUT / "scale" / f"x{f}" / "site"
        if site_dir.exists():
            shutil.rmtree(site_dir)
    return res
