"""Ctrl-C and ``kill``: the main process stops and cleans up; worker processes stay quiet.

Ctrl-C in a terminal sends SIGINT to every process of the command, workers included. Only
the main process should act on it: it leaves ``with RunFolder(...)`` (removing the
unfinished folder) and prints one line. Workers that raised ``KeyboardInterrupt`` too would
print tracebacks, so they ignore SIGINT and are shut down by the main process. SIGTERM
(``kill``, job schedulers) is treated like Ctrl-C.

A ``kill -9`` of the main process runs no cleanup at all. The forkserver notices (its pipe
from the main process closes) and exits; the workers it forked must not live on with
hundreds of megabytes each, so :func:`worker_init` makes each one die with its parent: the
parent-death signal on Linux (``prctl``) and, everywhere, a watchdog thread that exits
when the parent changes. The resource tracker exits when the last of them is gone.
"""

from __future__ import annotations

import os
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


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCHDOG_SECONDS = 0.5


def die_with(main_pid: int) -> None:
    """End this process when ``main_pid`` (the command's process) or this process's parent ends.

    Workers of a forkserver pool are children of the forkserver, which itself lives as long
    as any worker does (each holds its "alive" pipe): the parent-death signal alone would
    never fire. So a watchdog thread also waits on the main process itself (a pidfd, which
    becomes readable when the process exits, even before it is reaped).
    """
    parent = os.getppid()
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watchdog below is the only guard
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    try:
        pidfd = os.pidfd_open(main_pid)
    except (AttributeError, OSError):  # no pidfd (not Linux >= 5.3), or the main process is gone
        pidfd = None
        if not _alive(main_pid):
            os._exit(1)

    def watch() -> None:
        import select
        import time

        if pidfd is not None:
            select.select([pidfd], [], [])  # readable when the main process exits
        else:
            while os.getppid() == parent and _alive(main_pid):
                time.sleep(WATCHDOG_SECONDS)
        os._exit(1)  # orphaned: nobody will collect the result

    threading.Thread(target=watch, name="sim-parent-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_init(main_pid: int) -> None:
    """Initializer of pool workers: leave Ctrl-C to the main process, die with it."""
    ignore_sigint()
    die_with(main_pid)
