"""The CLI's cache of the validated knowledge base: same answers, invalidated by any change, never
used by `cudacompat check`."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cudacompat import ROOT, cache, cli, data_path, loader, query, stats, troubleshoot

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CUDACOMPAT_CACHE_DIR", str(d))
    monkeypatch.delenv("CUDACOMPAT_NO_CACHE", raising=False)
    return d


@pytest.fixture
def mini_copy(tmp_path) -> Path:
    p = tmp_path / "compat.yaml"
    shutil.copy(FIXTURES / "mini.yaml", p)
    return p


def entries(d: Path) -> list[Path]:
    return sorted(d.glob("kb-*.pickle")) if d.is_dir() else []


def no_validation(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("validated although the cache should have answered")

    monkeypatch.setattr(cache, "_validate", fail)


def test_second_load_comes_from_the_cache(cache_dir, mini_copy, monkeypatch):
    first = cache.load(mini_copy)
    assert len(entries(cache_dir)) == 1
    no_validation(monkeypatch)
    assert cache.load(mini_copy) == first


def test_any_change_to_the_data_invalidates(cache_dir, mini_copy):
    before = query.find_gpu(query.KB(cache.load(mini_copy)), "Card A")
    assert before.name == "Card A"
    text = mini_copy.read_text(encoding="utf-8")
    mini_copy.write_text(text.replace("name: Card A\n", "name: Card A Prime\n", 1), encoding="utf-8")
    after = query.find_gpu(query.KB(cache.load(mini_copy)), "Card A Prime")
    assert after.name == "Card A Prime"
    # one byte is enough: a trailing newline is another key
    mini_copy.write_text(mini_copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cache.load(mini_copy)
    assert len(entries(cache_dir)) == 3


def test_a_change_to_the_package_or_its_version_invalidates(cache_dir, mini_copy, monkeypatch):
    data = mini_copy.read_bytes()
    k = cache.key(data)
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert cache.key(data) != k
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_SOURCE_CACHE", ["another digest of the sources"])
    assert cache.key(data) != k
    monkeypatch.undo()
    assert cache.key(data) == k


def test_invalid_data_is_never_stored(cache_dir, mini_copy):
    mini_copy.write_text(mini_copy.read_text(encoding="utf-8").replace('compute_capability: "8.6"',
                                                                       'compute_capability: "sm_86"', 1))
    for _ in range(2):
        with pytest.raises(loader.InvalidData):
            cache.load(mini_copy)
    assert entries(cache_dir) == []


def test_check_never_uses_the_cache(cache_dir, mini_copy, capsys):
    """Plant a valid entry under an invalid file's key: the queries would trust it, check must not."""
    good = cache.freeze(loader.load(mini_copy))
    mini_copy.write_text(mini_copy.read_text(encoding="utf-8").replace("segment: consumer", "segment: gaming", 1))
    cache.store(cache.key(mini_copy.read_bytes()), good)
    assert cache.load(mini_copy) == good  # the planted entry is what the key finds
    assert cli.main(["check", str(mini_copy)]) == cli.EXIT_INVALID
    assert "segment" in capsys.readouterr().err


def test_generate_renders_the_same_from_a_warm_cache(cache_dir, tmp_path, capsys):
    """generate and the site build read through the cache (see test_every_generated_file_is_the_same)."""
    assert cli.main(["gpu", "RTX 4090"]) == cli.EXIT_OK
    assert entries(cache_dir)
    assert cli.main(["generate", "--write", str(tmp_path / "out")]) == cli.EXIT_OK
    assert (tmp_path / "out" / "compat.json").is_file()


def test_a_corrupt_entry_is_replaced(cache_dir, mini_copy):
    cache.load(mini_copy)
    [entry] = entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    kb = cache.load(mini_copy)
    assert kb == cache.freeze(loader.load(mini_copy))
    assert pickle.loads(entry.read_bytes()) == kb


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_not_used(cache_dir, mini_copy):
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    assert cache.directory(create=True) is None
    assert query.KB(cache.load(mini_copy)).gpu_names  # still answers, by validating
    assert entries(cache_dir) == []


def test_off_switch(cache_dir, mini_copy, monkeypatch):
    monkeypatch.setenv("CUDACOMPAT_NO_CACHE", "1")
    cache.load(mini_copy)
    assert not cache_dir.exists()


