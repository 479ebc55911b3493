"""The snippet notebooks: rendered into the site, and nbval really compares their outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from cudacompat import ROOT
from cudacompat.site import generate

NBVAL = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "snippets" / "sanitize.cfg")]


def test_every_notebook_is_rendered_and_in_the_nav(built_site):
    nav = (ROOT / "mkdocs.yml").read_text()
    for nb in generate.notebooks():
        name = nb.removeprefix("snippets/").removesuffix(".ipynb")
        html = (built_site / "snippets" / name / "index.html").read_text()
        assert f"snippets/{name}.md" in nav
        assert (built_site / nb).is_file()  # to download
        # a page like any other: no notebook stylesheet, no script from the notebook converter
        assert "jupyter-wrapper" not in html and "<style" not in html and '<script src="">' not in html


def test_notebooks_keep_outputs_to_compare():
    for nb in generate.notebooks():
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


def test_snippet_workflow_matrix_is_generated_from_the_data(kb):
    import yaml

    from cudacompat import cli
    from cudacompat.wheels import verify

    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "snippets.yml").read_text())
    runs = " ".join(s.get("run", "") for s in wf["jobs"]["matrix"]["steps"])
    assert "cudacompat snippet-images --compact" in runs
    for job in ("cpu", "gpu"):
        assert wf["jobs"][job]["strategy"]["matrix"]["image"] == "${{ fromJSON(needs.matrix.outputs.images) }}"
        assert wf["jobs"][job]["container"]["image"] == "${{ matrix.image }}"
        steps = " ".join(s.get("run", "") for s in wf["jobs"][job]["steps"])
        assert "report_env.py" in steps and "cudacompat verify --report env.json" in steps
    # no image tag is typed into the workflow
    text = (ROOT / ".github" / "workflows" / "snippets.yml").read_text()
    assert "pytorch/pytorch:" not in text
    flagged = [i.id for i in kb.data.images if i.snippets]
    assert flagged and sorted(verify.snippet_images(kb.data)) == sorted(flagged)
    r = subprocess.run([sys.executable, "-m", "cudacompat", "snippet-images", "--compact"], capture_output=True,
                       text=True, check=True)
    assert json.loads(r.stdout) == verify.snippet_images(kb.data)
    assert cli  # the command above is the CLI's


def test_image_report_is_compared_with_the_data(kb, tmp_path):
    from cudacompat.wheels import verify

    image = verify.snippet_images(kb.data)[0]
    im = next(i for i in kb.data.images if i.id == image)
    v = next(v for t in kb.data.torch if t.version == im.torch for v in t.variants if v.variant == im.variant)
    good = {"torch": f"{im.torch}+{im.variant}", "cuda": v.cuda + ".1", "cudnn": 91002}
    al = v.platforms.get("linux-x86_64")
    if al:
        good["arch_list"] = [f"sm_{c.replace('.', '')}" for c in al.sm] + [f"compute_{c.replace('.', '')}" for c in al.ptx]
    assert verify.compare_report(kb.data, image, good) == []
    bad = dict(good, torch=f"{im.torch}+cpu", cuda=None)
    assert any("cpu build" in d for d in verify.compare_report(kb.data, image, bad))
    if al:
        fewer = dict(good, arch_list=good["arch_list"][1:])
        assert any("reports architectures" in d for d in verify.compare_report(kb.data, image, fewer))
