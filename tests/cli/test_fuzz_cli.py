"""Fuzzing the command line: any argument list is parsed, or refused in one line (exit 2).

Every command's handler is replaced by a stub, so this exercises the parser, the flag types
and the checks that run before any work (``--out``), thousands of times a second. The CI
budget is small and fixed (derandomized); for a release run a larger one:
``SIM_FUZZ_EXAMPLES=20000 python -m pytest tests/cli/test_fuzz_cli.py`` (docs/development.md).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import command_names, main
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "300"))
PROFILE = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VALID = str(ROOT / "tests" / "bad_scenarios" / "_valid.yaml")
FLAGS = ["-n", "--replications", "--seed", "--workers", "--executor", "--scheduler", "--allow-large", "--out", "-q",
         "--protocol", "--no-plots", "--explain", "--id", "--resume", "--design", "--points", "--indicator",
         "--threshold", "--prim", "--samples", "--factors", "--target", "--verify", "--port", "--host",
         "-r", "--replication", "--debug", "--help", "-h", "--", "-"]
VALUES = ["0", "-1", "-5", "1", "20", "1e3", "1.5", "nan", "inf", str(2**63), str(2**70), "9" * 400, "", " ", ".",
          "..", ".tmp-x", "../x", "/", "/dev/zero", "/dev/null", "a/b", "x" * 300, "[/]", "\x1b[2J", "\u202e",
          "\x00", "é", "processes", "inline", "dask", VALID, "results"]


@st.composite
def argvs(draw: Any) -> list[str]:
    """A command (or junk) followed by a random mix of flags and hostile values."""
    head = draw(st.sampled_from([*command_names(), "bogus", "", "--debug"]))
    tail = draw(st.lists(st.sampled_from(FLAGS + VALUES) | st.text(max_size=8), max_size=8))
    return [head, *tail] if head else tail


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every command's handler does nothing and records that it ran."""
    ran: list[Any] = []
    for name in command_names():
        module = importlib.import_module(f"sim.cli.commands.{name}")
        monkeypatch.setattr(module, "main", lambda args, _n=name: ran.append(_n) or 0)
    return ran


@PROFILE
@given(argv=argvs())
def test_any_argument_list_is_parsed_or_refused_in_one_line(argv: list[str], stubbed: list[Any], capsys,
                                                            tmp_path_factory) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))  # a relative --out lands in a scratch folder
    try:
        code = main(argv)
    finally:
        os.chdir(cwd)
    got = capsys.readouterr()
    assert "Traceback" not in got.err
    assert code in (0, 2), (argv, code, got.err)
    if code == 2:
        lines = got.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (argv, got.err)
        assert lines[0].isprintable(), lines[0]
        assert len(lines[0]) < 2000


def test_the_fuzzer_reaches_the_handlers(stubbed: list[Any], tmp_path: Path) -> None:
    """The grammar is not all junk: plain argument lists get through to every command."""
    assert main(["run", VALID, "-n", "5", "--out", str(tmp_path)]) == 0
    assert main(["validate", VALID]) == 0
    assert stubbed == ["run", "validate"]
