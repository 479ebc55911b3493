"""The typed model of ``data/compat.yaml``.

Each row type is a pydantic model that forbids unknown keys and checks the shape of every
value; cross-record invariants (references, ranges, orderings) live in :mod:`cudacompat.validate`.
The JSON Schema committed as ``data/compat.schema.json`` is generated from these classes.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .. import versions
from . import shapes
from .vocab import ERROR_FAMILIES, PLATFORMS, SEGMENTS

_SOURCE_RES = tuple(re.compile(p) for p in (shapes.URL, shapes.REPO_FILE, shapes.EVIDENCE))


def _source(value: str) -> str:
    if len(value) > 1000 or not any(r.match(value) for r in _SOURCE_RES):
        raise ValueError(
            "a source must be an https:// URL (a host name; no spaces, quotes, < > \\ ` { } | ^), "
            "owner/repo:path[@commit] (no '..') or evidence:data/evidence/<file>.json (no '..')"
        )
    return value


def _shaped(pattern: str, what: str) -> AfterValidator:
    """A validator for a value that must have one of the shapes of :mod:`cudacompat.kb.shapes`."""
    rx = re.compile(pattern)

    def check(value: str) -> str:
        if len(value) > 600 or not rx.match(value):
            raise ValueError(f"must be {what}")
        return value
    return AfterValidator(check)


def _version(value: str) -> str:
    if value != value.strip():  # packaging accepts " 2.7.1\n"; page paths and links must not
        raise ValueError(f"{value!r} has spaces or line breaks around it")
    try:
        versions.parse(value)
    except versions.InvalidVersion:
        raise ValueError(f"{value!r} is not a version; expected e.g. \"12.8\" or \"2.7.1\"") from None
    return value


def _driver(value: str) -> str:
    try:
        versions.driver(value)
    except versions.InvalidVersion as e:
        raise ValueError(str(e)) from None
    return value


def _cc(value: str) -> str:
    versions.cc(value)  # raises ValueError with the expected form
    if value != value.strip() or value.startswith(("sm_", "compute_")):
        raise ValueError(f"{value!r}: write compute capabilities as \"8.6\", not sm_86")
    return value


# ids become page paths and anchors (architectures/<id>/, #<id>): no "/" (a path could leave the
# site directory) and no ":" (a link to "<id>.md" must not read as a URL scheme such as javascript:)
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.+_-]*$", max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Version = Annotated[str, AfterValidator(_version)]
DriverVersion = Annotated[str, AfterValidator(_driver)]
ComputeCapability = Annotated[str, AfterValidator(_cc)]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Source = Annotated[str, AfterValidator(_source)]
Sources = Annotated[list[Source], Field(min_length=1)]


class Row(BaseModel):
    """Common to every row: at least one primary source."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    sources: Sources = Field(description="Primary sources: URL, owner/repo:path[@commit] or evidence:…")
    confidence: Literal["high", "medium"] = Field(
        "high", description="medium when only secondary or indirect sources exist"
    )
    notes: Text | None = None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Architecture(Row):
    id: Id
    name: Text
    compute_capabilities: list[ComputeCapability] = Field(
        default_factory=list, description="empty only for an announced architecture (announced: true)")
    announced: bool = Field(False, description="announced by NVIDIA, with no compute capability in NVIDIA's own "
                            "table yet: listed on the gaps page")
    tegra: list[ComputeCapability] = Field(
        default_factory=list, description="the compute capabilities of integrated Tegra GPUs (Jetson): their "
        "native code does not run desktop or server SASS, and theirs does not run on desktop GPUs")


class Gpu(Row):
    id: Id
    name: Text = Field(description="NVIDIA's product name")
    smi_names: list[Text] = Field(
        default_factory=list, description="exactly as nvidia-smi prints it (seen in a cited log)"
    )
    aliases: list[Text] = Field(default_factory=list, description="short spellings people type")
    compute_capability: ComputeCapability
    architecture: Id
    segment: Literal[SEGMENTS]


