"""The class list: every session's role-play, for the instructor view.

All browser sessions of one server share this module. It holds plain dicts (never Solara
reactive values, which belong to the session that reads them) behind a lock. A session
that closes leaves the list unless its negotiation had finished: finished results stay
for the debrief until the server stops.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_ROWS: dict[str, dict[str, Any]] = {}


def publish(key: str, row: dict[str, Any]) -> None:
    """Record (or replace) session ``key``'s current row."""
    with _LOCK:
        _ROWS[key] = {"session": key, **row, "live": True}


def withdraw(key: str) -> None:
    """Session ``key`` closed: drop its row, or keep it (no longer live) if its negotiation had finished."""
    with _LOCK:
        row = _ROWS.get(key)
        if row is None:
            return
        if row.get("finished"):
            row["live"] = False
        else:
            del _ROWS[key]


def rows() -> list[dict[str, Any]]:
    """Return copies of every row, in the order sessions first appeared."""
    with _LOCK:
        return [dict(r) for r in _ROWS.values()]
