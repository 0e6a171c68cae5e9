"""Dask distributed as an executor: a LocalCluster on loopback, or an existing cluster.

Same interface as :mod:`sim.ensemble.executors`: a context manager whose ``imap`` yields
``(task index, result)`` as tasks finish. Results are the same numbers as inline or on a
process pool, because each task's randomness comes from its blocks' keys, never from the
worker that runs it.

Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``. Setting that variable
also freezes glibc's mmap threshold at 128 KiB, so every array above it is mmap'd and
unmapped on each allocation and the engine runs about 2x slower (measured here, see
docs/performance.md). We start local workers with ``MALLOC_MMAP_THRESHOLD_`` at 64 MiB and
a matching trim threshold, and on an existing cluster ask each worker's allocator for the
same through ``mallopt``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from typing import Any

from sim.errors import UsageError

#: Environment of local worker processes (set before they start; glibc reads it once).
MALLOC_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(64 * 2**20),
    "MALLOC_TRIM_THRESHOLD_": str(128 * 2**20),
}


def tune_malloc() -> bool:
    """Raise this process's glibc mmap and trim thresholds (for workers started elsewhere).

    Returns:
        True if the allocator accepted the settings (False off glibc).

    """
    import ctypes
    import ctypes.util

    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = libc.mallopt(m_mmap_threshold, int(MALLOC_ENV["MALLOC_MMAP_THRESHOLD_"]))
        ok &= libc.mallopt(m_trim_threshold, int(MALLOC_ENV["MALLOC_TRIM_THRESHOLD_"]))
    except (OSError, AttributeError):
        return False
    return bool(ok)


class DaskExecutor:
    """Runs tasks on a Dask cluster: an existing one at ``scheduler``, else a LocalCluster.

    Args:
        workers: Worker processes of the LocalCluster (default: CPU count). Ignored with
            ``scheduler``, where the cluster decides.
        scheduler: Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.

    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        import os

        self.scheduler = scheduler
        self.workers = workers or max(1, os.cpu_count() or 1)
        self._stack = ExitStack()
        self.client: Any = None

    def __enter__(self) -> DaskExecutor:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:

            raise UsageError("--executor dask needs Dask: pip install 'dask[distributed]' "
                             "(or the project's dask extra)") from None

        try:
            if self.scheduler:
                try:
                    client = Client(self.scheduler, timeout="15s")
                except (OSError, TimeoutError) as exc:

                    raise UsageError(f"--scheduler {self.scheduler}: no Dask scheduler answered ({exc}); "
                                     "start one (`dask scheduler`) or leave --scheduler out for a local "
                                     "cluster") from None
                self.client = self._stack.enter_context(client)
                self.client.run(tune_malloc)
                self.workers = max(1, len(self.client.scheduler_info()["workers"]))
            else:
                env = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **MALLOC_ENV}
                # The nanny reads this when it is built, inside LocalCluster(); one
                # thread per worker because the engine is single-threaded numpy. No
                # dashboard; the scheduler's small HTTP server takes a free loopback port.
                with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
                    cluster = self._stack.enter_context(LocalCluster(
                        n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, worker_dashboard_address=None,
                        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"}))
                self.client = self._stack.enter_context(Client(cluster))
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self.client = None

    def imap(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """Submit every task, yield (index, result) as each finishes."""
        from distributed import as_completed

        futures = self.client.map(fn, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut, result in as_completed(futures, with_results=True):
                yield index[fut.key], result
        finally:
            self.client.cancel(futures)
