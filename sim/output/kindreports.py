"""report.html of sweeps (with scenario discovery), sensitivity analyses and advice, from their folders alone.

Each report opens with one answer in words (``<p class='answer'>``), built from what the
folder holds (``summary.json``, ``prim_*.json``, ``indices.csv``, ``advice.json``,
``manifest.json``), so ``sim report FOLDER`` rebuilds it without running anything. Every
piece of scenario text is escaped (:func:`sim.output.report.esc`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sim.output.report import answer, esc, img, page


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def figures(folder: Path, names: list[str] | None = None) -> str:
    """Every PNG of the folder (or those named, in that order), embedded."""
    paths = [folder / f"{n}.png" for n in names] if names is not None else sorted(folder.glob("*.png"))
    return "".join(f"<p>{img(p)}</p>" for p in paths if p.is_file())


def amount(value: Any, units: str | None) -> str:
    """A lever's value in words: yes/no for booleans, levels without underscores, numbers with units."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:.3g}" + (f" {units}" if units else "")
    return str(value).replace("_", " ")


def lever_name(lv: dict[str, Any]) -> str:
    """A lever in words (its target described), or its name."""
    return lv.get("label") or lv["name"].replace("_", " ")


def box_words(limits: dict[str, Any], levers: list[dict[str, Any]]) -> str:
    """A PRIM box as a phrase: "Russia: ideal on compensation at most 1 $bn and ..."."""
    by_name = {lv["name"]: lv for lv in levers}
    parts = []
    for name, v in limits.items():
        lv = by_name.get(name, {"name": name})
        units = lv.get("units")
        numeric = len(v) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
        if not numeric:
            parts.append(f"{lever_name(lv)} in {{{', '.join(amount(x, None) for x in v)}}}")
        elif lv.get("low") is not None and v[0] <= lv["low"]:
            parts.append(f"{lever_name(lv)} at most {amount(v[1], units)}")
        elif lv.get("high") is not None and v[1] >= lv["high"]:
            parts.append(f"{lever_name(lv)} at least {amount(v[0], units)}")
        else:
            parts.append(f"{lever_name(lv)} between {amount(v[0], units)} and {amount(v[1], units)}")
    return " and ".join(parts)


def _rule(target: str) -> str:
    return "at most" if "<=" in target else "at least"


def discovery_answer(d: dict[str, Any], summary: dict[str, Any]) -> str:
    """PRIM's chosen box in one sentence."""
    label = summary["indicators"].get(d["indicator"], d["indicator"])
    thr = d["target"].split()[-1]
    box = d["box"]
    p = f"P {'≤' if '<=' in d['target'] else '≥'} {float(thr):.0%}"
    if not box["limits"]:
        return (f"{label} with {p} at {d['cases_of_interest']} of {d['points']} design points; no lever range "
                f"separates them from the others.")
    return (f"With {box_words(box['limits'], summary['levers'])}, {label[0].lower() + label[1:]} with {p} "
            f"at {box['density']:.0%} of the box's {box['points']} design points (they are {box['coverage']:.0%} "
            f"of all {d['cases_of_interest']} points that reach it).")


def _at(point: dict[str, Any], levers: list[dict[str, Any]]) -> str:
    return ", ".join(f"{lever_name(lv)} {amount(point['levers'][lv['name']], lv.get('units'))}" for lv in levers)


