"""Self-contained HTML reports: results beside the assumptions and sources behind them.

Images are embedded as base64 PNG so the file can be mailed or opened offline.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from sim.analysis.summaries import KIND_LABELS, why_lines
from sim.engine.outcomes import KINDS

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2rem auto;
padding:0 1rem;color:#212529;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dee2e6}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0} td,th{padding:.25rem .6rem;
border-bottom:1px solid #e9ecef;text-align:left;vertical-align:top} th{background:#f1f3f5}
td.num{text-align:right;font-variant-numeric:tabular-nums} img{max-width:100%;border:1px solid #f1f3f5}
.muted{color:#868e96;font-size:.85rem}
.answer{font-size:1.15rem;font-weight:600;margin:.6rem 0 1rem}
.q{background:#f8f9fa;border-left:3px solid #1c7ed6;padding:.5rem 1rem}
"""


def esc(x: Any) -> str:
    """HTML-escape anything."""
    return html.escape(str(x))


def img(path: Path) -> str:
    """An <img> with the PNG embedded."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{esc(path.stem)}" src="data:image/png;base64,{data}">'


def answer(text: str) -> str:
    """The report's one-line answer in words (``text`` is HTML, already escaped)."""
    return f"<p class='answer'>{text}</p>"


def run_answer(summary: dict[str, Any]) -> str:
    """The first indicator of a run in one sentence."""
    d = next(iter(summary["indicators"].values()))
    return (f"{d['label']}: P = {d['p']:.0%} [95% CI {d['lo']:.0%}, {d['hi']:.0%}] over "
            f"{summary['replications']:,} replications.")


def page(title: str, body: str) -> str:
    """A complete HTML document."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def indicator_table(summaries: dict[str, dict[str, Any]]) -> str:
    """Indicators × series, each cell 'p [lo, hi]'."""
    series = list(summaries)
    first = summaries[series[0]]["indicators"]
    head = "".join(f"<th>{esc(s)}</th>" for s in series)
    rows = []
    for name, d in first.items():
        cells = "".join(
            f"<td class='num'>{summaries[s]['indicators'][name]['p']:.1%} "
            f"<span class='muted'>[{summaries[s]['indicators'][name]['lo']:.1%}, "
            f"{summaries[s]['indicators'][name]['hi']:.1%}]</span></td>" for s in series)
        rows.append(f"<tr><td>{esc(d['label'])}</td>{cells}</tr>")
    return f"<table><tr><th>indicator</th>{head}</tr>{''.join(rows)}</table>"


def plain(value: Any) -> str:
    """A value in words: mappings as "a 1, b 2", lists comma-separated, booleans yes/no, levels without underscores."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    return str(value)


def distribution_words(d: dict[str, Any]) -> str:
    """A declared distribution in words, e.g. "uniform on [0.1, 0.3]", "beta(a = 2, b = 5) on [0, 1]"."""
    dist = d.get("dist")
    if dist == "uniform":
        return f"uniform on [{plain(d['low'])}, {plain(d['high'])}]"
    if dist == "truncnormal":
        return (f"normal, mean {plain(d['mean'])}, sd {plain(d['sd'])}, truncated to "
                f"[{plain(d['low'])}, {plain(d['high'])}]")
    if dist == "beta":
        return f"beta(a = {plain(d['a'])}, b = {plain(d['b'])}) on [{plain(d['low'])}, {plain(d['high'])}]"
    if dist == "triangular":
        return f"triangular on [{plain(d['low'])}, {plain(d['high'])}], most likely {plain(d['mode'])}"
    if dist == "choice":
        weights = d.get("weights")
        if weights:
            total = sum(weights)
            return "one of " + ", ".join(f"{plain(v)} ({w / total:.0%})" for v, w in zip(d["values"], weights,
                                                                                           strict=True))
        return "equally likely: " + plain(d["values"])
    return plain({k: v for k, v in d.items()})


def assumptions_table(rows: list[dict[str, Any]]) -> str:
    """Every number with its note or source; unlabelled ones are flagged."""
    out = ["<table><tr><th>field</th><th>value</th><th>note / source</th></tr>"]
    for r in rows:
        label = " ".join(x for x in (r.get("source") and f"Source: {r['source']}", r.get("note")) if x)
        out.append(f"<tr><td><code>{esc(r['path'])}</code></td><td class='num'>{esc(plain(r['value']))}</td>"
                   f"<td>{esc(label) if label else '<em>unlabelled</em>'}</td></tr>")
    out.append("</table>")
    return "".join(out)


