"""Compare scenarios side by side: each indicator's probability and its difference to the first.

Inputs are scenario files, which are run here on one seed, one replication count and one
block layout (common random numbers: replication ``i`` of every scenario meets the same
draws), or finished run folders, read back as they were written. The first input is the
reference. Differences to it are paired replication by replication when the two have the
same number of replications (see :mod:`sim.analysis.differences`); whether they also shared their
random numbers is recorded, because that is what makes the paired interval narrow.

This module computes only: :func:`sim.workflows.compare.compare` opens the inputs (reading
finished run folders back), calls :func:`compare` here and writes the folder
(:mod:`sim.output.comparefolder`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.differences import difference
from sim.analysis.summaries import proportion, summarize
from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import Progress, simulate
from sim.errors import UsageError
from sim.protocols.registry import check
from sim.scenario.diff import diff
from sim.scenario.load import Scenario


@dataclass(frozen=True)
class Recorded:
    """An input played before (a finished run folder, read back): its outcomes and how it was run."""

    source: str
    scenario: Scenario
    outcomes: Outcomes
    indicators: dict[str, np.ndarray]
    seed: int
    replications: int
    block_size: int


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
    """A finished comparison: the entries, the table and the folder it was written to (if any)."""

    entries: list[Entry]
    table: list[dict[str, Any]]
    protocol: str | None
    folder: Any = None
    files: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """Everything the report needs, JSON-ready (``comparison.json``)."""
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


def compare(inputs: Sequence[Scenario | Recorded], *, replications: int | None = None, seed: int | None = None,
            protocol: str | None = None, executor: Any = None, progress: Progress | None = None) -> Comparison:
    """Play every scenario on the reference's random numbers and compare each input to the first.

    Args:
        inputs: Scenarios (played here) or :class:`Recorded` runs; the first is the reference.
        replications: For scenarios; default: the first input's.
        seed: For scenarios; default: the first input's.
        protocol: Protocol to compare; default: each input's first.
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        progress: Called with replications finished.

    Raises:
        UsageError: Inputs that share no indicator.

    """
    settings = default_settings(inputs[0])
    seed = settings["seed"] if seed is None else seed
    reps = replications or settings["replications"]
    block = settings["block_size"]
    entries = []
    for label, obj in zip(_labels([_name_of(x) for x in inputs]), inputs, strict=True):
        if isinstance(obj, Recorded):
            sc, out, ind = obj.scenario, obj.outcomes, obj.indicators
            entries.append(Entry(label, obj.source, "run", sc, out, ind, _summary(sc, out, ind), obj.seed,
                                 obj.block_size))
        else:
            sc = _with_block_size(obj, block)
            out = simulate(sc, replications=reps, seed=seed, protocol=protocol, executor=executor, progress=progress)
            ind = out.indicators(sc)
            entries.append(Entry(label, obj.file, "file", sc, out, ind, _summary(sc, out, ind), seed, block))
    return Comparison(entries, comparison_table(entries), protocol)


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


def default_settings(first: Any) -> dict[str, int]:
    """Seed, replications and block size of the reference input (a Scenario, a Recorded or finished run)."""
    if isinstance(first, Scenario):
        run = first.spec.run
        return {"seed": run.seed, "replications": run.replications, "block_size": run.block_size}
    if isinstance(first, Recorded):
        return {"seed": first.seed, "replications": first.replications, "block_size": first.block_size}
    return {k: int(first.manifest[k]) for k in ("seed", "replications", "block_size")}


def _name_of(obj: Scenario | Recorded) -> str:
    return obj.name if isinstance(obj, Scenario) else obj.scenario.name


def check_inputs(opened: Sequence[Any], protocol: str | None = None, issues: Sequence[str] | None = None) -> None:
    """Refuse, before any work, a protocol an input cannot play or an issue the reference lacks.

    Args:
        opened: Each input opened: a Scenario, or a finished run (with ``protocols``, ``folder``, ``scenario``).
        protocol: The protocol asked for, if any.
        issues: Issues asked for in the terms figure, if any.

    Raises:
        UsageError: An unknown protocol or issue.

    """
    for obj in opened:
        if isinstance(obj, Scenario):
            check(protocol or obj.spec.protocol.name, obj.file)
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
