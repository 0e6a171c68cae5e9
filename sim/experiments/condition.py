"""Condition an ensemble on a history of observations, and backtest its forecasts: compute only.

**Conditioning is rejection sampling** (exact approximate Bayesian computation with a
tolerance on observed terms): every replication is a draw from the scenario's prior (its
uncertain and private parameters, events, noise) together with a whole simulated history;
the replications whose history agrees with every fact are draws from the posterior, and
their futures are the forecast given the history. Weights are 0 or 1, so the effective
sample size (Kish's (Σw)²/Σw²) is the number of accepted replications.

**Growth.** The ensemble starts with the run's replications and grows in further blocks
(keyed by block index, like every run: the same seed gives the same blocks) until the
accepted replications reach ``target_ess`` or the ensemble reaches ``cap``. An empty history
accepts everything and adds no block, so its forecast is the unconditioned run's exactly.

No ABC library: pyabc and ELFI drive a Python callable one parameter set at a time (with a
database and their own samplers), while the engine plays thousands of replications per call
on arrays; with 0/1 acceptance the whole method is the few lines below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.analysis.scores import brier, log_score
from sim.analysis.summaries import summarize, wilson
from sim.engine.outcomes import COLUMNS, DEADLINE, DEAL, KINDS, Outcomes
from sim.ensemble.blocks import Progress, Task, layout, play_task
from sim.ensemble.executors import InlineExecutor
from sim.errors import UsageError
from sim.scenario.history import History
from sim.scenario.load import Scenario

PROTOCOL = "alternating_offers"  # facts are about rounds, so the protocol that plays them


class TooUnlikely(UsageError):
    """The history is so unlikely under the scenario that too few replications agree with it."""


def _check(sc: Scenario, protocol: str) -> None:
    if protocol != PROTOCOL:
        raise UsageError(f"conditioning needs a protocol that plays rounds ({PROTOCOL}); {protocol} does not")


def fact_columns(sc: Scenario, history: History, out: Outcomes) -> np.ndarray:
    """(n, F) whether each replication's simulated history agrees with each fact."""
    n = out.n
    cols = np.ones((n, len(history.facts)), dtype=bool)
    rec = [f.round for f in history.facts if f.kind == "term"]
    rounds = sorted(set(rec))
    for j, f in enumerate(history.facts):
        ended_by = (out.kind != DEADLINE) & (out.round <= f.round)
        if f.kind == "no_agreement":
            cols[:, j] = ~(ended_by & (out.kind == DEAL))
        elif f.kind == "ending":
            did = ended_by & (out.kind == f.target)
            cols[:, j] = did if f.happened else ~did
        elif f.kind == "event":
            ev = sc.events[f.target]
            did = out.fired[:, f.target] & (ev.round <= f.round)
            cols[:, j] = did if f.happened else ~did
        elif f.kind == "action":
            first = out.history["action_round"][:, f.target]
            did = (first > 0) & (first <= f.round)
            cols[:, j] = did if f.happened else ~did
        else:
            x = out.history["standing"][:, rounds.index(f.round), f.target]
            cols[:, j] = (x >= f.lo) & (x <= f.hi)
    return cols


def record_rounds(history: History) -> tuple[int, ...]:
    """The rounds whose standing terms the engine must keep for this history's term facts."""
    return tuple(sorted({f.round for f in history.facts if f.kind == "term"}))


def subset(out: Outcomes, mask: np.ndarray) -> Outcomes:
    """The replications where ``mask`` holds, in order (traces dropped: their row numbers would not match)."""
    cols = {k: getattr(out, k)[mask] for k in COLUMNS}
    return Outcomes(protocol=out.protocol, **cols, draws={k: v[mask] for k, v in out.draws.items()},
                    history={k: v[mask] for k, v in out.history.items()})


