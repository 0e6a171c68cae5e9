"""Narrate one replication round by round: who proposed what, who accepted, and why."""

from __future__ import annotations

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.outcomes import KINDS, Outcomes, Trace
from sim.engine.planner import PASS, WALK
from sim.scenario.load import Scenario


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
        you: The actor a person plays: named "(you)", and their answers are not explained by noise.

    """
    def name(a: int) -> str:
        return sc.actors[a] + (" (you)" if a == you else "")

    lines = []
    deal_only = list(sc.space.deal_disc) + list(sc.space.deal_cont)
    linked = [r.issue for r in sc.linkage]
    for t in range(rounds):
        p = int(trace.proposer[t][row])
        pname = name(p)
        act = int(trace.action[t][row])
        head = f"Round {t + 1}:"
        if trace.fired[t]:
            lines.append(f"{head} event(s) fire: {', '.join(trace.fired[t])}.")
        if act == PASS:
            lines.append(f"{head} {pname} makes no offer: nothing it could offer beats waiting "
                         f"(its value of going on is {trace.continuation[t][row][p]:.3f}).")
            continue
        if act == WALK:
            lines.append(f"{head} {pname} walks out: its outside option {trace.walk_value[t][row][p]:.3f} beats "
                         f"anything the others would accept and the value of waiting "
                         f"({trace.continuation[t][row][p]:.3f}).")
            continue
        offer = trace.offer[t][row]
        lines.append(f"{head} {pname} proposes {_fmt_terms(sc, offer, deal_only)}.")
        if linked:
            lines.append(f"    Outsiders' conditional offers then stand at {_fmt_terms(sc, offer, linked)}.")
        for j in sc.signatories:
            if j == p:
                continue
            u = trace.offer_utility[t][row][j]
            b = trace.walk_value[t][row][j]
            c = trace.continuation[t][row][j]
            r = max(b, c)
            accepted = bool(trace.accepted[t][row][j])
            verdict = "accepts" if accepted else "refuses"
            basis = "its outside option" if b >= c else "the discounted value of going on"
            note = ""
            if noise > 0 and accepted != (u >= r) and j != you:
                p_acc = 1.0 / (1.0 + np.exp(-(u - r) / noise))
                note = (f" Against the odds: with acceptance noise {noise:.3f} such an offer is accepted "
                        f"with probability {p_acc:.0%} (bounded rationality).")
            lines.append(f"    {name(j)} {verdict}: the offer is worth {u:.3f} to it; it needs {r:.3f}, "
                         f"the larger of its outside option ({b:.3f}) and the value of waiting ({c:.3f}), "
                         f"here {basis}.{note}")
    return lines


def outcome_lines(sc: Scenario, kind: int, end: int, proposer: int, walker: int, terms: np.ndarray,
                  payoff: np.ndarray) -> list[str]:
    """How a negotiation ended: the outcome, the final terms and every actor's utility."""
    lines = []
    if KINDS[kind] == "deal":
        lines.append(f"Outcome: deal in round {end}, proposed by {sc.actors[proposer]}.")
    elif KINDS[kind] == "breakdown":
        lines.append(f"Outcome: breakdown in round {end}; {sc.actors[walker]} walked out.")
    else:
        lines.append(f"Outcome: no deal by the deadline (round {end}); the status quo holds.")
    lines.append(f"Final terms: {_fmt_terms(sc, terms)}.")
    lines.append("Utilities: " + ", ".join(f"{a} {payoff[j]:.3f}" for j, a in enumerate(sc.actors)))
    return lines


def _user(sc: Scenario, path: str, v: float) -> str:
    pdef = sc.params.get(path)
    if pdef is not None and pdef.issue is not None:
        return str(pdef.issue.to_user(float(v)))
    return f"{v:.3f}"
