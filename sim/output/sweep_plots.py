"""Figures of experiments: lever curves, heatmaps, PRIM boxes, sensitivity indices, advice.

Each function takes plain data (a sweep's summary as in its summary.json, a discovery, an
indices table) and returns a matplotlib Figure; :func:`sim.output.plots.save` writes PNG and SVG.
Levers with listed non-numeric values (levels, true/false) are drawn at their positions with
the values as tick labels.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.summaries import wilson
from sim.experiments.discovery import _categorical, encode
from sim.output.plots import PALETTE, _plt, save

TITLE_CHARS = 42  # a panel title wraps here: side by side, longer ones ran into each other

MAX_FAMILY = 6
MAX_ANNOTATED = 12
BINS = 10


def _lever(summary: dict[str, Any], name: str) -> tuple[int, dict[str, Any]]:
    for j, lv in enumerate(summary["levers"]):
        if lv["name"] == name:
            return j, lv
    raise KeyError(name)


def _axis_label(lv: dict[str, Any]) -> str:
    """The lever in words with its units (summaries before labels were recorded: name and path)."""
    if not lv.get("label"):
        return f"{lv['name']}\n({lv['target']})"
    text = lv["label"] + (f" ({lv['units']})" if lv.get("units") else "")
    return "\n".join(textwrap.wrap(text, 48))


def _ticks(ax: Any, lv: dict[str, Any], axis: str = "x") -> None:
    if _categorical(lv):
        labels = [str(v).replace("_", " ") for v in lv["values"]]
        (ax.set_xticks if axis == "x" else ax.set_yticks)(range(len(labels)), labels, fontsize=7)


def _arrays(summary: dict[str, Any], indicator: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: encoded lever values (n, d), successes k and replications n."""
    X = encode(summary["levers"], [p["levers"] for p in summary["points"]])
    k = np.array([p["indicators"][indicator]["k"] for p in summary["points"]], dtype=float)
    n = np.array([p["indicators"][indicator]["n"] for p in summary["points"]], dtype=float)
    return X, k, n


def _pooled(x: np.ndarray, k: np.ndarray, n: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, ...]:
    """Pool replications by group: x mean, p, and the Wilson band of each group."""
    keys = np.unique(groups)
    xs, ps, los, his = [], [], [], []
    for g in keys:
        m = groups == g
        kk, nn = int(k[m].sum()), int(n[m].sum())
        lo, hi = wilson(kk, nn)
        xs.append(x[m].mean())
        ps.append(kk / nn)
        los.append(lo)
        his.append(hi)
    return tuple(np.array(a) for a in (xs, ps, los, his))


def _panels(n: int, width: float = 3.4, height: float = 2.8) -> tuple[Any, Any]:
    plt = _plt()
    cols = min(4, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols + 0.6, height * rows + 0.9), squeeze=False,
                             layout="constrained")
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    return fig, axes.ravel()[:n]


