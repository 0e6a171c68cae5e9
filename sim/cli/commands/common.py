"""Helpers shared by commands: loading with the size guard, executors, console output."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.ensemble.guard import LARGE_REPLICATIONS  # a constant for the help text (imports nothing heavy)


def add_scenario_args(p: argparse.ArgumentParser, *, run: bool = True, optional: bool = False) -> None:
    """Arguments every command that runs a scenario takes (``optional``: the file may be omitted)."""
    p.add_argument("scenario", nargs="?" if optional else None, help="scenario YAML file")
    if run:
        p.add_argument("-n", "--replications", type=_positive, help="override run.replications")
        p.add_argument("--seed", type=_seed, help="override run.seed")
        p.add_argument("--executor", choices=["inline", "processes", "dask"], default=None,
                       help="where blocks run (default: processes for large runs, else inline)")
        p.add_argument("--workers", type=_positive, help="worker processes (default: CPU count)")
        p.add_argument("--scheduler", help="address of a running Dask scheduler (implies --executor dask)")
        p.add_argument("--allow-large", action="store_true",
                       help=f"allow more than {LARGE_REPLICATIONS:,} replications, and scenario files ten "
                            "times the usual size bounds")
        p.add_argument("--out", default="results", help="results folder (default: results)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _int_at_least(minimum: int, maximum: int | None = None) -> Any:
    """An argparse type: a whole number no smaller than ``minimum`` (and at most ``maximum``)."""

    def parse(text: str) -> int:
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        try:
            if len(text) > 4300:  # int() refuses longer digit strings with a confusing message
                raise ValueError
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{shown}' is not a whole number") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"{v} must be at least {minimum}")
        if maximum is not None and v > maximum:
            raise argparse.ArgumentTypeError(f"{shown} is too large; allowed: at most {maximum:,}")
        return v

    return parse


def _folder_name(text: str) -> str:
    """An argparse type: a plain folder name (``--id``), checked before any work starts."""
    # in-function: the output layer is imported only when a command runs (sim --help stays quick)
    from sim.errors import UsageError
    from sim.output.results import check_name

    try:
        return check_name(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_positive = _int_at_least(1, 10**15)
_nonneg = _int_at_least(0)
_seed = _int_at_least(0, 2**63 - 1)


def load(path: str, args: argparse.Namespace | None = None, *, guard: bool = True) -> Any:
    """Load and validate a scenario; with ``guard``, apply the library's size guard here.

    ``sim run`` and ``sim sweep`` pass ``guard=False``: their library functions apply the
    guard themselves, with ``--allow-large`` passed in.

    Raises:
        ScenarioError: Located problems in the file.
        UsageError: A run larger than the guard without ``--allow-large``.

    """
    from sim.ensemble.guard import check_size
    from sim.scenario.load import load_scenario
    from sim.scenario.yamlsource import LARGE_FACTOR, MAX_NODES

    large = bool(getattr(args, "allow_large", False))
    sc = load_scenario(path, max_nodes=LARGE_FACTOR * MAX_NODES if large else None)
    if guard:
        check_size(sc, getattr(args, "replications", None), allow_large=large)
    return sc


def executor_for(args: argparse.Namespace, replications: int) -> Any:
    """The executor the flags ask for (processes for large runs by default; Dask with --scheduler).

    Raises:
        UsageError: ``--scheduler`` with an executor other than dask.

    """
    from sim.ensemble.executors import make_executor

    scheduler = getattr(args, "scheduler", None)
    if scheduler and args.executor not in (None, "dask"):
        from sim.errors import UsageError

        raise UsageError(f"--scheduler is the address of a Dask cluster; it needs --executor dask, "
                         f"not --executor {args.executor}")
    name = args.executor or ("dask" if scheduler else "processes" if replications >= 20_000 else "inline")
    return make_executor(name, args.workers, scheduler)


class Bar:
    """A rich progress bar on stderr (silent when quiet)."""

    def __init__(self, total: int, label: str, quiet: bool = False) -> None:
        # no bar when stderr is not a terminal (CI, pipes): rich would print a stray blank line
        self.quiet = quiet or total <= 0 or not sys.stderr.isatty()
        self.total = total
        self.label = label
        self._p: Any = None

    def __enter__(self) -> Bar:
        if not self.quiet:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                               TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._p.__enter__()
            self._task = self._p.add_task(self.label, total=self.total)
        return self

    def __call__(self, k: int) -> None:
        """Advance by ``k`` replications."""
        if self._p is not None:
            self._p.advance(self._task, k)

    def __exit__(self, *exc: object) -> None:
        if self._p is not None:
            self._p.__exit__(*exc)


def console() -> Any:
    """A rich console on stdout that prints text literally (markup off; unwrapped when piped: :mod:`sim.cli.output`)."""
    from sim.cli.output import console as make

    return make()
