"""The "Will it run?" page in Chromium: what a reader clicks and types. (That its answers equal the
terminal's is held by test_parity.py over thousands of inputs; here, the page's behaviour.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser
SMI = Path(__file__).parent.parent / "fixtures" / "smi"


@pytest.fixture
def lookup(page, served_site):
    page.goto(served_site + "will-it-run/")
    page.wait_for_selector("#wir-form[data-ready=true]")
    return page


def cli_json(*args) -> dict:
    r = subprocess.run([sys.executable, "-m", "cudacompat", *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def test_rtx5090_570_page_equals_cli(lookup, served_site):
    cli = cli_json("will-it-run", "--gpu", "RTX 5090", "--driver", "570.86.16")
    lookup.goto(served_site + "will-it-run/?gpu=RTX%205090&driver=570.86.16&platform=linux-x86_64&method=pip")
    lookup.wait_for_selector(".wir-option")
    shown = [t.split(" (CUDA")[0] for t in lookup.locator(".wir-option strong").all_text_contents()]
    assert shown == [f"torch {o['torch']} + {o['variant']}" for o in cli["options"]]
    assert lookup.locator(".wir-option pre code").all_text_contents() == [o["install"] for o in cli["options"]]
    for i, o in enumerate(cli["options"]):  # the same notes, word for word
        texts = lookup.locator(".wir-option").nth(i).locator("p").all_text_contents()[1:]
        assert texts == o["notes"]
    assert lookup.locator("ul.wir-fixes li").all_text_contents() == cli["summary"]["fixes"]
    heads = [t.split(": ")[0] for t in lookup.locator("ul.wir-groups > li").all_text_contents()]
    assert heads == [f"{g['heading']} ({g['count']})" for g in cli["summary"]["groups"]]
    all_rejected = lookup.locator("details ul.wir-all li").all_text_contents()
    assert all_rejected == [f"torch {r['torch']} + {r['variant']}: {r['detail']}." for r in cli["rejected"]]
    assert lookup.console_errors == []


def test_rtx5090_on_an_older_driver_runs_nothing_and_names_the_driver(lookup, served_site):
    cli = cli_json("will-it-run", "--gpu", "RTX 5090", "--driver", "560.35.03")
    assert cli["options"] == []
    lookup.goto(served_site + "will-it-run/?gpu=RTX%205090&driver=560.35.03")
    lookup.wait_for_selector("#wir-answer")
    assert lookup.locator(".wir-option").count() == 0
    assert lookup.locator("ul.wir-fixes li").all_text_contents() == cli["summary"]["fixes"]
    assert "570.86.16" in cli["summary"]["fixes"][0]


def test_jetson_page_offers_the_jetpack_builds_as_the_terminal_does(lookup, served_site):
    cli = cli_json("will-it-run", "--gpu", "Jetson AGX Orin", "--jetpack", "6.2")
    assert cli["options"] and {o["platform"] for o in cli["options"]} == {"jetson"}
    lookup.goto(served_site + "will-it-run/?gpu=Jetson%20AGX%20Orin&jetpack=6.2")
    lookup.wait_for_selector(".wir-option")
    assert lookup.locator("#wir-platform").input_value() == ""  # the GPU chose the platform
    assert lookup.locator(".wir-option pre code").all_text_contents() == [o["install"] for o in cli["options"]]
    assert not any("download.pytorch.org" in c for c in lookup.locator(".wir-option pre code").all_text_contents())
    texts = lookup.locator(".wir-option").nth(0).locator("p").all_text_contents()[1:]
    assert texts == cli["options"][0]["notes"]
    # every rejection is behind the fold; the groups are in view
    assert lookup.locator("details ul.wir-all li").count() == len(cli["rejected"])
    assert lookup.locator("ul.wir-groups > li").count() == len(cli["summary"]["groups"])
    assert lookup.console_errors == []


def test_windows_572_offers_no_cuda_13_build(lookup, served_site):
    cli = cli_json("will-it-run", "--gpu", "RTX 4090", "--driver", "572.16", "--platform", "windows-x86_64")
    lookup.goto(served_site + "will-it-run/?gpu=RTX%204090&driver=572.16&platform=windows-x86_64")
    lookup.wait_for_selector(".wir-option")
    shown = [t.split(" (CUDA")[0] for t in lookup.locator(".wir-option strong").all_text_contents()]
    assert shown == [f"torch {o['torch']} + {o['variant']}" for o in cli["options"]]
    assert not any(o["cuda"].startswith("13.") for o in cli["options"])


@pytest.mark.parametrize("typed", ["NVIDIA GeForce RTX 4090 24GB", "GTX 1080Ti"])
def test_names_as_typed_resolve_as_in_the_terminal(lookup, typed):
    want = cli_json("gpu", typed)
    lookup.locator("#wir-gpu").fill(typed)
    assert lookup.locator("#wir-gpu").get_attribute("aria-invalid") == "false"
    assert lookup.locator("#wir-gpu-msg").inner_text().startswith(f"{want['name']}: compute capability "
                                                                  f"{want['compute_capability']}")


def test_each_copy_button_copies_its_own_command(lookup, served_site, browser):
    lookup.context.grant_permissions(["clipboard-read", "clipboard-write"])
    lookup.goto(served_site + "will-it-run/?gpu=RTX%204090&driver=570.86.10&platform=linux-x86_64&method=pip")
    lookup.wait_for_selector(".wir-option .md-code__button[data-md-type=copy]")
    commands = lookup.locator(".wir-option pre code").all_text_contents()
    assert len(commands) >= 4 and len(set(commands)) == len(commands)
    ids = lookup.evaluate("Array.from(document.querySelectorAll('.wir-option pre')).map(p => p.id)")
    assert len(set(ids)) == len(ids), ids
    buttons = lookup.locator(".wir-option .md-code__button[data-md-type=copy]")
    for i in (0, 3, len(commands) - 1):
        buttons.nth(i).click()
        assert lookup.evaluate("navigator.clipboard.readText()") == commands[i]


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
    url = (served_site + "will-it-run/?gpu=" + quote("Tesla V100-SXM2-16GB")
           + "&driver=535.104.05&os=linux&python=3.10&method=docker")
    lookup.goto(url)
    lookup.wait_for_selector("#wir-answer")
    assert lookup.locator("#wir-gpu").input_value() == "Tesla V100-SXM2-16GB"
    assert lookup.locator("#wir-python").input_value() == "3.10"
    assert lookup.locator("#wir-method").input_value() == "docker"
    assert "compute capability 7.0" in lookup.locator("#wir-gpu-msg").inner_text()
    assert lookup.locator(".wir-badge", has_text="PyPI default").count() == 0  # not in docker mode
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
    for label_for in ("wir-gpu", "wir-driver", "wir-platform", "wir-jetpack", "wir-python", "wir-method", "wir-smi"):
        assert lookup.locator(f"label[for={label_for}]").count() == 1
