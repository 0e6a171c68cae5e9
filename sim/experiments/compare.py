"""Compare scenarios side by side: each indicator's probability and its difference to the first.

Inputs are scenario files, which are run here on one seed, one replication count and one
block layout (common random numbers: replication ``i`` of every scenario meets the same
draws), or finished run folders, read back as they were written. The first input is the
reference. Differences to it are paired replication by replication when the two have the
same number of replications (see :mod:`sim.analysis.differences`); whether they also shared their
random numbers is recorded, because that is what makes the paired interval narrow.

:func:`compare` is the front door used by ``sim compare``, notebooks and tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.differences import difference
from sim.analysis.summaries import proportion, summarize
from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import Progress, simulate
from sim.errors import UsageError
from sim.output.results import RunFolder, utc_now, versions, write_table
from sim.scenario.load import Scenario

COMPARE_FOLDER = "compare"
TABLE_COLUMNS = ("indicator", "label", "scenario", "name", "n", "k", "p", "lo", "hi",
                 "diff", "diff_lo", "diff_hi", "discordant", "common_random_numbers", "method")


@dataclass
class Entry:
    """One compared scenario: where it came from, how it was run, what happened.

    Attributes:
        label: Short unique name used in tables and figures.
        source: The scenario file or run folder given.
        kind: ``file`` (run here) or ``run`` (a finished run folder).
        scenario: The scenario.
        outcomes: Its outcomes under ``protocol``.
        indicators: Indicator name → boolean column, one entry per replication.
        summary: :func:`sim.analysis.summaries.summarize` with indicators taken from ``indicators``.
        seed: Root seed.
        block_size: Replications per random-number block.

    """

    label: str
    source: str
    kind: str
    scenario: Scenario
    outcomes: Outcomes
    indicators: dict[str, np.ndarray]
    summary: dict[str, Any]
    seed: int
    block_size: int

    @property
    def n(self) -> int:
        """Replications."""
        return self.outcomes.n


@dataclass
class Comparison:
    """A finished comparison: the entries, the table and the folder it was written to."""

    entries: list[Entry]
    table: list[dict[str, Any]]
    protocol: str | None
    folder: Path | None = None
    files: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """Everything the report needs, JSON-ready (``comparison.json``)."""
        from sim.scenario.diff import diff

        first = self.entries[0]
        return {
            "methods": sorted({r["method"] for r in self.table if r["method"]}),
            "reference": first.label,
            "scenarios": [{"label": e.label, "name": e.scenario.name, "title": e.scenario.spec.title or "",
                           "question": e.scenario.spec.question or "", "description": e.scenario.spec.description or "",
                           "source": e.source, "kind": e.kind, "seed": e.seed, "replications": e.n,
                           "block_size": e.block_size, "protocol": e.outcomes.protocol,
                           "sha256": e.scenario.sha256, "differs_from_first": diff(first.scenario, e.scenario)}
                          for e in self.entries],
            "table": self.table,
        }


def compare(inputs: Sequence[Any], *, replications: int | None = None, seed: int | None = None,
            protocol: str | None = None, executor: Any = None, out_root: str | Path | None = "results",
            plots: bool = True, progress: Progress | None = None, compare_id: str | None = None,
            issues: Sequence[str] | None = None) -> Comparison:
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

    Raises:
        UsageError: Fewer than two inputs, a missing input, a bad run folder.
        ScenarioError: A scenario file with mistakes (before anything runs).

    """
    started = utc_now()
    if len(inputs) < 2:
        raise UsageError("compare needs at least two scenarios or run folders (the first is the reference)")
    opened = [_open(x) for x in inputs]  # every file checked before any work
    settings = default_settings(opened[0][2])
    seed = settings["seed"] if seed is None else seed
    reps = replications or settings["replications"]
    block = settings["block_size"]
    check_inputs([obj for _, _, obj in opened], protocol, issues)
    entries = []
    for label, (kind, source, obj) in zip(_labels([_name_of(o) for o in opened]), opened, strict=True):
        if kind == "run":
            from sim.output.finished import read_outcomes

            out, ind = read_outcomes(obj, protocol)
            sc, e_seed, e_block = obj.scenario, int(obj.manifest["seed"]), int(obj.manifest["block_size"])
        else:
            sc = _with_block_size(obj, block)
            out = simulate(sc, replications=reps, seed=seed, protocol=protocol, executor=executor, progress=progress)
            ind, e_seed, e_block = out.indicators(sc), seed, block
        entries.append(Entry(label, source, kind, sc, out, ind, _summary(sc, out, ind), e_seed, e_block))
    result = Comparison(entries, comparison_table(entries), protocol)
    if out_root is not None:
        write(result, out_root, compare_id=compare_id, plots=plots, started=started, issues=issues)
    return result


