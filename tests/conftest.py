"""Shared fixtures: small scenarios written to temporary files."""

from __future__ import annotations

import os
from pathlib import Path

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
