"""Repair the lunr copy inside Material's search worker, in the built site.

lunr 2.3.9 (bundled by Material) merges equal suffixes of its token set by a node's ``toString``,
which writes each edge as its one-character label followed by the target node's numeric id, with
nothing between them. When labels are digits the strings collide (edges 1->2, 3->4 give "01234",
as does one edge 1->234), two different nodes are merged, and the token set then holds words the
inverted index does not: ``Index.query`` reads ``posting._index`` of ``undefined`` and the whole
search fails. Pages dense in version numbers trigger it (lunr.js issue 503, open); ours did with
"sm_120". Ending each edge with a comma makes the string a faithful key.

The repair is a one-token textual change; a worker without the token (another Material release)
stops the build rather than shipping a search that may fail on the next version number.
"""

from __future__ import annotations

from pathlib import Path

AMBIGUOUS = 'e=e+s+o.id}return e}'
FAITHFUL = 'e=e+s+o.id+","}return e}'


class WorkerError(Exception):
    """The search worker is not the one this repair was written for."""


def workers(site_dir: Path) -> list[Path]:
    return sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))


def repair(site_dir: Path) -> list[Path]:
    """Patch every search worker under ``site_dir`` in place; return those patched."""
    found = workers(site_dir)
    for worker in found:
        text = worker.read_text(encoding="utf-8")
        if FAITHFUL in text:
            continue
        if text.count(AMBIGUOUS) != 1:
            raise WorkerError(f"{worker}: lunr's TokenSet.toString is not where cudacompat.site."
                              "searchworker expects it; check lunr.js issue 503 against this "
                              "Material release and update the repair")
        worker.write_text(text.replace(AMBIGUOUS, FAITHFUL), encoding="utf-8")
    return found


def is_repaired(site_dir: Path) -> bool:
    found = workers(site_dir)
    return bool(found) and all(FAITHFUL in w.read_text(encoding="utf-8") for w in found)
