"""The app's live figures of one negotiation: offers per issue, and what each offer is worth.

Plain matplotlib ``Figure`` objects (no pyplot, and no rcParams changes: each browser session
draws in its own thread, and global style would leak between them), read from a traced
model's :class:`sim.engine.outcomes.Trace`.

Made for a projector and for the app's dark mode: every text at least :data:`FONT` points,
dark text on an explicit opaque white background (the figure is a white card on either
theme), legends below the axes, never over them. Utilities are drawn on the 0-100 scale the
rest of the app uses (:mod:`sim.app.story`).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from sim.app.story import actor_name
from sim.engine.model import NegotiationModel

SIZE = (5.6, 5.2)  # inches at 100 dpi: about the width of half the page, so the browser barely scales it
FONT = 12  # points: ticks and legends; titles and axis labels a point larger
INK = "#1a1a1a"
PAPER = "white"
WRAP = 22  # characters per legend line: two columns of wrapped labels fit the figure's width


def _figure() -> tuple[Any, Any]:
    from matplotlib.figure import Figure  # matplotlib costs a second to import: only when drawing

    fig = Figure(figsize=SIZE, layout="constrained", facecolor=PAPER, edgecolor=PAPER)
    ax = fig.subplots()
    ax.set_facecolor(PAPER)
    ax.tick_params(labelsize=FONT, colors=INK)
    for spine in ax.spines.values():
        spine.set_color(INK)
    return fig, ax


def _finish(fig: Any, ax: Any, title: str, ylabel: str, rounds: int) -> None:
    ax.set_xlim(0.5, rounds + 0.5)
    ax.set_xticks(range(1, rounds + 1))
    ax.set_xlabel("round", fontsize=FONT + 1, color=INK)
    ax.set_ylabel(ylabel, fontsize=FONT + 1, color=INK)
    ax.set_title(title, fontsize=FONT + 1, color=INK)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, [textwrap.fill(x, WRAP) for x in labels], loc="outside lower center", ncols=2,
                   fontsize=FONT, frameon=False, labelcolor=INK)


def offers(m: NegotiationModel, row: int = 0) -> Any:
    """Each deal issue's offered value per round (0 = its minimum or first level, 1 = its maximum or last)."""
    fig, ax = _figure()
    sc, tr = m.sc, m.trace
    rounds = np.arange(1, len(tr.proposer) + 1)
    deal = [*sc.space.deal_disc, *sc.space.deal_cont]
    made = np.array([a[row] == 0 for a in tr.action], dtype=bool)  # rounds with an offer on the table
    for k, i in enumerate(deal):
        y = np.array([o[row, i] for o in tr.offer]) if len(rounds) else np.zeros(0)
        y = np.where(made, y, np.nan)
        ax.plot(rounds, y, marker="os^Dv<>p"[k % 8], markersize=7, color=f"C{k % 10}",
                label=sc.space.issues[i].label)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 0.5, 1], ["least", "half", "most"])
    title = "Offers per issue" if len(rounds) else "Offers per issue (press Step to play round 1)"
    _finish(fig, ax, title, "offered, of each issue's range", sc.spec.protocol.rounds)
    return fig


def values(m: NegotiationModel, row: int = 0) -> Any:
    """What every offer was worth (0-100), against the best move and the reservation value.

    In role-play only the person's own values are drawn: what an offer is worth to the other
    side, its outside option and its reservation are what it knows and the person does not.
    """
    fig, ax = _figure()
    sc, tr = m.sc, m.trace
    you = getattr(m, "you", None)
    rounds = np.arange(1, len(tr.proposer) + 1)
    made = np.array([a[row] == 0 for a in tr.action], dtype=bool)
    shown = [j for j in sc.signatories if you in (None, j)]
    top = 100.0
    for k, j in enumerate(sc.signatories):
        if j not in shown or not len(rounds):
            continue
        c = f"C{k % 10}"
        name = "you" if j == you else actor_name(sc, j)
        u = 100 * np.where(made, [o[row, j] for o in tr.offer_utility], np.nan)
        ax.plot(rounds, u, marker="o", markersize=8, color=c, linestyle="none", label=f"offer, worth to {name}")
        edges = np.arange(0.5, len(rounds) + 1)  # a level per round, visible after one round too
        best = 100 * np.array([w[row, j] if np.isfinite(w[row, j]) else np.nan for w in tr.walk_value])
        reserve = 100 * np.array([r[row, j] for r in tr.reservation])
        # solid reservation over a thin dashed best move: the two often nearly coincide
        ax.stairs(best, edges, ls="--", lw=1.5, color=c, alpha=0.7, baseline=None, label=f"best move instead ({name})")
        least = "the least you should accept" if j == you else f"the least {name} accepts"
        ax.stairs(reserve, edges, ls="-", lw=2.5, color=c, alpha=0.45, baseline=None, label=f"{least} (reservation)")
        top = max(top, float(np.nanmax(np.r_[u, best, reserve, 0.0])) + 5)
    ax.set_ylim(0, top)
    whose = "you" if you is not None else "each signatory"
    _finish(fig, ax, f"What each offer is worth to {whose}", "worth (0-100: 100 = all as wanted)",
            sc.spec.protocol.rounds)
    return fig