def test_rows_are_read_only(cache_dir, mini_copy):
    kb = cache.load(mini_copy)
    with pytest.raises(AttributeError):
        kb.gpus[0].name = "other"


# --- the same answers from the cached rows as from the pydantic models ---------------------------

@pytest.fixture(scope="module")
def both():
    models = query.KB(loader.load(data_path()))
    rows = query.KB(pickle.loads(pickle.dumps(cache.freeze(models.data))))
    return models, rows


def _answer(fn, *args):
    try:
        return fn(*args)
    except query.QueryError as e:
        return ("QueryError", str(e), e.suggestions)


def test_every_gpu_torch_and_cuda_answer_is_the_same(both):
    models, rows = both
    for g in models.data.gpus:
        for name in (g.name, g.id, *g.smi_names, *g.aliases):
            assert _answer(query.gpu_report, models, name) == _answer(query.gpu_report, rows, name)
    for t in models.data.torch:
        for text in (t.version, *(f"{t.version}+{v.variant}" for v in t.variants)):
            assert _answer(query.torch_report, models, text) == _answer(query.torch_report, rows, text)
    for c in models.data.cuda:
        for r in c.releases:
            assert _answer(query.cuda_report, models, r.version) == _answer(query.cuda_report, rows, r.version)
    for text in ("RTX 4099", "12.99", "0.1.0", "not a version"):
        assert _answer(query.gpu_report, models, text) == _answer(query.gpu_report, rows, text)
        assert _answer(query.torch_report, models, text) == _answer(query.torch_report, rows, text)


def test_every_will_it_run_answer_is_the_same(both):
    models, rows = both
    ccs = {}
    for g in models.data.gpus:
        ccs.setdefault(g.compute_capability, g.name)
    for name in ccs.values():
        for driver in ("450.80.02", "525.60.13", "570.86.10", "999.99"):
            for os_ in ("linux", "windows"):
                for python in (None, "3.8", "3.13"):
                    args = (name, driver, os_, python)
                    assert _answer(query.will_it_run, models, *args) == _answer(query.will_it_run, rows, *args)
    assert query.lookup_table(models) == query.lookup_table(rows)


def test_explain_and_stats_are_the_same(both):
    models, rows = both
    for e in models.data.errors:
        for m in e.messages:
            assert troubleshoot.explain(models, m) == troubleshoot.explain(rows, m)
    assert stats.stats(models) == stats.stats(rows)


def test_the_command_answers_the_same_from_a_cold_and_a_warm_cache(tmp_path):
    env = {**os.environ, "CUDACOMPAT_CACHE_DIR": str(tmp_path / "c")}
    cmd = [sys.executable, "-m", "cudacompat", "will-it-run", "--gpu", "Tesla V100-SXM2-16GB",
           "--driver", "535.54.03", "--json"]
    off = subprocess.run(cmd, env={**env, "CUDACOMPAT_NO_CACHE": "1"}, cwd=ROOT, capture_output=True, text=True)
    cold = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    warm = subprocess.run(cmd + ["--python", "3.11"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert json.loads(off.stdout) == json.loads(cold.stdout)
    assert json.loads(warm.stdout)["python"] == "3.11"
    assert len(list((tmp_path / "c").glob("kb-*.pickle"))) == 1


def test_every_generated_file_is_the_same(both):
    """The site build reads the knowledge base through the cache: every page and data file it
    generates is byte-identical from the cached rows and from the pydantic models."""
    from cudacompat import render, site

    models, rows = both
    a, b = site.generated(models), site.generated(rows)
    assert [g.path for g in a] == [g.path for g in b]
    for x, y in zip(a, b, strict=True):
        assert x.content == y.content, x.path
    # and compat.json is what pydantic itself dumps
    dumped = json.loads(json.dumps(models.data.model_dump(mode="json", exclude_none=True)))
    assert json.loads(render.compat_json(rows)) == dumped


def test_the_build_path_does_not_import_pydantic_on_a_hit(tmp_path):
    env = {**os.environ, "CUDACOMPAT_CACHE_DIR": str(tmp_path)}
    code = ("import sys; from cudacompat import site; kb = site.load(); site.generated(kb); "
            "print('pydantic' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")
