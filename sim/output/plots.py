"""Figures for one run: indicator probabilities, terms, time to agreement, trajectories, drivers.

Every function returns a matplotlib Figure; :func:`save` writes PNG and SVG. matplotlib is
imported inside the functions (it costs about a second) and always with the Agg backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.outcomes import KINDS, Outcomes
from sim.scenario.load import Scenario

KIND_COLOURS = {"deal": "#2b8a3e", "breakdown": "#c92a2a", "deadline": "#868e96"}
PALETTE = ["#1c7ed6", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#5c940d", "#0b7285", "#d6336c"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "axes.spines.top": False, "axes.spines.right": False,
                         "font.size": 9, "axes.titlesize": 10, "svg.hashsalt": "sim", "svg.fonttype": "none"})
    return plt


def save(fig: Any, folder: Path, name: str) -> list[str]:
    """Write ``name.png`` and ``name.svg``; return the file names."""
    fig.savefig(folder / f"{name}.png", bbox_inches="tight")
    fig.savefig(folder / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
    _plt().close(fig)
    return [f"{name}.png", f"{name}.svg"]


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
            for yi, pi, hii in zip(yy, p, hi, strict=True):
                ax.text(min(hii + 0.01, 0.93), yi, f"{pi:.0%}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability (bars: 95% Wilson interval)")
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
            data = [info.lo + x[out.kind == k] * (info.hi - info.lo) for k in range(3)]
            weights = [np.full(len(d), 1.0 / max(1, out.n)) for d in data]
            ax.hist(data, bins=bins, weights=weights, stacked=True, color=[KIND_COLOURS[k] for k in KINDS],
                    label=list(KINDS))
            ax.set_xlabel(info.units or "value", fontsize=8)
        else:
            levels = list(info.levels) if info.kind == "ordinal" else ["no", "yes"]
            idx = np.rint(x * (len(levels) - 1)).astype(int)
            bottom = np.zeros(len(levels))
            for k, kind in enumerate(KINDS):
                c = np.bincount(idx[out.kind == k], minlength=len(levels)) / max(1, out.n)
                ax.bar(range(len(levels)), c, bottom=bottom, color=KIND_COLOURS[kind], label=kind)
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
    data = [out.round[out.kind == k] for k in range(3)]
    ax.hist(data, bins=edges, stacked=True, color=[KIND_COLOURS[k] for k in KINDS], label=list(KINDS))
    ax.set_xlabel("round the negotiation ended")
    ax.set_ylabel("replications")
    ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def trajectories(sc: Scenario, out: Outcomes, title: str, max_issues: int = 8) -> Any:
    """Offers over rounds for the traced replications, one panel per issue."""
    from matplotlib.ticker import MaxNLocator

    plt = _plt()
    traces = [t for t in out.traces if t.offer]
    issues = list(range(min(max_issues, len(sc.space.issues))))
    cols = 4
    rows = int(np.ceil(len(issues) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.4 * rows), squeeze=False)
    for tr in traces:
        offers = np.stack(tr.offer)  # (T, rows, I)
        actions = np.stack(tr.action)  # (T, rows)
        for r in range(offers.shape[1]):
            end = int(out.round[tr.rows[r]]) if tr.rows[r] < out.n else offers.shape[0]
            rr = np.arange(1, end + 1)
            for ax, i in zip(axes.ravel(), issues, strict=False):
                y = np.where(actions[:end, r] == 0, offers[:end, r, i], np.nan)
                ax.plot(rr, y, marker="o", ms=2.5, lw=0.8, alpha=0.7, color=PALETTE[r % len(PALETTE)])
                ax.plot(rr[-1], out.terms[tr.rows[r], i], marker="*", ms=7,
                        color=KIND_COLOURS[KINDS[out.kind[tr.rows[r]]]])
    for ax, i in zip(axes.ravel(), issues, strict=False):
        info = sc.space.issues[i]
        ax.set_title(info.label, fontsize=9)
        ax.set_ylim(-0.05, 1.05)
        if info.kind == "ordinal":
            ax.set_yticks(np.linspace(0, 1, len(info.levels)), [lv.replace("_", " ") for lv in info.levels],
                          fontsize=7)
        elif info.kind == "binary":
            ax.set_yticks([0, 1], ["no", "yes"])
        else:
            ax.set_yticks([0, 0.5, 1], [f"{info.lo:g}", f"{(info.lo + info.hi) / 2:g}", f"{info.hi:g}"])
        ax.set_xlabel("round", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes.ravel()[len(issues):]:
        ax.axis("off")
    fig.suptitle(title + "  (lines: offers; star: final terms, coloured by outcome)", x=0.01, ha="left")
    fig.tight_layout()
    return fig


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
