"""MkDocs adapter for the offline copy (mkdocs.offline.yml only): page links point at .html files."""

from __future__ import annotations

from cudacompat import offline


def on_page_content(html, page, config, files):
    if config.use_directory_urls:
        return html
    pages = [f.src_uri for f in files.documentation_pages()]
    return offline.file_links(html, page.file.src_uri, pages)