class DriverMin(Strict):
    linux: DriverVersion | None = None
    windows: DriverVersion | None = None


class CudaRelease(Strict):
    version: Version
    name: Text = Field(description="GA, Update 1, … (RC and Developer Preview releases are never the headline)")
    date: Date | None = None
    min_driver: DriverMin
    cudart: Version | None = Field(None, description="the CUDA Runtime (cudart) component version of this release, "
                                   "as the release notes' component table gives it")


class CCRange(Strict):
    min: ComputeCapability
    max: ComputeCapability


class OpenCCRange(Strict):
    min: ComputeCapability
    max: ComputeCapability | None = Field(None, description="absent: this and later")


class VersionRange(Strict):
    min: Version
    max: Version | None = None


class Cuda(Row):
    id: Id
    version: Version = Field(description="toolkit minor version, e.g. 12.8")
    releases: Annotated[list[CudaRelease], Field(min_length=1)]
    arch_range: CCRange | None = None


class CudaMajor(Row):
    id: Id
    major: int
    minor_version_compat_min_driver: DriverMin
    forward_compat: Text | None = None


class Cudnn(Row):
    id: Id
    version: Version
    cuda: list[VersionRange] = Field(default_factory=list)
    compute_capability: OpenCCRange | None = None
    min_driver: DriverMin | None = None
    sass: list[ComputeCapability] = Field(default_factory=list, description="native code measured in the Linux "
                                          "x86_64 nvidia-cudnn wheel (its fatbins; evidence file)")
    ptx: list[ComputeCapability] = Field(default_factory=list, description="PTX measured in the same wheel")


class Nccl(Row):
    id: Id
    version: Version
    date: Date | None = None


class ArchList(Strict):
    sm: list[ComputeCapability] = Field(default_factory=list, description="native code (SASS)")
    ptx: list[ComputeCapability] = Field(default_factory=list, description="PTX the driver can JIT")
    sources: Sources
    confidence: Literal["high", "medium"] = "high"
    notes: Text | None = None


class Variant(Row):
    variant: Annotated[str, StringConstraints(pattern=r"^(cpu|cu\d{3}|rocm\d+(\.\d+)*|xpu)$")]
    cuda: Version | None = None
    cuda_runtime: Version | None = Field(
        None, description="the runtime the wheel pins: nvidia-cuda-runtime-cu1X's version, or (2.11 on) "
        "the release of the cuda-toolkit metapackage required with its cudart extra")
    cudnn: Version | None = None
    nccl: Version | None = None
    triton: Annotated[str, StringConstraints(pattern=r"^(==|~=)\d+(\.\d+){1,3}$")] | None = Field(
        None, description="the triton requirement the wheel pins on Linux (==3.4.0, ~=3.9.0), measured")
    index: Annotated[str, _shaped(shapes.INDEX, "pypi or one of PyTorch's indexes, https://download.pytorch.org/"
                                  "whl/<cpu|cuXYZ|rocmX.Y|xpu>")] = Field(
        description="'pypi' or the index URL"
    )
    default: bool = Field(False, description="what plain `pip install torch==X` gets on Linux x86_64")
    default_aarch64: bool = Field(False, description="what plain `pip install torch==X` gets on Linux aarch64 "
                                  "(measured: PyPI's aarch64 wheels carry CUDA from 2.11)")
    python: VersionRange | None = None
    platforms: dict[Literal[PLATFORMS], ArchList] = Field(default_factory=dict)
    inherited_from: Version | None = Field(None, description="never written in the data: set on the builds a patch "
                                           "release inherits from the release it rebuilds (rebuilds)")


class Torch(Row):
    id: Id
    version: Version
    date: Date | None = None
    python: VersionRange | None = None
    variants: list[Variant] = Field(default_factory=list)
    python_by_platform: dict[Literal[PLATFORMS], VersionRange] = Field(
        default_factory=dict, description="the measured Python range of the platforms whose wheels differ from "
        "python (which is Linux x86_64's); evidence:data/evidence/pythons/torch-<version>.json")
    rebuilds: Version | None = Field(None, description="a patch release that rebuilt this release's build set: "
                                     "the variants listed here are measured, the others are inherited from it "
                                     "(medium confidence) unless listed in not_rebuilt")
    not_rebuilt: list[Text] = Field(default_factory=list, description="variants of the rebuilt release that this "
                                    "patch release did not publish")


