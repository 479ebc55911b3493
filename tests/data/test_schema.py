"""The committed JSON Schema is the one the model generates, and it accepts the real data."""

from __future__ import annotations

import json

import jsonschema
import yaml

from cudacompat import ROOT
from cudacompat.kb import schema


def test_committed_schema_is_current():
    assert schema.check(), "data/compat.schema.json is stale: run `cudacompat schema --write`"


def test_schema_detects_staleness(tmp_path):
    stale = tmp_path / "s.json"
    stale.write_text(schema.generate().replace('"gpus"', '"gpu"', 1))
    assert not schema.check(stale)


def test_yaml_points_editors_at_schema():
    first = (ROOT / "data" / "compat.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=compat.schema.json"


def test_real_data_validates_against_schema():
    data = yaml.safe_load((ROOT / "data" / "compat.yaml").read_text())
    jsonschema.validate(data, json.loads(schema.SCHEMA_PATH.read_text()))


def test_schema_rejects_a_row_without_source():
    s = json.loads(schema.SCHEMA_PATH.read_text())
    bad = {"gpus": [{"id": "x", "name": "X", "compute_capability": "8.6", "architecture": "ampere",
                     "segment": "consumer"}]}
    try:
        jsonschema.validate(bad, s)
    except jsonschema.ValidationError as e:
        assert "sources" in e.message
    else:
        raise AssertionError("a row without sources must be invalid")
