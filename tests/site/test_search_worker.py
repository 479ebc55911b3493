"""The site's search survives lunr's token-set bug (cudacompat.site.searchworker): the shipped
worker carries the repair, and run under node over the real index it answers identifiers dense in
digits, the kind that broke it. The browser tests then search the same site end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cudacompat.site import searchworker

HARNESS = Path(__file__).with_name("search_worker.js")
QUERIES = ["sm_120", "sm_90a", "compute_100f", "0.22.1", "torchvision 0.22.1", "cu128", "580.65.06",
           "CUDA 13.0", "flash-attn 2.8.3", "2.14.0", "memory"]


def search(site: Path, *queries: str) -> list[dict]:
    if shutil.which("node") is None:
        pytest.fail("node is needed (it runs the parity tests too); install nodejs")
    [worker] = searchworker.workers(site)
    r = subprocess.run(["node", str(HARNESS), str(worker), str(site / "search" / "search_index.json"),
                        *queries], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_the_built_worker_carries_the_repair(built_site):
    assert searchworker.is_repaired(built_site)


@pytest.mark.parametrize("answer", range(len(QUERIES)))
def test_identifiers_dense_in_digits_are_found(built_site, answer):
    got = search(built_site, QUERIES[answer])[0]
    assert got["error"] is None and got["results"], got


def test_repair_is_exact_and_idempotent(tmp_path):
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    w = workers / "search.0123abcd.min.js"
    w.write_text("t.TokenSet.prototype.toString=function(){" + searchworker.AMBIGUOUS + ";x()")
    assert searchworker.repair(tmp_path) == [w] and searchworker.is_repaired(tmp_path)
    once = w.read_text()
    searchworker.repair(tmp_path)
    assert w.read_text() == once and once.count(searchworker.FAITHFUL) == 1


def test_an_unknown_worker_stops_the_build_instead_of_shipping_a_fragile_search(tmp_path):
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    (workers / "search.ffff.min.js").write_text("t.TokenSet.prototype.toString=function(){return r}")
    with pytest.raises(searchworker.WorkerError, match="lunr.js issue 503"):
        searchworker.repair(tmp_path)
    assert not searchworker.is_repaired(tmp_path)


def test_long_tables_stay_out_of_the_index_and_their_pages_are_still_found(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    images = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("images/"))
    releases = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("releases/"))
    # the image tag table (cudacompat.site.page.unindexed); each release page names its own images
    assert "cudnn9-runtime" not in images and "cudnn9-runtime" in releases
    assert "companions/#domain-libraries" in {d["location"] for d in index["docs"]}
    got = {r["query"]: r["results"] for r in search(built_site, "torchvision 0.22.1", "flash-attn", "Known gaps")}
    assert "companions/" in got["torchvision 0.22.1"][:3], got
    assert any(r.startswith("companions/") for r in got["flash-attn"][:3]), got
    assert got["Known gaps"][0] == "gaps/", got
