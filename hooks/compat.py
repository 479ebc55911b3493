"""MkDocs adapter over cudacompat.site: load once, add generated pages, expand shortcodes."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from cudacompat import site

_kb = None


def on_config(config):
    global _kb
    try:
        _kb = site.load()
    except site.BuildError as e:
        raise PluginError(str(e)) from None


@event_priority(100)  # before mkdocs-jupyter's on_files
def on_files(files, config):
    for g in site.generated(_kb):
        files.append(File.generated(config, g.path, content=g.content))
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        return markdown
    try:
        return site.page_markdown(markdown, _kb, page.file.src_uri)
    except site.BuildError as e:
        raise PluginError(str(e)) from None
