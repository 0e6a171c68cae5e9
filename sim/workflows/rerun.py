"""Rerun a finished run from its manifest alone, and check the outcome table comes out the same.

The manifest (see :func:`sim.output.results.manifest`) holds the merged scenario (``extends:``
chains already resolved), the seed, replications, protocols, lever values and block size,
so the scenario files need not exist any more. Every random number is keyed by
(seed, block, purpose) (:mod:`sim.seeding`), so neither the executor nor the number of
workers changes a number: the rerun's ``outcomes.csv`` must equal the original byte for
byte, and :func:`rerun` says where it does not.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.ensemble.guard import check_replications, check_seed
from sim.errors import ScenarioError, UsageError
from sim.output.finished import open_run
from sim.output.results import versions
from sim.protocols.registry import check
from sim.scenario.history import history_from_text
from sim.workflows.condition import run_given
from sim.workflows.run import run


@dataclass(frozen=True)
class Rerun:
    """What a rerun found.

    Attributes:
        original: The run folder that was rerun.
        folder: The new run folder, if one was kept (``out_root`` given).
        rows: Replication rows in the original table (all protocols).
        identical: Whether the rerun's ``outcomes.csv`` equals the original byte for byte.
        difference: The first differing line of the two tables (empty when identical).
        version_changes: Packages whose version differs from the original run's.

    """

    original: Path
    folder: Path | None
    rows: int
    identical: bool
    difference: str = ""
    version_changes: list[str] = field(default_factory=list)


def rerun(folder: str | Path, *, out_root: str | Path | None = None, executor: Any = None,
          plots: bool = False, progress: Any = None, command: list[str] | None = None) -> Rerun:
    """Play a finished run again from its manifest and compare the outcome tables.

    Args:
        folder: A finished run folder (``results/<scenario>/<run-id>/``).
        out_root: Keep the rerun as a new run folder under this results folder; by default
            it is written to a temporary folder and discarded after the comparison.
        executor: From :mod:`sim.ensemble.executors` (inline by default); never changes a number.
        plots: Draw the figures in the kept folder.
        progress: Called with replications finished.
        command: The command line to record in a kept folder's manifest.

    Returns:
        The comparison.

    Raises:
        UsageError: Not a finished run folder, a damaged manifest, or a stored scenario
            this version no longer loads.

    """
    done = open_run(folder)
    m = done.manifest
    settings = _settings(done)
    original = (done.folder / "outcomes.csv").read_bytes() if (done.folder / "outcomes.csv").is_file() else None
    if original is None:
        raise UsageError(f"{done.folder}: no outcomes.csv to compare with; the folder is damaged")
    with tempfile.TemporaryDirectory(prefix="sim-rerun-") as tmp:
        if isinstance(m.get("condition"), dict):  # a conditioned run: same history, target and cap
            result = _rerun_given(done, settings, executor=executor, out_root=out_root or tmp,
                                  plots=plots and out_root is not None, progress=progress, command=command)
        else:
            # allow_large: the run passed the size guard (or was allowed) when it was made
            result = run(done.scenario, executor=executor, out_root=out_root or tmp,
                         plots=plots and out_root is not None, progress=progress, allow_large=True,
                         command=command, **settings)
        again = (Path(result.folder) / "outcomes.csv").read_bytes()
    now = versions()
    changes = [f"{k} {v} then, {now.get(k, 'absent')} now" for k, v in (m.get("versions") or {}).items()
               if now.get(k) != v]
    return Rerun(original=done.folder, folder=result.folder if out_root else None,
                 rows=original.count(b"\n") - 1, identical=again == original,
                 difference=_first_difference(original, again), version_changes=changes)


def _rerun_given(done: Any, settings: dict[str, Any], **kw: Any) -> Any:
    """Replay a conditioned run (``sim run --given``) from the history text stored in its manifest."""
    cond = done.manifest["condition"]
    where = done.folder / "manifest.json"
    try:
        h = history_from_text(str(cond["history"]), done.scenario, str(cond.get("history_file") or "history"))
        target, cap = int(cond["target_ess"]), int(cond["cap"])
    except (KeyError, TypeError, ValueError, ScenarioError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else repr(exc)
        raise UsageError(f"{where}: damaged condition entry ({first})") from None
    # min_ess=1: the run was accepted when it was made; the comparison decides
    return run_given(done.scenario, h, replications=settings["replications"], seed=settings["seed"],
                     target_ess=target, cap=cap, min_ess=1, **kw)


def _settings(done: Any) -> dict[str, Any]:
    """Read the run's seed, size, protocols and lever values from its manifest, checked."""
    m, sc = done.manifest, done.scenario
    where = done.folder / "manifest.json"
    try:
        settings = {"seed": int(m["seed"]), "replications": int(m["replications"]),
                    "protocols": [str(p) for p in m["protocols"]],
                    "values": {str(k): float(v) for k, v in (m.get("values") or {}).items()}}
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{where}: damaged ({exc!r} in seed, replications, protocols or values)") from None
    check_seed(settings["seed"], f"{where}: seed")  # a damaged manifest must not reach numpy
    check_replications(settings["replications"], allow_large=True, where=f"{where}: replications")
    if m.get("block_size", sc.spec.run.block_size) != sc.spec.run.block_size:
        # blocks key the random numbers: another block size would give other (valid) numbers
        raise UsageError(f"{where}: block_size {m['block_size']} differs from the stored scenario's "
                         f"{sc.spec.run.block_size}; the folder is damaged")
    for p in settings["protocols"]:
        check(p, str(where))
    unknown = [p for p in settings["values"] if p not in sc.params]
    if unknown:
        raise UsageError(f"{where}: lever value for '{unknown[0]}', which is not a parameter of the scenario")
    return settings


def _first_difference(a: bytes, b: bytes) -> str:
    """Describe the first line where two tables differ ("" if they are equal)."""
    if a == b:
        return ""
    la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            return f"line {i + 1}: original {x[:200]!r}, rerun {y[:200]!r}"
    return f"the original has {len(la)} lines, the rerun {len(lb)}"