@dataclass
class Conditioned:
    """An ensemble conditioned on a history.

    Attributes:
        scenario: The scenario.
        history: The facts conditioned on.
        outcomes: Every simulated replication (the prior ensemble), in block order.
        columns: (n, F) agreement of each replication with each fact.
        accepted: (n,) agreement with all facts.
        seed: Root seed.
        initial: Replications of the first batch (the run's size).
        target_ess: Effective sample size aimed at.
        cap: Largest ensemble allowed.
        growth: Ensemble size after each batch.

    """

    scenario: Scenario
    history: History
    outcomes: Outcomes
    columns: np.ndarray
    accepted: np.ndarray
    seed: int
    initial: int
    target_ess: int
    cap: int
    growth: list[int] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Replications simulated."""
        return self.outcomes.n

    @property
    def ess(self) -> float:
        """Kish's effective sample size of the 0/1 weights (the accepted count)."""
        return effective_sample_size(self.accepted.astype(float))

    @property
    def acceptance_rate(self) -> float:
        """Share of simulated replications that agree with the history."""
        return float(self.accepted.mean()) if self.n else 0.0

    def posterior(self) -> Outcomes:
        """The accepted replications."""
        return self.outcomes if self.accepted.all() else subset(self.outcomes, self.accepted)


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (0 for no weight)."""
    s2 = float((w * w).sum())
    return float(w.sum()) ** 2 / s2 if s2 > 0 else 0.0


def simulate_blocks(sc: Scenario, blocks: list[tuple[int, int, int]], *, seed: int, record: tuple[int, ...],
                    executor: Any = None, progress: Progress | None = None) -> Outcomes:
    """Play the given blocks (index, first replication, size) of the scenario, joined in block order."""
    tasks = [Task(sc, PROTOCOL, seed, (b,), (), 0, record) for b in blocks]
    results: dict[int, Outcomes] = {}
    for i, out in (executor or InlineExecutor()).imap(play_task, tasks):
        results[i] = out
        if progress:
            progress(out.n)
    return Outcomes.concat([results[i] for i in range(len(tasks))])


def condition(sc: Scenario, history: History, *, replications: int | None = None, seed: int | None = None,
              target_ess: int = 1000, cap: int = 50_000, min_ess: int = 100, executor: Any = None,
              progress: Progress | None = None) -> Conditioned:
    """Simulate the scenario and keep the replications that agree with ``history``.

    Args:
        sc: The scenario (played with the alternating-offers protocol).
        history: The facts (:func:`sim.scenario.history.load_history`).
        replications: The first batch; defaults to ``run.replications``.
        seed: Defaults to ``run.seed``.
        target_ess: Grow the ensemble until this many replications agree (or ``cap``).
        cap: Never simulate more replications than this.
        min_ess: Fewer agreeing replications than this at ``cap`` is an error.
        executor: From :mod:`sim.ensemble.executors`; inline by default.
        progress: Called with replications finished.

    Raises:
        TooUnlikely: Fewer than ``min_ess`` replications of ``cap`` agree with the history.

    """
    protocol = sc.spec.protocol.name
    _check(sc, protocol)
    reps = replications or sc.spec.run.replications
    seed = sc.spec.run.seed if seed is None else seed
    cap = max(cap, reps)
    bs = sc.spec.run.block_size
    record = record_rounds(history)
    parts: list[Outcomes] = []
    growth: list[int] = []
    blocks = layout(reps, bs)  # the first batch is exactly a plain run's blocks
    n = 0
    while True:
        parts.append(simulate_blocks(sc, blocks, seed=seed, record=record, executor=executor, progress=progress))
        n += sum(size for _, _, size in blocks)
        growth.append(n)
        out = Outcomes.concat(parts) if len(parts) > 1 else parts[0]
        cols = fact_columns(sc, history, out)
        acc = cols.all(axis=1)
        k = int(acc.sum())
        if k >= target_ess or n >= cap or not history.facts:  # nothing observed: the plain run, exactly
            break
        # the next batch: enough for the target at the rate seen so far (doubling when none agreed),
        # in whole blocks so every replication keeps the number it has in a plain run
        need = min(cap - n, n if k == 0 else math.ceil((target_ess - k) * n / k * 1.1))
        first = blocks[-1][0] + 1  # fresh block indices: never a block the ensemble already has
        sizes = [min(bs, need - i) for i in range(0, need, bs)]
        blocks = [(first + i, n + sum(sizes[:i]), size) for i, size in enumerate(sizes)]
    result = Conditioned(sc, history, out, cols, acc, seed, reps, target_ess, cap, growth)
    if k < min(min_ess, target_ess):
        raise TooUnlikely(unlikely_message(result, min(min_ess, target_ess)))
    return result


def unlikely_message(c: Conditioned, need: int) -> str:
    """One line: how few agree, and the fact after which (in date order) the fewest remain."""
    alive = np.ones(c.n, dtype=bool)
    culprit = ""
    for j, f in enumerate(c.history.facts):
        before = int(alive.sum())
        alive &= c.columns[:, j]
        if before and not culprit and alive.sum() < need:
            culprit = (f"; it is '{f.text}' (line {f.line}) that leaves {int(alive.sum()):,} of the {before:,} "
                       f"replications agreeing with the facts before it")
    return (f"the history {c.history.file or c.history.name} is too unlikely under scenario {c.scenario.name}: "
            f"{int(c.accepted.sum())} of {c.n:,} replications agree with it (at least {need} needed){culprit}; "
            "check the facts against the scenario, or raise --cap")


# -- what the history says ---------------------------------------------------------------


def parameter_shift(c: Conditioned) -> list[dict[str, Any]]:
    """Prior versus posterior of every uncertain and private parameter (internal scale).

    ``ks_p`` is the two-sample Kolmogorov-Smirnov p-value of accepted against rejected
    draws: small when the history tells the parameter's values apart.
    """
    from scipy.stats import ks_2samp  # scipy.stats costs ~0.5 s to import

    rows = []
    acc = c.accepted
    for dist in c.scenario.spec.uncertainty:
        x = c.outcomes.draws[dist.param]
        post = x[acc]
        rej = x[~acc]
        sd = float(x.std()) or 1.0
        p = float(ks_2samp(post, rej).pvalue) if len(post) and len(rej) else 1.0
        shift = (float(post.mean()) - float(x.mean())) / sd if len(post) else float("nan")
        verdict = ("no information (all agree)" if not len(rej) else
                   "moved" if p < 0.01 and abs(shift) >= 0.05 else "not moved")
        rows.append({"param": dist.param, "private": bool(getattr(dist, "private", False)),
                     "prior_mean": float(x.mean()), "posterior_mean": float(post.mean()) if len(post) else None,
                     "prior_q": np.quantile(x, [0.05, 0.5, 0.95]).tolist(),
                     "posterior_q": np.quantile(post, [0.05, 0.5, 0.95]).tolist() if len(post) else None,
                     "shift_sd": shift, "ks_p": p, "verdict": verdict})
    return rows


def endings_from(sc: Scenario, out: Outcomes, t0: int) -> dict[str, Any]:
    """Cumulative share of each ending by round, from round ``t0 + 1`` to the horizon, with Wilson intervals."""
    T = sc.spec.protocol.rounds
    rounds = list(range(t0 + 1, T + 1))
    cal = sc.calendar
    series = {}
    for kname in KINDS:
        if kname == "deadline":
            continue
        k = KINDS.index(kname)
        hit = out.kind == k
        if not hit.any():
            continue
        cum = [int((hit & (out.round <= t)).sum()) for t in rounds]
        series[kname] = {"p": [x / out.n for x in cum], "lo": [wilson(x, out.n)[0] for x in cum],
                         "hi": [wilson(x, out.n)[1] for x in cum]}
    return {"rounds": rounds, "labels": [cal.label(t) if cal else str(t) for t in rounds], "series": series,
            "n": out.n}


def forecast(c: Conditioned) -> dict[str, Any]:
    """The summary of the posterior (forecast given the history) beside the prior's (unconditioned)."""
    sc = c.scenario
    post = c.posterior()
    t0 = c.history.last_round
    return {
        "posterior": summarize(sc, post) if post.n else None,
        "prior": summarize(sc, c.outcomes),
        "endings_from": {"posterior": endings_from(sc, post, t0) if post.n else None,
                         "prior": endings_from(sc, c.outcomes, t0)},
        "last_observed": t0,
    }


