"""A history file: dated, sourced facts about what has happened, checked against a scenario.

The format (its own small YAML file, read with the scenario's safe reader, so every mistake
is reported as ``file:line: field: what is wrong; allowed ...``)::

    name: early_2025
    scenario: syria_bases_baseline          # optional: the scenario it was written for
    note: "what the facts are read from"
    facts:
      - {fact: no_agreement, date: 2025-02, source: "..."}          # no deal signed by then
      - {fact: event, event: eu_suspends_sanctions, happened: false, date: 2025-03, source: "..."}
      - {fact: action, action: evict, taken: false, date: 2025-02, source: "..."}   # attempted, or not
      - {fact: ending, outcome: forced_exit, happened: false, date: 2025-02, source: "..."}
      - {fact: term, issue: tartus_presence, value: reduced, date: 2025-02, source: "..."}
      - {fact: term, issue: us_sanctions_relief, at_least: 0.1, date: 2025-01, source: "..."}

A date (``YYYY-MM``, ``YYYY-MM-DD`` or a YAML date) names the end of the round (period)
containing it; scenarios without ``timing:`` take ``round: K`` instead. A fact "by a date"
holds if it happened in that round or before. A ``term`` fact is about the terms standing
at the end of that round: the deal's (or the action's) terms if the talks have ended, else
the status quo then in force with the influencers' current offers. Its ``tolerance`` is in
the issue's units (levels for an ordinal issue); ``at_least`` / ``at_most`` give one-sided
bounds.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.conditions import OUTCOME_KINDS
from sim.scenario.load import Scenario
from sim.scenario.space import ValueProblem
from sim.scenario.yamlsource import read_yaml

FACT_KINDS = ("no_agreement", "event", "action", "ending", "term")
_TOP = {"name", "scenario", "note", "source", "facts"}
_COMMON = {"fact", "date", "round", "source", "note", "label"}
_FIELDS = {
    "no_agreement": set(),
    "event": {"event", "happened"},
    "action": {"action", "taken"},
    "ending": {"outcome", "happened"},
    "term": {"issue", "value", "tolerance", "at_least", "at_most"},
}


@dataclass(frozen=True)
class Fact:
    """One compiled fact.

    Attributes:
        kind: One of :data:`FACT_KINDS`.
        round: The round (1-based) by whose end the fact holds.
        when: The date as written (or ``round K``), for reports.
        target: Index of the event, action, outcome kind or issue it is about (-1: none).
        happened: For events, actions and endings: whether it happened by then.
        lo: For terms: the lowest allowed value on the 0-1 scale.
        hi: For terms: the highest allowed value on the 0-1 scale.
        text: A one-line statement of the fact, for reports.
        source: Where the fact comes from.
        line: Its line in the history file.

    """

    kind: str
    round: int
    when: str
    target: int
    happened: bool
    lo: float
    hi: float
    text: str
    source: str
    line: int | None


@dataclass(frozen=True)
class History:
    """A validated history: facts sorted by round (stable), the file's text and hash."""

    name: str
    file: str
    facts: tuple[Fact, ...]
    text: str
    sha256: str

    @property
    def rounds(self) -> list[int]:
        """The distinct rounds with facts, in order (the milestones of a backtest)."""
        return sorted({f.round for f in self.facts})

    def upto(self, t: int) -> History:
        """The facts known at the end of round ``t``."""
        return History(self.name, self.file, tuple(f for f in self.facts if f.round <= t), self.text, self.sha256)

    @property
    def last_round(self) -> int:
        """The last observed round (0 for an empty history)."""
        return max((f.round for f in self.facts), default=0)


def empty_history() -> History:
    """A history with no facts: conditioning on it changes nothing."""
    return History("nothing", "", (), "", hashlib.sha256(b"").hexdigest())


def load_history(path: str | Path, sc: Scenario) -> History:
    """Read and check a history file against the scenario it conditions.

    Raises:
        ScenarioError: Every located problem found (one line each).

    """
    p = Path(path)
    if p.is_dir() or not p.exists():  # special files (FIFO, device) go to the reader, which names them
        what = "is a folder, not a file" if p.is_dir() else "no such file"
        raise ScenarioError([Problem(str(path), None, "", f"{what}; give the path of a history .yaml file")])
    doc = read_yaml(path)
    return compile_history(doc, sc, Path(path).read_text(encoding="utf-8"))


