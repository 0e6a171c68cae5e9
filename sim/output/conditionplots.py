"""Figures of a conditioned run and of a backtest (matplotlib inside the functions, Agg backend)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.summaries import KIND_LABELS
from sim.output.plots import KIND_COLOURS, PALETTE, _plt, _short


def parameters(c: Any, rows: list[dict[str, Any]], title: str) -> Any:
    """Prior (grey) against posterior (blue) of every uncertain and private parameter, one panel each.

    Parameters with few distinct values (private types, choices) are bars of their
    probabilities; the others are histograms (densities) on the internal scale.
    """
    plt = _plt()
    k = len(rows)
    cols = 2 if k > 1 else 1
    nrows = max(1, (k + cols - 1) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(8.5, 2.2 * nrows + 0.6), squeeze=False)
    for ax in axes.flat[k:]:
        ax.axis("off")
    acc = c.accepted
    for ax, row in zip(axes.flat, rows, strict=False):
        x = c.outcomes.draws[row["param"]]
        post = x[acc]
        values = np.unique(x)
        if len(values) <= 12:
            w = 0.38 * (np.diff(values).min() if len(values) > 1 else 1.0)
            prior_p = np.array([(x == v).mean() for v in values])
            post_p = np.array([(post == v).mean() if len(post) else 0.0 for v in values])
            ax.bar(values - w / 2, prior_p, width=w, color="#adb5bd", label="prior")
            ax.bar(values + w / 2, post_p, width=w, color=PALETTE[0], label="given the history")
            ax.set_ylabel("probability")
        else:
            bins = np.linspace(x.min(), x.max(), 26)
            ax.hist(x, bins=bins, density=True, color="#adb5bd", label="prior")
            if len(post):
                ax.hist(post, bins=bins, density=True, histtype="step", lw=1.8, color=PALETTE[0],
                        label="given the history")
            ax.set_ylabel("density")
        mark = " (private)" if row["private"] else ""
        ax.set_title(f"{_short(row['param'])}{mark}: {row['verdict']} (KS p={row['ks_p']:.2g})", fontsize=8)
    axes.flat[0].legend(fontsize=7, frameon=True, loc="best")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def endings(fc: dict[str, Any], labels_of: Any, title: str) -> Any:
    """Cumulative share of each ending from the last observed round on.

    Given the history: solid lines with 95% bands; unconditioned: dashed.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    post, prior = fc["endings_from"]["posterior"], fc["endings_from"]["prior"]
    x = np.arange(len(prior["rounds"]))
    for kname, s in prior["series"].items():
        colour = KIND_COLOURS.get(kname, "black")
        ax.plot(x, s["p"], ls="--", lw=1.2, color=colour, alpha=0.8)
        if post and kname in post["series"]:
            q = post["series"][kname]
            ax.plot(x, q["p"], lw=2, color=colour, label=KIND_LABELS.get(kname, kname))
            ax.fill_between(x, q["lo"], q["hi"], color=colour, alpha=0.15, lw=0)
    step = max(1, len(x) // 12)
    ax.set_xticks(x[::step], [prior["labels"][i] for i in range(0, len(x), step)], rotation=45, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share ended, cumulative")
    ax.plot([], [], ls="--", color="black", lw=1.2, label="unconditioned (dashed)")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def backtest(bt: Any, title: str) -> Any:
    """Forecasts over the milestones of a backtest.

    Top: each indicator's forecast at each milestone (95% band). Bottom: the forecast of each
    later fact at each milestone until it resolved (a star at its resolution: it happened).
    """
    plt = _plt()
    c = bt.conditioned
    cal = c.scenario.calendar
    ms = bt.milestones
    lab = ["start" if m == 0 else (cal.label(m) if cal else f"round {m}") for m in ms]
    x = np.arange(len(ms))
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8.5, 7.2), sharex=True)
    for i, (name, series) in enumerate(bt.indicators.items()):
        p = [s["p"] for s in series]
        colour = PALETTE[i % len(PALETTE)]
        a1.plot(x, p, marker="o", lw=1.5, color=colour, label=c.scenario.spec.outcomes[name].label or name)
        a1.fill_between(x, [s["lo"] for s in series], [s["hi"] for s in series], color=colour, alpha=0.12, lw=0)
    a1.set_ylim(0, 1)
    a1.set_ylabel("P(indicator at the horizon)")
    a1.set_title("Indicators, forecast from what was known at each milestone (none resolves before the horizon)",
                 fontsize=9)
    a1.legend(fontsize=6.5, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    facts = list(dict.fromkeys(r["fact"] for r in bt.forecasts))
    for i, fact in enumerate(facts):
        rows = [r for r in bt.forecasts if r["fact"] == fact]
        xs = [ms.index(r["issued"]) for r in rows]
        colour = PALETTE[i % len(PALETTE)]
        res = ms.index(rows[0]["resolved"])
        dx = (i - (len(facts) - 1) / 2) * 0.025  # a small sideways offset keeps equal forecasts apart
        a2.plot([x_ + dx for x_ in [*xs, res]], [*(r["p"] for r in rows), 1.0], marker="o", lw=1.4, color=colour,
                label=fact, markevery=list(range(len(xs))))
        a2.plot([res + dx], [1.0], marker="*", ms=11, color=colour)
    for m in sorted({r["resolved"] for r in bt.forecasts}):
        for ax in (a1, a2):
            ax.axvline(ms.index(m), color="#868e96", lw=0.8, ls=":")
    a2.set_ylim(-0.02, 1.06)
    a2.set_ylabel("P(fact), forecast before it resolved")
    a2.set_title("Facts: forecast at each milestone; star = resolved (it happened); dotted lines = resolution dates",
                 fontsize=9)
    a2.legend(fontsize=6.5, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    a2.set_xticks(x, lab)
    a2.set_xlabel("forecast issued at the end of")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


__all__ = ["backtest", "endings", "parameters"]