# -- backtesting -------------------------------------------------------------------------


@dataclass
class Backtest:
    """Forecasts issued at each milestone from what was known then, and their scores.

    Attributes:
        conditioned: The ensemble conditioned on the whole history (its columns serve every milestone).
        milestones: Rounds at whose end forecasts were issued (0: before any fact).
        indicators: Indicator → per milestone {p, lo, hi, n}.
        forecasts: One row per (milestone, later fact): p, brier, log score.
        scores: Mean Brier and log score over all rows, and per milestone.

    """

    conditioned: Conditioned
    milestones: list[int]
    indicators: dict[str, list[dict[str, float]]]
    forecasts: list[dict[str, Any]]
    scores: dict[str, Any]


def backtest(c: Conditioned) -> Backtest:
    """Issue a forecast at the start and at each dated milestone, each from the facts known then.

    Each later fact is a yes-or-no question that resolved "yes" (it is what happened); a
    forecast is the share of the replications agreeing with the facts known then in which
    it holds. The log score clips at half a replication (``eps = 0.5 / n``).
    """
    sc, h = c.scenario, c.history
    milestones = [0, *h.rounds]
    ind_cols = c.outcomes.indicators(sc)
    indicators: dict[str, list[dict[str, float]]] = {k: [] for k in ind_cols}
    rows = []
    cal = sc.calendar
    for m in milestones:
        known = np.array([f.round <= m for f in h.facts], dtype=bool)
        mask = c.columns[:, known].all(axis=1) if known.any() else np.ones(c.n, dtype=bool)
        n = int(mask.sum())
        for k, col in ind_cols.items():
            x = int(col[mask].sum())
            lo, hi = wilson(x, n)
            indicators[k].append({"p": x / n if n else float("nan"), "lo": lo, "hi": hi, "n": n})
        for j, f in enumerate(h.facts):
            if f.round <= m:
                continue
            p = float(c.columns[mask, j].mean()) if n else float("nan")
            rows.append({"issued": m, "issued_label": _label(cal, m), "fact": f.text, "resolved": f.round,
                         "resolved_label": f.when, "p": p, "n": n, "brier": float(brier(p, True)),
                         "log": float(log_score(p, True, eps=0.5 / max(n, 1)))})
    by = {}
    for m in milestones:
        r = [x for x in rows if x["issued"] == m]
        if r:
            by[_label(cal, m)] = {"brier": float(np.mean([x["brier"] for x in r])),
                                  "log": float(np.mean([x["log"] for x in r])), "questions": len(r)}
    scores = {"brier": float(np.mean([x["brier"] for x in rows])) if rows else None,
              "log": float(np.mean([x["log"] for x in rows])) if rows else None,
              "questions": len(rows), "by_milestone": by}
    return Backtest(c, milestones, indicators, rows, scores)


def _label(cal: Any, m: int) -> str:
    if m == 0:
        return "start" if cal is None else f"before {cal.label(1)}"
    return cal.label(m) if cal else f"round {m}"


__all__ = ["Backtest", "Conditioned", "TooUnlikely", "backtest", "condition", "effective_sample_size",
           "fact_columns", "forecast", "parameter_shift", "subset"]
