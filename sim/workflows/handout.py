"""``handout``: play the debrief's ensemble, then write a seminar kit folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.analysis.summaries import summarize
from sim.ensemble.blocks import simulate
from sim.output.handout import write_handout
from sim.output.results import RunFolder, new_run_id
from sim.scenario.load import Scenario


@dataclass
class Handout:
    """A written seminar kit: its folder and the files in it."""

    folder: Path
    files: list[str]


def handout(sc: Scenario, out_root: str | Path = "results", *, replications: int = 1000) -> Handout:
    """Write ``<out_root>/<scenario>/handout-<id>/``: public brief, role sheets, debrief and the kit."""
    with RunFolder(out_root, sc.name, "handout-" + new_run_id()) as folder:
        out = simulate(sc, replications=replications)
        files = write_handout(sc, folder.tmp, out, summarize(sc, out))
    return Handout(folder.final, files)
