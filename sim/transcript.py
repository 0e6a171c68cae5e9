"""Narrate one replication round by round: who proposed what, who accepted, and why."""

from __future__ import annotations

import numpy as np

from sim.model import KINDS, Trace
from sim.outcomes import Outcomes
from sim.planner import PASS, PROPOSE, WALK
from sim.scenario import Scenario


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

    The replication must have been traced (``trace`` > replication in :func:`sim.ensemble.simulate`).

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
    if noise is None:
        noise = np.full(out.n, sc.params["protocol.noise"].default)
    deal_only = list(sc.space.deal_disc) + list(sc.space.deal_cont)
    for t in range(end):
        p = int(trace.proposer[t][row])
        pname = sc.actors[p]
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
        linked = [r.issue for r in sc.linkage]
        if linked:
            lines.append(f"    The West's conditional offer then stands at {_fmt_terms(sc, offer, linked)}.")
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
            lam = float(noise[replication]) if noise is not None else 0.0
            if lam > 0 and accepted != (u >= r):
                p_acc = 1.0 / (1.0 + np.exp(-(u - r) / lam))
                note = (f" Against the odds: with acceptance noise {lam:.3f} such an offer is accepted "
                        f"with probability {p_acc:.0%} (bounded rationality).")
            lines.append(f"    {sc.actors[j]} {verdict}: the offer is worth {u:.3f} to it; it needs {r:.3f}, "
                         f"the larger of its outside option ({b:.3f}) and the value of waiting ({c:.3f}), "
                         f"here {basis}.{note}")
    kind = KINDS[int(out.kind[replication])]
    final = _fmt_terms(sc, out.terms[replication])
    if kind == "deal":
        lines.append(f"Outcome: deal in round {end}, proposed by {sc.actors[int(out.proposer[replication])]}.")
    elif kind == "breakdown":
        lines.append(f"Outcome: breakdown in round {end}; {sc.actors[int(out.walker[replication])]} walked out.")
    else:
        lines.append(f"Outcome: no deal by the deadline (round {end}); the status quo holds.")
    lines.append(f"Final terms: {final}.")
    lines.append("Utilities: " + ", ".join(f"{a} {out.payoff[replication, j]:.3f}" for j, a in enumerate(sc.actors)))
    _ = PROPOSE
    return lines


def _user(sc: Scenario, path: str, v: float) -> str:
    pdef = sc.params.get(path)
    if pdef is not None and pdef.issue is not None:
        return str(pdef.issue.to_user(float(v)))
    return f"{v:.3f}"
