"""The tidy results table: one row per replication, as a pandas DataFrame an analyst can use.

``outcomes.csv`` (or ``outcomes.parquet``) stores what the engine drew on its own scale and
names drawn parameters by path (``param:actors.syria.positions.tartus_presence.ideal``).
:func:`tidy` turns those columns into a frame whose

- ordinal issues, outcome kinds and drawn ordinal parameters are *ordered* categoricals with
  their level names (Syria's ideal at Tartus is ``none < logistics_only < reduced < ...``,
  not 0 / 0.333 / 0.667); continuous draws are in the issue's units, binary draws booleans;
- drawn parameters are named for people (``syria_tartus_presence_ideal``), with the path,
  plain words and units of each in ``df.attrs["params"]`` (column → path),
  ``df.attrs["labels"]`` and ``df.attrs["units"]``.

Every column is described in docs/reference/results-table.md. pandas is imported inside the
functions (``import sim`` stays cheap).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.engine.outcomes import KINDS
from sim.errors import UsageError
from sim.output.results import write_table
from sim.scenario.load import Scenario
from sim.scenario.params import describe

FORMATS = ("csv", "parquet")


def param_column(path: str) -> str:
    """A short column name for a parameter path, e.g. ``syria_tartus_presence_ideal``.

    The structural words of a path (``actors``, ``positions``, ``linkage``, ``issues``,
    ``actions``, ``events``) are dropped; the rest is joined with underscores.
    """
    parts = [p for p in path.split(".") if p not in ("actors", "positions", "linkage", "issues", "actions",
                                                      "events")]
    return "_".join(parts)


def param_names(paths: list[str], taken: set[str]) -> dict[str, str]:
    """Path → column name, unique among themselves and against ``taken`` (falls back to the whole path)."""
    short = {p: param_column(p) for p in paths}
    counts: dict[str, int] = {}
    for name in short.values():
        counts[name] = counts.get(name, 0) + 1
    return {p: (n if counts[n] == 1 and n not in taken else "param_" + p.replace(".", "_"))
            for p, n in short.items()}


def tidy(sc: Scenario, frame: Any) -> Any:
    """Decode a raw outcomes table (as written to ``outcomes.csv``) into the tidy frame.

    Args:
        sc: The scenario the run played.
        frame: A DataFrame with the columns of :meth:`sim.engine.outcomes.Outcomes.table`.

    Returns:
        A new DataFrame (see the module docstring); ``attrs`` carries ``params``, ``labels``,
        ``units`` and ``scenario``.

    """
    import pandas as pd  # heavy: imported on use

    df = frame.copy()
    df["outcome"] = pd.Categorical(df["outcome"], categories=list(KINDS), ordered=True)
    if "protocol" in df:
        df["protocol"] = df["protocol"].astype("category")
    for col in ("proposer", "walked_out"):
        if col in df:
            df[col] = pd.Categorical(df[col].fillna("").astype(str).replace("", None), categories=list(sc.actors))
    labels: dict[str, str] = {}
    units: dict[str, str] = {}
    for info in sc.space.issues:
        if info.name not in df:
            continue
        labels[info.name] = info.label
        if info.kind == "ordinal":
            df[info.name] = pd.Categorical(df[info.name].astype(str), categories=list(info.levels), ordered=True)
        elif info.kind == "binary":
            df[info.name] = _as_bool(df[info.name])
        else:
            units[info.name] = info.units
    bools = [*sc.outcomes, *[f"event_{e.name}" for e in sc.spec.events]]
    for col in bools:
        if col in df:
            df[col] = _as_bool(df[col])
    raw = [c for c in df.columns if str(c).startswith("param:")]
    names = param_names([c.removeprefix("param:") for c in raw], {c for c in df.columns if c not in raw})
    params: dict[str, str] = {}
    for c in raw:
        path = c.removeprefix("param:")
        name = names[path]
        values = df.pop(c).astype(float)
        pdef = sc.params.get(path)
        info = pdef.issue if pdef is not None else None
        if info is None:
            df[name] = values
        elif info.kind == "ordinal":
            k = len(info.levels) - 1
            codes = (values * k).round().astype(int).clip(0, k)
            df[name] = pd.Categorical.from_codes(codes, categories=list(info.levels), ordered=True)
        elif info.kind == "binary":
            df[name] = values >= 0.5
        else:
            df[name] = info.lo + values * (info.hi - info.lo)
            if info.units:
                units[name] = info.units
        params[name] = path
        labels[name] = describe(sc, path)
    df.attrs.update(params=params, labels=labels, units=units, scenario=sc.name)
    return df


def _as_bool(col: Any) -> Any:
    if col.dtype == bool:
        return col
    return col.astype(str).isin(("True", "true", "1", "1.0"))


def write_frame(path_base: Path, cols: dict[str, Any], fmt: str = "csv") -> str:
    """Write the raw outcomes columns as ``outcomes.csv`` or ``outcomes.parquet``; return the file name.

    Raises:
        UsageError: An unknown format, or Parquet without pyarrow installed.

    """
    if fmt == "csv":
        write_table(path_base.with_suffix(".csv"), cols)
        return path_base.with_suffix(".csv").name
    check_format(fmt)
    import pandas as pd  # heavy: imported on use

    pd.DataFrame({k: list(v) for k, v in cols.items()}).to_parquet(path_base.with_suffix(".parquet"), index=False)
    return path_base.with_suffix(".parquet").name


def check_format(fmt: str) -> None:
    """Check a table format can be written here.

    Raises:
        UsageError: An unknown format, or Parquet without pyarrow.

    """
    if fmt not in FORMATS:
        raise UsageError(f"format '{fmt}' is not known; allowed: {', '.join(FORMATS)}")
    if fmt == "parquet":
        check_parquet()


def check_parquet() -> None:
    """Raise one clear line when Parquet cannot be written or read here.

    Raises:
        UsageError: pyarrow is not installed.

    """
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        raise UsageError("Parquet needs pyarrow: pip install 'sim-bargaining[parquet]' (or use the default CSV)")


def read_raw(folder: Path) -> Any:
    """The raw outcomes table of a run folder as a DataFrame, from Parquet or CSV.

    Raises:
        UsageError: Neither file is there.

    """
    import pandas as pd  # heavy: imported on use

    if (folder / "outcomes.parquet").is_file():
        check_parquet()
        return pd.read_parquet(folder / "outcomes.parquet")
    if (folder / "outcomes.csv").is_file():
        return pd.read_csv(folder / "outcomes.csv", keep_default_na=False, na_values={"replication": []},
                           dtype={"proposer": str, "walked_out": str})
    raise UsageError(f"{folder}: no outcomes.csv or outcomes.parquet; give a finished run folder")
