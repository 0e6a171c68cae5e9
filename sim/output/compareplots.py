"""Figures of a comparison: probabilities, differences to the first, time to agreement, terms.

Each scenario keeps one colour in every figure. matplotlib is imported inside the functions
(through :func:`sim.output.plots._plt`).
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from sim.output.plots import PALETTE, _plt, indicators, save

MAX_TERM_ISSUES = 6
# the run palette, then dark, distinct hues: pale ones would read as the grey of "no difference"
COLOURS = PALETTE  # colour-blind-safe, distinct up to 10 series (sim.output.plots)
MAX_BAR_SERIES = 4  # more scenarios than this: one row per scenario, not grouped bars
LEVEL_CMAP = "viridis"


def colour(s: int) -> str:
    """Return the colour of the ``s``-th scenario (distinct up to 16; the first are the run palette)."""
    return COLOURS[s % len(COLOURS)]


def display_names(entries: list[Any]) -> dict[str, str]:
    """Label → what a figure shows: the scenario's title ("Variant: " dropped), or the label if titles repeat."""
    titles = {e.label: (e.scenario.spec.title or e.label).removeprefix("Variant: ") for e in entries}
    if len(set(titles.values())) < len(titles):
        return {e.label: e.label for e in entries}
    return {k: "\n".join(textwrap.wrap(v, 38)) for k, v in titles.items()}


def write_figures(entries: list[Any], table: list[dict[str, Any]], folder: Path,
                  issues: Sequence[str] | None = None) -> list[str]:
    """Write every comparison figure as PNG and SVG; return the file names.

    Scenarios are named by their titles in every figure, and titles name the whole set
    compared and the reference.
    """
    names = display_names(entries)
    first = entries[0]
    shown = [dataclasses.replace(e, label=names[e.label]) for e in entries]
    table = [{**r, "scenario": names.get(r["scenario"], r["scenario"])} for r in table]
    ref = names[first.label].replace("\n", " ")
    what = f"{len(entries)} scenarios"
    head = f"Indicators by scenario: {what} ({first.n:,} replications each)"
    fig = (indicators({e.label: e.summary for e in shown}, head) if len(entries) <= MAX_BAR_SERIES
           else probabilities(table, head))
    files = save(fig, folder, "indicators")
    files += save(differences(table, f"Difference to the reference, '{ref}' (95% interval)"), folder, "differences")
    files += save(time_to_agreement(shown, f"Time to agreement: {what}"), folder, "rounds")
    keys = list(issues) if issues else key_issues(first.scenario)
    files += save(terms(shown, keys, f"Final terms: {what}, reference '{ref}'"), folder, "terms")
    return files


def probabilities(table: list[dict[str, Any]], title: str) -> Any:
    """One panel per indicator: each scenario's probability with its Wilson interval."""
    scen = list(dict.fromkeys(r["scenario"] for r in table))
    fig = _panels(table, scen, ("p", "lo", "hi"), (-0.02, 1.02), lambda r: True)  # room for dots at 0 and 1
    for ax in fig.axes:
        if ax.get_visible() and ax.axison:
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "25", "50", "75", "100"])
    _finish(fig, f"{title}; 95% Wilson intervals", "percent")
    return fig


def differences(table: list[dict[str, Any]], title: str) -> Any:
    """One panel per indicator: each scenario's difference to the first with its interval."""
    scen = list(dict.fromkeys(r["scenario"] for r in table))
    rows = [r for r in table if r["diff"] is not None]
    reach = max([abs(r[k]) for r in rows for k in ("diff_lo", "diff_hi")] + [0.05])
    half = min(1.0, np.ceil(reach * 1.1 * 10) / 10)  # shared scale, whole tens of points
    fig = _panels(table, scen[1:], ("diff", "diff_lo", "diff_hi"), (-half, half),
                  lambda r: r["diff_lo"] > 0 or r["diff_hi"] < 0, palette_of=scen)
    for ax in fig.axes:
        if ax.axison:
            ax.axvline(0, color="#495057", lw=0.8, zorder=1)
            ticks = ax.get_xticks()
            ax.set_xticks(ticks, [f"{100 * t:+.0f}" if t else "0" for t in ticks])
            ax.set_xlim(-half, half)
    _finish(fig, f"{title}; grey: interval includes 0", "percentage points")
    return fig


def _panels(table: list[dict[str, Any]], shown: list[str], keys: tuple[str, str, str], xlim: tuple[float, float],
            highlight: Any, palette_of: list[str] | None = None) -> Any:
    """Draw indicator panels with one row per scenario in ``shown``: a dot and an interval from ``keys``."""
    plt = _plt()
    palette_of = palette_of or shown
    names = list(dict.fromkeys(r["indicator"] for r in table))
    cols = min(4, len(names))
    nrows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(2.9 * cols + 1.6, (0.28 * len(shown) + 1.1) * nrows + 0.6),
                             squeeze=False, sharey=True)
    y = np.arange(len(shown))[::-1]
    mid, lo, hi = keys
    for ax, name in zip(axes.ravel(), names, strict=False):
        rows = {r["scenario"]: r for r in table if r["indicator"] == name}
        for yi, s in zip(y, shown, strict=True):
            r = rows[s]
            c = colour(palette_of.index(s)) if highlight(r) else "#adb5bd"
            ax.plot([r[lo], r[hi]], [yi, yi], color=c, lw=3, solid_capstyle="butt")
            tick = "black" if highlight(r) else "#495057"
            ax.plot(r[mid], yi, "|", color=tick, ms=7, mew=1.2)  # a tick, so a narrow interval stays visible
        ax.set_xlim(*xlim)
        ax.set_title("\n".join(textwrap.wrap(next(iter(rows.values()))["label"], 42)), fontsize=8.5)
        ax.grid(axis="x", color="#f1f3f5")
    for ax in axes[:, 0]:
        ax.set_yticks(y, shown, fontsize=8)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    return fig


