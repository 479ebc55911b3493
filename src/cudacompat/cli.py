"""The ``cudacompat`` command: arguments in, an answer from :mod:`cudacompat.answers` worded by
:mod:`cudacompat.text` out. Exit codes: 0 answered, 1 not found, 2 invalid data or usage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# imported lazily where needed, so that a query command starts fast: the loader (YAML, pydantic),
# json, and the modules of the other commands
from . import __version__, checkout_data_path, data_path
from .answers.index import KB, InvalidQuery, QueryError
from .text.terminal import clean

EXIT_OK, EXIT_NOT_FOUND, EXIT_INVALID = 0, 1, 2


def _load(path: str | None, cached: bool = False) -> KB:
    """The validated knowledge base; ``cached``: through :mod:`cudacompat.kb.cache` (the commands that
    only query it)."""
    p = Path(path) if path else data_path()
    if cached:
        from .kb import cache

        return KB(cache.load(p, display=_display(p)))
    from .kb.load import load

    return KB(load(p, display=_display(p)))


def _display(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _emit(obj: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    if as_json:
        import json

        json.dump(obj, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(clean(text(obj)).rstrip("\n") + "\n")


# --- commands ---------------------------------------------------------------------------------

def cmd_check(a: argparse.Namespace) -> int:
    from .kb.load import InvalidData, load  # never the cache: check always reads and validates the file

    path = Path(a.file) if a.file else checkout_data_path()
    try:
        kb = load(path, display=_display(path))
    except InvalidData as e:
        for p in e.problems:
            print(p.github() if a.format == "github" else str(p), file=sys.stdout if a.format == "github" else sys.stderr)
        print(f"{len(e.problems)} problem(s) in {_display(path)}", file=sys.stderr)
        return EXIT_INVALID
    counts = {k: len(v) for k, v in kb if isinstance(v, (list, tuple))}
    print(f"{_display(path)}: OK (" + ", ".join(f"{v} {k}" for k, v in counts.items()) + ")")
    return EXIT_OK


def cmd_gpu(a):
    from .answers.gpus import gpu_report
    from .text.terminal import gpu_text

    return _query(a, lambda kb: gpu_report(kb, a.name), gpu_text)


def cmd_torch(a):
    from .answers.releases import torch_report
    from .text.terminal import torch_text

    return _query(a, lambda kb: torch_report(kb, a.version), torch_text)


def cmd_companion(a):
    from .answers.companions import which_torch
    from .text.terminal import companion_text

    return _query(a, lambda kb: which_torch(kb, a.package, a.version), companion_text)


def cmd_env(a):
    from .answers.envfiles import env_file

    return _query(a, lambda kb: env_file(kb, a.format, a.gpu, a.driver, a.platform, a.python), lambda r: r["text"])


def cmd_cuda(a):
    from .answers.cuda import cuda_report
    from .text.terminal import cuda_text

    return _query(a, lambda kb: cuda_report(kb, a.version), cuda_text)


def cmd_wir(a):
    from .answers.will_it_run import will_it_run
    from .text.verdicts import will_it_run_json, will_it_run_text

    gpu, driver = a.gpu, a.driver
    if a.smi:
        from .answers.smi_paste import MAX_SMI, parse_paste

        try:
            text = sys.stdin.read(MAX_SMI) if a.smi == "-" else _read_text(Path(a.smi), MAX_SMI)
        except OSError as e:
            print(f"cudacompat: cannot read {a.smi}: {e.strerror or e}", file=sys.stderr)
            return EXIT_INVALID
        found = parse_paste(text)
        gpu, driver = gpu or found["gpu"], driver or found["driver"]
    if not gpu:
        print("cudacompat: give --gpu NAME (or --smi FILE with nvidia-smi's output)", file=sys.stderr)
        return EXIT_INVALID
    return _query(a, lambda kb: will_it_run_json(will_it_run(kb, gpu, driver, a.platform or a.os, a.python,
                                                             a.jetpack)), will_it_run_text)


def _read_text(path: Path, limit: int) -> str:
    """At most ``limit`` characters of a file (a FIFO or /dev/zero cannot make it hang or exhaust memory)."""
    import stat

    st = path.stat()
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISCHR(st.st_mode) and path == Path("/dev/stdin")):
        raise OSError(0, "not a regular file")
    with path.open("r", encoding="utf-8", errors="replace") as f:
        return f.read(limit)


def _query(a: argparse.Namespace, fn: Callable[[KB], dict], text: Callable[[dict], str]) -> int:
    kb = _load(a.data, cached=True)
    try:
        result = fn(kb)
    except QueryError as e:
        if a.json:
            _emit({"error": str(e), "suggestions": e.suggestions}, True, str)
        else:
            print(clean(f"cudacompat: {e}"), file=sys.stderr)
            if e.suggestions:
                print(clean("did you mean: " + "; ".join(e.suggestions)), file=sys.stderr)
        return EXIT_INVALID if isinstance(e, InvalidQuery) else EXIT_NOT_FOUND
    _emit(result, a.json, text)
    return EXIT_OK


def cmd_schema(a: argparse.Namespace) -> int:
    from .kb import schema

    target = Path(a.path) if a.path else schema.SCHEMA_PATH
    if a.mode == "check":
        diff = schema.diff(target)
        if not diff:
            print(f"{target}: current")
            return EXIT_OK
        sys.stdout.write(diff)
        print(f"{target} is stale: run `cudacompat schema --write`", file=sys.stderr)
        return EXIT_INVALID
    if a.mode == "write":
        schema.write(target)
        print(f"wrote {target}")
        return EXIT_OK
    sys.stdout.write(schema.generate())
    return EXIT_OK


def cmd_generate(a: argparse.Namespace) -> int:
    from .site import generate

    kb = _load(a.data)
    out = Path(a.dir)
    if a.mode == "write":
        files = generate.write(kb, out)
        print(f"wrote {len(files)} files under {out}")
        return EXIT_OK
    drift = generate.check(kb, out)
    for _path, diff in drift:
        sys.stdout.write(diff)
    if drift:
        print(f"{len(drift)} file(s) out of date: run `cudacompat generate --write {out}`", file=sys.stderr)
        return EXIT_INVALID
    print(f"{out}: current")
    return EXIT_OK


def cmd_linkcheck(a: argparse.Namespace) -> int:
    from .site import linkcheck

    problems = linkcheck.check(Path(a.site))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {a.site}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{a.site}: every internal link and anchor resolves and stays in the site; no asset from another host")
    return EXIT_OK


def cmd_explain(a: argparse.Namespace) -> int:
    from .answers.explain import explain
    from .text.explain import explain_json, explain_text

    text = " ".join(a.text) if a.text else sys.stdin.read()
    kb = _load(a.data, cached=True)
    r = explain_json(explain(kb, text))
    _emit(r, a.json, explain_text)
    return EXIT_OK if r["matches"] else EXIT_NOT_FOUND


def cmd_verify(a: argparse.Namespace) -> int:
    from . import versions
    from .wheels import evidence, verify

    kb = _load(a.data)
    if a.report:
        if not a.image:
            print("cudacompat: --report needs --image REF", file=sys.stderr)
            return EXIT_INVALID
        import json

        try:
            report = json.loads(Path(a.report).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"cudacompat: cannot read {a.report}: {e}", file=sys.stderr)
            return EXIT_INVALID
        diffs = verify.compare_report(kb.data, a.image, report)
        for line in diffs:
            print(line)
        print(f"{a.image}: {len(diffs)} difference(s)", file=sys.stderr)
        return EXIT_INVALID if diffs else EXIT_OK
    if a.offline:
        n, diffs = verify.offline(kb.data)
        errors: list[str] = []
    else:
        releases = a.release or [t.version for t in sorted(kb.data.torch, key=lambda t: versions.parse(t.version))]
        n, diffs, errors = verify.online(kb.data, releases, a.platform or ["linux-x86_64"], a.index_url,
                                         evidence.EVIDENCE_DIR if a.record else None)
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    for line in diffs:
        print(line)
    print(f"{n} evidence file(s) checked, {len(diffs)} difference(s), {len(errors)} error(s)", file=sys.stderr)
    return EXIT_INVALID if diffs else (EXIT_NOT_FOUND if errors else EXIT_OK)


def cmd_snippet_images(a: argparse.Namespace) -> int:
    from .wheels.verify import snippet_images

    images = snippet_images(_load(a.data).data)
    if a.compact:
        import json

        print(json.dumps(images, separators=(",", ":")))
    else:
        _emit(images, a.json, "\n".join)
    return EXIT_OK


def cmd_stats(a: argparse.Namespace) -> int:
    from .answers.coverage import stats
    from .text.terminal import stats_text

    kb = _load(a.data, cached=True)
    _emit(stats(kb), a.json, stats_text)
    return EXIT_OK


def cmd_new_release(a: argparse.Namespace) -> int:
    from .wheels import newrelease

    return newrelease.run(a)


def cmd_doctor(a: argparse.Namespace) -> int:
    from .doctor import command

    return command(_load(a.data, cached=True), a)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; ``command`` (the first argument) lets it skip importing other commands' modules."""
    p = argparse.ArgumentParser(prog="cudacompat", description="PyTorch + CUDA compatibility answers.")
    p.add_argument("--version", action="version", version=f"cudacompat {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, fn, help: str, data: bool = True, json_: bool = True) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(fn=fn)
        if data:
            sp.add_argument("--data", metavar="FILE", help="knowledge base (default: data/compat.yaml)")
        if json_:
            sp.add_argument("--json", action="store_true", help="machine-readable output")
        return sp

    sp = add("check", cmd_check, "validate a knowledge-base file", data=False, json_=False)
    sp.add_argument("file", nargs="?", help="default: ./data/compat.yaml of this checkout (else the package's)")
    sp.add_argument("--format", choices=["text", "github"], default="text",
                    help="github: emit ::error annotations for GitHub Actions")
    add("gpu", cmd_gpu, "a GPU's compute capability and the builds that run it").add_argument("name")
    add("torch", cmd_torch, "a torch release's build variants").add_argument("version")
    add("cuda", cmd_cuda, "a CUDA toolkit's driver minimums").add_argument("version")
    sp = add("env", cmd_env, "an environment file (requirements.txt, a uv pyproject.toml, a pixi manifest, a conda "
             "environment) that installs the build this GPU, driver and platform run")
    sp.add_argument("format", choices=["requirements", "uv", "pixi", "conda"])
    sp.add_argument("--gpu", required=True)
    sp.add_argument("--driver", required=True, help="the driver version nvidia-smi prints")
    sp.add_argument("--platform", choices=["linux-x86_64", "linux-aarch64", "windows-x86_64", "wsl2"])
    sp.add_argument("--python", help="e.g. 3.12 (default: the newest the build supports)")
    sp = add("companion", cmd_companion, "which torch release a torchvision, torchaudio, triton or extension "
             "version goes with")
    sp.add_argument("package", help="torchvision, torchaudio, torchtext, torchdata, triton, xformers, "
                    "bitsandbytes, flash-attn or torchao")
    sp.add_argument("version")
    sp = add("will-it-run", cmd_wir, "which torch builds run on this GPU, driver and platform, and why the "
             "others do not")
    sp.add_argument("--gpu", help="the GPU, as you would type it or as nvidia-smi prints it")
    sp.add_argument("--driver", help="the driver version nvidia-smi prints (not its 'CUDA Version'); "
                    "optional on Jetson")
    sp.add_argument("--platform", choices=["linux-x86_64", "linux-aarch64", "windows-x86_64", "wsl2", "jetson"],
                    help="default: jetson for a Jetson module, else linux-x86_64")
    sp.add_argument("--os", choices=["linux", "windows"], help="same as --platform linux-x86_64 / windows-x86_64")
    sp.add_argument("--python", metavar="X.Y")
    sp.add_argument("--jetpack", metavar="VERSION", help="on Jetson: the installed JetPack (or L4T) release")
    sp.add_argument("--smi", metavar="FILE", help="read the GPU and driver from nvidia-smi's output (- for stdin)")
    sp = add("explain", cmd_explain, "match an error message (argument or stdin) to its cause and fix")
    sp.add_argument("text", nargs="*", help="the message; read from stdin when absent")
    sp = add("doctor", cmd_doctor, "diagnose this machine: GPU, driver, torch build, container")
    sp.add_argument("--markdown", action="store_true", help="an environment block for a bug report")
    sp.add_argument("--python", metavar="PATH", help="the interpreter whose torch to inspect (default: this one)")
    sp.add_argument("--image", metavar="REF", help="the container image (name@sha256:digest) to record")
    sp = add("verify", cmd_verify, "compare the knowledge base with the published wheels", json_=False)
    sp.add_argument("release", nargs="*", help="releases to check (default: all)")
    sp.add_argument("--offline", action="store_true", help="compare with the stored evidence only (no network)")
    sp.add_argument("--record", action="store_true", help="keep the evidence under data/evidence/wheels")
    sp.add_argument("--index-url", help="check the wheels of this index (e.g. a CUDA variant's) instead of PyPI's")
    sp.add_argument("--platform", action="append", choices=["linux-x86_64", "linux-aarch64"])
    sp.add_argument("--report", metavar="FILE", help="an image's scripts/report_env.py output to compare")
    sp.add_argument("--image", metavar="REF", help="with --report: the image it came from")
    sp = add("snippet-images", cmd_snippet_images, "the images the snippet workflow runs in (from the data)")
    sp.add_argument("--compact", action="store_true", help="one-line JSON (for GitHub Actions outputs)")
    add("stats", cmd_stats, "coverage counts, sources by kind, newest versions")
    if command and not command.startswith("-") and command != "new-release":  # its module (wheels, YAML) only when needed
        add("new-release", cmd_new_release, "draft a torch release's rows from its published wheels", json_=False)
    else:
        from .wheels.newrelease import HELP, arguments
        arguments(add("new-release", cmd_new_release, HELP, json_=False))
    sp = add("generate", cmd_generate, "write the generated pages without MkDocs (--write DIR), or show how a "
             "copy differs (--check DIR: a unified diff, exit 2 on drift)", json_=False)
    mode = sp.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", dest="dir_w", metavar="DIR")
    mode.add_argument("--check", dest="dir_c", metavar="DIR")
    sp.set_defaults(fn=lambda a: cmd_generate(argparse.Namespace(
        data=a.data, dir=a.dir_w or a.dir_c, mode="write" if a.dir_w else "check")))
    add("linkcheck", cmd_linkcheck, "check a built site's links, anchors and third-party requests",
        data=False, json_=False).add_argument("site")
    sp = add("schema", cmd_schema, "print the JSON Schema, write it (--write [FILE]), or show how a copy differs "
             "(--check [FILE]: a unified diff, exit 2 on drift); FILE defaults to data/compat.schema.json",
             data=False, json_=False)
    mode = sp.add_mutually_exclusive_group()
    mode.add_argument("--write", dest="path_w", metavar="FILE", nargs="?", const="")
    mode.add_argument("--check", dest="path_c", metavar="FILE", nargs="?", const="")
    sp.set_defaults(fn=lambda a: cmd_schema(argparse.Namespace(
        path=a.path_w or a.path_c or None,
        mode="write" if a.path_w is not None else "check" if a.path_c is not None else None)))
    return p


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    parser = build_parser(args[0] if args else None)
    try:
        a = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        return a.fn(a)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        from .kb.problems import InvalidData

        if isinstance(e, InvalidData):
            for p in e.problems:
                print(clean(str(p)), file=sys.stderr)
            return EXIT_INVALID
        if os.environ.get("CUDACOMPAT_DEBUG"):
            raise
        # one line, never a traceback: a file that cannot be read or written, or a bug (reported as such)
        what = (f"{getattr(e, 'filename', None) or ''}: {e.strerror}" if isinstance(e, OSError) and e.strerror
                else f"unexpected {type(e).__name__}: {e} (CUDACOMPAT_DEBUG=1 shows where)")
        print(clean(f"cudacompat: {what}")[:500], file=sys.stderr)
        return EXIT_INVALID
