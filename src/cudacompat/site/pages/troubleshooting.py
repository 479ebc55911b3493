"""Troubleshooting: an index, one page per error family (for reading) and one page per entry (what
the site search returns for a pasted message)."""

from __future__ import annotations

import html
from typing import Any

from ...answers.explain import RELEVANT
from ...answers.index import KB
from ...text.markdown import esc, fence, source_link, sources
from ...text.templates import say
from ...text.titles import FAMILY_TITLE
from ..links import md
from ..page import Page

SEE_PAGES = {"arch-support": ("Architecture support map", "arch-support.md"),
             "release-matrix": ("Release matrix", "matrix.md"),
             "cuda-drivers": ("CUDA and drivers", "cuda-drivers.md"),
             "images": ("Container images", "images.md"),
             "gpus": ("GPUs", "gpus.md")}
MAX_HEADING = 140


def entry_heading(e: Any) -> str:
    """The message itself where it fits in a heading (what people paste), else the entry's title."""
    first = e.messages[0]
    return first if len(first) <= MAX_HEADING else e.title


def entry_path(e: Any) -> str:
    return f"troubleshooting/{e.family}/{e.id}.md"


def _entry_body(e: Any, here: str, level: str) -> list[str]:
    h = esc(entry_heading(e))
    body = [f"{level} {h} {{#{e.id}}}" if level == "##" else f"{level} {h}", "",
            fence("\n".join(e.messages)), "",
            f"**Cause.** {esc(e.cause)}", "", "**Confirm.**", "", fence(e.confirm, "bash"), "",
            f"**Fix.** {esc(e.fix)}", ""]
    if e.see:
        body += ["**See also:** " + ", ".join(f"[{SEE_PAGES[s][0]}]({md(here, SEE_PAGES[s][1])})"
                                              for s in e.see), ""]
    if e.threads:
        body += ["**Diagnosed in:** " + "; ".join(source_link(t) for t in e.threads), ""]
    extra = [s for s in e.sources if s not in e.threads]
    if extra:
        body += [f"**Sources:** {sources(extra)}", ""]
    if e.confidence == "medium":
        body += ["*Medium confidence: no maintainer-confirmed root cause in the threads.*", ""]
    return body


def page_family(kb: KB, family: str) -> Page:
    """One page per family, one anchor per entry: for reading. Left out of the search index, because
    Material ranks a page's own document above its sections; search finds the entry pages instead."""
    here = f"troubleshooting/{family}.md"
    body = ["---", "search:", "  exclude: true", "---", "", f"# {esc(FAMILY_TITLE[family])}", ""]
    for e in kb.data.errors:
        if e.family == family:
            body += _entry_body(e, here, "##")
            body += [f"[This entry on its own page]({family}/{e.id}.md)", ""]
    return Page(here, "\n".join(body))


PERSONAL_FAMILIES = tuple(sorted(set(RELEVANT["sm"]) | set(RELEVANT["cc"])))


def personal_box() -> list[str]:
    """The builds for the reader's GPU, by driver (troubleshooting.js fills it from the lookup data, with
    the sentences `cudacompat explain` prints; the search's link brings ?gpu=, ?sm=, ?os= from the paste)."""
    return ['<div class="compat-personal" markdown="0">',
            '<form class="compat-personal__form" novalidate>'
            f'<label for="cp-gpu">{html.escape(say("explain.page-gpu"))}</label> '
            '<input id="cp-gpu" name="gpu" autocomplete="off" spellcheck="false"></form>',
            '<pre class="compat-personal__out" aria-live="polite" hidden></pre>',
            "</div>", "",
            '<script src="compat:lookup-data.js" defer></script>',
            '<script src="compat:assets/lookup-core.js" defer></script>',
            '<script src="compat:assets/troubleshooting.js" defer></script>', ""]


def page_entry(kb: KB, e: Any) -> Page:
    """One page per entry, titled with the message: what the site search returns for a pasted error.
    Entries about a GPU's architecture also list the builds for the reader's GPU."""
    here = entry_path(e)
    body = ["---", "search:", "  boost: 4", "---", ""] + _entry_body(e, here, "#")
    if e.family in PERSONAL_FAMILIES:
        body += personal_box()
    body += [f"More in [{esc(FAMILY_TITLE[e.family])}](../{e.family}.md#{e.id}).", ""]
    return Page(here, "\n".join(body))


def page_index(kb: KB) -> Page:
    body = ["# Troubleshooting", "",
            "Paste an error message into the search box, or run `cudacompat explain \"<message>\"` for a "
            "fix that names the builds for your GPU. Each entry gives the message as it prints, the cause, "
            "a command that confirms it and the fix.", ""]
    for fam, title in FAMILY_TITLE.items():
        entries = [e for e in kb.data.errors if e.family == fam]
        if not entries:
            continue
        body += [f"## [{esc(title)}]({fam}.md)", ""]
        body += [f"- [{esc(e.title)}]({fam}.md#{e.id})" for e in entries]
        body.append("")
    return Page("troubleshooting/index.md", "\n".join(body))


def entry_list(kb: KB, family: str | None, here: str) -> str:
    """A bulleted list of entries (the ``compat:troubleshooting`` shortcode)."""
    entries = [e for e in kb.data.errors if family is None or e.family == family]
    return "\n".join(f"- [{esc(e.title)}]({md(here, f'troubleshooting/{e.family}.md')}#{e.id})" for e in entries)


def pages(kb: KB) -> list[Page]:
    if not kb.data.errors:
        return []
    return [page_index(kb), *(page_family(kb, f) for f in sorted({e.family for e in kb.data.errors})),
            *(page_entry(kb, e) for e in kb.data.errors)]
