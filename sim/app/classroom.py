"""The class: every table of a seminar, the instructor's token, the clock, shocks and the export.

One :class:`Classroom` per server. Tables are kept in memory and, after every change, written
whole to ``<folder>/tables/<code>.json`` (write, fsync, rename: a reader or a crash sees a
complete file or the previous one). A server started again on the same folder replays every
table's inputs (:meth:`sim.app.table.Table.restore`), so the class's results, transcripts and
even unfinished negotiations survive a restart; they come back paused.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from sim.app.table import ROUND_SECONDS, MoveError, Seat, Table, score
from sim.engine.outcomes import KINDS
from sim.ensemble.blocks import simulate
from sim.output.workfolder import atomic_write
from sim.scenario.load import Scenario

#: Letters of a join code: no 0/O, 1/I/L, which students misread off a projector.
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Size of the ensemble that stands for "what the model expects" on the dashboard.
MODEL_REPLICATIONS = 500
#: Columns of the class's results (CSV), in order.
COLUMNS = ("table", "seed", "seats", "round", "rounds", "finished", "ending", "ending_words", "terms",
           "score", "model_ending", "model_ending_words", "model_score", "messages")


class Classroom:
    """Every table of one seminar.

    Args:
        sc: The scenario the class plays.
        folder: Where the tables are kept (None: memory only).
        token: The instructor's token (default: a fresh random one, printed at start).
        clock: Time source (tests pass a fake one).

    """

    def __init__(self, sc: Scenario, folder: Path | None = None, token: str | None = None,
                 clock: Any = time.time) -> None:
        self.sc = sc
        self.folder = folder
        self.token = token or secrets.token_urlsafe(9)
        self.clock = clock
        self.round_seconds: float | None = ROUND_SECONDS
        self.tables: dict[str, Table] = {}
        self.lock = threading.RLock()
        self._model: dict[str, Any] | None = None
        if folder is not None:
            self._load()

    # -- the instructor ----------------------------------------------------------------------

    def allows(self, token: str | None) -> bool:
        """Whether ``token`` is the instructor's (constant-time comparison)."""
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def create(self, count: int = 1, seed: int | None = None) -> list[str]:
        """Open ``count`` new tables; each gets a join code and its own seed (the scenario's seed + its number).

        Raises:
            MoveError: For a count outside 1-40.

        """
        if not 1 <= count <= 40:
            raise MoveError("between 1 and 40 tables at a time")
        codes = []
        with self.lock:
            base = int(self.sc.spec.run.seed) if seed is None else int(seed)
            for _ in range(count):
                code = self._new_code()
                table = Table(self.sc, code, base + len(self.tables), round_seconds=self.round_seconds,
                              clock=self.clock)
                self.tables[code] = table
                self.save(table)
                codes.append(code)
        return codes

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4))
            if code not in self.tables:
                return code

    def each(self, codes: list[str] | None = None) -> list[Table]:
        """The tables named (all when None), in the order they were opened."""
        if codes is None:
            return list(self.tables.values())
        return [self.table(c) for c in codes]

    def apply(self, table: Table, entry: dict[str, Any]) -> None:
        """Apply an input to a table and keep the table on disk."""
        table.apply(entry)
        self.save(table)

    def start(self, codes: list[str] | None = None) -> None:
        """Start (or resume) the clock at the tables named (all when None)."""
        for t in self.each(codes):
            if t.paused and t.model.running:
                self.apply(t, {"kind": "start"})

    def pause(self, codes: list[str] | None = None) -> None:
        """Pause the tables named (all when None): no moves, the round clock stops."""
        for t in self.each(codes):
            if not t.paused and t.model.running:
                self.apply(t, {"kind": "pause"})

    def shock(self, event: str, codes: list[str] | None = None) -> int:
        """Fire one of the scenario's events now at every live table named; returns how many it reached.

        Raises:
            MoveError: For an event the scenario does not declare.

        """
        names = [ev.name for ev in self.sc.events]
        if event not in names:
            raise MoveError(f"no event named {event!r}; the scenario declares: {', '.join(names) or 'none'}")
        reached = 0
        for t in self.each(codes):
            if t.model.running:
                self.apply(t, {"kind": "shock", "event": event})
                reached += 1
        return reached

    def free(self, code: str, actor: int) -> None:
        """Free a team's seat (a lost laptop): the model plays it until another browser takes it.

        Raises:
            MoveError: For a seat nobody holds.

        """
        table = self.table(code)
        if int(actor) not in table.seats:
            raise MoveError(f"nobody holds {table.label(int(actor))}'s seat at table {table.code}")
        self.apply(table, {"kind": "leave", "actor": int(actor)})

    def set_round_seconds(self, seconds: float | None) -> None:
        """Set the round clock for tables opened from now on and for the next round of every table.

        Raises:
            MoveError: Outside 20 s to 1 hour.

        """
        if seconds is not None and not 20 <= seconds <= 3600:
            raise MoveError("a round lasts between 20 seconds and an hour")
        self.round_seconds = seconds
        for t in self.each():
            t.round_seconds = seconds

    def tick(self) -> None:
        """Let every table's clock decide where it ran out (a background thread calls this each second)."""
        for t in self.each():
            if t.tick():
                self.save(t)

    # -- students ------------------------------------------------------------------------------

    def table(self, code: str) -> Table:
        """The table with this join code (case and spaces forgiven).

        Raises:
            MoveError: For an unknown code.

        """
        key = "".join(str(code).split()).upper()
        if key not in self.tables:
            raise MoveError(f"no table with the code {key or '(empty)'}: check the code on the screen")
        return self.tables[key]

    def join(self, code: str, actor: int, team: str) -> tuple[Table, Seat]:
        """Seat a team at a table."""
        table = self.table(code)
        seat = table.join(int(actor), team)
        self.save(table)
        return table, seat

    def seat(self, secret: str) -> tuple[Table, Seat]:
        """The table and seat a browser's secret opens.

        Raises:
            MoveError: For an unknown secret (the seat was freed, or the link is wrong).

        """
        for t in self.each():
            seat = t.seat_of(secret)
            if seat is not None:
                return t, seat
        raise MoveError("this seat link is not valid any more: join again with the table's code")

    # -- results ---------------------------------------------------------------------------------

    def model_expectation(self) -> dict[str, Any]:
        """What the model expects for this scenario: each ending's share and each actor's 0-100 score quartiles.

        An ensemble of :data:`MODEL_REPLICATIONS` (computed once per server, about 2-3 s).
        """
        with self.lock:
            if self._model is None:
                out = simulate(self.sc, replications=MODEL_REPLICATIONS, trace=0)
                n = len(out.kind)
                self._model = {
                    "replications": n,
                    "endings": {k: float((out.kind == i).mean()) for i, k in enumerate(KINDS) if (out.kind == i).any()},
                    "score": {a: [score(float(q)) for q in np.quantile(out.payoff[:, j], [0.25, 0.5, 0.75])]
                              for j, a in enumerate(self.sc.actors)},
                    "payoffs": {a: np.sort(out.payoff[:, j]) for j, a in enumerate(self.sc.actors)},
                }
            return self._model

    def percentile(self, actor: str, points: int) -> int:
        """Share (%) of the model's negotiations in which ``actor`` scored less than ``points``."""
        pay = self.model_expectation()["payoffs"][actor]
        return round(100 * float(np.searchsorted(pay, points / 100 - 0.005) / len(pay)))

    def rows(self) -> list[dict[str, Any]]:
        """One row per table (its result; the model's on the same draw where finished)."""
        return [t.result() for t in self.each()]

    def export_csv(self) -> str:
        """The class's results as CSV (one row per table; seats and scores as 'actor: value' lists)."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for row in self.rows():
            flat = {k: ("; ".join(f"{a}: {v}" for a, v in row[k].items()) if isinstance(row.get(k), dict)
                        else row.get(k, "")) for k in COLUMNS}
            w.writerow(flat)
        return buf.getvalue()

    def export_json(self) -> dict[str, Any]:
        """Everything: the scenario, every table's result, inputs, messages and transcript."""
        return {"scenario": self.sc.name, "title": self.sc.spec.title, "exported": self.clock(),
                "tables": [{k: v for k, v in t.record().items() if k != "log"}
                           | {"inputs": [{k: v for k, v in e.items() if k != "secret"} for e in t.log]}
                           for t in self.each()]}

    # -- keeping it on disk ----------------------------------------------------------------------

    def save(self, table: Table) -> None:
        """Write the table whole (atomically) to the class folder."""
        if self.folder is None:
            return
        d = self.folder / "tables"
        d.mkdir(parents=True, exist_ok=True)
        atomic_write(d / f"{table.code}.json", json.dumps(table.record(), indent=1, default=float).encode())

    def _load(self) -> None:
        d = self.folder / "tables"
        if not d.is_dir():
            return
        for part in d.glob(".*.part-*"):
            part.unlink(missing_ok=True)  # a write cut short by a crash; the complete file is still there
        records = [json.loads(f.read_text()) for f in d.glob("*.json")]
        for rec in sorted(records, key=lambda r: r["seed"]):  # seeds count up as tables open
            self.tables[rec["code"]] = Table.restore(self.sc, rec, clock=self.clock)