def comparison_table(entries: list[Entry]) -> list[dict[str, Any]]:
    """One row per (indicator, scenario): probability, Wilson interval, difference to the first.

    Raises:
        UsageError: Scenarios that do not share an indicator.

    """
    first = entries[0]
    names = [k for k in first.indicators if all(k in e.indicators for e in entries)]
    if not names:
        raise UsageError(f"the scenarios share no outcome indicator with '{first.label}'; "
                         "compare variants of one case")
    rows = []
    for name in names:
        label = first.summary["indicators"][name]["label"]
        for e in entries:
            p = proportion(e.indicators[name])
            row: dict[str, Any] = {"indicator": name, "label": label, "scenario": e.label, "name": e.scenario.name,
                                   "n": p["n"], "k": p["k"], "p": p["p"], "lo": p["lo"], "hi": p["hi"],
                                   "diff": None, "diff_lo": None, "diff_hi": None, "discordant": None,
                                   "common_random_numbers": None, "method": ""}
            if e is not first:
                paired = e.n == first.n
                d = difference(first.indicators[name], e.indicators[name], paired=paired)
                crn = paired and (e.seed, e.block_size) == (first.seed, first.block_size)
                row.update(diff=d["diff"], diff_lo=d["lo"], diff_hi=d["hi"], discordant=d["discordant"],
                           common_random_numbers=crn, method=d["method"])
            rows.append(row)
    return rows


def write(result: Comparison, out_root: str | Path, *, compare_id: str | None = None, plots: bool = True,
          started: str | None = None, issues: Sequence[str] | None = None) -> Path:
    """Write the comparison folder atomically: table (CSV, JSON), figures, manifest, report."""
    from sim.output.comparereport import write_compare_report

    record = result.record()
    with RunFolder(out_root, COMPARE_FOLDER, compare_id) as folder:
        write_table(folder.tmp / "comparison.csv",
                    {c: ["" if r[c] is None else r[c] for r in result.table] for c in TABLE_COLUMNS})
        folder.write_json("comparison.json", record)
        result.files = ["comparison.csv", "comparison.json"]
        if plots:
            from sim.output.compareplots import write_figures

            result.files += write_figures(result.entries, result.table, folder.tmp, issues)
        folder.write_json("manifest.json", {
            "kind": "compare", "compare_id": folder.run_id,
            "inputs": [{"label": e.label, "source": e.source, "kind": e.kind, "scenario": e.scenario.name,
                        "sha256": e.scenario.sha256, "seed": e.seed, "replications": e.n,
                        "block_size": e.block_size, "protocol": e.outcomes.protocol} for e in result.entries],
            "resolved": {e.label: e.scenario.resolved for e in result.entries},
            "versions": versions(), "command": _argv(), "started": started or utc_now(), "finished": utc_now(),
            "files": [*result.files, "report.html"]})
        write_compare_report(record, folder.tmp)
    result.folder = folder.final
    return folder.final


def _argv() -> list[str]:
    import sys

    return list(sys.argv)


