"""The cache of the validated knowledge base: the same rows as validating, invalidated by any
change, never used by `cudacompat check`, never trusting a directory others can write to."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cudacompat import ROOT, cli
from cudacompat.answers.index import KB, find_gpu
from cudacompat.kb import cache, model
from cudacompat.kb.load import InvalidData, load, parse_rows
from cudacompat.kb.rows import FrozenDict
from cudacompat.kb.yamlread import read
from cudacompat.site import browser
from tests.conftest import FIXTURE_KB


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("CUDACOMPAT_CACHE_DIR", str(d))
    monkeypatch.delenv("CUDACOMPAT_NO_CACHE", raising=False)
    return d


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    p = tmp_path / "compat.yaml"
    shutil.copy(FIXTURE_KB, p)
    return p


def entries(d: Path) -> list[Path]:
    return sorted(d.glob("kb-*.pickle")) if d.is_dir() else []


def no_validation(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("validated although the cache should have answered")

    monkeypatch.setattr(cache, "_validate", fail)


def test_second_load_comes_from_the_cache_and_equals_validating(cache_dir, kb_copy, monkeypatch):
    first = cache.load(kb_copy)
    assert first == load(kb_copy)
    assert len(entries(cache_dir)) == 1
    no_validation(monkeypatch)
    assert cache.load(kb_copy) == first


def test_any_change_to_the_data_invalidates(cache_dir, kb_copy):
    assert find_gpu(KB(cache.load(kb_copy)), "Card A").name == "Card A"
    text = kb_copy.read_text(encoding="utf-8")
    kb_copy.write_text(text.replace("name: Card A\n", "name: Card A Prime\n", 1), encoding="utf-8")
    assert find_gpu(KB(cache.load(kb_copy)), "Card A Prime").name == "Card A Prime"
    # one byte is enough: a trailing newline is another key
    kb_copy.write_text(kb_copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cache.load(kb_copy)
    assert len(entries(cache_dir)) == 3


def test_a_change_to_the_package_or_its_version_invalidates(cache_dir, kb_copy, monkeypatch):
    data = kb_copy.read_bytes()
    k = cache.key(data)
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert cache.key(data) != k
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_SOURCE_CACHE", ["another digest of the sources"])
    assert cache.key(data) != k
    monkeypatch.undo()
    assert cache.key(data) == k


def test_the_code_digest_covers_the_subpackages():
    cache._SOURCE_CACHE.clear()
    d = cache._code_digest()
    assert d and cache._SOURCE_CACHE == [d]
    pkg = Path(cache.__file__).resolve().parent.parent
    assert (pkg / "answers" / "will_it_run.py").is_file()  # part of what is hashed (rglob)


def test_invalid_data_is_never_stored(cache_dir, kb_copy):
    kb_copy.write_text(kb_copy.read_text(encoding="utf-8").replace('compute_capability: "8.6"',
                                                                   'compute_capability: "sm_86"', 1))
    for _ in range(2):
        with pytest.raises(InvalidData):
            cache.load(kb_copy)
    assert entries(cache_dir) == []


def test_check_never_uses_the_cache(cache_dir, kb_copy, capsys):
    """Plant a valid entry under an invalid file's key: the queries would trust it, check must not."""
    good = load(kb_copy)
    kb_copy.write_text(kb_copy.read_text(encoding="utf-8").replace("segment: consumer", "segment: gaming", 1))
    cache.store(cache.key(kb_copy.read_bytes()), good)
    assert cache.load(kb_copy) == good  # the planted entry is what the key finds
    assert cli.main(["check", str(kb_copy)]) == cli.EXIT_INVALID
    assert "segment" in capsys.readouterr().err


def test_a_corrupt_entry_is_replaced(cache_dir, kb_copy):
    cache.load(kb_copy)
    [entry] = entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    kb = cache.load(kb_copy)
    assert kb == load(kb_copy)
    assert pickle.loads(entry.read_bytes()) == kb


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_not_used(cache_dir, kb_copy):
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    assert cache.directory(create=True) is None
    assert KB(cache.load(kb_copy)).gpu_index  # still answers, by validating
    assert entries(cache_dir) == []


def test_off_switch(cache_dir, kb_copy, monkeypatch):
    monkeypatch.setenv("CUDACOMPAT_NO_CACHE", "1")
    cache.load(kb_copy)
    assert not cache_dir.exists()


def test_rows_are_read_only_all_the_way_down(cache_dir, kb_copy):
    kb = cache.load(kb_copy)
    with pytest.raises(AttributeError):
        kb.gpus[0].name = "other"
    assert isinstance(kb.gpus, tuple) and isinstance(kb.gpus[0].aliases, tuple)
    plats = kb.torch[0].variants[0].platforms
    assert isinstance(plats, FrozenDict)
    with pytest.raises(TypeError):
        plats["windows-x86_64"] = plats["linux-x86_64"]
    assert pickle.loads(pickle.dumps(kb)) == kb


def test_compat_json_is_what_pydantic_dumps(kb_copy):
    """The frozen rows carry exactly the validated model's values."""
    doc, _ = read(kb_copy)
    rows, problems = parse_rows(doc)
    assert not problems
    models = model.KnowledgeBase.model_construct(**{k: [r for _, r in v] for k, v in rows.items()})
    dumped = json.loads(json.dumps(models.model_dump(mode="json", exclude_none=True)))
    assert json.loads(browser.compat_json(KB(load(kb_copy)))) == dumped


def test_the_command_answers_the_same_from_a_cold_and_a_warm_cache(tmp_path):
    env = {**os.environ, "CUDACOMPAT_CACHE_DIR": str(tmp_path / "c"), "CUDACOMPAT_DATA": str(FIXTURE_KB)}
    cmd = [sys.executable, "-m", "cudacompat", "will-it-run", "--gpu", "Card B", "--driver", "535.54.03", "--json"]
    off = subprocess.run(cmd, env={**env, "CUDACOMPAT_NO_CACHE": "1"}, cwd=ROOT, capture_output=True, text=True)
    cold = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    warm = subprocess.run(cmd + ["--python", "3.11"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert json.loads(off.stdout) == json.loads(cold.stdout)
    assert json.loads(warm.stdout)["python"] == "3.11"
    assert len(list((tmp_path / "c").glob("kb-*.pickle"))) == 1


def test_the_build_and_query_paths_do_not_import_pydantic_on_a_hit(tmp_path):
    env = {**os.environ, "CUDACOMPAT_CACHE_DIR": str(tmp_path), "CUDACOMPAT_DATA": str(FIXTURE_KB)}
    code = ("import sys; from cudacompat.site import generate; kb = generate.load(); generate.generated(kb); "
            "import cudacompat.doctor, cudacompat.cli; print('pydantic' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("True", "False")