class Image(Row):
    id: Annotated[str, _shaped(shapes.IMAGE, "pytorch/pytorch:<tag>")] = Field(description="pytorch/pytorch:<tag>")
    tag: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    flavor: Literal["runtime", "devel"]
    torch: Version
    variant: str
    cudnn: Text | None = None
    platforms: list[Text] = Field(default_factory=list)
    snippets: bool = Field(False, description="run the snippet suite inside this image in CI")


class Ngc(Row):
    id: Text
    release: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}$")]
    torch: Text | None = Field(None, description="as the release notes print it; absent when not sourced")
    cuda: Version | None = None
    cudnn: Version | None = None
    nccl: Version | None = None
    python: Version | None = None
    ubuntu: Text | None = None
    min_driver: DriverMin | None = Field(None, description="the driver NVIDIA states the image needs; never below "
                                         "what its CUDA allows (the CUDA major's minor-version floor)")
    toolkit_driver: DriverMin | None = Field(None, description="the driver of the image's exact CUDA toolkit "
                                             "release (Table 3), where it differs from min_driver")
    forward_compat_drivers: list[Text] = Field(default_factory=list)
    min_compute_capability: ComputeCapability | None = Field(None, description="the oldest GPU NVIDIA states the "
                                                             "image supports ('compute capability 7.5 and later')")


class ErrorEntry(Row):
    id: Id
    family: Literal[ERROR_FAMILIES]
    title: Text
    messages: Annotated[list[Text], Field(min_length=1)]
    pattern: Text
    cause: Text
    confirm: Text
    fix: Text
    see: list[Literal["arch-support", "release-matrix", "cuda-drivers", "images", "gpus"]] = Field(
        default_factory=list
    )
    threads: list[Annotated[str, _shaped(shapes.URL, "an https:// URL (a host name; no spaces, quotes, < > \\ ` { } | ^)")]] = Field(
        default_factory=list
    )


class DriverSupport(Row):
    """The first driver that supports a family of GPUs: a driver branch that predates a GPU cannot drive it,
    whatever the CUDA tables say."""

    id: Id
    name: Text
    gpus: Annotated[list[Id], Field(min_length=1, description="ids of the gpus rows it covers")]
    min_driver: DriverMin


class JetPack(Row):
    """A JetPack release: the Jetson software stack, with the CUDA it ships and the modules it supports."""

    id: Id
    version: Text = Field(description='"6.2", "7.0", "6.0 DP"')
    l4t: Text = Field(description="the Jetson Linux (L4T) release")
    cuda: Version
    cudnn: Version | None = None
    tensorrt: Text | None = None
    ubuntu: Text | None = None
    python: Version | None = None
    date: Date | None = None
    compute_capabilities: Annotated[list[ComputeCapability], Field(min_length=1)]
    modules: list[Text] = Field(default_factory=list)
    sbsa: bool = Field(False, description="uses the server Arm (SBSA) CUDA stack: linux-aarch64 builds apply")


class JetsonBuild(Row):
    """A PyTorch build NVIDIA publishes for Jetson: a wheel for given JetPack releases, or a container."""

    id: Id
    torch: Text = Field(description="the version as NVIDIA prints it, e.g. 2.4.0a0+3bcc3cddb5")
    jetpack: Annotated[list[Text], Field(min_length=1, description="the JetPack versions it is built for")]
    wheel: Annotated[str, _shaped(shapes.JETSON_WHEEL, "NVIDIA's Jetson wheel address, https://developer.download."
                                  "nvidia.com/compute/redist/jp/v<NN>/pytorch/torch-<version>.whl")] | None = Field(
        None, description="NVIDIA's Jetson wheel address (developer.download.nvidia.com/compute/redist/jp/…)")
    container: Annotated[str, _shaped(shapes.NGC_CONTAINER, "an NGC container, nvcr.io/nvidia/<name>:<tag>")] | None = Field(
        None, description="an NGC container, nvcr.io/nvidia/<name>:<tag>")
    python: Version | None = None


