"""``compare``: open scenario files and finished run folders, compare them, write the folder.

The first input is the reference. Scenario files are played on the reference's seed,
replications and block layout (common random numbers); run folders are read back as they
were written (:mod:`sim.output.finished`). The comparison itself is computed in
:mod:`sim.experiments.compare`; the folder is written by :mod:`sim.output.comparefolder`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.ensemble.blocks import Progress
from sim.ensemble.guard import check_replications
from sim.errors import UsageError
from sim.experiments.compare import Comparison, Recorded, check_inputs, default_settings
from sim.experiments.compare import compare as compute
from sim.output.comparefolder import write
from sim.output.finished import FinishedRun, open_run, read_outcomes
from sim.output.results import utc_now
from sim.scenario.load import Scenario, load_scenario


def compare(inputs: Sequence[Any], *, replications: int | None = None, seed: int | None = None,
            protocol: str | None = None, executor: Any = None, out_root: str | Path | None = "results",
            plots: bool = True, progress: Progress | None = None, compare_id: str | None = None,
            issues: Sequence[str] | None = None, allow_large: bool = False,
            command: list[str] | None = None) -> Comparison:
    """Run or read every input and compare each to the first.

    Args:
        inputs: Scenario files or run folders (paths), or what :func:`open_input` returns; the first is the
            reference.
        replications: For scenario files; default: the first input's.
        seed: For scenario files; default: the first input's.
        protocol: Protocol to compare; default: each input's first.
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        out_root: Results folder (the comparison goes to ``<out_root>/compare/<id>/``); None to write nothing.
        plots: Write figures.
        progress: Called with replications finished.
        compare_id: Folder name; a fresh timestamped id by default.
        issues: Issues whose terms the figure shows; default: the issues the indicators test.
        allow_large: Lift the size guard (:mod:`sim.ensemble.guard`).
        command: The command line to record in the manifest.

    Raises:
        UsageError: Fewer than two inputs, a missing input, a bad run folder, a run above the size guard.
        ScenarioError: A scenario file with mistakes (before anything runs).

    """
    started = utc_now()
    if len(inputs) < 2:
        raise UsageError("compare needs at least two scenarios or run folders (the first is the reference)")
    opened = [open_input(x) for x in inputs]  # every file checked before any work
    check_replications(replications or default_settings(opened[0])["replications"], allow_large=allow_large)
    check_inputs(opened, protocol, issues)
    played = [x if isinstance(x, Scenario) else recorded(x, protocol) for x in opened]
    result = compute(played, replications=replications, seed=seed, protocol=protocol, executor=executor,
                     progress=progress)
    if out_root is not None:
        write(result, out_root, compare_id=compare_id, plots=plots, started=started, issues=issues, command=command)
    return result


def open_input(x: Any) -> Scenario | FinishedRun:
    """Open one input (scenario file, loaded scenario, run folder or opened run) as a Scenario or FinishedRun.

    Raises:
        UsageError: No such file or folder, or a bad run folder.
        ScenarioError: A scenario file with mistakes.

    """
    if isinstance(x, Scenario | FinishedRun):
        return x
    path = Path(x)
    if path.is_dir():
        return open_run(path)
    if not path.exists():
        raise UsageError(f"{x}: no such file or folder; give scenario files or finished run folders "
                         "(results/<scenario>/<run-id>/)")
    return load_scenario(path)


def recorded(run: FinishedRun, protocol: str | None = None) -> Recorded:
    """A finished run's outcomes under ``protocol`` (default: its first), read back for a comparison."""
    out, ind = read_outcomes(run, protocol)
    m = run.manifest
    return Recorded(source=str(run.folder), scenario=run.scenario, outcomes=out, indicators=ind, seed=int(m["seed"]),
                    replications=int(m["replications"]), block_size=int(m["block_size"]))
