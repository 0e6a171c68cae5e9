"""The app's live figures of one negotiation: offers per issue, and what each offer is worth.

Plain matplotlib ``Figure`` objects (no pyplot: each browser session draws in its own
thread), read from a traced model's :class:`sim.engine.outcomes.Trace`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.engine.model import NegotiationModel

SIZE = (6.4, 3.6)


def offers(m: NegotiationModel, row: int = 0) -> Any:
    """Each deal issue's offered value per round (0 = its minimum or first level, 1 = its maximum or last)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.subplots()
    sc, tr = m.sc, m.trace
    rounds = np.arange(1, len(tr.proposer) + 1)
    deal = [*sc.space.deal_disc, *sc.space.deal_cont]
    made = np.array([a[row] == 0 for a in tr.action], dtype=bool)  # rounds with an offer on the table
    for i in deal:
        y = np.array([o[row, i] for o in tr.offer]) if len(rounds) else np.zeros(0)
        y = np.where(made, y, np.nan)
        ax.plot(rounds, y, marker="o", label=sc.space.issues[i].label)
    ax.set_xlim(0.5, sc.spec.protocol.rounds + 0.5)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("round")
    ax.set_ylabel("offer (0 = min / first level, 1 = max)")
    ax.set_title("Offers per issue" if len(rounds) else "Offers per issue (press Step to play round 1)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


def values(m: NegotiationModel, row: int = 0) -> Any:
    """Each signatory's utility of every offer, against its outside option and its reservation value.

    In role-play only the person's own outside option and reservation are drawn: the other
    side's are what it knows and the person does not.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.subplots()
    sc, tr = m.sc, m.trace
    rounds = np.arange(1, len(tr.proposer) + 1)
    made = np.array([a[row] == 0 for a in tr.action], dtype=bool)
    colors = [f"C{k}" for k in range(10)]
    for k, j in enumerate(sc.signatories):
        c = colors[k % 10]
        if len(rounds):
            u = np.where(made, [o[row, j] for o in tr.offer_utility], np.nan)
            ax.plot(rounds, u, marker="o", color=c, label=f"{sc.actors[j]}: offer")
            name = sc.actors[j]
            edges = np.arange(0.5, len(rounds) + 1)  # a level per round, visible after one round too
            line = {"baseline": None, "color": c}
            if getattr(m, "you", None) not in (None, j):
                continue  # role-play: the other side's outside option and reservation are its own business
            best = [w[row, j] if np.isfinite(w[row, j]) else np.nan for w in tr.walk_value]
            ax.stairs(best, edges, ls="--", label=f"{name}: best move (outside option)", **line)
            ax.stairs([r[row, j] for r in tr.reservation], edges, ls=":", label=f"{name}: reservation", **line)
    ax.set_xlim(0.5, sc.spec.protocol.rounds + 0.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("round")
    ax.set_ylabel("utility (0-1)")
    ax.set_title("Value of each offer to each signatory")
    if len(rounds):
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig
