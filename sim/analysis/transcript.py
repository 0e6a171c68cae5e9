"""Narrate one replication round by round: who proposed what, who accepted, and why."""

from __future__ import annotations

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.moves import IMPLICIT_WALK
from sim.engine.outcomes import KINDS, Outcomes, Trace
from sim.engine.planner import PASS, WALK
from sim.scenario.load import Scenario
from sim.scenario.params import describe


def _fmt_terms(sc: Scenario, x: np.ndarray, only: list[int] | None = None) -> str:
    parts = []
    for i, info in enumerate(sc.space.issues):
        if only is not None and i not in only:
            continue
        v = info.to_user(float(x[i]))
        if info.kind == "continuous":
            parts.append(f"{info.name}={v:.2f}")
        else:
            parts.append(f"{info.name}={str(v).lower()}")
    return ", ".join(parts)


def narrate(sc: Scenario, out: Outcomes, replication: int) -> list[str]:
    """Lines of plain text telling replication ``replication``'s story.

    The replication must have been traced (``trace`` > replication in :func:`sim.ensemble.blocks.simulate`).

    Raises:
        ValueError: If the replication was not traced.

    """
    trace: Trace | None = None
    row = -1
    for tr in out.traces:
        hits = np.flatnonzero(tr.rows == replication)
        if len(hits):
            trace, row = tr, int(hits[0])
    if trace is None:
        raise ValueError(f"replication {replication} was not traced")
    lines = [f"Replication {replication} of {sc.name} ({out.protocol})."]
    drawn = {k: v[replication] for k, v in out.draws.items()}
    if drawn:
        lines.append("Drawn assumptions: " + "; ".join(f"{k} = {_user(sc, k, v)}" for k, v in drawn.items()))
    end = int(out.round[replication])
    noise = out.draws.get("protocol.noise")
    lam = float(noise[replication]) if noise is not None else sc.params["protocol.noise"].default
    lines += narrate_rounds(sc, trace, row, end, lam)
    lines += outcome_lines(sc, int(out.kind[replication]), end, int(out.proposer[replication]),
                           int(out.walker[replication]), out.terms[replication], out.payoff[replication])
    return lines


def narrate_model(m: NegotiationModel, row: int = 0, you: int | None = None) -> list[str]:
    """Tell the story so far of traced row ``row`` of a live or finished model (the web app's transcript).

    Args:
        m: A model made with ``trace`` containing ``row``.
        row: Position in the model's traced rows.
        you: The actor a person plays (role-play), named "(you)" in the story.

    """
    if m.trace is None:
        raise ValueError("the model was made without trace")
    r = int(m.trace.rows[row])
    lines = narrate_rounds(m.sc, m.trace, row, len(m.trace.proposer), float(m.state.noise[r]), you)
    if m.done[r]:
        lines += outcome_lines(m.sc, int(m.kind[r]), int(m.end_round[r]), int(m.proposer[r]), int(m.walker[r]),
                               m.terms[r], m.payoff[r])
    return lines


def narrate_rounds(sc: Scenario, trace: Trace, row: int, rounds: int, noise: float,
                   you: int | None = None) -> list[str]:
    """One paragraph per round for the first ``rounds`` rounds of traced row ``row``.

    Args:
        sc: The scenario.
        trace: The round-by-round record.
        row: Position in ``trace.rows``.
        rounds: How many rounds to tell.
        noise: The replication's acceptance noise (explains refusals against the odds).
        you: The actor a person plays: named "(you)", their answers are not explained by
            noise, and the others' private numbers (reservations, values of waiting,
            outside options) are not shown: a player sees moves, not minds.

    """
    def name(a: int) -> str:
        return sc.actors[a] + (" (you)" if a == you else "")

    def private(a: int) -> bool:  # numbers the person may not see
        return you is not None and a != you

    lines = []
    deal_only = list(sc.space.deal_disc) + list(sc.space.deal_cont)
    linked = [r.issue for r in sc.linkage]
    for t in range(rounds):
        p = int(trace.proposer[t][row])
        pname = name(p)
        act = int(trace.action[t][row])
        head = f"{when(sc, t + 1)}:"
        if trace.fired[t]:
            lines.append(f"{head} event(s) fire: {', '.join(trace.fired[t])}.")
        if act == PASS:
            why = "" if private(p) else (f": nothing it could offer beats waiting "
                                         f"(its value of going on is {trace.continuation[t][row][p]:.3f})")
            lines.append(f"{head} {pname} makes no offer{why}.")
        elif act == WALK:
            lines.append(f"{head} {pname} {_move_words(sc, trace, t, row, p)}"
                         + ("." if private(p) else f": worth {trace.walk_value[t][row][p]:.3f} to it against "
                            f"{trace.continuation[t][row][p]:.3f} for waiting."))
        else:
            offer = trace.offer[t][row]
            lines.append(f"{head} {pname} proposes {_fmt_terms(sc, offer, deal_only)}.")
            if linked:
                lines.append(f"    Outsiders' conditional offers then stand at {_fmt_terms(sc, offer, linked)}.")
            for j in sc.signatories:
                if j == p:
                    continue
                lines.append("    " + _answer(sc, trace, t, row, j, name(j), noise, you, private(j)))
                if _moved(trace, t, row) == j:
                    lines.append(f"    {name(j)} then {_move_words(sc, trace, t, row, j)}.")
        lines += _belief_lines(sc, trace, t, row, you)
    return lines


