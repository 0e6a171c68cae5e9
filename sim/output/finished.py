"""Read a finished run folder back: its manifest, its scenario and its outcomes.

A run folder (``results/<scenario>/<run-id>/``, see :mod:`sim.output.results`) keeps everything
needed to compare it or to rewrite its report without running it again: the merged scenario
in ``manifest.json`` (``resolved``), the notes of its numbers in ``assumptions.json`` and one
row per replication in ``outcomes.csv``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.outcomes import KINDS, Outcomes
from sim.errors import ScenarioError, UsageError
from sim.output.runfolder import RunResult
from sim.output.table import read_raw, tidy
from sim.scenario.load import Scenario, load_scenario

HINT = "give a finished run folder (results/<scenario>/<run-id>/) or a scenario file"


@dataclass(frozen=True)
class FinishedRun:
    """A run folder on disk.

    Attributes:
        folder: The folder.
        manifest: ``manifest.json``.
        scenario: The scenario rebuilt from the manifest's resolved content, with its notes.

    """

    folder: Path
    manifest: dict[str, Any]
    scenario: Scenario

    @property
    def protocols(self) -> list[str]:
        """Protocols the run played, first is the default."""
        return list(self.manifest.get("protocols") or [self.scenario.spec.protocol.name])


def read_json(path: Path, hint: str = HINT) -> Any:
    """Read JSON, or raise one clear line (``hint`` says what the user should give instead).

    Raises:
        UsageError: Missing file or invalid JSON.

    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path.parent}: no {path.name}; {hint}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid JSON ({exc}); the folder is damaged") from None


