"""Ctrl-C and ``kill``: the main process stops and cleans up; worker processes stay quiet.

Ctrl-C in a terminal sends SIGINT to every process of the command, workers included. Only
the main process should act on it: it leaves ``with RunFolder(...)`` (removing the
unfinished folder) and prints one line. Workers that raised ``KeyboardInterrupt`` too would
print tracebacks, so they ignore SIGINT and are shut down by the main process. SIGTERM
(``kill``, job schedulers) is treated like Ctrl-C.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_TERMINATED: list[int] = []  # SIGTERM seen by this process (the CLI exits 143 then, not 130)


def terminated() -> bool:
    """Whether a SIGTERM (not a Ctrl-C) stopped this process's work."""
    return bool(_TERMINATED)


def _in_main_thread() -> bool:
    # Python installs signal handlers only from the main thread (not from a web server's workers).
    return threading.current_thread() is threading.main_thread()


def stop_on_sigterm() -> Any:
    """Make SIGTERM raise ``KeyboardInterrupt`` in this process, like Ctrl-C.

    Returns:
        The previous handler, for :func:`restore_sigterm` (None outside the main thread).

    """
    if not _in_main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        _TERMINATED.append(signum)
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def restore_sigterm(previous: Any) -> None:
    """Put back the SIGTERM handler :func:`stop_on_sigterm` replaced."""
    if previous is not None and _in_main_thread():
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while processes are started, so they inherit "ignore" from their start.

    A forkserver started inside this block ignores Ctrl-C even while it imports the engine,
    and so does every worker it forks.
    """
    if not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then raise ``KeyboardInterrupt``.

    For steps that must not be cut in half, such as starting worker processes: a pool
    interrupted while its workers start leaves them failing, with tracebacks, on
    resources the main process has already released.
    """
    if not _in_main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught:
        if signal.SIGTERM in caught:
            _TERMINATED.append(signal.SIGTERM)
        raise KeyboardInterrupt


def ignore_sigint() -> None:
    """Leave Ctrl-C to the main process (the initializer of worker processes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
