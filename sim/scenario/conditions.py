"""Declared conditions: outcome indicators and red lines as data, never code.

Grammar (YAML):

* ``{issue: tartus_presence, op: ">=", value: reduced}``: a test on the final terms;
* ``{outcome: deal}`` or ``{outcome: [breakdown, deadline]}``: the kind of ending;
* ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``: combinations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.space import IssueSpace, ValueProblem

#: The ways a negotiation ends (sim.engine.outcomes.KINDS is this tuple).
OUTCOME_KINDS = ("deal", "breakdown", "deadline", "forced_exit", "withdrawal")
OPS = (">=", "<=", "==", "!=", ">", "<")
_EPS = 1e-9


class ConditionProblem(ValueError):
    """A malformed condition; ``path`` is relative to the condition's own path."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Cond:
    """A compiled condition tree node."""

    op: str
    issue: int = -1
    value: float = 0.0
    kinds: tuple[int, ...] = ()
    children: tuple[Cond, ...] = ()

    def evaluate(self, terms: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """Evaluate on final terms (R, I) on the 0-1 scale and kind codes (R,)."""
        if self.op == "all":
            out = np.ones(len(kind), dtype=bool)
            for c in self.children:
                out &= c.evaluate(terms, kind)
            return out
        if self.op == "any":
            out = np.zeros(len(kind), dtype=bool)
            for c in self.children:
                out |= c.evaluate(terms, kind)
            return out
        if self.op == "not":
            return ~self.children[0].evaluate(terms, kind)
        if self.op == "outcome":
            return np.isin(kind, self.kinds)
        return compare(terms[..., self.issue], self.op, self.value)


def compare(x: np.ndarray, op: str, v: float) -> np.ndarray:
    """Compare 0-1 values with a tolerance, so ordinal levels compare exactly."""
    if op == ">=":
        return x >= v - _EPS
    if op == "<=":
        return x <= v + _EPS
    if op == ">":
        return x > v + _EPS
    if op == "<":
        return x < v - _EPS
    if op == "==":
        return np.abs(x - v) <= _EPS
    return np.abs(x - v) > _EPS


def compile_condition(raw: Any, space: IssueSpace) -> Cond:
    """Turn a declared condition into a :class:`Cond`.

    Raises:
        ConditionProblem: With the sub-path and a message saying what is allowed.

    """
    if not isinstance(raw, dict) or not raw:
        what = "the condition is empty" if raw in ({}, None, []) else f"{raw!r} is not a condition"
        raise ConditionProblem((), f"{what}; allowed: a mapping {{issue, op, value}}, {{outcome: ...}}, "
                                   "{all: [...]}, {any: [...]} or {not: ...}")
    keys = set(raw)
    if keys in ({"all"}, {"any"}):
        op = next(iter(keys))
        items = raw[op]
        if not isinstance(items, list) or not items:
            raise ConditionProblem((op,), f"{op} needs a non-empty list of conditions")
        kids = []
        for i, item in enumerate(items):
            try:
                kids.append(compile_condition(item, space))
            except ConditionProblem as exc:
                raise ConditionProblem((op, i, *exc.path), str(exc)) from None
        return Cond(op, children=tuple(kids))
    if keys == {"not"}:
        try:
            return Cond("not", children=(compile_condition(raw["not"], space),))
        except ConditionProblem as exc:
            raise ConditionProblem(("not", *exc.path), str(exc)) from None
    if keys == {"outcome"}:
        kinds = raw["outcome"] if isinstance(raw["outcome"], list) else [raw["outcome"]]
        for k in kinds:
            if k not in OUTCOME_KINDS:
                raise ConditionProblem(("outcome",),
                                       f"'{k}' is not an outcome kind; allowed: {', '.join(OUTCOME_KINDS)}")
        return Cond("outcome", kinds=tuple(OUTCOME_KINDS.index(k) for k in kinds))
    if keys - {"note", "source"} == {"issue", "op", "value"}:
        if raw["issue"] not in space.names:
            raise ConditionProblem(("issue",), f"no issue named '{raw['issue']}'; allowed: {', '.join(space.names)}")
        if raw["op"] not in OPS:
            raise ConditionProblem(("op",), f"'{raw['op']}' is not a comparison; allowed: {' '.join(OPS)}")
        i = space.index(raw["issue"])
        try:
            v = space.issues[i].to_norm(raw["value"])
        except ValueProblem as exc:
            raise ConditionProblem(("value",), str(exc)) from None
        return Cond(raw["op"], issue=i, value=v)
    unknown = sorted(keys - {"issue", "op", "value", "outcome", "all", "any", "not", "note", "source"})
    if unknown:
        raise ConditionProblem((unknown[0],), f"unknown key '{unknown[0]}' in a condition; allowed: "
                                              "issue+op+value, outcome, all, any, not")
    missing = sorted({"issue", "op", "value"} - keys)
    raise ConditionProblem((), f"an issue condition needs issue, op and value; missing: {', '.join(missing)}")
