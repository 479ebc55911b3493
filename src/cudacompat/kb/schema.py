"""The JSON Schema of ``data/compat.yaml``, generated from the model (``--write`` / ``--check``)."""

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
    return path.is_file() and path.read_text(encoding="utf-8") == generate()


def write(path: Path = SCHEMA_PATH) -> None:
    path.write_text(generate(), encoding="utf-8")