def open_input(x: Any) -> Any:
    """Open one input (scenario file, loaded scenario, run folder or opened run) as a Scenario or FinishedRun.

    Raises:
        UsageError: No such file or folder, or a bad run folder.
        ScenarioError: A scenario file with mistakes.

    """
    from sim.output.finished import FinishedRun, open_run

    if isinstance(x, Scenario | FinishedRun):
        return x
    path = Path(x)
    if path.is_dir():
        return open_run(path)
    if not path.exists():
        raise UsageError(f"{x}: no such file or folder; give scenario files or finished run folders "
                         "(results/<scenario>/<run-id>/)")
    from sim.scenario.load import load_scenario

    return load_scenario(path)


def default_settings(first: Any) -> dict[str, int]:
    """Seed, replications and block size of the reference input (a Scenario or FinishedRun)."""
    if isinstance(first, Scenario):
        run = first.spec.run
        return {"seed": run.seed, "replications": run.replications, "block_size": run.block_size}
    return {k: int(first.manifest[k]) for k in ("seed", "replications", "block_size")}


def _open(x: Any) -> tuple[str, str, Any]:
    """(kind, source, object) of one input."""
    obj = open_input(x)
    if isinstance(obj, Scenario):
        return "file", obj.file, obj
    return "run", str(obj.folder), obj


def _name_of(opened: tuple[str, str, Any]) -> str:
    kind, _, obj = opened
    return obj.scenario.name if kind == "run" else obj.name


def check_inputs(opened: Sequence[Any], protocol: str | None = None, issues: Sequence[str] | None = None) -> None:
    """Refuse, before any work, a protocol an input cannot play or an issue the reference lacks.

    Args:
        opened: What :func:`open_input` returned for each input.
        protocol: The protocol asked for, if any.
        issues: Issues asked for in the terms figure, if any.

    Raises:
        UsageError: An unknown protocol or issue.

    """
    from sim.protocols import REGISTRY

    for obj in opened:
        if isinstance(obj, Scenario):
            name = protocol or obj.spec.protocol.name
            if name not in REGISTRY:
                raise UsageError(f"{obj.file}: protocol '{name}' is not available in this version; "
                                 f"allowed: {', '.join(REGISTRY)}")
        elif protocol and protocol not in obj.protocols:
            raise UsageError(f"{obj.folder}: the run did not play protocol '{protocol}'; "
                             f"allowed: {', '.join(obj.protocols)}")
    first = opened[0] if isinstance(opened[0], Scenario) else opened[0].scenario
    for name in issues or ():
        if name not in first.space.names:
            raise UsageError(f"--issues: no issue named '{name}' in '{first.name}'; "
                             f"allowed: {', '.join(first.space.names)}")


def _with_block_size(sc: Scenario, block: int) -> Scenario:
    """Give the scenario the comparison's block size, so every scenario draws the same blocks."""
    if sc.spec.run.block_size == block:
        return sc
    spec = sc.spec.model_copy(update={"run": sc.spec.run.model_copy(update={"block_size": block})})
    return dataclasses.replace(sc, spec=spec)


def _labels(names: list[str]) -> list[str]:
    """Short unique labels: the scenario names without their shared prefix (``syria_bases_``)."""
    words = [n.split("_") for n in names]
    shared = 0
    while all(len(w) > shared + 1 and w[shared] == words[0][shared] for w in words):
        shared += 1
    prefix = "_".join(words[0][:shared]) + "_" if shared and len(names) > 1 else ""
    out: list[str] = []
    for n in names:
        label = n[len(prefix):]
        k = 2
        while label in out:
            label = f"{n[len(prefix):]} ({k})"
            k += 1
        out.append(label)
    return out


def _summary(sc: Scenario, out: Outcomes, ind: dict[str, np.ndarray]) -> dict[str, Any]:
    """Summarise a run, with indicator probabilities from the recorded columns."""
    s = summarize(sc, out)
    s["indicators"] = {k: {**proportion(col), "label": s["indicators"][k]["label"]} for k, col in ind.items()}
    return s