def uncertainty_table(sc: Any) -> str:
    """The declared distributions."""
    if not sc.spec.uncertainty:
        return "<p class='muted'>No uncertain parameters.</p>"
    out = ["<table><tr><th>parameter</th><th>distribution</th><th>note</th></tr>"]
    for u in sc.spec.uncertainty:
        d = u.model_dump(exclude={"param", "note", "source"}, exclude_none=True)
        out.append(f"<tr><td><code>{esc(u.param)}</code></td><td>{esc(distribution_words(d))}</td>"
                   f"<td>{esc(u.note or u.source or '')}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _counts(counts: dict[str, int]) -> str:
    """{'syria': 484, 'russia': 290} as "syria 484 times, russia 290 times"."""
    return ", ".join(f"{k} {v:,} time{'s' if v != 1 else ''}" for k, v in (counts or {}).items())


def reasons_html(sc: Any, summary: dict[str, Any]) -> str:
    """Walk-outs, proposers of deals, and the strongest drivers per indicator."""
    rs = summary["reasons"]
    parts = [f"<p>Who walked out (breakdowns): {esc(_counts(rs['walked_out']) or 'nobody')}. "
             f"Who proposed the accepted deals: {esc(_counts(rs['deal_proposed_by']) or 'none')}. "
             f"Mean refused offers per replication: {rs['mean_rejections']:.2f}.</p>"]
    parts.append("<table><tr><th>indicator</th><th>strongest drivers (correlation; mean difference)</th></tr>")
    for name, rows in rs["drivers"].items():
        cells = "; ".join(f"{esc(d.get('label', d['factor']))} <code>{esc(d['factor'])}</code> "
                          f"r={d['r']:+.2f} (Δ {d['diff']:+.3f})" for d in rows)
        parts.append(f"<tr><td>{esc(summary['indicators'][name]['label'])}</td><td>{cells}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def endings_html(summary: dict[str, Any]) -> str:
    """Every outcome kind with its 95% interval, and when the deals come."""
    rows = "".join(f"<tr><td>{esc(KIND_LABELS.get(k, k))}</td><td>{d['p']:.1%}</td>"
                   f"<td>[{d['lo']:.1%}, {d['hi']:.1%}]</td></tr>" for k, d in summary["outcome_kinds"].items())
    out = f"<table><tr><th>ending</th><th>P</th><th>95% CI</th></tr>{rows}</table>"
    dt = summary.get("timeline", {}).get("deal_time")
    if dt:
        q25, med, q75 = dt["labels"]
        out += (f"<p>Among deals, a quarter are signed by {esc(q25)}, half by {esc(med)}, three quarters by "
                f"{esc(q75)}; until then the status quo stands.</p>")
    return out


def protocol_table_html(sc: Any, summaries: dict[str, dict[str, Any]]) -> str:
    """Tabulate per protocol how talks end, when, who walks out, and what each actor gets.

    All protocols of a run play the same replications with the same drawn parameters, so the
    differences in this table come from the rules of bargaining, not from sampling.
    """
    actors = list(sc.actors)
    kinds_seen = [k for k in KINDS if any(s["outcome_kinds"][k]["k"] for s in summaries.values())] or ["deal"]
    head = ("<tr><th>protocol</th>" + "".join(f"<th>{esc(KIND_LABELS[k])}</th>" for k in kinds_seen)
            + "<th>deal round (mean)</th>"
            "<th>walked out</th>" + "".join(f"<th>utility: {esc(a)}</th>" for a in actors) + "</tr>")
    rows = []
    for name, s in summaries.items():
        kinds = "".join(f"<td class='num'>{s['outcome_kinds'][k]['p']:.1%}</td>"
                        for k in kinds_seen)
        rnd = s["deal_round"].get("mean")
        walked = ", ".join(f"{a} {k:,}" for a, k in s["reasons"]["walked_out"].items()) or "nobody"
        util = "".join(f"<td class='num'>{s['utility_mean'][a]:.3f}</td>" for a in actors)
        rows.append(f"<tr><td><code>{esc(name)}</code></td>{kinds}"
                    f"<td class='num'>{'' if rnd is None else f'{rnd:.2f}'}</td><td>{esc(walked)}</td>{util}</tr>")
    note = ("<p class='muted'>Same replications, same drawn parameters and events under every protocol "
            "(docs/protocols.md says what each protocol assumes). Utilities are means over all replications, "
            "outside options included where talks broke down.</p>")
    return f"<table>{head}{''.join(rows)}</table>{note}"


def write_run_report(result: Any, folder: Path) -> None:
    """Write ``report.html`` for a run into ``folder``."""
    (folder / "report.html").write_text(run_report_html(result, folder), encoding="utf-8")


def run_report_html(result: Any, folder: Path) -> str:
    """Render a run's report (figures embedded from ``folder``) as one HTML document."""
    sc = result.scenario
    first = next(iter(result.summaries))
    s = result.summaries[first]
    body = [f"<h1>{esc(sc.spec.title or sc.name)}</h1>", answer(esc(run_answer(s))),
            f"<p class='muted'>Scenario <code>{esc(sc.file)}</code> · sha256 {sc.sha256[:12]} · "
            f"{s['replications']:,} replications · protocol(s): {esc(', '.join(result.summaries))}</p>"]
    if sc.spec.question:
        body.append(f"<p class='q'>{esc(sc.spec.question)}</p>")
    body.append("<h2>Answer</h2>" + indicator_table(result.summaries))
    body.append("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in why_lines(sc, s)) + "</ul>")
    if len(result.summaries) > 1:
        figure = folder / "terms_by_protocol.png"
        body.append(f"<h2>Protocols compared</h2>{protocol_table_html(sc, result.summaries)}"
                    + (img(figure) if figure.exists() else ""))
    body.append(f"<h2>How and when the talks end</h2>{endings_html(s)}")
    timeline_png = folder / "timeline.png"
    if timeline_png.exists():
        body.append(img(timeline_png))
    for name in ("indicators", "terms", "rounds", "trajectories", "drivers"):
        p = folder / f"{name}.png"
        if p.exists():
            body.append(f"<h2>{name.capitalize()}</h2>{img(p)}")
    body.append(f"<h2>Why</h2>{reasons_html(sc, s)}")
    body.append(f"<h2>What is assumed</h2><h3>Uncertain assumptions</h3>{uncertainty_table(sc)}"
                f"<h3>Every number in the scenario</h3>{assumptions_table(sc.assumptions())}")
    return page(sc.spec.title or sc.name, "".join(body))
