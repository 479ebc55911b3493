"""One answer, computed once: the JavaScript the site ships (run by node) gives the same answers,
reasons, sentences and commands as the Python over thousands of inputs people really type: GPU
names as typed and as printed (partial, misspelt, with memory sizes, cut by nvidia-smi), every
compute capability with real driver versions on both OSes and several Pythons, recorded
nvidia-smi banners, pasted error logs (the catalogue's messages and the corpus of real ones: whole,
as fragments, with their punctuation mangled, two and three of them in one log), ranked with the
same scores and read for the same facts, and the builds listed for every compute capability."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import yaml
from bench.pasted import mangle

from cudacompat import versions
from cudacompat.answers import commands, matcher, names
from cudacompat.answers.explain import STRONG, gpu_for, matcher_data, message_facts, params_of, paste_lines
from cudacompat.answers.smi_paste import parse_paste
from cudacompat.answers.will_it_run import carriers, lookup_table, will_it_run
from cudacompat.site import browser
from cudacompat.text.explain import carrier_lines
from cudacompat.text.templates import fill
from cudacompat.text.verdicts import will_it_run_json
from tests.conftest import FIXTURES, run_node

DRIVERS = ["418.39", "450.80.02", "470.57.02", "520.61.05", "525.60.13", "527.41", "535.104.05", "550.54.14",
           "560.28.03", "560.35.03", "570.26", "570.86.10", "572.16", "575.51.03", "580.65.06", "590.48.01",
           "595.45.04", "600.1"]
PYTHONS = [None, "3.8", "3.10", "3.12", "3.14"]
SCRIPT = (Path(__file__).parent / "parity.js").read_text()


def typed_names(kb, rng: random.Random) -> list[str]:
    """GPU names the way people type and tools print them."""
    out: list[str] = []
    for g in kb.data.gpus:
        base = [g.name, *g.smi_names, *g.aliases, g.id]
        out += base
        n = g.name
        out += [n.lower(), n.upper(), n.replace(" ", ""), f"NVIDIA {n}", f"{n} 24GB", f"{n} (80 GB HBM3)",
                f"{n} Laptop GPU", n.replace("GeForce ", ""), n.replace(" Ti", "Ti"), f"  {n}\t"]
        for s in g.smi_names:  # nvidia-smi cuts long names in its table
            for k in (12, 18, 22):
                if len(s) > k:
                    out.append(s[:k] + "...")
        for _ in range(3):  # misspellings
            if len(n) > 4:
                i = rng.randrange(1, len(n) - 1)
                out += [n[:i] + n[i + 1:], n[:i] + n[i + 1] + n[i] + n[i + 2:]]
    out += ["", "   ", "gpu", "nvidia", "RTX", "4090", "100", "A", "Tesla", "H100 PCIe 80GB", "rtx 50", "5090...",
            "NVIDIA GeForce RTX 40...", "Quadro RTX 8000", "Radeon RX 7900", "x" * 300, "日本語", "RTX ５０９０"]
    return out


@pytest.fixture(scope="module")
def data_files(kb, tmp_path_factory):
    d = tmp_path_factory.mktemp("browser-data")
    (d / "lookup-data.js").write_text(browser.lookup_js(browser.lookup_data(kb)), encoding="utf-8")
    (d / "errors-data.js").write_text(browser.errors_js(kb), encoding="utf-8")
    return d


JETPACKS = [None, "4.6.1", "5.1.2", "6.0", "6.2", "7.0", "7.2"]
CORPUS = FIXTURES / "corpus" / "messages.yaml"
HOSTILE = ["", "\n\n", "nothing to see here at all", "constructor __proto__ toString hasOwnProperty",
           "x" * 3000, "é" * 2000 + " sm_120", "sm_" * 3000, "C:\\a\\b\\c.dll " * 300, "0x7f" * 500, "日本語 CUDA error"]


def pasted_errors(kb, rng: random.Random) -> list[str]:
    """The catalogue's messages, their middles, two of them in one paste; every corpus message whole, its
    fragment and the fragment mangled; logs of three corpus messages; hostile text."""
    msgs = [m for e in kb.data.errors for m in e.messages]
    out = msgs + [f"{a}\n{b}" for a, b in zip(msgs, reversed(msgs), strict=True)]
    out += [m[len(m) // 4: len(m) * 3 // 4] for m in msgs]
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    out += [m["text"] for m in corpus] + [x for m in corpus if (f := m.get("fragment")) for x in (f, mangle(f))]
    out += ["\n".join(m["text"] for m in rng.sample(corpus, 3)) for _ in range(60)]
    return out + HOSTILE


def carrier_grid(kb) -> list[list]:
    """Every compute capability of a GPU, on Linux and Windows, with no GPU named and with each GPU of it."""
    out = []
    for cc in sorted({g.compute_capability for g in kb.data.gpus}):
        for platform in ("linux-x86_64", "windows-x86_64"):
            out.append([cc, None, platform])
            out += [[cc, g.id, platform] for g in kb.data.gpus if g.compute_capability == cc][:3]
    return out


def decide_grid(kb) -> list[list]:
    """Every compute capability (one GPU each, Jetsons included) x real drivers x every platform x Pythons,
    and every Jetson x JetPacks, with and without a driver."""
    gpus = {}
    for g in kb.data.gpus:
        gpus.setdefault(g.compute_capability, g)
    grid = [[g.name, d, plat, py, None] for g, d, plat, py in itertools.product(
        gpus.values(), DRIVERS, ["linux-x86_64", "windows-x86_64", "wsl2", "linux-aarch64"], PYTHONS)]
    jetsons = [g for g in kb.data.gpus if g.compute_capability in kb.tegra]
    grid += [[g.name, d, "jetson", py, jp] for g, d, py, jp in itertools.product(
        jetsons, [None, "540.4.0", "580.65.06", "595.78"], [None, "3.10"], JETPACKS)]
    grid += [[g.name, "580.65.06", "jetson", None, None] for g in gpus.values()]  # desktop GPUs on Jetson
    return grid


@pytest.fixture(scope="module")
def answers(kb, data_files):
    rng = random.Random(2026)
    smi = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "smi").glob("*.txt"))]
    smi += [t.replace("\n", "\r\n") for t in smi] + [t[: len(t) // 2] for t in smi]
    smi += ["name, driver_version\nNVIDIA H100 80GB HBM3, 590.48.01\n", "| 0 " * 20000, "Driver Version: 5" * 3000]
    inputs = {"names": typed_names(kb, rng), "decide": decide_grid(kb), "smi": smi, "pastes": pasted_errors(kb, rng),
              "carriers": carrier_grid(kb)}
    js = run_node(SCRIPT, {"lookup": str(data_files / "lookup-data.js"), "errors": str(data_files / "errors-data.js"),
                           **inputs})
    return inputs, js


def test_enough_real_inputs(answers):
    inputs, _ = answers
    assert len(inputs["names"]) >= 1500 and len(inputs["decide"]) >= 1500 and len(inputs["pastes"]) >= 1500


def test_gpu_names_resolve_the_same(kb, answers):
    inputs, js = answers
    wrong = []
    for text, (gid, near) in zip(inputs["names"], js["names"], strict=True):
        want = names.resolve(kb.gpu_index, kb.gpu_cc, kb.gpu_name, text)
        if (gid, near) != (want[0], want[1]):
            wrong.append((text, want, (gid, near)))
    assert wrong == []


def test_will_it_run_answers_the_same_with_the_same_words(kb, answers):
    inputs, js = answers
    wrong = []
    for (name, driver, platform, py, jetpack), got in zip(inputs["decide"], js["decide"], strict=True):
        a = will_it_run_json(will_it_run(kb, name, driver, platform, py, jetpack))
        want = {
            "mismatch": a["mismatch"]["detail"] if a["mismatch"] else None,
            "options": [[o["torch"], o["variant"], o["code"], o["driver_via"], o["install"],
                         fill(commands.CONDA, {"python": py or _conda_python(kb, o), "pip": o["install"]}),
                         [i["run"] for i in o["images"]], o["notes"]] for o in a["options"]],
            "rejected": [[x["torch"], x["variant"], x["reason"], x["reasons"], x["detail"], x["fix"]]
                         for x in a["rejected"]],
            "unknown": [[u["torch"], u["variant"], u["detail"]] for u in a["unknown"]],
            "groups": a["summary"]["groups"],
            "fixes": a["summary"]["fixes"],
        }
        if got != want:
            wrong.append((name, driver, platform, py, jetpack,
                          next(k for k in want if want[k] != got.get(k))))
    assert wrong[:5] == []


def _conda_python(kb, o):
    if o["kind"] != "pip":
        return next(b.python for b in kb.data.jetson_builds if b.torch == o["torch"]
                    and (b.wheel or b.container) in o["install"]) or commands.DEFAULT_PYTHON
    return commands.conda_python(_release(kb, o), next(v for v in _release(kb, o).variants if v.variant == o["variant"]))


def _release(kb, o):
    return next(t for t in kb.releases if t.version == o["torch"])


def test_pasted_nvidia_smi_output_reads_the_same(answers):
    inputs, js = answers
    assert [parse_paste(t) for t in inputs["smi"]] == js["smi"]
    # and the recorded banners give a GPU and a driver
    assert sum(1 for r in js["smi"][:20] if r["gpu"] and r["driver"]) >= 12


def test_pasted_errors_find_the_same_entries(kb, answers):
    """The same entries, in the same order, with the same scores (to the last bit: integer weights,
    the same operations in the same order), labels and facts read."""
    inputs, js = answers
    built, errors = matcher_data(kb), kb.data.errors
    wrong = []
    for t, got in zip(inputs["pastes"], js["pastes"], strict=True):
        lines = paste_lines(t)
        found = message_facts(lines)
        want = [[errors[i].id, s, "match" if s >= STRONG else "similar", params_of(errors[i], lines, found)]
                for i, s, _ in matcher.rank(built, t)]
        if want != got:
            wrong.append((t[:80], want[:2], got[:2]))
    assert wrong[:5] == []
    assert sum(1 for got in js["pastes"] if len(got) >= 2) >= 200  # logs of several messages rank several entries


def test_the_builds_for_a_gpu_read_the_same(kb, answers):
    """The troubleshooting pages list the same builds, by driver, in the same words as the terminal."""
    inputs, js = answers
    table = lookup_table(kb)
    wrong = []
    for (cc, named, platform), got in zip(inputs["carriers"], js["carriers"], strict=True):
        gpu = gpu_for(table, cc, named)
        want = carrier_lines(carriers(table, gpu, platform), versions.cc(cc).sm, platform) if gpu else None
        if want != got:
            wrong.append((cc, named, platform, want, got))
    assert wrong[:3] == []
    assert sum(1 for got in js["carriers"] if got and len(got) >= 4) >= 20