def _finish(fig: Any, title: str, xlabel: str) -> None:
    for ax in fig.axes:
        if ax.axison and ax.get_subplotspec().is_last_row():
            ax.set_xlabel(xlabel, fontsize=8)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()


def time_to_agreement(entries: list[Any], title: str) -> Any:
    """Share of replications with a deal by each round, one line per scenario."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    last = max(int(e.scenario.spec.protocol.rounds) for e in entries)
    rounds = np.arange(0, last + 1)
    for s, e in enumerate(entries):
        deal_rounds = e.outcomes.round[e.outcomes.kind == 0]
        share = np.array([np.sum(deal_rounds <= t) for t in rounds]) / e.n
        ax.step(rounds, share, where="post", color=colour(s), lw=2.2 if s == 0 else 1.4,
                label=f"{e.label} ({share[-1]:.0%})")
    ax.set_xlim(0, last)
    ax.set_ylim(0, 1)
    ax.set_xlabel("round (a month of talks)")
    ax.set_ylabel("share with a deal signed")
    ax.set_title(title + " (legend: share with a deal by the deadline)")
    ax.legend(fontsize=7.5, frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig


def key_issues(sc: Any) -> list[str]:
    """List the issues the outcome indicators test, in issue order (at most six)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("issue"), str):
                found.add(node["issue"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for out in sc.spec.outcomes.values():
        walk(out.when)
    names = [n for n in sc.space.names if n in found] or list(sc.space.names)
    return names[:MAX_TERM_ISSUES]


def terms(entries: list[Any], issues: Sequence[str], title: str) -> Any:
    """One panel per issue: the distribution of final terms in every scenario (all replications)."""
    plt = _plt()
    from matplotlib import colormaps

    sc = entries[0].scenario
    infos = [sc.space.issues[sc.space.names.index(n)] for n in issues]
    cols = 2 if len(infos) in (2, 4) else min(3, len(infos))
    nrows = int(np.ceil(len(infos) / cols))
    labels = [e.label for e in entries]
    y = np.arange(len(entries))[::-1]
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols + 1.4, (0.26 * len(entries) + 1.2) * nrows),
                             squeeze=False, sharey=True)
    for ax, info in zip(axes.ravel(), infos, strict=False):
        cols_x = [e.outcomes.terms[:, e.scenario.space.names.index(info.name)]
                  if info.name in e.scenario.space.names else np.zeros(0) for e in entries]
        if info.kind == "continuous":
            values = [info.lo + x * (info.hi - info.lo) for x in cols_x]
            bp = ax.boxplot(values, positions=y, orientation="horizontal", widths=0.6, whis=(5, 95),
                            showfliers=False, patch_artist=True, medianprops={"color": "black"})
            for s, box in enumerate(bp["boxes"]):
                box.set_facecolor(colour(s))
                box.set_alpha(0.6)
            ax.plot([v.mean() if len(v) else np.nan for v in values], y, "D", color="black", ms=3)
            ax.set_xlabel(f"{info.units or 'value'} (box: quartiles, whiskers 5-95%, ◆ mean)", fontsize=7.5)
        else:
            levels = list(info.levels) if info.kind == "ordinal" else ["no", "yes"]
            cmap = colormaps[LEVEL_CMAP]
            left = np.zeros(len(entries))
            for lvl_i, lvl in enumerate(levels):
                share = np.array([np.mean(np.rint(x * (len(levels) - 1)) == lvl_i) if len(x) else 0.0
                                  for x in cols_x])
                ax.barh(y, share, left=left, height=0.7, color=cmap(lvl_i / max(1, len(levels) - 1)),
                        label=lvl.replace("_", " "))
                left += share
            ax.set_xlim(0, 1)
            ax.set_xlabel("share of replications", fontsize=7.5)
            ax.legend(fontsize=6.5, frameon=False, ncols=len(levels), loc="lower center",
                      bbox_to_anchor=(0.5, 1.0), handlelength=1, columnspacing=0.8)
        ax.set_title(info.label, fontsize=9, pad=16 if info.kind != "continuous" else 6)
    for ax in axes[:, 0]:
        ax.set_yticks(y, labels, fontsize=8)
    for ax in axes.ravel()[len(infos):]:
        ax.axis("off")
    fig.suptitle(title + "  (no deal: status quo or breakdown terms)", x=0.01, ha="left")
    fig.tight_layout()
    return fig


def protocol_terms_figure(sc: Any, outcomes: dict[str, Any], title: str) -> Any:
    """Plot the final terms of the indicators' issues under every protocol of one run (one row per protocol)."""
    entries = [SimpleNamespace(label=name, scenario=sc, outcomes=out) for name, out in outcomes.items()]
    return terms(entries, key_issues(sc), title)