def when(sc: Scenario, t: int) -> str:
    """``Round 3`` or, with dated rounds, ``Round 3 (2025-03)``."""
    return f"Round {t}" + (f" ({sc.calendar.label(t)})" if sc.calendar is not None else "")


def _answer(sc: Scenario, trace: Trace, t: int, row: int, j: int, who: str, noise: float, you: int | None,
            hidden: bool) -> str:
    accepted = bool(trace.accepted[t][row][j])
    verdict = "accepts" if accepted else "refuses"
    if hidden:
        return f"{who} {verdict}."
    u = trace.offer_utility[t][row][j]
    b = trace.walk_value[t][row][j]
    c = trace.continuation[t][row][j]
    r = max(b, c)
    basis = "its best move" if b >= c else "the value of going on"
    note = ""
    if noise > 0 and accepted != (u >= r) and j != you:
        p_acc = 1.0 / (1.0 + np.exp(-(u - r) / noise))
        note = (f" Against the odds: with acceptance noise {noise:.3f} such an offer is accepted "
                f"with probability {p_acc:.0%} (bounded rationality).")
    move = "outside option" if not sc.actions else "best move (an action)"
    best = f"{b:.3f}" if np.isfinite(b) else "none"
    return (f"{who} {verdict}: the offer is worth {u:.3f} to it; it needs {r:.3f}, the larger of its "
            f"{move} ({best}) and the value of waiting ({c:.3f}), here {basis}.{note}")


def _moved(trace: Trace, t: int, row: int) -> int:
    return int(trace.mover[t][row]) if trace.mover else -1


def _move_words(sc: Scenario, trace: Trace, t: int, row: int, actor: int) -> str:
    """What a unilateral move was, and whether it worked."""
    if not trace.move or int(trace.move[t][row]) == IMPLICIT_WALK or not sc.actions:
        return "walks out"
    k = int(trace.move[t][row])
    rule = sc.actions[k]
    worked = bool(trace.moved_ok[t][row])
    return f"acts: {rule.label} ({'it succeeds' if worked else 'it fails; the status quo stands'})"


def _belief_lines(sc: Scenario, trace: Trace, t: int, row: int, you: int | None) -> list[str]:
    """What the others now believe about each private type: the chance it is at least the prior's middle."""
    if not trace.beliefs:
        return []
    lines = []
    for j, post in trace.beliefs[t].items():
        grid = sc.types[j]
        observers = [sc.actors[a] for a in sc.signatories if a != j]
        if you is not None and you == j:
            continue  # a person does not need to be told what the others think of them
        for q, path in enumerate(grid.paths):
            values = grid.values[:, q]
            cut = float(np.quantile(values, 0.5, method="inverted_cdf"))
            high = values >= cut - 1e-12
            now, before = float(post[row][high].sum()), float(grid.weights[high].sum())
            if abs(now - before) < 0.005:
                continue  # nothing learned this round about this parameter
            mean = float((post[row] * values).sum())
            lines.append(f"    {', '.join(observers)} now put{'s' if len(observers) == 1 else ''} {now:.0%} on "
                         f"{describe(sc, path)} being at least {_user(sc, path, cut)} (prior {before:.0%}); "
                         f"expected {_user(sc, path, mean)}.")
    return lines


def outcome_lines(sc: Scenario, kind: int, end: int, proposer: int, walker: int, terms: np.ndarray,
                  payoff: np.ndarray) -> list[str]:
    """How a negotiation ended: the outcome, the final terms and every actor's utility."""
    lines = []
    at = when(sc, end).lower()
    name = KINDS[kind]
    if name == "deal":
        lines.append(f"Outcome: deal in {at}, proposed by {sc.actors[proposer]}.")
    elif name == "breakdown":
        lines.append(f"Outcome: breakdown in {at}; {sc.actors[walker]} walked out.")
    elif name == "forced_exit":
        lines.append(f"Outcome: forced exit in {at}: {sc.actors[walker]} ordered the other side out, and it left.")
    elif name == "withdrawal":
        lines.append(f"Outcome: withdrawal in {at}: {sc.actors[walker]} left for its other options.")
    else:
        lines.append(f"Outcome: no deal by the horizon ({at}); the status quo stands.")
    lines.append(f"Final terms: {_fmt_terms(sc, terms)}.")
    lines.append("Utilities: " + ", ".join(f"{a} {payoff[j]:.3f}" for j, a in enumerate(sc.actors)))
    return lines


def _user(sc: Scenario, path: str, v: float) -> str:
    pdef = sc.params.get(path)
    if pdef is not None and pdef.issue is not None:
        return str(pdef.issue.to_user(float(v)))
    return f"{v:.3f}"
