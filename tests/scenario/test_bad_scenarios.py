"""The corpus of bad scenarios: each file has one mistake and gets exactly one clear line.

``tests/bad_scenarios/*.yaml`` (one mistake each; the first line says which) and the table
``tests/bad_scenarios/expected.yaml`` (file → the one line ``sim`` must print after
``error:``). Every file goes through ``sim validate`` and ``sim run``: exit status 2, that
line and nothing else on stderr, nothing on stdout, no traceback, nothing under the
results folder. The error reference ``docs/errors.md`` is generated from the same table.

After a deliberate change of wording, regenerate both and review the diff::

    SIM_UPDATE_EXPECTED=1 python -m pytest tests/scenario/test_bad_scenarios.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "bad_scenarios"
EXPECTED = CORPUS / "expected.yaml"
ERRORS_DOC = ROOT / "docs" / "errors.md"
UPDATE = os.environ.get("SIM_UPDATE_EXPECTED") == "1"
BEGIN, END = "<!-- begin generated from tests/bad_scenarios -->", "<!-- end generated -->"

# File-name prefix → (family heading, what the family covers). Order is the docs' order.
FAMILIES = {
    "file": ("Files that cannot be read", "missing, a folder, empty, not UTF-8, not a mapping at the top"),
    "yaml": ("YAML syntax and unsafe YAML", "syntax errors pointed at their likely cause; tags that would build "
                                            "objects, merge keys and runaway aliases are refused"),
    "type": ("Wrong types", "a word, list or mapping where something else belongs; the message says what is allowed"),
    "unknown": ("Unknown names", "misspelt fields, protocols and distributions, with a did-you-mean"),
    "missing": ("Missing fields", "a required field left out"),
    "range": ("Values out of range", "numbers outside their bounds, values that are not levels of their issue"),
    "rule": ("Rules across fields", "saliences summing to 1, two signatories, deadlines, linkage rules"),
    "ref": ("References to things that do not exist", "actors, issues, levels, parameters and outcome kinds "
                                                      "named in linkage, red lines, outcomes, order, uncertainty "
                                                      "and events"),
    "duplicate": ("Duplicate names", "two items with one name"),
    "dist": ("Distributions", "bad parameters of uncertainty distributions"),
    "extends": ("extends: overlays", "missing or folder bases, cycles, removing what is not there; errors in "
                                     "a variant point at the variant's line"),
    "size": ("Sizes", "absurd replications, rounds, actors, issues and package counts"),
    "process": ("Dated rounds, actions and private information", "timing, actions (who, terms, costs), inside "
                                                                  "options and private parameters"),
}


def corpus_files() -> list[str]:
    """Every bad scenario (a name starting with ``_`` is a helper, such as the valid base)."""
    return sorted(p.name for p in CORPUS.iterdir() if p.name.endswith(".yaml") and not p.name.startswith("_")
                  and p.name != EXPECTED.name)


def family(name: str) -> str:
    prefix = name.split("_", 1)[0]
    assert prefix in FAMILIES, f"{name}: file names start with a family: {', '.join(FAMILIES)}"
    return prefix


def what_is_wrong(name: str) -> str:
    """The mistake, from the file's first comment line (a folder says it in its README)."""
    path = CORPUS / name
    first = (path / "README").read_text() if path.is_dir() else path.read_bytes().decode("utf-8", "replace")
    return first.splitlines()[0].lstrip("# ").rstrip(".")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}


@pytest.fixture
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)  # messages name files as the user typed them: relative names


def test_corpus_is_big_and_covers_every_family() -> None:
    files = corpus_files()
    assert len(files) >= 45
    assert {family(f) for f in files} == set(FAMILIES)


def test_valid_base_is_valid(in_corpus, capsys) -> None:
    code, out, err = run_cli(["validate", "_valid.yaml"], capsys)
    assert code == 0 and out.startswith("ok:") and not err


