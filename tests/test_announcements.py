"""Announced removals: validation of the rows, and the status computed from the recorded builds."""

from __future__ import annotations

import pytest
from tests.conftest import FIXTURES

from cudacompat import loader, model, query, render, versions


def _ann(**kw) -> model.Announcement:
    return model.Announcement(**{"id": "x", "summary": "s", "sources": ["https://example.org/rfc"], **kw})


def _release_with_cuda_builds(kb: query.KB) -> model.Torch:
    """The newest release whose default build has a Linux x86_64 list and a Python range."""
    return next(t for t in kb.releases if t.python and any(v.default and v.cuda and "linux-x86_64" in v.platforms
                                                          for v in t.variants))


def test_cuda_drop_against_the_builds(kb):
    t = _release_with_cuda_builds(kb)
    present = next(v.cuda for v in t.variants if v.cuda)
    st = query.announcement_status(kb, _ann(kind="cuda", subject=present, torch=t.version))
    assert st["status"] == "not-done" and st["checked"] == t.version and t.version in st["detail"]
    st = query.announcement_status(kb, _ann(kind="cuda", subject="11.0", torch=t.version))
    assert st["status"] == "done"


def test_python_drop_against_the_range(kb):
    t = _release_with_cuda_builds(kb)
    assert query.announcement_status(kb, _ann(kind="python", subject=t.python.min, torch=t.version))["status"] \
        == "not-done"
    below = versions.parse(t.python.min).release
    older = f"{below[0]}.{below[1] - 1}"
    assert query.announcement_status(kb, _ann(kind="python", subject=older, torch=t.version))["status"] == "done"


def test_architecture_drop_uses_the_exact_target(kb):
    t = _release_with_cuda_builds(kb)
    v = next(v for v in t.variants if v.default)
    sm = v.platforms["linux-x86_64"].sm
    st = query.announcement_status(kb, _ann(kind="architecture", subject=sm[0], torch=t.version, variant=v.variant))
    assert st["status"] == "not-done" and v.variant in st["detail"]
    # 8.9 runs sm_86/sm_80 SASS, but a removal of the sm_89 target is about the target itself
    missing = next(c for c in ("8.9", "8.7", "6.2", "3.7") if c not in sm)
    st = query.announcement_status(kb, _ann(kind="architecture", subject=missing, torch=t.version, variant=v.variant))
    assert st["status"] == "done"
    st = query.announcement_status(kb, _ann(kind="architecture", subject="7.0", torch=t.version, variant="cu999"))
    assert st["status"] == "done" and "no cu999 build" in st["detail"]


def test_a_release_not_recorded_yet_is_planned(kb):
    newest = versions.parse(kb.releases[0].version).release
    future = f"{newest[0]}.{newest[1] + 1}.0"
    st = query.announcement_status(kb, _ann(kind="cuda", subject="12.6", torch=future))
    assert st["status"] == "planned" and st["checked"] is None


def test_announcements_render_escaped_with_status(kb, tmp_path):
    text = (FIXTURES / "mini.yaml").read_text()
    t = _release_with_cuda_builds(query.KB(loader.load(FIXTURES / "mini.yaml")))
    f = tmp_path / "compat.yaml"
    f.write_text(text + f'''
announcements:
  - id: drop-py
    kind: python
    subject: "{t.python.min}"
    torch: "{t.version}"
    summary: "<b>dropped</b> | maybe"
    sources: ["https://example.org/rfc"]
''')
    small = query.KB(loader.load(f))
    page = render.page_deprecations(small).content
    assert "## Announced removals" in page and "&#60;b&#62;dropped&#60;/b&#62; &#124; maybe" in page and "<b>" not in page
    assert "**not as announced**" in page


@pytest.mark.parametrize("row, message", [
    ('kind: architecture\n    subject: "sm_70"', 'a compute capability such as "7.0"'),
    ('kind: cuda\n    subject: "12"', 'a minor version such as "12.6"'),
    ('kind: python\n    subject: "three"', 'a Python version such as "3.9"'),
    ('kind: cuda\n    subject: "12.6"\n    variant: cu126', "variant narrows architecture drops only"),
])
def test_bad_announcements_name_their_line(tmp_path, row, message):
    text = (FIXTURES / "mini.yaml").read_text()
    f = tmp_path / "compat.yaml"
    f.write_text(text + f'''
announcements:
  - id: bad
    {row}
    torch: "2.9.0"
    summary: "s"
    sources: ["https://example.org/rfc"]
''')
    with pytest.raises(loader.InvalidData) as e:
        loader.load(f)
    lines = str(e.value)
    assert message in lines and "compat.yaml:" in lines
    line = len(text.splitlines()) + 4  # the subject line (the variant: two below)
    assert any(f"compat.yaml:{n}:" in lines for n in (line, line + 1, line + 2)), lines
