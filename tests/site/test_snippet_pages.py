"""The snippet pages: scripts are real files that the pages show whole and the notebooks run; the
GPU output appears only when recorded (tests/fixtures/gpu-outputs/ is a synthetic recording, for
these tests only), and otherwise the page says that it has not been recorded."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import markdown
import pytest
import yaml

from cudacompat import ROOT
from cudacompat.site import generate, gpu_outputs, notebooks

SNIPPETS = ROOT / "snippets"
FIXTURE = ROOT / "tests" / "fixtures" / "gpu-outputs"


def _cells(nb_path, kind="code"):
    return [c for c in json.loads(nb_path.read_text())["cells"] if c["cell_type"] == kind]


def _html(md_text: str) -> str:
    """The page's Markdown as the site's Markdown extensions render it."""
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    exts, configs = [], {}
    for e in cfg["markdown_extensions"]:
        name, conf = next(iter(e.items())) if isinstance(e, dict) else (e, {})
        exts.append(name)
        configs[name] = conf or {}
    return markdown.markdown(md_text, extensions=exts, extension_configs=configs)


def test_every_script_is_shown_by_a_page_and_run_by_a_notebook():
    shown = set()
    for page in [*ROOT.joinpath("docs").rglob("*.md"), *notebooks.notebooks()]:
        shown |= set(re.findall(r"compat:snippet file=([\w.-]+)", page.read_text(encoding="utf-8")))
    run = set()
    for nb in notebooks.notebooks():
        for c in _cells(nb):
            src = gpu_outputs.source_of(c)
            run |= set(gpu_outputs.scripts_named(src, SNIPPETS))
            shown |= {m.group(1) for m in [re.fullmatch(r"%run (\S+)", src.strip())] if m}
    scripts = {p.name for p in notebooks.scripts()}
    assert {"ddp_train.py", "check_install.py", "seed_everything.py"} <= scripts
    assert scripts - shown == set(), "scripts no page shows"
    assert scripts - run == set(), "scripts no notebook runs (so no test runs them)"


def test_the_ddp_page_shows_the_script_the_command_and_what_rank_0_printed():
    page = notebooks.files()["snippets/distributed-ddp.md"]
    script = (SNIPPETS / "ddp_train.py").read_text()
    assert notebooks.script_block("ddp_train.py") in generate.page_markdown(page, None, "snippets/distributed-ddp.md",
                                                                            lambda t: t)
    assert 'title="ddp_train.py"' in notebooks.script_block("ddp_train.py")
    assert script.rstrip("\n") in notebooks.script_block("ddp_train.py")
    assert "textwrap" not in page and "subprocess" not in page  # the launcher cell is not shown
    command = re.search(r"```bash\n(torchrun [^\n]+)\n```", page).group(1)
    launcher = next(c for c in _cells(SNIPPETS / "distributed-ddp.ipynb")
                    if "remove-input" in c["metadata"].get("tags", []))
    assert f"command = '{command}'" in gpu_outputs.source_of(launcher)  # the suite runs what the page shows
    assert command == "torchrun --standalone --nproc-per-node=2 ddp_train.py"
    assert "backend=gloo world_size=2 device=cpu" in page and "exit code: 0" in page


@pytest.mark.parametrize("nb", notebooks.notebooks(), ids=lambda p: p.stem)
def test_without_a_recording_the_page_says_so(nb):
    assert not gpu_outputs.evidence_path(nb).exists() or "SYNTHETIC" not in gpu_outputs.evidence_path(nb).read_text()
    runs = gpu_outputs.load(nb)
    page = notebooks.page(json.loads(nb.read_text()), nb.name, runs)
    if runs:
        pytest.skip("recorded on a GPU: the recorded rendering is tested with the fixture")
    assert '!!! note "GPU output not recorded yet"' in page
    assert "GPU output:" not in page and "Recorded on a GPU" not in page
    assert page.count('title="CPU output"') == sum(1 for c in _cells(nb) if gpu_outputs.output_text(c))


def test_a_recorded_gpu_output_is_shown_next_to_the_cpu_one_labelled_with_the_machine():
    nb = FIXTURE / "synthetic.ipynb"
    runs = gpu_outputs.load(nb)
    page = notebooks.page(json.loads(nb.read_text()), nb.name, runs, FIXTURE)
    html = _html(page)
    assert "not recorded yet" not in page
    # the machine, named in the note; every data string escaped
    assert "SYNTHETIC TEST GPU" in html and "<b>" not in html and "999.99.99" in html and "CUDA 99.9" in html
    # cell 1: CPU then GPU output, titled
    cpu, gpu = html.index(">CPU output<"), html.index('>GPU output: SYNTHETIC TEST GPU bnot real/b<')
    assert cpu < html.index("device: cuda") and gpu < html.index("device: cuda")
    # cell 2 (%run hello.py): the script itself, then both outputs
    assert '<span class="filename">hello.py</span>' in html and "hello from a script (on the synthetic GPU)" in html
    # cell 3 (no input shown): recorded for an older version of its code, so not shown
    assert "which the page does not show" not in html and "launched" in html
    assert "an older version of the launcher" not in html
    assert "not recorded for this version of the cell" in html
    assert "Download:" in html and 'href="hello.py"' in html


def test_a_run_without_gpu_driver_or_cuda_is_refused():
    doc = json.loads((FIXTURE / "synthetic.gpu.json").read_text())
    assert gpu_outputs.parse(doc, "fixture")
    for key in ("gpu", "driver", "cuda"):
        bad = json.loads(json.dumps(doc))
        bad["runs"][0]["machine"][key] = None  # a CPU run has no CUDA runtime
        with pytest.raises(gpu_outputs.EvidenceError, match=f"machine.{key}"):
            gpu_outputs.parse(bad, "fixture")


def test_a_cell_key_covers_the_scripts_the_cell_runs(tmp_path):
    (tmp_path / "x.py").write_text("print(1)\n")
    before = gpu_outputs.cell_key("%run x.py", tmp_path)
    assert before == gpu_outputs.cell_key("%run x.py", tmp_path)
    (tmp_path / "x.py").write_text("print(2)\n")
    assert gpu_outputs.cell_key("%run x.py", tmp_path) != before


def test_merging_replaces_the_same_machine_and_keeps_others():
    run = json.loads((FIXTURE / "synthetic.gpu.json").read_text())["runs"][0]
    other = json.loads(json.dumps(run))
    other["machine"]["gpu"] = "ANOTHER SYNTHETIC GPU"
    doc = gpu_outputs.merge(gpu_outputs.merge(None, run), other)
    again = gpu_outputs.merge(doc, dict(run, recorded="2000-01-02T00:00:00+00:00"))
    assert len(again["runs"]) == 2
    assert sorted(r["recorded"] for r in again["runs"]) == ["2000-01-01T00:00:00+00:00", "2000-01-02T00:00:00+00:00"]


def test_the_recorder_records_nothing_without_a_gpu(tmp_path):
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is visible here")
    nb = tmp_path / "n.ipynb"
    shutil.copy(FIXTURE / "synthetic.ipynb", nb)
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "record_gpu_outputs.py"), str(nb)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "no GPU visible" in r.stderr
    assert list(tmp_path.iterdir()) == [nb]


def test_the_evidence_reader_needs_only_the_standard_library():
    code = ("import sys; sys.path.insert(0, 'src'); import cudacompat.site.gpu_outputs; "
            "print(sorted(m for m in ('yaml', 'pydantic', 'packaging', 'markdown') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_a_bad_script_name_fails_the_build():
    with pytest.raises(notebooks.NotebookError, match="no snippet script"):
        notebooks.script_block("../pyproject.toml")
    with pytest.raises(notebooks.NotebookError, match="no snippet script"):
        notebooks.script_block("missing.py")
