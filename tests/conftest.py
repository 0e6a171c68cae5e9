"""Shared fixtures: small scenarios written to temporary files; headless system Chromium."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "syria_bases" / "baseline.yaml"

os.environ.setdefault("MPLBACKEND", "Agg")


def two_party(**over: object) -> dict:
    """A minimal valid scenario: two signatories, one divisible and one ordinal issue."""
    data = {
        "name": "toy",
        "issues": [
            {"name": "share", "kind": "continuous", "min": 0, "max": 100, "status_quo": 50},
            {"name": "base", "kind": "ordinal", "levels": ["none", "small", "full"], "status_quo": "small",
             "breakdown": "none"},
        ],
        "actors": [
            {"name": "host", "role": "signatory", "capability": 1, "patience": 0.9,
             "positions": {"share": {"ideal": 100, "salience": 0.5}, "base": {"ideal": "none", "salience": 0.5}},
             "outside_option": 0.3},
            {"name": "power", "role": "signatory", "capability": 1, "patience": 0.9,
             "positions": {"share": {"ideal": 0, "salience": 0.4}, "base": {"ideal": "full", "salience": 0.6}},
             "red_lines": [{"issue": "base", "op": ">=", "value": "small"}],
             "outside_option": {"kind": "breakdown", "bonus": 0.1}},
        ],
        "protocol": {"rounds": 8, "noise": 0.05},
        "outcomes": {"base_kept": {"when": {"issue": "base", "op": ">=", "value": "small"}},
                     "no_deal": {"when": {"outcome": ["breakdown", "deadline"]}}},
        "uncertainty": [{"param": "actors.power.outside_option.bonus", "dist": "uniform", "low": 0, "high": 0.4}],
        "run": {"replications": 300, "seed": 7, "block_size": 100, "trajectories": 3},
    }
    data.update(over)
    return data


@pytest.fixture
def write(tmp_path: Path):
    """Write a scenario (dict or text) to a file and return its path."""

    def _write(content: dict | str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def shipped_scenarios() -> list[Path]:
    """Every scenario file shipped in scenarios/ (history files, under history/, are not scenarios)."""
    return sorted(p for p in SCENARIOS.rglob("*.yaml") if "history" not in p.relative_to(SCENARIOS).parts)


# Browser tests (the web app's, the handouts' printing) drive the system Chromium through the
# playwright package. Never `playwright install`: it downloads a browser, which fails offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium() -> str | None:
    """The system Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_unavailable() -> str | None:
    """Why no headless Chromium can be driven here (None when it can)."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (bash scripts/setup.sh test; never `playwright install`)"
    if chromium() is None:
        return "no system chromium on PATH (apt-get install -y chromium)"
    return None


def skip_or_fail(reason: str | None) -> None:
    """Skip a browser test with ``reason``; under CI (``CI`` set) fail instead.

    CI installs Chromium and Playwright, so there a missing piece is a broken setup, which must
    not pass as "ran no test".
    """
    if reason and os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def headless_browser() -> Iterator[Any]:
    """One headless system Chromium (a Playwright ``Browser``) for the whole session.

    Playwright's sync API runs one event loop per thread: a second ``sync_playwright()`` while
    the first is open fails ("Sync API inside the asyncio loop"), so every browser test shares
    this one. Skips here, fails under CI, when Chromium or Playwright is missing.
    """
    skip_or_fail(browser_unavailable())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
