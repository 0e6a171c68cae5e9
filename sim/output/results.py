"""Run folders: written in a hidden temporary folder and renamed into place when complete.

``results/<scenario>/<run-id>/`` holds ``manifest.json`` (everything needed to rerun),
``outcomes.csv`` (one row per replication), ``summary.json`` and the plots. A folder whose
name starts with ``.tmp-`` is unfinished work and is never read as a run.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import UsageError


def utc_now() -> str:
    """Current UTC time, ISO 8601, seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus a short random suffix."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + os.urandom(3).hex()


MAX_NAME = 100  # characters of a folder name chosen by the user (--id)


def check_name(part: str) -> str:
    """Return ``part`` if it is a plain folder name, else explain what is allowed.

    Refused: empty, ``.`` and ``..``, separators, a leading dot (``.tmp-`` folders are
    unfinished work, and hidden folders would hide a result), control characters, and names
    longer than :data:`MAX_NAME`.

    Raises:
        UsageError: ``'<part>' is not allowed in an output path; ...``.

    """
    import re

    ok = (part and len(part) <= MAX_NAME and not part.startswith(".") and "/" not in part and "\\" not in part
          and not Path(part).is_absolute() and re.fullmatch(r"[^\x00-\x1f\x7f]+", part))
    if not ok:
        shown = part if len(part) <= 40 else f"{part[:40]}..."
        raise UsageError(f"'{shown}' is not allowed in an output path; allowed: a plain name of at most "
                         f"{MAX_NAME} characters, not starting with '.', without '/' or '\\'")
    return part


def safe_child(root: Path, *parts: str) -> Path:
    """Join ``parts`` under ``root`` and refuse anything that escapes it.

    Raises:
        UsageError: For absolute parts, ``..`` escapes, or names :func:`check_name` refuses.

    """
    for p in parts:
        check_name(p)
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"output path {path} escapes {root}")
    return path


class RunFolder:
    """Context manager for one run's folder; complete or absent, never half-written.

    Args:
        root: The results folder.
        scenario: The scenario's name (a plain name, checked).
        run_id: Defaults to a fresh id.

    """

    def __init__(self, root: str | Path, scenario: str, run_id: str | None = None) -> None:
        self.root = Path(root)
        self.run_id = run_id or new_run_id()
        self.final = safe_child(self.root, scenario, self.run_id)
        self.tmp = self.final.parent / f".tmp-{self.run_id}-{os.getpid()}"

    def __enter__(self) -> RunFolder:
        if self.final.exists():
            raise UsageError(f"{self.final} already exists")
        try:
            self.tmp.mkdir(parents=True, exist_ok=False)
        except OSError as exc:  # --out names a file, a read-only place, a full disk: a usage problem
            raise UsageError(f"cannot create a run folder under {self.root}: {exc.strerror or exc}; "
                             "give --out a folder you can write to") from None
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            os.replace(self.tmp, self.final)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def write_json(self, name: str, data: Any) -> None:
        """Write pretty JSON."""
        (self.tmp / name).write_text(finite_json(data, name) + "\n", encoding="utf-8")


NOT_FINITE = ("a computed value is not finite (NaN or infinity), so the folder was not written; "
              "a scenario value is probably extreme (bounds, multipliers, distributions): check them")


def finite_json(data: Any, name: str) -> str:
    """Pretty JSON of ``data``, refusing NaN and infinity (they are not JSON, and not an answer).

    Raises:
        UsageError: Naming the file, when a value is not finite.

    """
    try:
        return json.dumps(data, indent=2, default=_jsonable, allow_nan=False)
    except ValueError:
        raise UsageError(f"{name}: {NOT_FINITE}") from None


def check_finite(name: str, cols: dict[str, Any]) -> None:
    """Refuse a table with a non-finite number before it is written.

    Raises:
        UsageError: Naming the file and the column.

    """
    import numpy as np

    for col, values in cols.items():
        arr = np.asarray(values)
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise UsageError(f"{name}: column {col}: {NOT_FINITE}")
        if arr.dtype.kind == "O" and any(isinstance(v, float) and not np.isfinite(v) for v in arr.ravel()):
            raise UsageError(f"{name}: column {col}: {NOT_FINITE}")


def _jsonable(x: Any) -> Any:
    if hasattr(x, "tolist"):
        return x.tolist()
    return str(x)


def write_table(path: Path, cols: dict[str, Any]) -> None:
    """Write columns as CSV (header, then rows), with stable float formatting."""
    check_finite(path.name, cols)
    names = list(cols)
    data = [list(c) if not isinstance(c, list) else c for c in cols.values()]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        w.writerows(zip(*data, strict=True))


def versions() -> dict[str, str]:
    """Versions of Python and the packages that shape results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("sim-bargaining", "mesa", "numpy", "scipy", "matplotlib", "pydantic", "pyyaml"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


def manifest(sc: Any, *, seed: int, replications: int, protocols: list[str], values: dict[str, float],
             started: str, kind: str = "run", command: list[str] | None = None,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything needed to reproduce a run; ``command`` is the command line, if one made it."""
    return {
        "kind": kind,
        "scenario": sc.name,
        "scenario_file": sc.file,
        "scenario_files": list(sc.files),
        "sha256": sc.sha256,
        "resolved": sc.resolved,
        "seed": seed,
        "replications": replications,
        "block_size": sc.spec.run.block_size,
        "protocols": protocols,
        "values": values,
        "versions": versions(),
        "command": command,
        "started": started,
        "finished": utc_now(),
        **(extra or {}),
    }
