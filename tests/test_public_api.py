"""The public API as the README shows it: `from sim import ...` gives functions and classes, and the example runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types

import pytest

import sim
from tests.conftest import ROOT


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"## From Python.*?```python\n(.*?)```", text, re.S).group(1)


def test_every_public_name_is_a_function_or_a_class() -> None:
    for name in sim.__all__:
        value = getattr(sim, name)
        assert not isinstance(value, types.ModuleType) and callable(value), name


def test_from_sim_import_gives_the_functions_in_a_fresh_process() -> None:
    probe = "from sim import compare, sweep, advise, run, discover, sensitivity, resume; print(compare.__module__)"
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "sim.workflows.compare"


@pytest.mark.slow
def test_the_readme_example_imports_each_name_and_calls_it(tmp_path) -> None:
    code = readme_example()
    names = [n.strip() for line in re.findall(r"^from sim import (.+)$", code, re.M) for n in line.split(",")]
    assert names and set(names) <= set(sim.__all__)
    for name in names:
        assert re.search(rf"\b{name}\(", code), f"the README imports {name} but does not call it"
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "README.md", "exec"), {})  # our own documentation, run as a reader would
    finally:
        os.chdir(here)
    assert list((tmp_path / "results" / "syria_bases_baseline").iterdir())
