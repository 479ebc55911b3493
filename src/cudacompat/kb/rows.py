"""The one row type every consumer reads: a validated row as a frozen attribute record.

The loader validates with pydantic (:mod:`cudacompat.kb.model`), then freezes the result into
:class:`Row` objects: the same field names and values, read-only, picklable, and importable
without pydantic (the cached CLI and the site build never import it on a cache hit). Lists inside
rows are tuples, so nothing can be changed in place either.
"""

from __future__ import annotations

from typing import Any


class Row:
    """A validated row (or the whole knowledge base): the model's fields as read-only attributes,
    in the model's order; ``_kind`` is the model class's name (a row may have a field ``kind``)."""

    __slots__ = ("__dict__", "_kind")

    def __init__(self, kind: str, fields: dict[str, Any]):
        object.__setattr__(self, "_kind", kind)
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} rows are read-only")

    __delattr__ = __setattr__

    def __iter__(self):  # (field, value) pairs, as a pydantic model iterates
        return iter(self.__dict__.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._kind == other._kind and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self._kind, *(_hashable(v) for v in self.__dict__.values())))

    def __repr__(self) -> str:
        return f"{self._kind}(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"

    def __getstate__(self) -> tuple[str, dict[str, Any]]:
        return self._kind, self.__dict__

    def __setstate__(self, state: tuple[str, dict[str, Any]]) -> None:
        object.__setattr__(self, "_kind", state[0])
        self.__dict__.update(state[1])


class FrozenDict(dict):
    """A dict that refuses changes (the ``platforms`` mapping of a variant)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("knowledge-base rows are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, _hashable(v)) for k, v in self.items())))


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return v


def freeze(value: Any) -> Any:
    """A validated pydantic model (and everything in it) as :class:`Row` objects; lists become
    tuples and dicts :class:`FrozenDict`."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return Row(type(value).__name__, {k: freeze(getattr(value, k)) for k in fields})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    return value