def open_run(folder: str | Path, kind: str = "run") -> FinishedRun:
    """Open a finished run folder.

    Args:
        folder: The folder.
        kind: The manifest kind expected (``run``).

    Raises:
        UsageError: Not a folder, unfinished, no or bad manifest, another kind of folder.

    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder; {HINT}")
    if folder.name.startswith(".tmp-"):
        raise UsageError(f"{folder}: an unfinished run (.tmp- folders are never read); {HINT}")
    manifest = read_json(folder / "manifest.json")
    if not isinstance(manifest, dict) or "resolved" not in manifest:
        raise UsageError(f"{folder / 'manifest.json'}: not a run manifest (no resolved scenario); {HINT}")
    if manifest.get("kind", "run") != kind:
        raise UsageError(f"{folder}: a '{manifest.get('kind')}' folder, not a '{kind}' folder; {HINT}")
    notes = read_json(folder / "assumptions.json") if (folder / "assumptions.json").is_file() else []
    return FinishedRun(folder, manifest, scenario_from_manifest(manifest, notes, folder))


def scenario_from_manifest(manifest: dict[str, Any], notes: list[dict[str, Any]], folder: Path) -> Scenario:
    """Rebuild the scenario a run played from its manifest, with the notes of its numbers.

    Raises:
        UsageError: The stored scenario no longer loads (the format changed since the run).

    """
    import yaml

    with tempfile.TemporaryDirectory(prefix="sim-run-") as tmp:
        path = Path(tmp) / "resolved.yaml"
        # safe_dump writes floats PyYAML reads back as floats (JSON's 1e-05 would be a string)
        path.write_text(yaml.safe_dump(manifest["resolved"], sort_keys=False), encoding="utf-8")
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            first = exc.problems[0]
            raise UsageError(f"{folder / 'manifest.json'}: the scenario stored in it no longer loads "
                             f"({first.path}: {first.message}); rerun it with this version") from None
    annotations = {r["path"]: {k: r[k] for k in ("note", "source") if r.get(k)}
                   for r in notes if isinstance(r, dict) and "path" in r and (r.get("note") or r.get("source"))}
    return dataclasses.replace(sc, file=str(manifest.get("scenario_file") or folder),
                               files=(str(manifest.get("scenario_file") or folder),),
                               sha256=str(manifest.get("sha256", "")), annotations=annotations)


def read_outcomes(run: FinishedRun, protocol: str | None = None) -> tuple[Outcomes, dict[str, np.ndarray]]:
    """Read the outcomes of one protocol of a run, and its indicator columns as recorded.

    Raises:
        UsageError: No ``outcomes.csv``, a protocol the run did not play, or missing columns.

    """
    sc = run.scenario
    protocol = protocol or run.protocols[0]
    if protocol not in run.protocols:
        raise UsageError(f"{run.folder}: the run did not play protocol '{protocol}'; "
                         f"allowed: {', '.join(run.protocols)}")
    path = run.folder / ("outcomes.parquet" if (run.folder / "outcomes.parquet").is_file() else "outcomes.csv")
    if not path.is_file():
        raise UsageError(f"{run.folder}: no outcomes.csv; {HINT}")
    rows = [r for r in _raw_rows(run.folder) if r.get("protocol") == protocol]
    if not rows:
        raise UsageError(f"{path}: no rows for protocol '{protocol}'")
    needed = ["outcome", "round", *sc.space.names, *sc.outcomes]
    missing = [c for c in needed if c not in rows[0]]
    if missing:
        raise UsageError(f"{path}: missing columns {', '.join(missing)}; the folder is damaged")

    def col(name: str, convert: Any = float) -> np.ndarray:
        try:
            return np.array([convert(r[name]) for r in rows])
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: column '{name}' has a value this scenario does not allow ({exc}); "
                             "the folder is damaged") from None

    who = {"": -1, **{a: j for j, a in enumerate(sc.actors)}}
    terms = np.column_stack([col(info.name, lambda v, i=info: _to_norm(i, v)) for info in sc.space.issues])
    events = [f"event_{e.name}" for e in sc.spec.events]
    out = Outcomes(
        protocol=protocol,
        kind=col("outcome", KINDS.index).astype(np.int8),
        round=col("round", int).astype(np.int16),
        terms=terms,
        payoff=np.column_stack([col(f"utility_{a}") for a in sc.actors]),
        proposer=col("proposer", who.__getitem__).astype(np.int8),
        walker=col("walked_out", who.__getitem__).astype(np.int8),
        rejections=col("rejections", int).astype(np.int16),
        fired=(np.column_stack([col(e, _bool) for e in events]) if events
               else np.zeros((len(rows), 0), dtype=bool)),
        draws={c.removeprefix("param:"): col(c) for c in rows[0] if c.startswith("param:")},
    )
    return out, {name: col(name, _bool) for name in sc.outcomes}


def _raw_rows(folder: Path) -> list[dict[str, str]]:
    """The outcome rows as text, as ``csv.DictReader`` gives them (from Parquet when written so)."""
    if (folder / "outcomes.parquet").is_file():
        frame = read_raw(folder)
        frame = frame.astype(object).where(frame.notna(), "")
        return [{k: (repr(v) if isinstance(v, float) else str(v)) for k, v in r.items()}
                for r in frame.to_dict("records")]
    with (folder / "outcomes.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _bool(text: str) -> bool:
    return text == "True"


def _to_norm(info: Any, text: str) -> float:
    if info.kind == "continuous":  # the table rounds to 10 decimals: clip, do not refuse
        return min(1.0, max(0.0, (float(text) - info.lo) / (info.hi - info.lo)))
    if info.kind == "binary":
        return info.to_norm(_bool(text))
    return info.to_norm(text)


def read_sweep_summary(folder: str | Path) -> dict[str, Any]:
    """The ``summary.json`` of a finished sweep folder.

    Raises:
        UsageError: Not a finished sweep folder.

    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"{folder}: not a finished sweep folder (needs manifest.json and summary.json; "
                         "run `sim sweep FILE` first)") from None
    if manifest.get("kind") != "sweep":
        raise UsageError(f"{folder}: is a {manifest.get('kind', 'unknown')} folder, not a sweep")
    return summary


def load_run(folder: str | Path) -> RunResult:
    """Read a finished run folder back as the :class:`RunResult` :func:`sim.run` returned.

    Raises:
        UsageError: Not a finished run folder, or a damaged one.

    """
    done = open_run(folder)
    summary = read_json(done.folder / "summary.json")
    summaries = summary["protocols"] if "protocols" in summary else {done.protocols[0]: summary}
    outcomes = {p: read_outcomes(done, p)[0] for p in done.protocols}
    return RunResult(done.scenario, outcomes, summaries, done.folder, list(done.manifest.get("files") or []))


def load_table(folder: str | Path) -> Any:
    """Read a finished run folder as one tidy pandas DataFrame (one row per replication and protocol).

    Levels are decoded (ordered categoricals), drawn parameters are named for people with
    their paths in ``df.attrs["params"]``; see :mod:`sim.output.table` and
    docs/reference/results-table.md. ``sim.load_run(folder).table`` gives the same frame.

    Example::

        import sim
        df = sim.load_table("results/syria_bases_baseline/<run-id>")
        df.groupby("syria_tartus_presence_ideal", observed=True)["tartus_retained"].mean()

    Raises:
        UsageError: Not a finished run folder, or a damaged one.

    """
    run = open_run(folder)
    return tidy(run.scenario, read_raw(run.folder))
