"""Two clean builds of the site are the same, byte for byte, apart from what is listed here."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from tests.conftest import mkdocs_build

# What may differ between two clean builds, and why:
# - sitemap.xml: MkDocs writes each page's <lastmod> as the build date (the day, UTC), so two
#   builds either side of midnight differ there; compared with the date masked.
# - sitemap.xml.gz: the same text gzipped, and the gzip header carries that build date as its
#   mtime; compared decompressed, with the date masked.
# (Setting SOURCE_DATE_EPOCH, e.g. to the last commit's time, makes both identical too.)
LASTMOD = re.compile(rb"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>")


def normalised(site: Path, rel: str) -> bytes:
    data = (site / rel).read_bytes()
    if rel == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if rel in ("sitemap.xml", "sitemap.xml.gz"):
        data = LASTMOD.sub(b"<lastmod>DATE</lastmod>", data)
    return data


def files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_two_clean_builds_are_identical(built_site, tmp_path):
    # the run's shared build and one more, into a directory of another name with another hash seed
    # (set and dict iteration order), so that neither the output path nor hashing can leak into the files
    other = tmp_path / "second-build"
    r = mkdocs_build(other, env={"PYTHONHASHSEED": "12345", "CUDACOMPAT_NO_CACHE": "1"})
    assert r.returncode == 0, r.stderr[-4000:]
    assert files(built_site) == files(other)
    differ = [rel for rel in files(built_site) if (built_site / rel).read_bytes() != (other / rel).read_bytes()]
    assert set(differ) <= {"sitemap.xml", "sitemap.xml.gz"}, differ
    assert [rel for rel in differ if normalised(built_site, rel) != normalised(other, rel)] == []
    for site in (built_site, other):
        # nor the staging directory's (the build is written next to it, then renamed into place)
        leaked = [rel for rel in files(site) if str(site).encode() in (data := (site / rel).read_bytes())
                  or f".{site.name}.building-".encode() in data]
        assert leaked == [], f"the build directory's path is written into {leaked}"
