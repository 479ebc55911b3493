"""The scaling benchmark's synthetic knowledge base (bench/scaling.py) still validates: every
cross-reference a replicated row carries follows it. A new kind of reference in the data that the
benchmark does not rename fails here, not minutes into ``bash bench/run scaling``."""

from __future__ import annotations

import yaml
from bench.scaling import synthesize

from cudacompat import data_path
from cudacompat.answers.index import KB
from cudacompat.kb.load import load


def test_a_doubled_knowledge_base_validates(tmp_path):
    real = yaml.safe_load(data_path().read_text(encoding="utf-8"))
    (tmp_path / "evidence").symlink_to(data_path().parent / "evidence")  # evidence sources resolve beside the file
    f = tmp_path / "compat.yaml"
    f.write_text(yaml.safe_dump(synthesize(real, 2), sort_keys=False, allow_unicode=True, width=4096),
                 encoding="utf-8")
    kb = KB(load(f))  # raises InvalidData with every problem
    for section in ("gpus", "torch", "images", "companions", "errors"):
        assert len(getattr(kb.data, section)) == 2 * len(real[section]), section
    by_version = {t.version: t for t in kb.releases}
    for t in real["torch"]:
        copy = by_version[f"{100 + int(t['version'].split('.')[0])}.{t['version'].partition('.')[2]}"]
        original = by_version[t["version"]]
        assert [v.variant for v in copy.variants] == [v.variant for v in original.variants]
        assert [v.inherited_from is None for v in copy.variants] == [v.inherited_from is None for v in original.variants]
    for r in kb.data.driver_support:
        assert {f"{g}-x1" for g in r.gpus if not g.endswith("-x1")} <= set(r.gpus)
