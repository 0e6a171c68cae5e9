"""Figures for one run: indicator probabilities, terms, time to agreement, trajectories, drivers.

Every function returns a matplotlib Figure; :func:`save` writes PNG, and SVG too inside
``with svg_too():`` (the CLI's ``--svg``: an SVG costs about as much again as its PNG, so a
default run writes PNG only). matplotlib is imported inside the functions (it costs about a
second) and always with the Agg backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.summaries import KIND_LABELS, round_labels
from sim.analysis.summaries import timeline as summary_timeline
from sim.engine.outcomes import KINDS, Outcomes
from sim.scenario.load import Scenario

KIND_COLOURS = {"deal": "#2b8a3e", "breakdown": "#c92a2a", "deadline": "#868e96", "forced_exit": "#e8590c",
                "withdrawal": "#5f3dc4"}
# Series colours, distinct for up to 10 series also under colour-vision deficiency: Paul Tol's
# "muted" scheme (designed for it; https://personal.sron.nl/~pault/) in a high-contrast order,
# with black as the tenth.
PALETTE = ["#332288", "#CC6677", "#117733", "#DDCC77", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
           "#000000"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False,
                         "font.size": 9, "axes.titlesize": 10, "svg.hashsalt": "sim", "svg.fonttype": "none"})
    return plt


_SVG = [False]  # set by svg_too(); a list so the context manager can change it in place


@contextmanager
def svg_too(on: bool = True) -> Iterator[None]:
    """Within the block, :func:`save` also writes each figure as SVG (when ``on``)."""
    before = _SVG[0]
    _SVG[0] = on
    try:
        yield
    finally:
        _SVG[0] = before


def save(fig: Any, folder: Path, name: str, *, svg: bool | None = None) -> list[str]:
    """Write ``name.png`` (and ``name.svg`` with ``svg``, or inside :func:`svg_too`); return the file names."""
    files = [f"{name}.png"]
    fig.savefig(folder / files[0], bbox_inches="tight")
    if _SVG[0] if svg is None else svg:
        files.append(f"{name}.svg")
        fig.savefig(folder / files[1], bbox_inches="tight", metadata={"Date": None})
    _plt().close(fig)
    return files


def indicators(summaries: dict[str, dict[str, Any]], title: str) -> Any:
    """Horizontal bars of each indicator's probability with 95% intervals, one colour per series.

    Args:
        summaries: Series name (protocol or scenario) → summary from :func:`sim.analysis.summaries.summarize`.
        title: Figure title.

    """
    plt = _plt()
    series = list(summaries)
    names = list(next(iter(summaries.values()))["indicators"])
    labels = [next(iter(summaries.values()))["indicators"][n]["label"] for n in names]
    h = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(names) * max(1, len(series) ** 0.6) + 1.2))
    y = np.arange(len(names))[::-1]
    for s, key in enumerate(series):
        ind = summaries[key]["indicators"]
        p = np.array([ind[n]["p"] for n in names])
        lo = np.array([ind[n]["lo"] for n in names])
        hi = np.array([ind[n]["hi"] for n in names])
        yy = y + (len(series) - 1) * h / 2 - s * h
        ax.barh(yy, p, height=h * 0.9, color=PALETTE[s % len(PALETTE)], alpha=0.85, label=key)
        err = [np.clip(p - lo, 0, 1), np.clip(hi - p, 0, 1)]
        ax.errorbar(p, yy, xerr=err, fmt="none", ecolor="black", elinewidth=1, capsize=2)
        if len(series) <= 3:
            for yi, pi, hii in zip(yy, p, hi, strict=True):  # right of the whisker, never on it
                ax.text(hii + 0.012, yi, f"{pi:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1.1)  # room for a label right of a whisker that reaches 100%
    ax.set_xticks(np.linspace(0, 1, 6), [f"{v:.0%}" for v in np.linspace(0, 1, 6)])
    ax.spines["right"].set_visible(False)
    ax.set_xlabel("probability (whiskers: 95% Wilson interval)")
    ax.set_title(title)
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def terms(sc: Scenario, out: Outcomes, title: str) -> Any:
    """Distribution of each issue's final value, split by how the negotiation ended."""
    plt = _plt()
    issues = sc.space.issues
    cols = 4
    rows = int(np.ceil(len(issues) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.3 * rows), squeeze=False)
    for ax, (i, info) in zip(axes.ravel(), enumerate(issues), strict=False):
        x = out.terms[:, i]
        if info.kind == "continuous":
            bins = np.linspace(info.lo, info.hi, 21)
            data = [info.lo + x[out.kind == k] * (info.hi - info.lo) for k in range(len(KINDS))]
            weights = [np.full(len(d), 1.0 / max(1, out.n)) for d in data]
            ax.hist(data, bins=bins, weights=weights, stacked=True, color=[KIND_COLOURS[k] for k in KINDS],
                    label=[KIND_LABELS[k] for k in KINDS])
            ax.set_xlabel(info.units or "value", fontsize=8)
        else:
            levels = list(info.levels) if info.kind == "ordinal" else ["no", "yes"]
            idx = np.rint(x * (len(levels) - 1)).astype(int)
            bottom = np.zeros(len(levels))
            for k, kind in enumerate(KINDS):
                c = np.bincount(idx[out.kind == k], minlength=len(levels)) / max(1, out.n)
                ax.bar(range(len(levels)), c, bottom=bottom, color=KIND_COLOURS[kind], label=KIND_LABELS[kind])
                bottom += c
            ax.set_xticks(range(len(levels)), [lv.replace("_", " ") for lv in levels], fontsize=7,
                          rotation=20 if len(levels) > 2 else 0)
            ax.set_ylim(0, 1)
        ax.set_title(info.label, fontsize=9)
    for ax in axes.ravel()[len(issues):]:
        ax.axis("off")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncols=3, frameon=False)
    fig.supylabel("share of replications", fontsize=9)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def rounds(out: Outcomes, rounds_max: int, title: str) -> Any:
    """When negotiations end, stacked by outcome kind."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    edges = np.arange(0.5, rounds_max + 1.5)
    data = [out.round[out.kind == k] for k in range(len(KINDS))]
    ax.hist(data, bins=edges, stacked=True, color=[KIND_COLOURS[k] for k in KINDS], label=list(KINDS))
    ax.set_xlabel("round the negotiation ended")
    ax.set_ylabel("replications")
    ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def timeline(sc: Scenario, out: Outcomes, title: str) -> Any:
    """Where the talks stand month by month, and the cumulative incidence of each ending.

    Left: the share of replications in each state after each round (stacked): ended by a
    deal, an eviction, a withdrawal or a walk-out, or still without a deal (the status quo
    standing). Right: each ending's cumulative incidence with its 95% interval.
    """
    plt = _plt()
    tl = summary_timeline(sc, out)
    labels = tl["rounds"]
    T = len(labels)
    x = np.arange(1, T + 2)  # round t spans [t, t + 1): the last round gets its full width

    def ext(v: Any) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        return np.append(v, v[-1])

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1.1, 1]})
    ended = [k for k in KINDS if k in tl["kinds"] and k != "deadline"]
    stacks = [ext(tl["kinds"][k]["share"]) for k in ended]
    left.stackplot(x, *stacks, ext(tl["ongoing"]), step="post",
                   colors=[KIND_COLOURS[k] for k in ended] + ["#dee2e6"],
                   labels=[KIND_LABELS[k] for k in ended] + ["no deal yet: status quo stands"])
    left.set_ylim(0, 1)
    left.set_xlim(1, T + 1)
    left.set_ylabel("share of replications")
    left.set_title("where the talks stand after each round", fontsize=10)
    left.legend(loc="upper left", fontsize=7, frameon=True, framealpha=0.85)
    for k in [k for k in KINDS if k in tl["kinds"]]:
        d = tl["kinds"][k]
        right.step(x, ext(d["share"]), where="post", color=KIND_COLOURS[k], label=KIND_LABELS[k], lw=1.6)
        right.fill_between(x, ext(d["lo"]), ext(d["hi"]), step="post", color=KIND_COLOURS[k], alpha=0.2, lw=0)
    dt = tl["deal_time"]
    if dt:
        right.axvline(dt["median"], color=KIND_COLOURS["deal"], ls=":", lw=1)
        right.annotate(f"half the deals by {dt['labels'][1]}", (dt["median"], 0.98), fontsize=7,
                       ha="left", va="top", xytext=(3, 0), textcoords="offset points")
    right.set_ylim(0, 1)
    right.set_xlim(1, T + 1)
    right.set_ylabel("ended this way by then (95% interval)")
    right.set_title("cumulative incidence of each ending", fontsize=10)
    right.legend(loc="center right", fontsize=7, frameon=False)
    step = max(1, T // 8)
    for ax in (left, right):
        ax.set_xticks(x[:T:step], [labels[i] for i in range(0, T, step)], fontsize=7, rotation=30)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def trajectories(sc: Scenario, out: Outcomes, title: str, max_issues: int = 8) -> Any:
    """Offers over time for the traced replications: concessions, then the terms per issue.

    First row: for each proposer, what its offers are worth to the other side, round by
    round (rising lines are concessions). Then one panel per issue: each proposer's offers
    (circles for the first signatory, triangles for the second), joined proposer by
    proposer; a star marks the final terms, coloured by how the talks ended.
    """
    from matplotlib.ticker import MaxNLocator

    plt = _plt()
    traces = [t for t in out.traces if t.offer]
    sig = list(sc.signatories)
    issues = list(range(min(max_issues, len(sc.space.issues))))
    cols = 4
    rows = 1 + int(np.ceil(len(issues) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.4 * rows), squeeze=False)
    top = axes[0]
    marks = ["o", "^", "s", "D"]
    for tr in traces:
        offers = np.stack(tr.offer)  # (T, rows, I)
        actions = np.stack(tr.action)  # (T, rows)
        proposers = np.stack(tr.proposer)  # (T, rows)
        utils = np.stack(tr.offer_utility)  # (T, rows, A)
        for r in range(offers.shape[1]):
            row = tr.rows[r]
            end = int(out.round[row]) if row < out.n else offers.shape[0]
            colour = PALETTE[r % len(PALETTE)]
            for s, p in enumerate(sig[:2]):
                mine = np.flatnonzero((actions[:end, r] == 0) & (proposers[:end, r] == p))
                if not len(mine):
                    continue
                other = sig[1 - s] if len(sig) == 2 else p
                top[s].plot(mine + 1, utils[mine, r, other], marker=marks[s], ms=3, lw=0.8, alpha=0.7, color=colour)
                for ax, i in zip(axes[1:].ravel(), issues, strict=False):
                    ax.plot(mine + 1, offers[mine, r, i], marker=marks[s], ms=3, lw=0.7, alpha=0.6, color=colour)
            for ax, i in zip(axes[1:].ravel(), issues, strict=False):
                ax.plot(end, out.terms[row, i], marker="*", ms=8, color=KIND_COLOURS[KINDS[out.kind[row]]])
    names = [sc.spec.actors[j].label or sc.actors[j] for j in sig]
    for s in range(min(2, len(sig))):
        who, to = names[s], names[1 - s] if len(sig) == 2 else "the others"
        top[s].set_title(f"{_short(who)}'s offers: worth to {_short(to)}", fontsize=9)
        top[s].set_ylabel("utility", fontsize=8)
    for ax in top[min(2, len(sig)):]:
        ax.axis("off")
    handles = [plt.Line2D([], [], color="black", marker=marks[s], lw=0, label=f"offer by {_short(names[s])}")
               for s in range(min(2, len(sig)))]
    handles += [plt.Line2D([], [], color=KIND_COLOURS[k], marker="*", ms=9, lw=0, label=KIND_LABELS[k])
                for k in KINDS if any((out.kind[t.rows[t.rows < out.n]] == KINDS.index(k)).any() for t in traces)]
    top[3].legend(handles=handles, loc="center", fontsize=7, frameon=False)
    for ax, i in zip(axes[1:].ravel(), issues, strict=False):
        info = sc.space.issues[i]
        ax.set_title(_wrap(info.label + (f" ({info.units})" if info.kind == "continuous" and info.units else ""), 40),
                     fontsize=9)
        ax.set_ylim(-0.05, 1.05)
        if info.kind == "ordinal":
            ax.set_yticks(np.linspace(0, 1, len(info.levels)), [lv.replace("_", " ") for lv in info.levels],
                          fontsize=7)
        elif info.kind == "binary":
            ax.set_yticks([0, 1], ["no", "yes"])
        else:
            ax.set_yticks([0, 0.5, 1], [f"{info.lo:g}", f"{(info.lo + info.hi) / 2:g}", f"{info.hi:g}"])
    for ax in top[:2]:  # tiny ranges (talks that end at once) must not print "0.945960.975..."
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_formatter(plt.FormatStrFormatter("%.2f"))
    ends = out.round[np.concatenate([t.rows[t.rows < out.n] for t in traces])] if traces else np.array([], int)
    if len(ends) and (ends <= 1).all():
        top[2].text(0.0, 0.5, f"All {len(ends)} traced talks ended in the first round:\none offer each, "
                    "so no lines; the stars\nmark the terms they ended on.", fontsize=8, va="center")
    elif not traces:
        top[2].text(0.0, 0.5, "No offers were made in the traced talks.", fontsize=8, va="center")
    last = int(ends.max()) if len(ends) else 1
    unit = "month" if sc.calendar is not None else "round"
    for ax in axes.ravel():
        if ax.axison:
            ax.set_xlabel(f"{unit} (1 = {round_labels(sc)[0]})" if sc.calendar is not None else unit, fontsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 3, 5, 10]))
            ax.set_xlim(0.5, max(ax.get_xlim()[1], last + 0.5))  # whole rounds, even if all end in round 1
            if last <= 2:
                ax.set_xticks(range(1, last + 2))
    for ax in axes[1:].ravel()[len(issues):]:
        ax.axis("off")
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def _short(name: str) -> str:
    """A label without its parenthesis: 'Syria (new government)' -> 'Syria'."""
    return name.split(" (")[0]


def drivers(summary: dict[str, Any], title: str, indicator: str | None = None) -> Any:
    """Tornado of the strongest drivers (correlations) of one indicator."""
    plt = _plt()
    drv = summary["reasons"]["drivers"]
    names = [indicator] if indicator else [n for n in drv if drv[n]][:4]
    cols = min(2, max(1, len(names)))
    rows = int(np.ceil(max(1, len(names)) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 2.5 * rows), squeeze=False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        rows = drv.get(name, [])[::-1]
        r = [d["r"] for d in rows]
        ax.barh(range(len(rows)), r, color=["#1c7ed6" if v > 0 else "#e8590c" for v in r])
        ax.set_yticks(range(len(rows)), [_wrap(d.get("label", d["factor"]), 38) for d in rows], fontsize=7)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-1, 1)
        ax.set_xlabel("correlation with indicator")
        ax.set_title(summary["indicators"][name]["label"], fontsize=9)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    if not names:
        axes[0, 0].text(0.5, 0.5, "no varying factors", ha="center")
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    """Break a long tick label over lines."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
