"""The JSON Schema of ``data/compat.yaml``, generated from the model (``cudacompat schema --write | --check``)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import ROOT

SCHEMA_PATH = ROOT / "data" / "compat.schema.json"


def generate() -> str:
    from . import model  # pydantic: only when the schema is generated

    schema = model.KnowledgeBase.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://cudacompat.github.io/compat.schema.json"
    schema["title"] = "cudacompat knowledge base (data/compat.yaml)"
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def committed(path: Path = SCHEMA_PATH) -> str:
    """The committed schema (``cudacompat schema --check``, part of the test command, keeps it equal to
    :func:`generate`; reading it spares the build pydantic's schema generation), else generated."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return generate()


def check(path: Path = SCHEMA_PATH) -> bool:
    return not diff(path)


def diff(path: Path = SCHEMA_PATH) -> str:
    """A unified diff from the file at ``path`` to the generated schema; empty when they are equal."""
    import difflib

    want = generate()
    have = path.read_text(encoding="utf-8") if path.is_file() else ""
    if have == want:
        return ""
    return "".join(difflib.unified_diff(have.splitlines(True), want.splitlines(True), f"{path} (on disk)",
                                        "generated from the model", n=1)) or f"{path}: missing\n"


def write(path: Path = SCHEMA_PATH) -> None:
    path.write_text(generate(), encoding="utf-8")
