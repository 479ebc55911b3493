"""The doctor's checks of the packages installed next to torch: a torchvision or torchaudio of another
torch release, a triton other than the one the build pins, an extension package built for another torch."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from .. import versions
from ..answers import commands
from ..answers.companions import row_for, triton_row
from ..answers.index import KB
from .advice import release_of
from .facts import Facts
from .verdicts import Result, Verdict


def _same(a: str, b: str) -> bool:
    try:
        return versions.parse(a.split("+")[0]) == versions.parse(b.split("+")[0])
    except versions.InvalidVersion:
        return a == b


def check_companions(facts: Facts, kb: KB) -> Result:
    t = facts.torch
    if t.status != "ok" or not t.version or not t.packages:
        return [], []
    rel, var = release_of(kb, t.version, t.cuda)
    if rel is None:
        return [], []
    c = row_for(kb, rel.version)
    out = []
    wrong = []
    for lib in ("torchvision", "torchaudio"):
        have, want = t.packages.get(lib), getattr(c, lib, None) if c else None
        if have and want and not _same(have, want) and not (c.pairing.get(lib, "").startswith("no ")):
            wrong.append((lib, have, want))
    if wrong:
        pins = [f"{lib}=={want}" for lib, _, want in wrong]
        fix = (commands.pip_install(rel, var, facts.platform.key, pins) if var is not None
               else commands.plain("pip install " + " ".join(pins)))  # a CPU or unrecorded build: same index as torch
        out.append(Verdict(
            "companion-mismatch", "error", "torchvision/torchaudio of another torch release",
            f"torch {t.version} goes with " + ", ".join(f"{lib} {want}" for lib, _, want in wrong)
            + ", but " + ", ".join(f"{lib} {have}" for lib, have, _ in wrong) + " is installed: expect "
            "'operator torchvision::nms does not exist' or 'compiled with different CUDA versions' at import.",
            "Install the matching versions from the same index as torch (the command below reinstalls torch "
            "as it is, with them).", fix, "companions/"))
    pin = var.triton if var is not None else None
    have_triton = t.packages.get("triton") or t.packages.get("pytorch-triton")
    r = triton_row(kb, pin)
    if pin and have_triton and r is not None and pin.startswith("==") and not _same(have_triton, r.version):
        out.append(Verdict(
            "triton-mismatch", "warning", f"triton {have_triton} is not the {r.version} torch {t.version} pins",
            f"torch {t.version}+{var.variant} requires triton {pin}; with {have_triton}, torch.compile can fail "
            "at code generation.", f"pip install triton=={r.version}", f"pip install triton=={r.version}",
            "companions/"))
    for package in ("xformers", "bitsandbytes", "flash-attn", "torchao"):
        have = t.packages.get(package)
        row = next((e for e in kb.data.extensions if e.package == package and _same(e.version, have or "")), None)
        if not have or row is None or not row.torch:
            continue
        if not any(_fits(rel.version, spec) for spec in row.torch):
            out.append(Verdict(
                "extension-mismatch", "warning", f"{package} {have} was built for another torch",
                f"{package} {have} is built for torch {', '.join(row.torch)}; this is torch {t.version}. Expect "
                "import errors or missing kernels ('built for PyTorch X, you have Y').",
                f"`cudacompat companion {package} {have}` names its torch; install a {package} built for {rel.version}.",
                None, "companions/"))
    return out, []


def _fits(version: str, spec: str) -> bool:
    try:
        return versions.parse(spec) == versions.parse(version) if spec[:1].isdigit() else \
            SpecifierSet(spec).contains(version, prereleases=True)
    except (InvalidSpecifier, versions.InvalidVersion):
        return False
