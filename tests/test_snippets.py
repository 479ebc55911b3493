"""The snippet notebooks: rendered into the site, and nbval really compares their outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from cudacompat import ROOT, site

NBVAL = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "snippets" / "sanitize.cfg")]


def test_every_notebook_is_rendered_and_in_the_nav(built_site):
    nav = (ROOT / "mkdocs.yml").read_text()
    for nb in site.notebooks():
        name = nb.removeprefix("snippets/").removesuffix(".ipynb")
        assert (built_site / "snippets" / name / "index.html").is_file()
        assert nb in nav


def test_notebooks_keep_outputs_to_compare():
    for nb in site.notebooks():
        cells = [c for c in json.loads((ROOT / nb).read_text())["cells"] if c["cell_type"] == "code"]
        assert cells and all(c["outputs"] for c in cells), nb


def test_nbval_fails_when_output_changes(tmp_path):
    src = ROOT / "snippets" / "dataloader-shm.ipynb"
    nb = json.loads(src.read_text())
    # change the code so that its printed result changes, keep the stored outputs
    for c in nb["cells"]:
        if c["cell_type"] == "code" and "seen == [i * i" in "".join(c["source"]):
            c["source"] = "".join(c["source"]).replace("return 64", "return 63")
    changed = tmp_path / "changed.ipynb"
    changed.write_text(json.dumps(nb))
    r = subprocess.run([*NBVAL, str(changed)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 1, r.stdout[-2000:]
    assert "samples: 64" in r.stdout and "samples: 63" in r.stdout
    same = tmp_path / "same.ipynb"
    shutil.copy(src, same)
    r = subprocess.run([*NBVAL, str(same)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
