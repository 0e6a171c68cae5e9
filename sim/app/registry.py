"""The class list: every role-play of every browser session of this server.

All browser sessions of one server share this module. It holds plain dicts (never Solara
reactive values, which belong to the session that reads them) behind a lock.

- Each role-play is its own row (a Reset starts a new one), so a finished result is never
  overwritten by the next negotiation of the same tab.
- A live tab beats (:data:`BEAT_SECONDS`, from the browser, see ``sim.app.pages``): an
  unfinished row not seen for :data:`GHOST_SECONDS` belongs to a tab that died without
  closing (a closed laptop, a killed browser) and is dropped. Finished rows stay until the
  server stops.
- With ``SIM_CLASS_DIR`` set, finished rows are also written to ``$SIM_CLASS_DIR/solo.json``
  (atomically: a temporary file, then ``os.replace``) and read back when this module is
  imported, so a restarted server still lists them.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CLASS_DIR_ENV = "SIM_CLASS_DIR"
GHOST_ENV = "SIM_GHOST_SECONDS"
FILE_NAME = "solo.json"


def _seconds(env: str, default: float) -> float:
    try:
        value = float(os.environ.get(env, default))
    except ValueError:
        return default
    return value if value > 0 else default


#: An unfinished row not seen for this long (seconds) is a ghost and is dropped; tests shorten it.
GHOST_SECONDS = _seconds(GHOST_ENV, 60.0)
#: How often a live tab says it is still there: a few beats fit in one ghost period.
BEAT_SECONDS = min(5.0, GHOST_SECONDS / 4)

_LOCK = threading.Lock()
_ROWS: dict[str, dict[str, Any]] = {}
_SEEN: dict[str, float] = {}  # key → last beat or change (time.monotonic); absent: its tab has closed
_clock = time.monotonic  # tests replace it
_file: Path | None = None


def publish(key: str, session: str, row: dict[str, Any]) -> None:
    """Record (or update) role-play ``key`` of browser session ``session``; the tab is alive.

    Args:
        key: The role-play's key (unique on this server).
        session: The browser session (tab) it belongs to.
        row: What :meth:`sim.app.session.SessionModel.result` returns.

    """
    with _LOCK:
        now = _clock()
        old = _ROWS.get(key)
        new = {"key": key, "session": session, **row}
        content = {k: v for k, v in (old or {}).items() if k not in ("updated", "live")}
        changed = content != new
        if changed:
            _ROWS[key] = {**new, "updated": time.time(), "live": True}
        _SEEN[key] = now
        dirty = _sweep(now) or (changed and bool(row.get("finished")))
        if dirty:
            _save()


def touch(key: str) -> bool:
    """A beat from role-play ``key``'s tab; False if the row is gone (the caller publishes it again)."""
    with _LOCK:
        now = _clock()
        if key not in _ROWS:
            return False
        _SEEN[key] = now
        if _sweep(now):
            _save()
        return True


def withdraw(key: str) -> None:
    """Role-play ``key`` left the screen (tab closed, Reset, role-play stopped).

    An unfinished row is dropped; a finished one stays, no longer live.
    """
    with _LOCK:
        row = _ROWS.get(key)
        _SEEN.pop(key, None)
        if row is None:
            return
        if not row.get("finished"):
            del _ROWS[key]
            return
        row["live"] = False
        _save()


def rows() -> list[dict[str, Any]]:
    """Return copies of every row, oldest first.

    Each row is a dict with these keys (the instructor's console reads them):

    - ``key``: the role-play's key (``session``-number); ``session``: the browser tab's key.
    - ``actor``: the actor the student plays (its name in the scenario, e.g. ``syria``).
    - ``seed``: the seed of the team's negotiation (int).
    - ``settings``: the settings moved away from the scenario's values, by label, in the
      slider's units (``{"Syria: patience": 0.85}``; ``{}`` when none was moved).
    - ``round``: the round it ended in, or the round it is in (int).
    - ``outcome``: in words: "deal in round 2 (2025-02), proposed by Russia", or while it
      runs "waiting for their proposal" / "waiting for their answer" / "waiting for the next step".
    - ``terms``: the final terms in words and units, None while it runs.
    - ``your_utility``: what the result is worth to the student's actor, 0-100 (100 = every
      issue as it wants it, 0 = every issue a whole range away); None while it runs.
    - ``model_utility``: the same for the model's own agent in that seat, from the same
      start and random numbers; ``model_outcome``: how that negotiation ended, in words.
    - ``finished``: whether the negotiation is over (finished rows stay until the server stops).
    - ``live``: whether the role-play is still on screen in a tab that beats.
    - ``updated``: when the row last changed (seconds since the epoch, float).
    """
    with _LOCK:
        if _sweep(_clock()):
            _save()
        return [json.loads(json.dumps(r)) for r in _ROWS.values()]  # deep copies of plain data


def _sweep(now: float) -> bool:
    """Drop ghosts (unfinished rows not seen for GHOST_SECONDS); mark finished rows (not) live. Under the lock.

    Returns:
        Whether a finished row's ``live`` changed (the file is out of date).

    """
    dirty = False
    for key in list(_ROWS):
        seen = _SEEN.get(key)
        alive = seen is not None and now - seen <= GHOST_SECONDS
        row = _ROWS[key]
        if not row.get("finished"):
            if not alive:
                del _ROWS[key]
                _SEEN.pop(key, None)
        elif row.get("live") != alive:
            row["live"] = alive
            dirty = True
    return dirty


# -- the file --------------------------------------------------------------------------

def _save() -> None:
    """Write the finished rows to the class folder's file, atomically (under the lock)."""
    if _file is None:
        return
    done = [r for r in _ROWS.values() if r.get("finished")]
    try:
        _file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=_file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "rows": done}, f, indent=1)
            os.replace(tmp, _file)  # readers see the old file or the new one, never half of one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:  # a seminar goes on without the file; say so once per failure
        print(f"sim serve: could not write the class list to {_file}: {e}", file=sys.stderr)


def load(folder: str | Path | None) -> None:
    """Use ``folder``'s file for finished rows (None: keep them in memory only); read the rows it holds.

    A file that cannot be read is moved aside (``solo.json.unreadable``) with a warning, so
    the next write does not destroy what it held.
    """
    global _file
    with _LOCK:
        _file = Path(folder) / FILE_NAME if folder else None
        if _file is None or not _file.exists():
            return
        try:
            data = json.loads(_file.read_text(encoding="utf-8"))
            found = [r for r in data["rows"] if isinstance(r, dict) and "key" in r]
        except (OSError, ValueError, KeyError, TypeError) as e:
            aside = _file.with_name(FILE_NAME + ".unreadable")
            print(f"sim serve: could not read the class list {_file} ({e}); moved it to {aside}", file=sys.stderr)
            try:
                os.replace(_file, aside)
            except OSError:
                _file = None  # never overwrite a file we could neither read nor move
            return
        for r in found:
            _ROWS.setdefault(r["key"], {**r, "finished": True, "live": False})


load(os.environ.get(CLASS_DIR_ENV))