class Announcement(Row):
    """A removal from PyTorch's official builds as it was announced (before or at the release); what the
    builds then measured to contain is compared with it (:func:`cudacompat.query.announcement_status`)."""

    id: Id
    kind: Literal["cuda", "architecture", "python"]
    subject: Text = Field(description='cuda: a toolkit "12.6"; architecture: a compute capability "7.0"; '
                          'python: "3.9"')
    torch: Version = Field(description="the first release announced to ship without it")
    variant: Annotated[str, StringConstraints(pattern=r"^cu\d{3}$")] | None = Field(
        None, description="architecture drops limited to one build variant")
    announced: Date | None = Field(None, description="when the source was posted")
    summary: Text


COMPANION_LIBRARIES = ("torchvision", "torchaudio", "torchtext", "torchdata")


class Companion(Row):
    """The domain libraries released alongside a torch release, and how each pairing is known."""

    id: Id
    torch: Version
    torchvision: Version | None = None
    torchaudio: Version | None = None
    torchtext: Version | None = None
    torchdata: Version | None = None
    pairing: dict[Literal[COMPANION_LIBRARIES], Text] = Field(
        default_factory=dict, description="how each pairing is known: the companion wheel's exact torch pin "
        "(measured) or its release notes and compatibility table")
    index_variants: list[Text] = Field(default_factory=list, description="the variants of PyTorch's index that "
                                       "carry these companions, where a source lists them")


class Triton(Row):
    """A triton release torch pins: the NVIDIA assembler it bundles and the GPUs that assembler targets."""

    id: Id
    version: Version
    ptxas: Version = Field(description="the version of the ptxas bundled in the wheel (measured)")
    ptxas_blackwell: Version | None = Field(None, description="a second ptxas for Blackwell targets, when bundled")
    max_target: ComputeCapability = Field(description="the newest sm_ target the bundled assemblers accept")
    platforms: list[Literal[PLATFORMS]] = Field(default_factory=list)


class Extension(Row):
    """A version of a package people install next to torch, with what it was built for."""

    id: Id
    package: Literal["xformers", "bitsandbytes", "flash-attn", "torchao"]
    version: Version
    torch: list[Text] = Field(default_factory=list, description="torch versions or requirement specifiers")
    cuda: list[Version] = Field(default_factory=list)
    python_min: Version | None = None
    platforms: list[Literal[PLATFORMS]] = Field(default_factory=list)
    sass: list[ComputeCapability] = Field(default_factory=list)
    ptx: list[ComputeCapability] = Field(default_factory=list)
    binary: bool = Field(description="a binary wheel is published (else it builds from source)")
    build_needs: Text | None = None


class KnowledgeBase(Strict):
    """The whole of ``data/compat.yaml``."""

    architectures: list[Architecture] = Field(default_factory=list)
    gpus: list[Gpu] = Field(default_factory=list)
    cuda: list[Cuda] = Field(default_factory=list)
    cuda_majors: list[CudaMajor] = Field(default_factory=list)
    cudnn: list[Cudnn] = Field(default_factory=list)
    nccl: list[Nccl] = Field(default_factory=list)
    torch: list[Torch] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    ngc: list[Ngc] = Field(default_factory=list)
    errors: list[ErrorEntry] = Field(default_factory=list)
    announcements: list[Announcement] = Field(default_factory=list)
    driver_support: list[DriverSupport] = Field(default_factory=list)
    jetpack: list[JetPack] = Field(default_factory=list)
    jetson_builds: list[JetsonBuild] = Field(default_factory=list)
    companions: list[Companion] = Field(default_factory=list)
    triton: list[Triton] = Field(default_factory=list)
    extensions: list[Extension] = Field(default_factory=list)
