"""From outcomes to answers: probabilities with intervals, terms, timing and reasons.

Intervals for probabilities are Wilson score intervals (Wilson 1927), which keep their
coverage near 0 and 1 where the normal approximation fails.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.engine.outcomes import DEADLINE, KINDS, Outcomes
from sim.scenario.load import Scenario
from sim.scenario.params import describe

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # clamp to [0, 1] and to the estimate itself: rounding can put 1e-18 above p = 0
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def proportion(flags: np.ndarray) -> dict[str, float]:
    """Share of True with its 95% Wilson interval."""
    k, n = int(np.sum(flags)), len(flags)
    lo, hi = wilson(k, n)
    return {"p": k / n if n else float("nan"), "lo": lo, "hi": hi, "k": k, "n": n}


def summarize(sc: Scenario, out: Outcomes) -> dict[str, Any]:
    """Everything a report states about one ensemble.

    Returns:
        A JSON-ready dict: indicators (p, lo, hi), outcome kinds, rounds, terms, utilities
        and reasons (walk-outs, drivers).

    """
    ind = out.indicators(sc)
    deal = out.kind == 0
    summary: dict[str, Any] = {
        "scenario": sc.name,
        "protocol": out.protocol,
        "replications": out.n,
        "indicators": {name: {**proportion(col), "label": sc.spec.outcomes[name].label or name}
                       for name, col in ind.items()},
        "outcome_kinds": {k: proportion(out.kind == i) for i, k in enumerate(KINDS)},
        "deal_round": _rounds(out.round[deal]),
        "terms_if_deal": _terms(sc, out.terms[deal]),
        "utility_mean": {a: float(out.payoff[:, j].mean()) for j, a in enumerate(sc.actors)},
        "timeline": timeline(sc, out),
        "reasons": reasons(sc, out, ind),
    }
    return summary


#: Outcome kinds in plain words (reports, legends).
KIND_LABELS = {"deal": "deal signed", "breakdown": "walk-out", "deadline": "no deal: the status quo stands",
               "forced_exit": "forced exit (eviction)", "withdrawal": "withdrawal"}


def round_labels(sc: Scenario) -> list[str]:
    """The label of every round 1..T: its month (``2025-03``) with timing, else ``round t``."""
    T = sc.spec.protocol.rounds
    if sc.calendar is None:
        return [f"round {t}" for t in range(1, T + 1)]
    return [sc.calendar.label(t) for t in range(1, T + 1)]


def timeline(sc: Scenario, out: Outcomes) -> dict[str, Any]:
    """Cumulative incidence of every outcome kind, round by round, with 95% intervals.

    For each round *t* (a dated month with ``timing:``) and each kind *k*, the share of
    replications ended in kind *k* by round *t*. Every replication is followed to the
    horizon (no censoring), so the plain proportion is the cumulative incidence. The
    status quo at the horizon (kind ``deadline``) counts at the last round.

    Returns:
        A JSON-ready dict: ``rounds`` (labels), and per kind that occurs, ``share``, ``lo``,
        ``hi`` (lists over rounds); ``ongoing`` (still negotiating after each round); the
        deal-time quartiles in rounds and as labels. The horizon's status quo (kind
        ``deadline``) is counted at the last round.

    """
    T = sc.spec.protocol.rounds
    labels = round_labels(sc)
    n = max(out.n, 1)
    ended = np.zeros(T)
    kinds: dict[str, Any] = {}
    for k, name in enumerate(KINDS):
        mask = out.kind == k
        if not mask.any():
            continue
        counts = np.bincount(np.clip(out.round[mask], 1, T), minlength=T + 1)[1:]
        if k == DEADLINE:  # the status quo at the horizon: settled only then
            counts = np.zeros(T, dtype=int)
            counts[-1] = int(mask.sum())
        cum = np.cumsum(counts)
        ends = [wilson(int(c), out.n) for c in cum]
        kinds[name] = {"label": KIND_LABELS[name], "share": (cum / n).tolist(),
                       "lo": [e[0] for e in ends], "hi": [e[1] for e in ends]}
        if k != DEADLINE:
            ended += cum
    deal_rounds = out.round[out.kind == KINDS.index("deal")]
    quart = {}
    if len(deal_rounds):
        q = np.quantile(deal_rounds, [0.25, 0.5, 0.75], method="inverted_cdf").astype(int)
        quart = {"q25": int(q[0]), "median": int(q[1]), "q75": int(q[2]),
                 "labels": [labels[int(x) - 1] for x in q]}
    return {"rounds": labels, "kinds": kinds, "ongoing": (1.0 - ended / n).tolist(), "deal_time": quart}


def _rounds(r: np.ndarray) -> dict[str, Any]:
    if len(r) == 0:
        return {"n": 0}
    return {"n": len(r), "mean": float(r.mean()), "median": float(np.median(r)),
            "p90": float(np.quantile(r, 0.9)), "histogram": np.bincount(r).tolist()}


def _terms(sc: Scenario, terms: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, info in enumerate(sc.space.issues):
        x = terms[:, i]
        if len(x) == 0:
            out[info.name] = {"n": 0}
        elif info.kind == "continuous":
            v = info.lo + x * (info.hi - info.lo)
            q = np.quantile(v, [0.05, 0.5, 0.95])
            out[info.name] = {"units": info.units, "mean": float(v.mean()), "q05": float(q[0]),
                              "median": float(q[1]), "q95": float(q[2])}
        else:
            levels = info.levels if info.kind == "ordinal" else ("false", "true")
            idx = np.rint(x * (len(levels) - 1)).astype(int)
            counts = np.bincount(idx, minlength=len(levels))
            out[info.name] = {lvl: float(c / len(x)) for lvl, c in zip(levels, counts, strict=True)}
    return out


def reasons(sc: Scenario, out: Outcomes, ind: dict[str, np.ndarray]) -> dict[str, Any]:
    """Why outcomes differ: walk-outs, proposers of deals, and what moves each indicator.

    Which drawn assumptions or events move each indicator is measured by correlation.

    Drivers are ranked by the absolute point-biserial correlation between the indicator and
    each varying parameter or event; ``diff`` is the parameter's mean when the indicator
    holds minus its mean when it does not (internal 0-1 scale for issue values).
    """
    walk = out.walker[out.kind == 1]
    prop = out.proposer[out.kind == 0]
    why: dict[str, Any] = {
        "walked_out": {a: int(np.sum(walk == j)) for j, a in enumerate(sc.actors) if np.any(walk == j)},
        "deal_proposed_by": {a: int(np.sum(prop == j)) for j, a in enumerate(sc.actors) if np.any(prop == j)},
        "mean_rejections": float(out.rejections.mean()),
        "drivers": {},
    }
    factors: dict[str, np.ndarray] = {p: v for p, v in out.draws.items() if np.ptp(v) > 0}
    for e, ev in enumerate(sc.spec.events):
        if out.fired[:, e].any() and not out.fired[:, e].all():
            factors[f"event:{ev.name}"] = out.fired[:, e].astype(float)
    for name, flag in ind.items():
        if flag.all() or not flag.any():
            continue
        rows = []
        y = flag.astype(float)
        for path, x in factors.items():
            r = float(np.corrcoef(x, y)[0, 1])
            if not np.isfinite(r):
                continue
            rows.append({"factor": path, "label": describe(sc, path), "r": r,
                         "diff": float(x[flag].mean() - x[~flag].mean())})
        rows.sort(key=lambda d: -abs(d["r"]))
        why["drivers"][name] = rows[:5]
    return why


def why_lines(sc: Scenario, summary: dict[str, Any]) -> list[str]:
    """One sentence per indicator naming its strongest driver."""
    lines = []
    for name, rows in summary["reasons"]["drivers"].items():
        if rows:
            top = rows[0]
            sign = "more" if top["r"] > 0 else "less"
            what = top.get("label", top["factor"])
            higher = "when it fires" if top["factor"].startswith("event:") else "the higher it is"
            lines.append(f"{sc.spec.outcomes[name].label or name}: {sign} likely with [{what}], {higher} "
                         f"(r = {top['r']:+.2f})")
    return lines
