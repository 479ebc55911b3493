"""The "Will it run?" page: same answers as `cudacompat will-it-run`, in a real Chromium."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from cudacompat import query

pytestmark = pytest.mark.browser
SMI = Path(__file__).parent / "fixtures" / "smi"
DRIVERS = ["418.39", "450.80.02", "470.57.02", "520.61.05", "525.60.13", "527.41", "535.104.05", "550.54.14",
           "560.28.03", "570.26", "570.86.10", "572.16", "575.51.03", "580.65.06", "590.48.01", "595.45.04",
           "600.1"]
PYTHONS = [None, "3.8", "3.10", "3.12", "3.14"]


def structured(answer: dict) -> dict:
    """What must agree: which builds, in which order, and why (prose is rendered separately)."""
    return {
        "options": [(o["torch"], o["variant"], o["code"], o["driver_via"]) for o in answer["options"]],
        "rejected": [(r["torch"], r["variant"], r["reason"], r.get("needs")) for r in answer["rejected"]],
        "unknown": [(u["torch"], u["variant"]) for u in answer["unknown"]],
    }


def js_structured(raw: dict, table: dict) -> dict:
    b = table["builds"]
    return {
        "options": [(b[o["build"]]["torch"], b[o["build"]]["variant"], o["code"], o["driver_via"]) for o in raw["options"]],
        "rejected": [(b[r["build"]]["torch"], b[r["build"]]["variant"], "driver" if r["reason"] == "driver-ptx" else r["reason"],
                      r.get("needs")) for r in raw["rejected"]],
        "unknown": [(b[u["build"]]["torch"], b[u["build"]]["variant"]) for u in raw["unknown"]],
    }


@pytest.fixture
def lookup(page, served_site):
    page.goto(served_site + "will-it-run/")
    page.wait_for_selector("#wir-form[data-ready=true]")
    return page


def test_browser_equals_python_on_a_grid(lookup, kb):
    # one GPU per compute capability, every driver, both OSes, several Pythons
    gpus = {}
    for g in kb.data.gpus:
        gpus.setdefault(g.compute_capability, g)
    grid = list(itertools.product(gpus.values(), DRIVERS, ["linux", "windows"], PYTHONS))
    assert len(grid) >= 1000
    inputs = [[g.name, d, os_, py] for g, d, os_, py in grid]
    js = lookup.evaluate("""inputs => inputs.map(([name, d, os, py]) => {
        const L = window.cudacompatLookup, T = window.cudacompatTable, g = L.findGpu(T, name);
        return g ? {cc: g.cc, raw: L.decide(T, g.cc, d, os, py)} : null;
    })""", inputs)
    table = json.loads(lookup.evaluate("JSON.stringify(window.cudacompatTable)"))
    mismatches = []
    for (g, d, os_, py), got in zip(grid, js, strict=True):
        want = structured(query.will_it_run(kb, g.name, d, os_, py))
        assert got is not None, g.name
        if js_structured(got["raw"], table) != want:
            mismatches.append((g.name, d, os_, py))
    assert mismatches == []
    assert lookup.console_errors == []


def test_every_gpu_name_resolves_the_same(lookup, kb):
    names = sorted({n for g in kb.data.gpus for n in [g.name, *g.smi_names, *g.aliases]})
    got = lookup.evaluate("names => names.map(n => (window.cudacompatLookup.findGpu(window.cudacompatTable, n) || {}).cc)", names)
    want = [query.find_gpu(kb, n).compute_capability for n in names]
    assert got == want


def test_rtx5090_570_page_equals_cli(lookup, served_site):
    cli = json.loads(subprocess.run([sys.executable, "-m", "cudacompat", "will-it-run", "--gpu", "RTX 5090",
                                     "--driver", "570.86", "--json"], capture_output=True, text=True, check=True).stdout)
    lookup.goto(served_site + "will-it-run/?gpu=RTX%205090&driver=570.86&os=linux&method=pip")
    lookup.wait_for_selector(".wir-option")
    shown = [t.split(" (CUDA")[0] for t in lookup.locator(".wir-option strong").all_inner_texts()]
    assert shown == [f"torch {o['torch']} + {o['variant']}" for o in cli["options"]]
    commands = lookup.locator(".wir-option pre code").all_inner_texts()
    assert commands == [o["install"] for o in cli["options"]]
    assert lookup.locator(".wir-option", has_text="minor-version compatibility").count() == sum(
        o["minor_version_compat"] for o in cli["options"])
    # every rejection the CLI gives is listed with the same build and its reason
    all_rejected = lookup.locator("details ul.wir-rejected li").all_text_contents()
    assert len(all_rejected) == len(cli["rejected"])
    for text, r in zip(all_rejected, cli["rejected"], strict=True):
        assert text.startswith(f"torch {r['torch']} + {r['variant']}: ")
        key = {"arch": "no native code or PTX", "driver": "driver", "python": "Python"}[r["reason"]]
        assert key in text
    assert lookup.console_errors == []


def test_pasting_real_nvidia_smi_output_fills_the_form(lookup):
    text = (SMI / "rtx5090-580.65.06.txt").read_text()
    lookup.locator("details.wir-paste summary").click()
    lookup.locator("#wir-smi").fill(text)
    lookup.locator("#wir-smi-fill").click()
    assert lookup.locator("#wir-gpu").input_value() == "GeForce RTX 5090"
    assert lookup.locator("#wir-driver").input_value() == "580.65.06"
    lookup.wait_for_selector(".wir-option")
    assert "gpu=" in lookup.url and "driver=580.65.06" in lookup.url


def test_shared_url_restores_state(lookup, served_site):
    url = served_site + "will-it-run/?gpu=" + quote("Tesla V100-SXM2-16GB") + "&driver=535.104.05&os=linux&python=3.10&method=docker"
    lookup.goto(url)
    lookup.wait_for_selector("#wir-answer")
    assert lookup.locator("#wir-gpu").input_value() == "Tesla V100-SXM2-16GB"
    assert lookup.locator("#wir-python").input_value() == "3.10"
    assert lookup.locator("#wir-method").input_value() == "docker"
    assert "compute capability 7.0" in lookup.locator("#wir-gpu-msg").inner_text()
    assert lookup.console_errors == []


def test_nonsense_driver_gets_a_clear_message(lookup):
    lookup.locator("#wir-gpu").fill("RTX 4090")
    lookup.locator("#wir-driver").fill("12.8")
    assert lookup.locator("#wir-driver").get_attribute("aria-invalid") == "true"
    assert "not a driver version" in lookup.locator("#wir-driver-msg").inner_text()
    assert lookup.locator("#wir-answer").count() == 0


def test_keyboard_only_use(lookup):
    lookup.locator("#wir-gpu").focus()
    lookup.keyboard.type("RTX 3090")
    lookup.keyboard.press("Tab")
    assert lookup.evaluate("document.activeElement.id") == "wir-driver"
    lookup.keyboard.type("535.104.05")
    lookup.wait_for_selector("#wir-answer")
    for label_for in ("wir-gpu", "wir-driver", "wir-os", "wir-python", "wir-method", "wir-smi"):
        assert lookup.locator(f"label[for={label_for}]").count() == 1