def lever_curve(summary: dict[str, Any], lever: str, indicators: list[str]) -> Any:
    """P(indicator) against one lever, with 95% Wilson bands.

    With two levers on a grid, one line per value of the other lever (at most six, evenly
    chosen); otherwise the other levers are pooled (replications added up per value or per
    bin of this lever, so the band is approximate across points that share random numbers).
    """
    j, lv = _lever(summary, lever)
    grid = summary["design"] == "grid"
    others = [i for i in range(len(summary["levers"])) if i != j]
    fig, axes = _panels(len(indicators), width=5.6 if len(indicators) == 1 else 3.4,
                        height=3.4 if len(indicators) == 1 else 2.8)
    for ax, ind in zip(axes, indicators, strict=True):
        X, k, n = _arrays(summary, ind)
        x = X[:, j]
        if grid and len(others) == 1:
            o = others[0]
            olv = summary["levers"][o]
            levels = np.unique(X[:, o])
            pick = levels[np.unique(np.round(np.linspace(0, len(levels) - 1, min(MAX_FAMILY, len(levels))))
                                    .astype(int))]
            cmap = _plt().get_cmap("viridis")
            for c, v in enumerate(pick):
                m = X[:, o] == v
                xs, ps, los, his = _pooled(x[m], k[m], n[m], x[m])
                colour = cmap(c / max(1, len(pick) - 1) * 0.9)
                label = olv["values"][int(v)] if _categorical(olv) else f"{v:.3g}"
                ax.fill_between(xs, los, his, color=colour, alpha=0.18, lw=0)
                ax.plot(xs, ps, marker="o", ms=3, color=colour, label=str(label))
        else:
            if not grid:
                ax.scatter(x, k / n, s=6, color="#adb5bd", alpha=0.6, lw=0, label="design points")
            distinct = np.unique(x)
            if grid or len(distinct) <= BINS:
                groups = x
            else:
                edges = np.quantile(x, np.linspace(0, 1, BINS + 1))
                groups = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, BINS - 1)
            xs, ps, los, his = _pooled(x, k, n, groups)
            ax.fill_between(xs, los, his, color=PALETTE[0], alpha=0.22, lw=0, label="95% band")
            ax.plot(xs, ps, marker="o", ms=3, color=PALETTE[0],
                    label="P" if len(others) == 0 else "P, other levers pooled")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(textwrap.fill(summary["indicators"][ind], TITLE_CHARS), fontsize=9)
        ax.set_xlabel(_axis_label(lv), fontsize=8)
        ax.set_ylabel("probability")
        _ticks(ax, lv)
        ax.grid(alpha=0.25)
    handles, labels = axes[0].get_legend_handles_labels()
    if grid and len(others) == 1:  # a family of lines: one legend beside the panels
        olv = summary["levers"][others[0]]
        fig.legend(handles, labels, fontsize=7, frameon=False, loc="outside lower center", ncols=len(labels),
                   title=_axis_label(olv).replace("\n", " "), title_fontsize=7)
    else:
        axes[0].legend(fontsize=7, frameon=False, loc="best")
    reps = summary["replications"]
    what = (lv.get("label") or lever) + (f" ({lv['units']})" if lv.get("units") else "")
    fig.suptitle(f"{summary['title']}\nP(indicator) against {what}: {reps:,} replications per point\n"
                 "(common random numbers; bands: 95% Wilson intervals)", x=0.01, ha="left", fontsize=10)
    return fig


def heatmap(summary: dict[str, Any], levers: tuple[str, str], indicators: list[str],
            boxes: dict[str, Any] | None = None) -> Any:
    """P(indicator) over two levers: cells on a grid (other levers pooled), dots otherwise.

    Args:
        summary: The sweep's summary.
        levers: (x lever, y lever).
        indicators: One panel each.
        boxes: Indicator → :class:`sim.experiments.discovery.Discovery` whose box to outline.

    """
    jx, lx = _lever(summary, levers[0])
    jy, ly = _lever(summary, levers[1])
    grid = summary["design"] == "grid"
    fig, axes = _panels(len(indicators), width=4.2 if len(indicators) == 1 else 3.4,
                        height=3.6 if len(indicators) == 1 else 2.9)
    mesh = None
    for ax, ind in zip(axes, indicators, strict=True):
        X, k, n = _arrays(summary, ind)
        x, y = X[:, jx], X[:, jy]
        if grid:
            xv, yv = np.unique(x), np.unique(y)
            P = np.full((len(yv), len(xv)), np.nan)
            for a, xx in enumerate(xv):
                for b, yy in enumerate(yv):
                    m = (x == xx) & (y == yy)
                    P[b, a] = k[m].sum() / n[m].sum()
            mesh = ax.pcolormesh(_edges(xv), _edges(yv), P, cmap="viridis", vmin=0, vmax=1, shading="flat")
            if len(xv) <= MAX_ANNOTATED and len(yv) <= MAX_ANNOTATED and len(indicators) <= 2:
                for a, xx in enumerate(xv):
                    for b, yy in enumerate(yv):
                        ax.text(xx, yy, f"{P[b, a]:.0%}", ha="center", va="center", fontsize=6.5,
                                color="white" if P[b, a] < 0.6 else "black")
        else:
            mesh = ax.scatter(x, y, c=k / n, cmap="viridis", vmin=0, vmax=1, s=22, edgecolors="none")
        box = (boxes or {}).get(ind)
        title = summary["indicators"][ind]
        if box is not None and _outline(ax, box, jx, jy, x, y, grid):
            rule = "<=" if box.below else ">="
            title += (f"\ndashed: PRIM box for P {rule} {box.threshold:g} (density {box.box.density:.0%}, "
                      f"coverage {box.box.coverage:.0%})")
        ax.set_xlabel(_axis_label(lx), fontsize=8)
        ax.set_ylabel(_axis_label(ly), fontsize=8)
        _ticks(ax, lx, "x")
        _ticks(ax, ly, "y")
        ax.set_title("\n".join(textwrap.fill(part, TITLE_CHARS) for part in title.split("\n")), fontsize=9)
    if mesh is not None:
        cbar = fig.colorbar(mesh, ax=list(axes), shrink=0.9, pad=0.02)
        cbar.set_label("probability")
    reps = summary["replications"]
    other = len(summary["levers"]) > 2
    fig.suptitle(f"{summary['title']}\nP(indicator) over two levers: {reps:,} replications per point"
                 + ("; other levers pooled" if other and grid else ""), x=0.01, ha="left", fontsize=10)
    return fig


