"""MkDocs adapter over cudacompat.site: load once, add generated pages, expand shortcodes and
resolve raw-HTML links through MkDocs' own File objects (right for every site variant), and build
into a new directory that replaces the site only on success (cudacompat.site.atomic)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from cudacompat.site import atomic, generate, searchworker

_kb = None
_generated: list = []


def on_startup(command, dirty):  # --dirty builds write in place
    atomic.startup(dirty)


@event_priority(100)  # first, so that every plugin sees the staged site_dir
def on_config(config):
    # MkDocs runs on_config before it cleans site_dir: bad data stops the build here, and the build
    # then writes into a new directory next to site_dir, which replaces it in on_post_build
    global _kb, _generated
    try:
        _kb = generate.load()
        _generated = generate.generated(_kb)
        generate.check_shortcodes(_kb, config.docs_dir)
        atomic.stage(config)
    except (generate.BuildError, atomic.SiteDirError) as e:
        raise PluginError(str(e)) from None


@event_priority(100)  # first, so that every plugin sees the generated pages
def on_files(files, config):
    for g in _generated:  # the snippet notebooks too, as pages of their own (cudacompat.site.notebooks)
        files.append(File.generated(config, g.path, content=g.content))
    return files


def on_page_markdown(markdown, page, config, files):
    def url_of(path):
        f = files.get_file_from_path(path)
        return f.url_relative_to(page.file) if f is not None else None

    try:
        return generate.page_markdown(markdown, _kb, page.file.src_uri, url_of)
    except generate.BuildError as e:
        raise PluginError(str(e)) from None


@event_priority(-1000)  # after every plugin's writes (their "last" is -100)
def on_post_build(config):
    try:
        searchworker.repair(Path(config.site_dir))  # lunr's token-set bug (see the module)
        atomic.commit(config)  # not when strict mode is about to abort
    except (atomic.SiteDirError, searchworker.WorkerError) as e:
        raise PluginError(str(e)) from None


def on_build_error(error):  # the staged directory goes; the site stays as it was
    atomic.discard()


def on_shutdown():  # after KeyboardInterrupt too
    atomic.discard()
