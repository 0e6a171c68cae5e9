"""``discover``: PRIM scenario discovery on a finished sweep, written into the sweep's folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.experiments.discovery import Discovery
from sim.experiments.discovery import discover as prim_discover
from sim.output.finished import read_sweep_summary
from sim.output.rereport import rewrite_report
from sim.output.sweepfolder import write_discovery


@dataclass
class DiscoveryResult:
    """PRIM's result on a sweep and the files written into the sweep's folder."""

    discovery: Discovery
    folder: Path
    files: list[str]


def discover_in(folder: str | Path, indicator: str, threshold: float, *, below: bool = False, alpha: float = 0.05,
                min_support: float = 0.05, min_density: float = 0.8, plots: bool = True) -> DiscoveryResult:
    """Read a finished sweep's summary, run PRIM (:func:`sim.experiments.discovery.discover`), write the files.

    Raises:
        UsageError: Not a finished sweep folder, an unknown indicator, no case of interest.

    """
    folder = Path(folder)
    summary = read_sweep_summary(folder)
    d = prim_discover(summary, indicator, threshold, below=below, alpha=alpha, min_support=min_support,
                      min_density=min_density)
    files = write_discovery(d, folder, plots=plots, summary=summary)
    rewrite_report(folder)  # the sweep's report gains a section on this discovery and opens with its box
    return DiscoveryResult(d, folder, [*files, "report.html"])