def _edges(v: np.ndarray) -> np.ndarray:
    """Cell edges around sorted centres (half-way between neighbours)."""
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _outline(ax: Any, d: Any, jx: int, jy: int, x: np.ndarray, y: np.ndarray, grid: bool) -> bool:
    """Draw a PRIM box on a heatmap (half a cell beyond the bounding points on a grid)."""
    from matplotlib.patches import Rectangle

    def span(v: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
        if not grid:
            return lo, hi
        e = _edges(np.unique(v))
        c = np.unique(v)
        return e[np.searchsorted(c, lo)], e[np.searchsorted(c, hi) + 1]

    x0, x1 = span(x, d.box.lo[jx], d.box.hi[jx])
    y0, y1 = span(y, d.box.lo[jy], d.box.hi[jy])
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#e03131", lw=2.2, ls="--"))
    return True


def prim_figure(d: Any) -> Any:
    """PRIM: the peeling trajectory (coverage against density) and the chosen box per lever."""
    plt = _plt()
    nlev = len(d.levers)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, max(3.2, 0.5 * nlev + 2)), width_ratios=[1, 1.3])
    cov = [b.coverage for b in d.trajectory]
    den = [b.density for b in d.trajectory]
    sc = a1.scatter(cov, den, c=range(len(cov)), cmap="viridis", s=18, zorder=3)
    a1.plot(cov, den, color="#adb5bd", lw=0.8, zorder=2)
    a1.scatter([cov[d.chosen]], [den[d.chosen]], s=120, facecolors="none", edgecolors="#e03131", lw=1.5,
               zorder=4, label=f"chosen (step {d.chosen})")
    a1.scatter([d.box.coverage], [d.box.density], marker="*", s=120, color="#e03131", zorder=5,
               label="chosen, after pasting")
    a1.axhline(d.extra["min_density"], color="#868e96", ls=":", lw=1)
    a1.set_xlabel("coverage (share of cases of interest inside)")
    a1.set_ylabel("density (share of box that is of interest)")
    a1.set_xlim(-0.02, 1.02)
    a1.set_ylim(-0.02, 1.02)
    a1.legend(fontsize=7, frameon=False, loc="lower left")
    fig.colorbar(sc, ax=a1, label="peeling step", shrink=0.8)
    rule = "<=" if d.below else ">="
    a1.set_title(f"Peeling trajectory: P({d.indicator}) {rule} {d.threshold:g}", fontsize=9)
    lo_full, hi_full = d.extra["full_lo"], d.extra["full_hi"]
    limits = d.limits()
    for j, lv in enumerate(d.levers):
        y = nlev - 1 - j
        span = (hi_full[j] - lo_full[j]) or 1.0
        a, b = (d.box.lo[j] - lo_full[j]) / span, (d.box.hi[j] - lo_full[j]) / span
        a2.barh(y, 1, left=0, color="#e9ecef", height=0.5)
        a2.barh(y, max(b - a, 0.01), left=a, color=PALETTE[0] if lv["name"] in limits else "#ced4da", height=0.5)
        if lv["name"] in limits:
            v = limits[lv["name"]]
            text = ", ".join(map(str, v)) if _categorical(lv) else f"{v[0]:g} to {v[1]:g}"
        else:
            text = "not restricted"
        a2.text(1.02, y, text, va="center", fontsize=8)
    ranges = [", ".join(map(str, lv["values"])) if _categorical(lv) else f"{lo_full[j]:g} to {hi_full[j]:g}"
              for j, lv in enumerate(d.levers)]
    a2.set_yticks(range(nlev), [f"{lv['name']}\n(range {r})" for lv, r in zip(d.levers, ranges, strict=True)][::-1],
                  fontsize=8)
    a2.set_xlim(0, 1.45)
    a2.set_xticks([0, 0.5, 1], ["low", "", "high"])
    a2.set_title(f"Chosen box: density {d.box.density:.0%}, coverage {d.box.coverage:.0%}, "
                 f"{d.box.support} of {d.points} points", fontsize=9)
    fig.tight_layout()
    return fig


