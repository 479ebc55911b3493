"""Pasted ``nvidia-smi`` output (the banner table, or ``--query-gpu`` CSV) -> the GPU name and the
driver version. The page's paste box runs the same steps (``parseSmi`` in ``lookup-core.js``);
both cut the text and use patterns that cannot backtrack, whatever is pasted."""

from __future__ import annotations

import re

MAX_SMI = 64 * 1024
# the same patterns in both languages: ASCII digits, explicit blanks, no line terminators in a row
_DRIVER_LINE = re.compile(r"(?:Driver|KMD) Version:[ \t]*([0-9]{3}(?:\.[0-9]{1,3}){0,2})")
_GPU_ROW = re.compile(r"[ \t]{0,16}\|[ \t]{0,16}[0-9]{1,3}[ \t]{1,16}([^ \t\n\r\u2028\u2029](?:[^\n\r\u2028\u2029]{0,120}?"
                      r"[^ \t\n\r\u2028\u2029])?)[ \t]{1,16}(?:On|Off|N/A|WDDM|TCC)[ \t]{0,16}\|")
MAX_LINE = 400  # a row of nvidia-smi's table is about 90 characters
_DRIVER = re.compile(r"[0-9]{3}(?:\.[0-9]{1,3}){0,2}")


def parse_paste(text: str) -> dict[str, str | None]:
    t = str(text)[:MAX_SMI]
    out: dict[str, str | None] = {"gpu": None, "driver": None}
    m = _DRIVER_LINE.search(t)
    if m:
        out["driver"] = m.group(1)
    lines = re.split(r"\r?\n", t)
    for line in lines:
        m = _GPU_ROW.match(line) if len(line) <= MAX_LINE else None
        if m:
            out["gpu"] = m.group(1)
            break
    if not out["gpu"] or not out["driver"]:
        for line in lines:
            f = [s.strip(" \t") for s in line.split(",")]
            if len(f) >= 2 and f[0].lower() != "name":
                drv = next((x for x in f if _DRIVER.fullmatch(x)), None)
                if drv:
                    out["gpu"] = out["gpu"] or f[0]
                    out["driver"] = out["driver"] or drv
                    break
    return out
