"""``handout``: plays the debrief's ensemble and writes the kit folder atomically."""

import pytest

from sim.scenario.load import load_scenario
from sim.workflows.handout import handout
from tests.conftest import SCENARIOS


@pytest.mark.slow
def test_handout_writes_the_kit(tmp_path) -> None:
    sc = load_scenario(SCENARIOS / "teaching" / "syria_bases_seminar.yaml")
    kit = handout(sc, tmp_path, replications=60)
    assert kit.folder.parent == tmp_path / "syria_bases_seminar" and kit.folder.name.startswith("handout-")
    assert kit.files == ["brief.html", "role-syria.html", "role-russia.html", "role-united_states.html",
                         "role-european_union.html", "debrief.html", "kit.html"]
    assert all((kit.folder / f).is_file() for f in kit.files)
    debrief = (kit.folder / "debrief.html").read_text()
    assert "Russia keeps Tartus" in debrief and "95% interval" in debrief and "data:image/png;base64" in debrief
    assert (kit.folder / "debrief-timeline.png").is_file()  # the debrief's figure, drawn at print size
    kit_html = (kit.folder / "kit.html").read_text()
    assert kit_html.count("<article class='sheet") == 6 and "@page{size:A4" in kit_html
