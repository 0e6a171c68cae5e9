"""A resumable work folder: finished chunks kept on disk, the folder renamed into place when done.

Long jobs (sweeps) write into ``<root>/<scenario>/.tmp-<id>/``:

* ``plan.json``: what is being computed, written first; a resume checks it still holds;
* ``chunks/<name>.npz``: one file per finished piece of work, written to a temporary file
  and moved into place with ``os.replace``, so a chunk is either complete or absent;
* ``.lock``: held (``flock``) while a process works in the folder; the operating system
  releases it when that process dies, even by SIGKILL, so a resume never races a live run.

When everything is written the folder is renamed to ``<root>/<scenario>/<id>/``. A folder
whose name starts with ``.tmp-`` is unfinished and never read as a result.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UsageError
from sim.output.results import finite_json, safe_child

TMP_PREFIX = ".tmp-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees all of it or nothing."""
    part = path.with_name(f".{path.name}.part-{os.getpid()}")
    with part.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)


class WorkFolder:
    """The temporary folder of one resumable job.

    Args:
        tmp: The ``.tmp-<id>`` folder.

    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.run_id = tmp.name.removeprefix(TMP_PREFIX)
        self.final = tmp.parent / self.run_id
        self.chunks = tmp / "chunks"
        self._lock: Any = None

    @classmethod
    def create(cls, root: str | Path, scenario: str, run_id: str) -> WorkFolder:
        """Make a fresh work folder for ``run_id`` under ``root/scenario``.

        Raises:
            UsageError: If the finished or the temporary folder already exists.

        """
        final = safe_child(Path(root), scenario, run_id)
        wf = cls(final.parent / f"{TMP_PREFIX}{run_id}")
        if final.exists() or wf.tmp.exists():
            raise UsageError(f"{final} already exists; choose another id")
        wf.chunks.mkdir(parents=True)
        return wf

    @classmethod
    def locate(cls, text: str, root: str | Path = "results") -> WorkFolder:
        """Find an unfinished job by its folder path or its id.

        Raises:
            UsageError: If there is no such unfinished job, or it is already complete.

        """
        path = Path(text)
        if path.name.startswith(TMP_PREFIX) and path.is_dir():
            return cls(path)
        rid = path.name.removeprefix(TMP_PREFIX)
        found = sorted(Path(root).glob(f"*/{TMP_PREFIX}{rid}")) if rid and "/" not in rid else []
        if len(found) == 1 and found[0].is_dir():
            return cls(found[0])
        done = path if path.is_dir() else None
        if done is not None and (done / "manifest.json").exists():
            raise UsageError(f"{text} is complete; nothing to resume")
        raise UsageError(f"{text}: no unfinished job found; give the .tmp-<id> folder or the id "
                         f"of one under {root}/<scenario>/")

    def lock(self) -> None:
        """Hold the folder's lock for this process.

        Raises:
            UsageError: If another live process holds it.

        """
        try:
            import fcntl
        except ImportError:  # no flock on this platform: resume without the guard
            return
        fh = (self.tmp / ".lock").open("a")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise UsageError(f"{self.tmp} is in use by another running process") from None
        self._lock = fh

    def discard(self) -> None:
        """Remove the folder (a job that failed before finishing anything worth resuming)."""
        import shutil

        self.unlock()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def unlock(self) -> None:
        """Release the lock (also released when the process exits)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def write_json(self, name: str, data: Any) -> None:
        """Write pretty JSON atomically."""
        atomic_write(self.tmp / name, (finite_json(data, name) + "\n").encode("utf-8"))

    def read_json(self, name: str) -> Any:
        """Read a JSON file of the folder.

        Raises:
            UsageError: If it is missing or unreadable.

        """
        try:
            return json.loads((self.tmp / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.tmp / name}: cannot read ({exc}); this folder cannot be resumed") from None

    def save_chunk(self, name: str, arrays: dict[str, np.ndarray]) -> None:
        """Save one finished chunk atomically."""
        import io

        buf = io.BytesIO()
        np.savez(buf, **arrays)
        atomic_write(self.chunks / f"{name}.npz", buf.getvalue())

    def load_chunk(self, name: str) -> dict[str, np.ndarray]:
        """Load one chunk."""
        with np.load(self.chunks / f"{name}.npz", allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    def done(self) -> set[str]:
        """Names of the finished chunks."""
        return {p.stem for p in self.chunks.glob("*.npz")}

    def finish(self, keep_chunks: bool = False) -> Path:
        """Rename the folder into place (dropping chunks unless asked) and return the final path.

        Raises:
            UsageError: If the final folder appeared meanwhile.

        """
        import shutil

        if self.final.exists():
            raise UsageError(f"{self.final} already exists; the finished work stays in {self.tmp}")
        if not keep_chunks:
            shutil.rmtree(self.chunks, ignore_errors=True)
        (self.tmp / ".lock").unlink(missing_ok=True)
        os.replace(self.tmp, self.final)
        self.unlock()
        return self.final

