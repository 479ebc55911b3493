"""The site on a phone (390 x 844, Chromium): commands readable to their end, tables that keep their
key column, long pages folded, and snippet scripts that copy exactly."""

from __future__ import annotations

import pytest

from cudacompat import ROOT
from tests.conftest import new_page

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}

# the end of a code block's text (its last character, or the one furthest right: the end of its
# longest line), and whether anything covers it (the copy button)
END_COVERED = """([code, rightmost]) => {
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  let best = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.replace(/\\s+$/, "");
    if (!text) continue;
    const range = document.createRange();
    range.setStart(n, text.length - 1);
    range.setEnd(n, text.length);
    const r = range.getBoundingClientRect();
    if (!best || !rightmost || r.right > best.r.right) best = {r: r, char: text.slice(-1)};
  }
  const x = best.r.left + best.r.width / 2, y = best.r.top + best.r.height / 2;
  const hit = document.elementFromPoint(x, y);
  const pre = code.closest("pre").getBoundingClientRect();
  return {covered: !(hit && code.contains(hit)), inside: x > pre.left && x < pre.right, char: best.char};
}"""


@pytest.fixture
def phone(browser, served_site):
    ctx, pg = new_page(browser, **PHONE)
    yield pg
    ctx.close()


@pytest.mark.parametrize("how", ["url", "select"])
def test_every_docker_command_is_readable_to_its_end_and_no_pypi_badge(phone, served_site, how):
    q = "will-it-run/?gpu=RTX%204090&driver=570.86.10&platform=linux-x86_64&method="
    phone.goto(served_site + q + ("docker" if how == "url" else "pip"))
    phone.wait_for_selector(".wir-option pre code")
    if how == "select":  # the reader switches to docker after seeing the pip answer
        assert phone.locator(".wir-badge", has_text="PyPI default").count() > 0
        phone.locator("#wir-method").select_option("docker")
    codes = phone.locator(".wir-option pre code")
    assert codes.first.inner_text().startswith("docker run")
    assert phone.locator(".wir-badge", has_text="PyPI default").count() == 0
    n = codes.count()
    assert n >= 4
    for i in range(n):
        c = codes.nth(i)
        c.scroll_into_view_if_needed()
        assert c.evaluate("e => e.scrollWidth <= e.clientWidth"), f"command {i} scrolls: {c.inner_text()}"
        last = phone.evaluate(END_COVERED, [c.element_handle(), False])
        assert last["inside"] and not last["covered"], (i, c.inner_text(), last)
    assert phone.console_errors == []


def test_the_gpu_table_shows_the_compute_capability(phone, served_site):
    phone.goto(served_site + "gpus/")
    table = phone.locator("article table").first
    heads = table.locator("thead th").all_inner_texts()
    col = heads.index("Compute capability")
    for cell in (table.locator("thead th").nth(col), table.locator("tbody tr").first.locator("td").nth(col)):
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell.inner_text(), box)
        assert cell.evaluate("e => { const r = e.getBoundingClientRect();"
                             " return e.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)); }")
    assert phone.console_errors == []


@pytest.mark.parametrize("path", ["gpus/", "architectures/blackwell/", "releases/2.7.1/", "arch-support/"])
def test_tables_keep_their_key_column_when_scrolled(phone, served_site, path):
    phone.goto(served_site + path)
    phone.wait_for_load_state("networkidle")
    scrollers = phone.locator("article .md-typeset__scrollwrap, article .compat-scroll")
    wide = [i for i in range(scrollers.count())
            if scrollers.nth(i).evaluate("e => e.scrollWidth > e.clientWidth + 20 && e.offsetParent !== null")]
    assert wide, f"no table wider than the screen on {path}"
    box = scrollers.nth(wide[0])
    box.scroll_into_view_if_needed()
    key = box.locator("tbody tr").first.locator("th, td").first
    before = key.bounding_box()
    scrolled = box.evaluate("e => { e.scrollLeft = e.scrollWidth; return e.scrollLeft; }")
    phone.wait_for_timeout(50)
    after = key.bounding_box()
    assert scrolled > 50
    # still on screen, at the left edge (a cell that scrolled with the rest would be at x - scrolled)
    assert 0 <= after["x"] <= before["x"] and after["x"] + after["width"] <= 390, (before, after, scrolled)
    assert key.evaluate("e => { const r = e.getBoundingClientRect();"
                        " return e.contains(document.elementFromPoint(r.left + 4, r.top + r.height / 2)); }")


def test_the_largest_architecture_page_is_grouped_and_folded(phone, served_site):
    phone.goto(served_site + "architectures/blackwell/")
    folds = phone.locator("article details")
    assert folds.count() >= 10 and all(not folds.nth(i).evaluate("e => e.open") for i in range(folds.count()))
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 7000, height  # every build listed flat made it 14,000 px and more
    folds.first.locator("summary").click()
    assert folds.first.locator("table").is_visible()  # the GPUs' full table, one click away


def test_the_ddp_script_copies_exactly_and_its_lines_end_clear_of_the_button(phone, served_site):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.goto(served_site + "snippets/distributed-ddp/")
    block = phone.locator(".highlight", has=phone.locator(".filename", has_text="ddp_train.py"))
    assert block.count() == 1
    code = block.locator("pre > code")
    assert code.locator(".kn").first.inner_text() == "import"  # highlighted
    code.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    end = phone.evaluate(END_COVERED, [code.element_handle(), True])
    assert end["inside"] and not end["covered"], end
    block.locator("button[data-md-type=copy]").click()
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied.rstrip("\n") == (ROOT / "snippets" / "ddp_train.py").read_text().rstrip("\n")
    launch = phone.locator("#launch-it + .highlight")  # the command, under its heading
    assert launch.locator("code").inner_text().strip() == "torchrun --standalone --nproc-per-node=2 ddp_train.py"
    launch.locator("button[data-md-type=copy]").click()
    assert phone.evaluate("navigator.clipboard.readText()").strip() == launch.locator("code").inner_text().strip()
    assert "GPU output not recorded yet" in phone.locator("article").inner_text()
    assert phone.console_errors == []


LEGIBLE = """() => { let small = 0, all = 0;
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const e = n.parentElement, t = n.textContent.trim();
    if (!t || e.closest("script, style, noscript, template")) continue;
    all += t.length;
    if (parseFloat(getComputedStyle(e).fontSize) < 12) small += t.length;
  }
  return small / all; }"""


@pytest.mark.parametrize("path", ["", "will-it-run/", "architectures/ampere/", "architectures/blackwell/", "gpus/",
                                  "releases/2.7.1/", "troubleshooting/architecture/sm-not-compatible/",
                                  "snippets/environment-check/"])
def test_text_stays_legible_on_a_phone(phone, served_site, path):
    # Lighthouse's "legible font sizes" counts text below 12 px, folded text included; code in tables
    # and folded notes was 10.9 px and most of an architecture page
    phone.goto(served_site + path)
    assert phone.evaluate(LEGIBLE) < 0.05
