"""The drivers figure: how the probability of an indicator changes along each driver.

A correlation says only how straight a relation is; P(Tartus kept) against Russia's outside
option rises and then falls, which a Pearson r understates. This figure bins each of the
strongest drivers (quantile bins for continuous draws, one bin per value for discrete draws
and events) and draws P(indicator) per bin with its 95% Wilson interval as a band, so the
shape is seen. The x axis is in the parameter's own units or level names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.summaries import wilson
from sim.engine.outcomes import Outcomes
from sim.output.plots import _plt, _wrap
from sim.scenario.load import Scenario
from sim.scenario.params import describe

MAX_BINS = 6
BLUE = "#0072B2"  # Okabe-Ito blue


def factor_values(sc: Scenario, out: Outcomes, factor: str) -> tuple[np.ndarray, list[str] | None, str]:
    """A driver's values per replication in user units, its level names (discrete) and an axis label.

    Returns:
        ``(x, levels, label)``: ``levels`` is None for a continuous driver, else ``x`` holds
        level indices.

    """
    if factor.startswith("event:"):
        e = [ev.name for ev in sc.spec.events].index(factor.removeprefix("event:"))
        return out.fired[:, e].astype(int), ["did not fire", "fired"], describe(sc, factor)
    x = np.asarray(out.draws[factor], dtype=float)
    pdef = sc.params.get(factor)
    info = pdef.issue if pdef is not None else None
    label = describe(sc, factor)
    if info is not None and info.kind == "ordinal":
        k = len(info.levels) - 1
        return np.rint(x * k).astype(int), [lv.replace("_", " ") for lv in info.levels], label
    if info is not None and info.kind == "binary":
        return (x >= 0.5).astype(int), ["no", "yes"], label
    if info is not None:
        x = info.lo + x * (info.hi - info.lo)
        label += f" ({info.units})" if info.units else ""
    return x, None, label


def binned(x: np.ndarray, flag: np.ndarray, levels: list[str] | None) -> list[tuple[float, float, float, float, int]]:
    """``(centre, p, lo, hi, n)`` per bin: one per level, or up to :data:`MAX_BINS` quantile bins."""
    out = []
    if levels is not None:
        for v in range(len(levels)):
            m = x == v
            if m.sum():
                lo, hi = wilson(int(flag[m].sum()), int(m.sum()))
                out.append((float(v), float(flag[m].mean()), lo, hi, int(m.sum())))
        return out
    uniq = np.unique(x)
    if len(uniq) <= MAX_BINS:  # a few distinct values (a discrete draw): one bin each
        groups = [x == u for u in uniq]
        centres = list(uniq)
    else:
        edges = np.unique(np.quantile(x, np.linspace(0, 1, MAX_BINS + 1)))
        idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        groups = [idx == b for b in range(len(edges) - 1)]
        centres = [float(np.median(x[g])) if g.any() else 0.0 for g in groups]
    for g, c in zip(groups, centres, strict=True):
        if g.sum():
            lo, hi = wilson(int(flag[g].sum()), int(g.sum()))
            out.append((float(c), float(flag[g].mean()), lo, hi, int(g.sum())))
    return out


def choose_indicators(summary: dict[str, Any], most: int = 3) -> list[str]:
    """Indicators to show: those with drivers, skipping one whose top drivers repeat an earlier one's."""
    drv = summary["reasons"]["drivers"]
    chosen: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for name, rows in drv.items():
        key = tuple(d["factor"] for d in rows[:3])
        if rows and key not in seen:
            chosen.append(name)
            seen.add(key)
        if len(chosen) == most:
            break
    return chosen


def driver_shapes(sc: Scenario, out: Outcomes, summary: dict[str, Any], title: str, per_row: int = 4) -> Any:
    """P(indicator) against each of its strongest drivers, binned, with 95% bands.

    One row per indicator (up to three, skipping near-duplicates), one panel per driver.
    """
    plt = _plt()
    ind = out.indicators(sc)
    names = choose_indicators(summary)
    rows = max(1, len(names))
    fig, axes = plt.subplots(rows, per_row, figsize=(2.9 * per_row, 2.5 * rows), squeeze=False)
    for r, name in enumerate(names):
        flag = np.asarray(ind[name], dtype=bool)
        label = summary["indicators"][name]["label"]
        drivers = summary["reasons"]["drivers"][name][:per_row]
        for c, ax in enumerate(axes[r]):
            if c >= len(drivers):
                ax.axis("off")
                continue
            d = drivers[c]
            x, levels, xlabel = factor_values(sc, out, d["factor"])
            pts = binned(x, flag, levels)
            cx = np.array([p[0] for p in pts])
            p = np.array([q[1] for q in pts])
            lo = np.array([q[2] for q in pts])
            hi = np.array([q[3] for q in pts])
            if levels is not None:
                ax.errorbar(cx, p, yerr=[p - lo, hi - p], fmt="o", color=BLUE, capsize=3, ms=4)
                ax.set_xticks(range(len(levels)), [_wrap(lv, 12) for lv in levels], fontsize=7)
                ax.set_xlim(-0.5, len(levels) - 0.5)
            else:
                ax.fill_between(cx, lo, hi, color=BLUE, alpha=0.2, lw=0)
                ax.plot(cx, p, "o-", color=BLUE, ms=3, lw=1.2)
            ax.tick_params(labelsize=7)
            ax.axhline(flag.mean(), color="#777777", lw=0.6, ls=":")
            ax.set_ylim(-0.02, 1.02)
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
            ax.set_xlabel(_wrap(xlabel, 42), fontsize=7)
            ax.set_title(f"r = {d['r']:+.2f}", fontsize=7, loc="right", color="#555555")
            if c == 0:
                ax.set_ylabel(_wrap(f"P({label})", 30), fontsize=7)
    if not names:
        axes[0, 0].text(0.5, 0.5, "no indicator varies with a drawn assumption", ha="center")
        for ax in axes.ravel():
            ax.axis("off")
    fig.suptitle(f"{title}\nP(indicator) per bin of each driver, 95% bands; dotted: overall P; "
                 "r: correlation", x=0.01, ha="left", fontsize=9)
    fig.tight_layout()
    return fig
