"""The knowledge base with the indexes the answers need, and the error they raise."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .. import versions
from ..kb.rows import Row
from . import names


class QueryError(Exception):
    """A question the knowledge base cannot answer; ``suggestions`` lists near matches."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class InvalidQuery(QueryError):
    """A question that is not well formed (not a version, an unknown platform): a usage error."""


def with_inherited(patch: Any, base: Any | None) -> Any:
    """A patch release with the builds of the release it rebuilds that it does not list itself (and
    that ``not_rebuilt`` does not exclude): same CUDA, libraries, index and architecture lists, marked
    ``inherited_from`` and medium confidence; never the default builds, which are measured."""
    if base is None:
        return patch
    own = {v.variant for v in patch.variants}
    extra = []
    for v in base.variants:
        if v.variant in own or v.variant in patch.not_rebuilt:
            continue
        fields = {**v.__dict__, "inherited_from": base.version, "confidence": "medium", "default": False,
                  "default_aarch64": False, "index": v.index if v.index != "pypi" else
                  f"https://download.pytorch.org/whl/{v.variant}",
                  "sources": tuple(dict.fromkeys((*patch.sources, *v.sources)))}
        extra.append(Row("Variant", fields))
    return Row("Torch", {**patch.__dict__, "variants": tuple(patch.variants) + tuple(extra)})


@dataclass(frozen=True, eq=False)
class KB:
    """The validated knowledge base (:class:`cudacompat.kb.rows.Row`) with its indexes."""

    data: Any

    @cached_property
    def arch(self) -> dict[str, Any]:
        return {a.id: a for a in self.data.architectures}

    @cached_property
    def toolkits(self) -> dict[str, Any]:
        return {c.version: c for c in self.data.cuda}

    @cached_property
    def majors(self) -> dict[int, Any]:
        return {m.major: m for m in self.data.cuda_majors}

    @cached_property
    def releases(self) -> list[Any]:
        """Newest first; a patch release with ``rebuilds`` carries the builds it inherits (see
        :func:`with_inherited`)."""
        by_version = {t.version: t for t in self.data.torch}
        rows = [with_inherited(t, by_version.get(t.rebuilds)) if t.rebuilds else t for t in self.data.torch]
        return sorted(rows, key=lambda t: versions.parse(t.version), reverse=True)

    @cached_property
    def tegra(self) -> frozenset[str]:
        """The compute capabilities of integrated Tegra (Jetson) GPUs."""
        return frozenset(c for a in self.data.architectures for c in a.tegra)

    @cached_property
    def gpus(self) -> dict[str, Any]:
        return {g.id: g for g in self.data.gpus}

    @cached_property
    def gpu_cc(self) -> dict[str, str]:
        return {g.id: g.compute_capability for g in self.data.gpus}

    @cached_property
    def gpu_name(self) -> dict[str, str]:
        return {g.id: g.name for g in self.data.gpus}

    @cached_property
    def gpu_index(self) -> dict[str, str]:
        """Normalised GPU name -> GPU id (see :mod:`cudacompat.answers.names`)."""
        return names.index((g.id, [g.name, *g.smi_names, *g.aliases, g.id]) for g in self.data.gpus)

    @cached_property
    def _images(self) -> dict[tuple[str, str], list[Any]]:
        out: dict[tuple[str, str], list[Any]] = {}
        for i in self.data.images:
            out.setdefault((i.torch, i.variant), []).append(i)
        return out

    def images_for(self, torch: str, variant: str) -> list[Any]:
        return list(self._images.get((torch, variant), ()))

    @cached_property
    def companions(self) -> dict[str, Any]:
        """torch version -> its companions row (the first, as a scan would find it)."""
        out: dict[str, Any] = {}
        for c in self.data.companions:
            out.setdefault(c.torch, c)
        return out

    def architecture_name(self, arch_id: str) -> str:
        a = self.arch.get(arch_id)
        return a.name if a else arch_id


def find_gpu(kb: KB, name: str) -> Any:
    """Forgiving lookup: ``4090``, ``RTX 4090`` and ``NVIDIA GeForce RTX 4090 24GB`` find one GPU."""
    gid, near = names.resolve(kb.gpu_index, kb.gpu_cc, kb.gpu_name, name)
    if gid is not None:
        return kb.gpus[gid]
    if not names.normalise(name):
        raise InvalidQuery(f"{name!r} is not a GPU name")
    raise QueryError(f"no GPU named {name!r} in the knowledge base", near)