def history_from_text(text: str, sc: Scenario, file: str = "<history>") -> History:
    """Check a history given as text (a run folder's stored copy)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sim-history-") as tmp:
        p = Path(tmp) / "history.yaml"
        p.write_text(text, encoding="utf-8")
        try:
            h = load_history(p, sc)
        except ScenarioError as exc:
            raise ScenarioError([Problem(file, q.line, q.path, q.message) for q in exc.problems]) from None
    return History(h.name, file, h.facts, h.text, h.sha256)


def compile_history(doc: Any, sc: Scenario, text: str) -> History:
    """Validate a read history document (see the module docstring for the format)."""
    problems: list[Problem] = []

    def bad(path: tuple[str | int, ...], field_: str, msg: str) -> None:
        problems.append(Problem(doc.file, doc.line_of(path), field_, msg))

    data = doc.data
    if not isinstance(data, dict):
        raise ScenarioError([Problem(doc.file, doc.line_of(()), "", "a history is a mapping with `facts:`; "
                                     "allowed keys: " + ", ".join(sorted(_TOP)))])
    for k in data:
        if k not in _TOP:
            bad((k,), str(k), f"unknown key; allowed: {', '.join(sorted(_TOP))}")
    facts_raw = data.get("facts")
    if not isinstance(facts_raw, list):
        bad(("facts",), "facts", "must be a list of facts (it may be empty: `facts: []`)")
        raise ScenarioError(problems)
    facts = []
    for i, raw in enumerate(facts_raw):
        fact = _fact(doc, sc, i, raw, bad)
        if fact is not None:
            facts.append(fact)
    if problems:
        raise ScenarioError(problems)
    facts.sort(key=lambda f: f.round)
    name = str(data.get("name") or Path(doc.file).stem)
    return History(name, doc.file, tuple(facts), text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _fact(doc: Any, sc: Scenario, i: int, raw: Any, bad: Any) -> Fact | None:
    where = ("facts", i)
    label = f"facts[{i}]"
    if not isinstance(raw, dict):
        bad(where, label, "a fact is a mapping such as {fact: no_agreement, date: 2025-02, source: ...}")
        return None
    kind = raw.get("fact")
    if kind not in FACT_KINDS:
        bad((*where, "fact"), f"{label}.fact", f"{kind!r} is not a kind of fact; allowed: {', '.join(FACT_KINDS)}")
        return None
    for k in raw:
        if k not in _COMMON | _FIELDS[kind]:
            bad((*where, k), f"{label}.{k}", f"unknown key for a `{kind}` fact; allowed: "
                                              f"{', '.join(sorted(_COMMON | _FIELDS[kind]))}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        bad(where, f"{label}.source", "every fact needs a `source:` (where it was reported), a non-empty text")
    t, when = _round(doc, sc, where, label, raw, bad)
    if t is None:
        return None
    target, happened, lo, hi, text = -1, True, 0.0, 1.0, ""
    if kind == "no_agreement":
        text = f"no agreement as of {when}"
    elif kind in ("event", "action", "ending"):
        key, flag = {"event": ("event", "happened"), "action": ("action", "taken"),
                     "ending": ("outcome", "happened")}[kind]
        names = {"event": [e.name for e in sc.events], "action": [a.name for a in sc.actions],
                 "ending": list(OUTCOME_KINDS)}[kind]
        name = raw.get(key)
        if name not in names:
            allowed = ", ".join(names) if names else f"none (the scenario declares no {key}s)"
            bad((*where, key), f"{label}.{key}", f"{name!r} is not a{'n' if key[0] in 'aeo' else ''} {key} of "
                                                 f"scenario {sc.name}; allowed: {allowed}")
            return None
        happened = raw.get(flag, True)
        if not isinstance(happened, bool):
            bad((*where, flag), f"{label}.{flag}", f"{happened!r} is not true or false")
            return None
        target = names.index(name)
        verb = {"event": "fired", "action": "attempted", "ending": "happened"}[kind]
        text = f"{name} {verb if happened else 'not ' + verb} by {when}"
    else:
        r = _term(sc, raw, where, label, bad)
        if r is None:
            return None
        target, lo, hi, text = r
        text = f"{text} at {when}"
    return Fact(kind, t, when, target, happened, lo, hi, text, str(source or ""), doc.line_of(where))


def _round(doc: Any, sc: Scenario, where: tuple[Any, ...], label: str, raw: dict[str, Any],
           bad: Any) -> tuple[int | None, str]:
    """The round a fact's ``date:`` (or ``round:``) names, checked against the calendar and horizon."""
    T = sc.spec.protocol.rounds
    cal = sc.calendar
    if ("date" in raw) == ("round" in raw):
        need = "date: YYYY-MM (the scenario has timing:)" if cal else "round: K (the scenario has no timing:)"
        bad(where, label, f"give exactly one of `date:` and `round:`; allowed here: {need}")
        return None, ""
    if "round" in raw:
        t = raw["round"]
        if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= T:
            bad((*where, "round"), f"{label}.round", f"{t!r} is not a round; allowed: 1 to {T}")
            return None, ""
        return t, cal.label(t) if cal else f"round {t}"
    if cal is None:
        bad((*where, "date"), f"{label}.date", f"scenario {sc.name} has no timing: (undated rounds); "
                                                "allowed: round: K instead of date:")
        return None, ""
    d = _parse_date(raw["date"])
    if d is None:
        bad((*where, "date"), f"{label}.date", f"{raw['date']!r} is not a date; allowed: YYYY-MM or YYYY-MM-DD")
        return None, ""
    t = _round_of(cal, d)
    if not 1 <= t <= T:
        bad((*where, "date"), f"{label}.date", f"{raw['date']} is outside the talks' calendar; allowed: "
                                                f"{cal.label(1)} to {cal.label(T)}")
        return None, ""
    return t, cal.label(t)


