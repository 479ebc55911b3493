"""Closed vocabularies of the knowledge base, importable without pydantic (the cached CLI and the
site build read them)."""

SECTIONS = ("architectures", "gpus", "cuda", "cuda_majors", "cudnn", "nccl", "torch", "images", "ngc",
            "errors", "announcements", "driver_support", "jetpack", "jetson_builds", "companions", "triton",
            "extensions")
PLATFORMS = ("linux-x86_64", "linux-aarch64", "windows-x86_64")
SEGMENTS = ("datacenter", "workstation", "consumer", "embedded")
ERROR_FAMILIES = (
    "architecture",
    "driver",
    "build",
    "containers",
    "libraries",
    "runtime",
    "distributed",
    "precision",
)
