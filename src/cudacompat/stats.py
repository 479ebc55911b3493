"""``cudacompat stats``: what the knowledge base covers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from . import query, versions


def source_kind(src: str) -> str:
    if src.startswith("evidence:"):
        return "measured"
    if src.startswith("https://github.com/") and ("/issues/" in src or "/pull/" in src):
        return "github-thread"
    if src.startswith("https://"):
        host = src.split("/")[2]
        return {"docs.nvidia.com": "nvidia-docs", "developer.nvidia.com": "nvidia-docs",
                "catalog.ngc.nvidia.com": "ngc", "hub.docker.com": "docker-hub",
                "pytorch.org": "pytorch-site"}.get(host, "other-url")
    return "repository-file"


def _all_sources(obj: Any):
    yield from getattr(obj, "sources", None) or []
    for v in getattr(obj, "variants", None) or []:
        yield from _all_sources(v)
    plats = getattr(obj, "platforms", None)
    if isinstance(plats, dict):
        for al in plats.values():
            yield from al.sources


def stats(kb: query.KB) -> dict[str, Any]:
    d = kb.data
    variants = [(t, v) for t in d.torch for v in t.variants]
    arch_lists = Counter(p for _, v in variants for p in v.platforms)
    kinds: Counter = Counter()
    for section in ("architectures", "gpus", "cuda", "cuda_majors", "cudnn", "nccl", "torch", "images", "ngc",
                    "errors", "announcements"):
        for row in getattr(d, section):
            kinds.update(source_kind(s) for s in _all_sources(row))
    newest = lambda rows, key=lambda r: r.version: max((key(r) for r in rows), key=versions.parse, default=None)  # noqa: E731
    return {
        "counts": {
            "architectures": len(d.architectures),
            "gpus": len(d.gpus),
            "gpus_by_segment": dict(sorted(Counter(g.segment for g in d.gpus).items())),
            "gpus_with_smi_names": sum(1 for g in d.gpus if g.smi_names),
            "cuda_toolkits": len(d.cuda),
            "cuda_releases": sum(len(c.releases) for c in d.cuda),
            "cuda_majors": len(d.cuda_majors),
            "cudnn": len(d.cudnn),
            "nccl": len(d.nccl),
            "torch_releases": len(d.torch),
            "torch_variants": len(variants),
            "arch_lists_by_platform": dict(sorted(arch_lists.items())),
            "images": len(d.images),
            "images_by_flavor": dict(sorted(Counter(i.flavor for i in d.images).items())),
            "ngc": len(d.ngc),
            "errors": len(d.errors),
            "errors_by_family": dict(sorted(Counter(e.family for e in d.errors).items())),
            "announcements": len(d.announcements),
            "announcements_by_kind": dict(sorted(Counter(a.kind for a in d.announcements).items())),
        },
        "sources_by_kind": dict(sorted(kinds.items())),
        "confidence_medium": sum(1 for s in ("architectures", "gpus", "cuda", "cuda_majors", "cudnn", "nccl",
                                             "torch", "images", "ngc", "errors", "announcements")
                                 for r in getattr(d, s) if r.confidence == "medium"),
        "newest": {
            "torch": newest(d.torch),
            "cuda": newest(d.cuda),
            "cudnn": newest(d.cudnn),
            "nccl": newest(d.nccl),
            "ngc": max((n.release for n in d.ngc), default=None),
        },
        "oldest": {
            "torch": min((t.version for t in d.torch), key=versions.parse, default=None),
            "cuda": min((c.version for c in d.cuda), key=versions.parse, default=None),
        },
    }