def sensitivity_bars(rows: list[dict[str, Any]], title: str) -> Any:
    """Sobol first-order and total indices per factor, largest total first, with 95% bootstrap bars."""
    plt = _plt()
    rows = sorted(rows, key=lambda r: r["ST"])
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(rows) + 1.4))
    y = np.arange(len(rows))
    h = 0.38
    series = ((h / 2, "ST", PALETTE[1], "total (ST)"), (-h / 2, "S1", PALETTE[0], "first-order (S1)"))
    for off, key, colour, label in series:
        v = np.array([r[key] for r in rows])
        lo = np.array([r.get(f"{key}_lo", np.nan) for r in rows])
        hi = np.array([r.get(f"{key}_hi", np.nan) for r in rows])
        ax.barh(y + off, v, height=h, color=colour, alpha=0.85, label=label)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.errorbar(v[ok], (y + off)[ok], xerr=[np.clip(v - lo, 0, None)[ok], np.clip(hi - v, 0, None)[ok]],
                    fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_yticks(y, [f"{r['factor']}  ({r.get('kind', 'factor')})" for r in rows], fontsize=8)
    ax.axvline(0, color="black", lw=0.6)
    lows = [r.get(k, 0.0) for r in rows for k in ("S1", "ST", "S1_lo", "ST_lo")]
    ax.set_xlim(min(-0.05, np.nanmin(lows) - 0.03), max(1.05, max(r.get("ST_hi", 0.0) for r in rows) + 0.03))
    ax.set_xlabel("Sobol index (share of the variance of P; bars: 95% bootstrap interval)")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def advice_figure(candidates: list[dict[str, Any]], chosen: dict[str, Any], target: float, below: bool,
                  title: str) -> Any:
    """Cost against estimated probability for every package tried, the target line and the chosen package."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    cost = np.array([c["cost"] for c in candidates])
    p = np.array([c["p"] for c in candidates])
    ok = p <= target if below else p >= target
    stage = np.array([c.get("stage", "grid") for c in candidates])
    for st, marker in (("grid", "o"), ("refine", "x")):
        m = stage == st
        ax.scatter(cost[m & ok], p[m & ok], s=18, marker=marker, color=PALETTE[2], label=f"{st}: meets target")
        ax.scatter(cost[m & ~ok], p[m & ~ok], s=18, marker=marker, color="#adb5bd", label=f"{st}: misses target")
    ax.axhline(target, color="#e03131", ls="--", lw=1, label=f"target {'<=' if below else '>='} {target:g}")
    v = chosen["verify"]
    ax.errorbar([chosen["cost"]], [v["p"]], yerr=[[v["p"] - v["lo"]], [v["hi"] - v["p"]]], fmt="*", ms=13,
                color="#e03131", ecolor="#e03131", capsize=4, label="chosen, fresh run (95% interval)")
    ax.scatter([chosen["cost"]], [chosen["p"]], s=110, facecolors="none", edgecolors="#e03131", lw=1.2, zorder=4,
               label="chosen, estimate in the search")
    ax.set_xlabel("cost of the package (sum of lever cost × amount)")
    ax.set_ylabel("estimated probability (common random numbers)")
    top = max(float(p.max()), v["hi"], target) if len(p) else 1.0
    ax.set_ylim(-0.02, min(1.02, top + 0.08))  # zoom in when everything sits low
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7, frameon=False, loc="best")
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def write_sweep_figures(summary: dict[str, Any], folder: Path, indicators: list[str] | None = None,
                        prim: Any = None) -> list[str]:
    """Write a sweep's figures: a curve per lever and, with two or more levers, a heatmap of the first two."""
    names = indicators or list(summary["indicators"])
    files: list[str] = []
    for lv in summary["levers"]:
        files += save(lever_curve(summary, lv["name"], names), folder, f"curve_{lv['name']}")
    if len(summary["levers"]) >= 2:
        pair = (summary["levers"][0]["name"], summary["levers"][1]["name"])
        boxes = {prim.indicator: prim} if prim is not None else None
        files += save(heatmap(summary, pair, names, boxes), folder, "heatmap")
    return files