def _parse_date(v: Any) -> _dt.date | None:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str):
        for fmt in ("%Y-%m", "%Y-%m-%d"):
            try:
                return _dt.datetime.strptime(v.strip(), fmt).date()
            except ValueError:
                continue
    return None


def _round_of(cal: Any, d: _dt.date) -> int:
    """The round whose period contains date ``d`` (0 or less: before the start)."""
    if cal.period == "week":
        return (d - cal.start).days // 7 + 1 if d >= cal.start else 0
    step = {"month": 1, "quarter": 3}[cal.period]
    months = (d.year - cal.start.year) * 12 + d.month - cal.start.month
    return months // step + 1 if months >= 0 else 0


def _term(sc: Scenario, raw: dict[str, Any], where: tuple[Any, ...], label: str,
          bad: Any) -> tuple[int, float, float, str] | None:
    """A term fact's issue and its allowed interval on the 0-1 scale."""
    infos = {i.name: (k, i) for k, i in enumerate(sc.space.issues)}
    name = raw.get("issue")
    if name not in infos:
        bad((*where, "issue"), f"{label}.issue", f"{name!r} is not an issue of scenario {sc.name}; allowed: "
                                                 f"{', '.join(infos)}")
        return None
    k, info = infos[name]
    given = [key for key in ("value", "at_least", "at_most") if key in raw]
    if not given or ("value" in given and len(given) > 1):
        bad(where, label, "a term fact needs `value:` (with an optional `tolerance:`) or `at_least:` / `at_most:`")
        return None
    step = 1.0 / (len(info.levels) - 1) if info.kind == "ordinal" else 1.0

    def norm(key: str) -> float | None:
        try:
            return info.to_norm(raw[key])
        except ValueProblem as exc:
            bad((*where, key), f"{label}.{key}", str(exc))
            return None

    tol = raw.get("tolerance", 0)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or tol < 0:
        bad((*where, "tolerance"), f"{label}.tolerance", f"{tol!r} is not a tolerance; allowed: a number >= 0 "
                                                          "(issue units; levels for an ordinal issue)")
        return None
    if info.kind == "continuous":
        tol_n = tol / (info.hi - info.lo)
    elif info.kind == "ordinal":
        tol_n = tol * step
    else:
        tol_n = 0.0
    eps = 1e-6 if info.kind == "continuous" else step / 2 - 1e-9 if info.kind == "ordinal" else 0.49
    if "value" in given:
        v = norm("value")
        if v is None:
            return None
        return k, v - tol_n - eps, v + tol_n + eps, (f"{name} = {raw['value']}"
                                                     + (f" ± {tol}" if tol else ""))
    lo, hi, parts = -1.0, 2.0, []
    if "at_least" in given:
        v = norm("at_least")
        if v is None:
            return None
        lo = v - eps
        parts.append(f"{name} >= {raw['at_least']}")
    if "at_most" in given:
        v = norm("at_most")
        if v is None:
            return None
        hi = v + eps
        parts.append(f"{name} <= {raw['at_most']}")
    return k, lo, hi, " and ".join(parts)


__all__ = ["FACT_KINDS", "Fact", "History", "compile_history", "empty_history", "history_from_text", "load_history"]
