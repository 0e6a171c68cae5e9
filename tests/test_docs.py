"""The docs' examples stay true."""

import re

from sim.scenario.load import load_scenario
from tests.conftest import ROOT


def test_scenario_format_example_is_the_shipped_file() -> None:
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    assert block == (ROOT / "scenarios" / "examples" / "annotated.yaml").read_text(encoding="utf-8")
    load_scenario(ROOT / "scenarios" / "examples" / "annotated.yaml")
