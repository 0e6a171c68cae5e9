"""Executors: where blocks of replications run. One small interface, several back ends.

An executor maps a picklable function over tasks and yields ``(index, result)`` pairs as
they finish. Results never depend on the executor: every task's randomness comes from its
blocks' keys (see :mod:`sim.seeding`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from sim.ensemble.dask_executor import DaskExecutor
from sim.ensemble.signals import interrupts_deferred, sigint_ignored, worker_init


class Executor(Protocol):
    """Runs tasks; a context manager so pools and clusters are closed."""

    workers: int

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def imap(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Yield (task index, result) as tasks finish."""
        ...


class InlineExecutor:
    """Runs tasks one after another in this process (tests, small runs, debugging)."""

    workers = 1

    def __enter__(self) -> InlineExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def imap(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Run each task in turn."""
        for i, task in enumerate(tasks):
            yield i, fn(task)


class ProcessExecutor:
    """A local process pool (the default for large runs)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self._pool: Any = None

    def __enter__(self) -> ProcessExecutor:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: workers fork from a clean single-threaded server that has the engine
        # imported once (fork from this process is unsafe once numpy, Dask or a web server
        # have started threads; spawn would re-import everything per worker).

        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(["sim.ensemble.blocks", "sim.protocols.alternating_offers"])
            from multiprocessing import forkserver

            with sigint_ignored():  # the server (and every worker it forks) leaves Ctrl-C to us
                forkserver.ensure_running()
        else:
            ctx = mp.get_context("spawn")
        # Ctrl-C is the main process's to handle: it shuts the pool down and cleans up; and a
        # worker whose parent is killed (kill -9 of the command) ends with it
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=worker_init,
                                         initargs=(os.getpid(),))
        try:
            with interrupts_deferred():  # a Ctrl-C now waits until the workers have started
                self._pool.submit(_ready).result()
        except BaseException:
            self._pool.shutdown(wait=True, cancel_futures=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def imap(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Submit all tasks, yield as they complete."""
        from concurrent.futures import as_completed

        futures = {self._pool.submit(fn, t): i for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def _ready() -> None:
    """Do nothing in a worker: waiting for it shows the pool has started."""


def make_executor(name: str, workers: int | None = None, scheduler: str | None = None) -> Any:
    """Build an executor by name: ``inline``, ``processes`` or ``dask``.

    Raises:
        ValueError: For an unknown name.

    """
    if name == "inline":
        return InlineExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    if name == "dask":

        return DaskExecutor(workers, scheduler)
    raise ValueError(f"unknown executor '{name}'; allowed: inline, processes, dask")
