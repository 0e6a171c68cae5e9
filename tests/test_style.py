"""ruff keeps the style (config in pyproject.toml); CI fails on a lint error."""

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_clean() -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (it is in the test extra)")
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "sim", "tests", "bench"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
