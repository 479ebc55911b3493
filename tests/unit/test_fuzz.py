"""Random and adversarial text against everything that reads text: the error matcher, the loader
and the doctor's parsers. None of them may raise (the loader reports problems instead), and
each example stays small enough to run in well under a second."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cudacompat import data_path
from cudacompat.answers import explain as troubleshoot
from cudacompat.answers.index import KB
from cudacompat.doctor import checks, parsers, probes
from cudacompat.doctor import facts as doctor_facts
from cudacompat.kb import yamlread
from cudacompat.kb.load import InvalidData, Problem, load

# derandomize: the same examples on every run, so that the suite passes or fails the same way;
# the @example cases are the inputs that once broke something. For a deeper, random search:
# CUDACOMPAT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py
DEEP = int(os.environ.get("CUDACOMPAT_FUZZ_EXAMPLES") or 0)
FUZZ = settings(deadline=None, max_examples=DEEP or 150, suppress_health_check=[HealthCheck.too_slow],
                database=None, derandomize=not DEEP)
REAL_TEXT = data_path().read_text(encoding="utf-8")


@functools.cache
def kb() -> KB:
    return KB(load(data_path()))


@functools.cache
def messages() -> list[str]:
    return [m for e in kb().data.errors for m in e.messages]


# --- troubleshoot.explain -----------------------------------------------------------------------

YAMLISH = "[]{}:-,&*!|>'\"#%@`?\\\n\t _./()<>=+;$^~"


@st.composite
def pasted_logs(draw) -> str:
    """A log around catalogued messages: cut, repeated, glued to noise, with regex-hostile runs."""
    msgs = messages()
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        m = msgs[draw(st.integers(0, len(msgs) - 1))]
        kind = draw(st.sampled_from(["whole", "cut", "repeat", "noise", "run", "digits"]))
        if kind == "cut":
            i, j = sorted(draw(st.lists(st.integers(0, len(m)), min_size=2, max_size=2)))
            m = m[:i] + m[j:]
        elif kind == "repeat":
            m = (m + draw(st.sampled_from(["", " ", ": ", "\n"]))) * draw(st.integers(2, 40))
        elif kind == "noise":
            m = draw(st.text(max_size=200)) + m + draw(st.text(max_size=200))
        elif kind == "run":  # long runs of one character are what backtracking patterns choke on
            c = draw(st.sampled_from(list(" :._-(a0'\"<>/\\") + [m[:1] or "x"]))
            m = m[: len(m) // 2] + c * draw(st.integers(100, 5000)) + m[len(m) // 2:]
        elif kind == "digits":  # parameters the matcher personalises: sm_XY, driver, CUDA versions
            m = re.sub(r"\d+(\.\d+)*", lambda _: draw(st.from_regex(r"\A\d{1,40}(\.\d{0,9}){0,4}\Z")), m)
        parts.append(m)
    return draw(st.sampled_from(["\n", "\r\n", " ", ""])).join(parts)


@FUZZ
@given(st.one_of(st.text(max_size=3000), st.text(alphabet=YAMLISH + "abcsm0123456789", max_size=3000),
                 pasted_logs()))
@example("\n".join(["x"] * 5000))
@example("a" * 200_000)
@example("sm_" + "9" * 5000 + " CUDA error: no kernel image is available for execution on the device")
def test_explain_never_raises(text):
    t0 = time.perf_counter()
    r = troubleshoot.explain(kb(), text)
    assert time.perf_counter() - t0 < 10, "explain took more than 10 s on one paste"
    assert isinstance(r["matches"], list)
    json.dumps(r)  # the CLI prints it as JSON
    for m in r["matches"]:
        assert m["page"].startswith("troubleshooting/") and len(m["matched"]) <= 500


def test_catalogue_patterns_do_not_backtrack_on_long_lines():
    """Each pattern against the worst line explain() lets through (MAX_LINE characters) built from
    its own messages: a pattern with nested quantifiers would take seconds or hours here."""
    slow = []
    for e in kb().data.errors:
        rx = re.compile(e.pattern, re.I)
        for m in e.messages:
            for line in (m * (troubleshoot.MAX_LINE // max(len(m), 1) + 1),
                         m[: len(m) // 2] + " " * troubleshoot.MAX_LINE,
                         m[:-1] + m[-2:-1] * troubleshoot.MAX_LINE):
                line = line[: troubleshoot.MAX_LINE]
                t0 = time.perf_counter()
                rx.search(line)
                if time.perf_counter() - t0 > 0.25:
                    slow.append((e.id, line[:60]))
    assert slow == []


# --- the loader -------------------------------------------------------------------------------------

@st.composite
def mangled_real_data(draw) -> bytes:
    """A slice of the real file with a few bytes replaced, inserted or deleted."""
    raw = REAL_TEXT.encode("utf-8")
    start = draw(st.integers(0, len(raw) - 1))
    chunk = bytearray(raw[start: start + draw(st.integers(1, 6000))])
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(chunk)))
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        b = draw(st.binary(min_size=1, max_size=4))
        if op == "insert" or not chunk:
            chunk[i:i] = b
        elif op == "replace":
            chunk[i:i + len(b)] = b
        else:
            del chunk[i:i + len(b)]
    return bytes(chunk)


@st.composite
def yaml_soup(draw) -> bytes:
    """Nested YAML-looking text: keys of the real sections, anchors, aliases, tags, odd scalars."""
    atoms = st.sampled_from(["gpus", "torch", "id", "sources", "version", "- ", ": ", "[", "]", "{", "}",
                             "&a ", "*a", "!!int ", "!!binary ", "!!python/object:os.system ", "<<: ",
                             "? ", "|\n", ">-\n", "'", '"', "\\u0000", "~", "null", "12.10", "0x1F",
                             ".inf", "2024-01-01", "\n", "\n  ", "\n    ", "# c\n", "---\n", "...\n", "%YAML 1.1\n"])
    return "".join(draw(st.lists(atoms, max_size=300))).encode("utf-8")


@FUZZ
@given(st.one_of(st.binary(max_size=4096), mangled_real_data(), yaml_soup(),
                 st.text(alphabet=YAMLISH + "az09", max_size=2000).map(str.encode)))
@example(b"[" * 100_000)
@example(b"a: &x [*x]\n")
@example(b"\xef\xbb\xbf\xff\xfe")
@example(b"!!int")  # an empty tagged scalar: IndexError inside PyYAML
def test_loader_never_raises(content):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "data" / "compat.yaml"
        f.parent.mkdir()
        f.write_bytes(content)
        t0 = time.perf_counter()
        doc, problems = yamlread.read(f)
        assert all(isinstance(p, Problem) and p.line >= 1 and p.col >= 1 and "\n" not in str(p)
                   for p in problems)
        try:
            load(f)
        except InvalidData as e:
            assert e.problems and all("\n" not in str(p) for p in e.problems)
        assert time.perf_counter() - t0 < 10


# --- the doctor's parsers ---------------------------------------------------------------------------

CELL = st.one_of(st.text(max_size=40).map(lambda s: s.replace(",", " ").replace("\n", " ")),
                 st.sampled_from(["0", "²", "٣", "9" * 5000, "NVIDIA A100-SXM4-80GB", "8.0", "12.0", "sm_90",
                                  "570.86.10", "[N/A]", "[Not Supported]", "81920 MiB", " ", ""]))


@st.composite
def smi_output(draw) -> str:
    """CSV as `nvidia-smi --query-gpu` prints it, with a header sometimes, and broken rows."""
    rows = [", ".join(draw(st.lists(CELL, max_size=7))) for _ in range(draw(st.integers(0, 6)))]
    if draw(st.booleans()):
        rows.insert(0, ", ".join(draw(st.permutations(list(probes.SMI_FIELDS)))))
    if draw(st.booleans()):
        rows.append(draw(st.sampled_from([
            "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
            "Failed to initialize NVML: Driver/library version mismatch", "NVML library version: " + "9" * 50,
            'Field "compute_cap" is not a valid field to query.', "No devices were found"])))
    return "\n".join(rows)


TEXTS = st.one_of(st.none(), st.text(max_size=2000), st.from_regex(r"\A[\d\s.]{0,60}\Z"))


@FUZZ
@given(st.one_of(TEXTS, smi_output()), st.permutations(list(probes.SMI_FIELDS)))
@example("², NVIDIA A100-SXM4-80GB, 8.0, 570.86.10, 81920 MiB", list(probes.SMI_FIELDS))  # "²".isdigit()
@example("9" * 5000 + ", A100, 8.0, 570.86, " + "9" * 5000 + " MiB", list(probes.SMI_FIELDS))  # int() limit
def test_doctor_parse_smi_never_raises(text, fields):
    out = parsers.parse_smi(text, tuple(fields))
    json.dumps(out)
    for g in out["gpus"]:
        assert g["index"] is None or isinstance(g["index"], int)


NVRM = st.builds(lambda v, o: f"NVRM version: NVIDIA UNIX x86_64 {o}Kernel Module  {v}  Release Build",
                 st.from_regex(r"\A\d{1,40}(\.\d{1,40}){0,3}\Z"), st.sampled_from(["", "Open "]))
NVCC = st.builds(lambda a, b: f"Cuda compilation tools, release {a}, V{b}",
                 st.from_regex(r"\A\d{1,30}\.\d{1,30}\Z"), st.from_regex(r"\A\d{1,30}(\.\d{1,30}){1,3}\Z"))
STATVFS = st.builds(lambda a, b, c: f"{a} {b} {c}", *[st.from_regex(r"\A\d{1,5000}\Z")] * 3)


@FUZZ
@given(st.one_of(TEXTS, NVRM, NVCC, STATVFS))
@example("4096 " + "9" * 5000 + " 1")
@example("NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + "9" * 5000 + ".1  Release Build")
def test_doctor_text_parsers_never_raise(text):
    for fn in (parsers.parse_proc_version, parsers.parse_nvcc, parsers.parse_cgroup, parsers.parse_statvfs,
               parsers.parse_arch_flags):
        json.dumps(fn(text))


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                              st.text(max_size=50)),
                    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10),
                                                                                         inner, max_size=5)),
                    max_leaves=30)
TORCH_KEYS = ["python", "executable", "file", "import_error", "version", "cuda", "hip", "cudnn", "nccl",
              "arch_flags", "available", "available_error", "device_count", "devices", "warnings", "libs"]


@FUZZ
@given(st.dictionaries(st.sampled_from(TORCH_KEYS), JSON, max_size=12), st.text(max_size=200),
       st.one_of(st.none(), st.integers(-300, 300)), st.booleans())
def test_doctor_parse_torch_never_raises(data, noise, rc, marked):
    line = probes.TORCH_MARK + json.dumps(data) if marked else json.dumps(data)
    out = parsers.parse_torch(probes.Raw(text=noise + "\n" + line, rc=rc))
    json.dumps(out)
    assert out["status"] in ("ok", "missing", "broken", "unreadable")


@FUZZ
@given(JSON)
def test_doctor_version_helpers_never_raise(value):
    for fn in (parsers.cudnn_version, parsers.nccl_version, parsers.parse_arch_flags):
        r = fn(value)
        assert r is None or isinstance(r, str | dict)


RAW = st.builds(probes.Raw, text=st.one_of(TEXTS, smi_output()), error=st.one_of(st.none(), st.text(max_size=40)),
                rc=st.one_of(st.none(), st.integers(-5, 300)))


@FUZZ
@given(smi=RAW, nvcc=RAW, proc=RAW, shm=RAW, dev=RAW, cgroup=RAW, torch_json=st.dictionaries(
    st.sampled_from(TORCH_KEYS), JSON, max_size=12), env=st.dictionaries(
    st.sampled_from(["LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_HOME", "NVIDIA_VISIBLE_DEVICES",
                     "container", "KUBERNETES_SERVICE_HOST"]), st.text(max_size=80), max_size=6),
    system=st.sampled_from(["Linux", "Windows", "Darwin", "", "Plan9"]))
def test_doctor_parse_and_diagnose_never_raise(smi, nvcc, proc, shm, dev, cgroup, torch_json, env, system):
    prb = probes.Probes(
        env=env, platform={"system": system, "machine": "x86_64", "release": "6.1", "python": "3.11.7"},
        smi=smi, proc_version=proc, dev=dev, nvcc=nvcc, cgroup=cgroup, shm=shm,
        torch=probes.Raw(text=probes.TORCH_MARK + json.dumps(torch_json), rc=0),
        ld={d: dev for d in (env.get("LD_LIBRARY_PATH") or "").split(":") if d})
    facts = doctor_facts.build(prb, kb())
    json.dumps(dataclasses.asdict(facts))
    for v in checks.diagnose(facts, kb())[0]:
        assert v.severity in checks.SEVERITIES