@pytest.mark.parametrize("name", corpus_files())
def test_validate_and_run_print_one_located_line(name: str, expected: dict[str, str], in_corpus, tmp_path: Path,
                                                 capsys) -> None:
    results = tmp_path / "results"
    code, out, err = run_cli(["validate", name], capsys)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    message = lines[0].removeprefix("error: ")
    if UPDATE:
        expected[name] = message
    assert message == expected.get(name), f"{name}: got\n{message}"
    assert message.startswith(name.removesuffix("/")) or name.startswith("extends_cycle")
    code, out, err = run_cli(["run", name, "--out", str(results), "-q", "--no-plots"], capsys)
    assert (code, out, err) == (2, "", f"error: {message}\n")
    assert not results.exists()


def test_zz_update_expected_and_docs(expected: dict[str, str]) -> None:
    """With SIM_UPDATE_EXPECTED=1, write the table and the docs (runs after the corpus tests)."""
    if UPDATE:
        EXPECTED.write_text(_table_text(expected), encoding="utf-8")
        ERRORS_DOC.write_text(_with_generated(ERRORS_DOC.read_text(encoding="utf-8"), expected), encoding="utf-8")
    assert sorted(expected) == corpus_files(), "expected.yaml lists exactly the corpus files"
    assert _with_generated(ERRORS_DOC.read_text(encoding="utf-8"), expected) == \
        ERRORS_DOC.read_text(encoding="utf-8"), "docs/errors.md is stale: SIM_UPDATE_EXPECTED=1 regenerates it"


def test_a_missing_file(in_corpus, tmp_path: Path, capsys) -> None:
    for command in (["validate"], ["run", "--out", str(tmp_path / "results")]):
        code, out, err = run_cli([command[0], "no_such_file.yaml", *command[1:]], capsys)
        assert (code, out, err) == (2, "", "error: no_such_file.yaml: no such file; give the path of a scenario "
                                           ".yaml file\n")
    assert not (tmp_path / "results").exists()


def test_one_process_validates_the_whole_corpus(expected: dict[str, str]) -> None:
    """The real command in a subprocess: every file's line in order, status 2, no traceback."""
    files = corpus_files()
    r = subprocess.run([sys.executable, "-m", "sim", "validate", *files], cwd=CORPUS, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [f"error: {expected[f]}" for f in files]


@pytest.mark.parametrize("name", ["yaml_python_tag.yaml", "yaml_billion_laughs.yaml", "file_folder.yaml",
                                  "extends_cycle_a.yaml", "range_patience.yaml"])
def test_run_subprocess_refuses_and_writes_nothing(name: str, expected: dict[str, str], tmp_path: Path) -> None:
    results = tmp_path / "results"
    r = subprocess.run([sys.executable, "-m", "sim", "run", name, "--out", str(results)], cwd=CORPUS,
                       capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"error: {expected[name]}\n")
    assert not results.exists()


# --- the table and the docs, generated from the corpus ------------------------------------

def _table_text(expected: dict[str, str]) -> str:
    head = ("# The one line `sim validate` and `sim run` print (after 'error: ') for each bad scenario.\n"
            "# Regenerate after a deliberate change of wording: SIM_UPDATE_EXPECTED=1 pytest "
            "tests/scenario/test_bad_scenarios.py\n")
    # JSON strings are YAML double-quoted scalars: one readable line per file, quotes unescaped
    return head + "".join(f"{k}: {json.dumps(expected[k], ensure_ascii=False)}\n" for k in sorted(expected))


def _generated(expected: dict[str, str]) -> str:
    parts = [BEGIN, ""]
    for prefix, (heading, covers) in FAMILIES.items():
        names = [n for n in sorted(expected) if family(n) == prefix]
        parts += [f"### {heading}", "", f"{covers[0].upper()}{covers[1:]}.", ""]
        for n in names:
            what = what_is_wrong(n)
            parts += [f"- {what[0].upper()}{what[1:]} (`tests/bad_scenarios/{n}`):", "", "  ```text",
                      f"  error: {expected[n]}", "  ```", ""]
    parts.append(END)
    return "\n".join(parts)


def _with_generated(doc: str, expected: dict[str, str]) -> str:
    start, end = doc.index(BEGIN), doc.index(END) + len(END)
    return doc[:start] + _generated(expected) + doc[end:]