def extremes(summary: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The design points where the indicator is lowest and highest."""
    pts = summary["points"]
    return (min(pts, key=lambda q: q["indicators"][name]["p"]), max(pts, key=lambda q: q["indicators"][name]["p"]))


def sweep_answer(summary: dict[str, Any], name: str) -> str:
    """Where over the design the indicator is lowest and highest."""
    lo, hi = extremes(summary, name)
    a, b = lo["indicators"][name], hi["indicators"][name]
    return (f"{summary['indicators'][name]}: from {a['p']:.0%} (at {_at(lo, summary['levers'])}) to {b['p']:.0%} "
            f"(at {_at(hi, summary['levers'])}) over {len(summary['points'])} design points.")


def sweep_report_html(folder: Path) -> str:
    """A sweep's report, with a section per scenario discovery (``prim_*.json``) run on it."""
    summary = _json(folder / "summary.json")
    manifest = _json(folder / "manifest.json")
    prims = [_json(p) for p in sorted(folder.glob("prim_*.json"))]
    levers = summary["levers"]
    names = list(summary["indicators"])
    wide = max(names, key=lambda n: (lambda lo, hi: hi["indicators"][n]["p"] - lo["indicators"][n]["p"])(
        *extremes(summary, n)))
    lead = discovery_answer(prims[0], summary) if prims else sweep_answer(summary, wide)
    lever_rows = "".join(
        f"<tr><td>{esc(lever_name(lv))}</td><td><code>{esc(lv['target'])}</code></td><td>"
        + (esc(", ".join(amount(v, lv.get('units')) for v in lv["values"])) if lv.get("values") is not None
           else f"{esc(amount(lv['low'], lv.get('units')))} to {esc(amount(lv['high'], lv.get('units')))}")
        + "</td></tr>" for lv in levers)
    rows = []
    for n in names:
        lo, hi = extremes(summary, n)
        a, b = lo["indicators"][n], hi["indicators"][n]
        rows.append(f"<tr><td>{esc(summary['indicators'][n])}</td>"
                    f"<td class='num'>{a['p']:.1%} <span class='muted'>[{a['lo']:.1%}, {a['hi']:.1%}]</span></td>"
                    f"<td>{esc(_at(lo, levers))}</td>"
                    f"<td class='num'>{b['p']:.1%} <span class='muted'>[{b['lo']:.1%}, {b['hi']:.1%}]</span></td>"
                    f"<td>{esc(_at(hi, levers))}</td></tr>")
    body = [f"<h1>{esc(summary['title'])}</h1>", answer(esc(lead)),
            f"<p class='muted'>Scenario <code>{esc(manifest.get('scenario_file', summary['scenario']))}</code> · "
            f"{esc(summary['design'])} design, {len(summary['points']):,} points × {summary['replications']:,} "
            f"replications (common random numbers) · seed {summary['seed']} · protocol {esc(summary['protocol'])}</p>",
            "<h2>Levers</h2><table><tr><th>lever</th><th>parameter</th><th>range</th></tr>"
            f"{lever_rows}</table>",
            "<h2>Where each indicator is lowest and highest</h2><table><tr><th>indicator</th><th>lowest P [95% CI]</th>"
            f"<th>at</th><th>highest P [95% CI]</th><th>at</th></tr>{''.join(rows)}</table>",
            figures(folder, [p.stem for p in sorted(folder.glob("*.png")) if not p.stem.startswith("prim_")])]
    for d in prims:
        traj = "".join(f"<tr><td class='num'>{t['step']}</td><td class='num'>{t['coverage']:.0%}</td>"
                       f"<td class='num'>{t['density']:.0%}</td><td class='num'>{t['points']}</td>"
                       f"<td>{esc(box_words(t['limits'], levers) or '(all)')}"
                       f"{' ◀ chosen' if t['step'] == d['chosen_step'] else ''}</td></tr>" for t in d["trajectory"])
        body.append(f"<h2>Scenario discovery: {esc(d['target'])}</h2><p>{esc(discovery_answer(d, summary))}</p>"
                    f"<p class='muted'>{esc(d['method'])}. Coverage: share of the points of interest inside the "
                    "box; density: share of the box's points that are of interest.</p>"
                    "<table><tr><th>step</th><th>coverage</th><th>density</th><th>points</th><th>box</th></tr>"
                    f"{traj}</table>"
                    + figures(folder, [f"prim_{d['indicator']}", f"prim_{d['indicator']}_heatmap"]))
    return page(summary["title"], "".join(body))


def _title(manifest: dict[str, Any]) -> str:
    resolved = manifest.get("resolved") or {}
    return str(resolved.get("title") or manifest.get("scenario", "scenario"))


def _output_label(manifest: dict[str, Any], output: str) -> str:
    if output.startswith("utility:"):
        return f"mean utility of {output.removeprefix('utility:')}"
    spec = ((manifest.get("resolved") or {}).get("outcomes") or {}).get(output) or {}
    label = spec.get("label") if isinstance(spec, dict) else None
    return f"P({label or output})"


def sensitivity_report_html(folder: Path) -> str:
    """A Sobol sensitivity analysis's report."""
    manifest = _json(folder / "manifest.json")
    with (folder / "indices.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels = {f["name"]: f.get("label") or f["name"] for f in manifest.get("factors", [])}
    rows.sort(key=lambda r: -float(r["ST"]))
    what = _output_label(manifest, manifest["output"])
    top = rows[0]

    def name(r: dict[str, Any]) -> str:
        return labels.get(r["factor"], r["factor"])

    lead = (f"{name(top)} drives {what} most: total Sobol index {float(top['ST']):.2f} "
            f"[95% CI {float(top['ST_lo']):.2f}, {float(top['ST_hi']):.2f}], first order {float(top['S1']):.2f}"
            + (f"; next {name(rows[1])} ({float(rows[1]['ST']):.2f})." if len(rows) > 1 else "."))
    table = "".join(f"<tr><td>{esc(name(r))}<br><code>{esc(r['path'])}</code></td><td>{esc(r['kind'])}</td>"
                    f"<td class='num'>{float(r['S1']):.3f} <span class='muted'>[{float(r['S1_lo']):.3f}, "
                    f"{float(r['S1_hi']):.3f}]</span></td><td class='num'>{float(r['ST']):.3f} <span class='muted'>"
                    f"[{float(r['ST_lo']):.3f}, {float(r['ST_hi']):.3f}]</span></td></tr>" for r in rows)
    body = [f"<h1>{esc(_title(manifest))}: what drives {esc(what)}</h1>", answer(esc(lead)),
            f"<p class='muted'>Scenario <code>{esc(manifest.get('scenario_file'))}</code> · {manifest['base_rows']} "
            f"base rows, {manifest['points']:,} points × {manifest['replications']:,} replications · seed "
            f"{manifest['seed']} · mean {manifest['mean']:.3f}, variance {manifest['variance']:.4f}</p>",
            "<h2>Sobol indices</h2><p class='muted'>First order: share of the variance the factor explains alone; "
            "total: alone and with others. Intervals by bootstrap; " + esc(manifest.get("estimator", "")) + ".</p>"
            "<table><tr><th>factor</th><th>kind</th><th>first order S1 [95%]</th><th>total ST [95%]</th></tr>"
            f"{table}</table>", figures(folder)]
    return page(f"{_title(manifest)}: sensitivity", "".join(body))


def per_unit(lv: dict[str, Any]) -> str:
    """What a lever's cost is counted in: per unit of its range, or per step along its listed values."""
    if lv.get("values") is not None:
        return "per step along " + ", ".join(amount(v, None) for v in lv["values"])
    return f"per {lv['units']}" if lv.get("units") else "per unit"


def advice_answer(data: dict[str, Any]) -> str:
    """The package in one sentence, with its verification."""
    levers = {lv["name"]: lv for lv in data["levers"]}
    package = ", ".join(f"{lever_name(levers.get(n, {'name': n}))} {amount(v, levers.get(n, {}).get('units'))}"
                        for n, v in data["package"].items())
    v = data["verify"]
    head = "Cheapest package" if data["reachable"] else "Target not reachable; closest package"
    verdict = ("meets the target with 95% confidence" if data["met_with_95_confidence"] else
               "meets it on the estimate, not across the whole interval" if data["met_by_estimate"] else
               "misses the target")
    return (f"{head} for {data['target']}: {package} (cost {data['cost']:.3g}); a fresh run gives "
            f"{v['p']:.1%} [95% CI {v['lo']:.1%}, {v['hi']:.1%}]: {verdict}.")


def advice_report_html(folder: Path) -> str:
    """An advice's report."""
    manifest = _json(folder / "manifest.json")
    data = _json(folder / "advice.json")
    rows = "".join(f"<tr><td>{esc(lever_name(lv))}</td><td><code>{esc(lv['target'])}</code></td>"
                   f"<td class='num'>{esc(amount(data['package'].get(lv['name'], ''), lv.get('units')))}</td>"
                   f"<td>{lv['cost']:g} {esc(per_unit(lv))}</td></tr>" for lv in data["levers"])
    held = "".join(f"<li>{esc(n)}: not moved (scenario value)</li>" for n in data["held_at_scenario_values"])
    est = data["estimate"]
    body = [f"<h1>{esc(_title(manifest))}: cheapest package for {esc(data['target'])}</h1>",
            answer(esc(advice_answer(data))),
            f"<p class='muted'>Scenario <code>{esc(manifest.get('scenario_file'))}</code> · "
            f"{data['packages_tried']} packages tried × {est['replications']:,} replications (seed {est['seed']}); "
            f"verified by a fresh run of {data['verify']['n']:,} replications (seed {data['verify']['seed']})</p>",
            "<h2>Package</h2><table><tr><th>lever</th><th>parameter</th><th>value</th><th>cost</th></tr>"
            f"{rows}</table>" + (f"<ul>{held}</ul>" if held else ""),
            f"<p>Estimate in the search: {est['p']:.1%} <span class='muted'>({esc(est['note'])})</span>.</p>",
            figures(folder)]
    return page(f"{_title(manifest)}: advice", "".join(body))


def write(folder: Path, html_text: str) -> None:
    """Write report.html into a (still hidden or finished) folder."""
    (folder / "report.html").write_text(html_text, encoding="utf-8")


__all__ = ["advice_report_html", "sensitivity_report_html", "sweep_report_html"]
