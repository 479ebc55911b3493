"""Names of things as a reader sees them: platforms, segments, error families, NGC fields."""

from __future__ import annotations

PLATFORM_TITLE = {"linux-x86_64": "Linux x86_64", "linux-aarch64": "Linux aarch64",
                  "windows-x86_64": "Windows x86_64"}
SEGMENT_TITLE = {"datacenter": "Data center", "workstation": "Workstation", "consumer": "Consumer",
                 "embedded": "Embedded"}
FAMILY_TITLE = {
    "architecture": "GPU architecture not in the build",
    "driver": "Driver too old or mismatched",
    "build": "CPU-only or wrong build",
    "containers": "Containers",
    "libraries": "Libraries and ABI",
    "runtime": "Runtime errors",
    "distributed": "Distributed training",
    "precision": "Precision and determinism",
}
NGC_FIELD_TITLE = {"torch": "PyTorch", "cuda": "CUDA", "cudnn": "cuDNN", "nccl": "NCCL", "python": "Python",
                   "ubuntu": "Ubuntu", "min_driver": "driver requirement"}
ANNOUNCEMENT_STATUS = {"planned": "planned", "done": "happened as announced", "not-done": "**not as announced**",
                       "unknown": "not measurable from the recorded data"}
