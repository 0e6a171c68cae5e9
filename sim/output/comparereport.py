"""The self-contained HTML report of a comparison: results beside what each scenario assumes.

It is built from ``comparison.json`` and the figures in the folder alone, so ``sim report``
can rewrite it without running anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.output.report import esc, img, page
from sim.scenario.diff import ITEM

FIGURES = (("indicators", "Indicators by scenario"), ("differences", "Differences to the reference"),
           ("rounds", "Time to agreement"), ("terms", "Final terms"))
WIDE = "<style>body{max-width:1380px}</style>"  # a table of many scenarios needs the room
CELL = "white-space:nowrap;font-size:.76rem;padding:.2rem .3rem"
GRID = "display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;align-items:start"


def compare_report_html(record: dict[str, Any], folder: Path) -> str:
    """Render the report as one HTML document (figures embedded from ``folder``)."""
    scen = record["scenarios"]
    first = scen[0]
    table = record["table"]
    crn = all(r["common_random_numbers"] for r in table if r["common_random_numbers"] is not None)
    title = f"Comparison: {first['title'] or first['name']} and {len(scen) - 1} other scenario(s)"
    body = [WIDE, f"<h1>{esc(title)}</h1>",
            f"<p class='muted'>{_settings(scen)} · differences to <b>{esc(first['label'])}</b> by "
            f"{esc('; '.join(record['methods']))} · common random numbers: {'yes' if crn else 'no, see table'}</p>",
            "<p>Each cell: the probability over the replications (95% Wilson interval, percent); below it, "
            "the difference to the reference in percentage points (95% interval), <b>bold</b> when the "
            "interval excludes zero.</p>",
            _results_table(table, scen)]
    for name, heading in FIGURES:
        path = folder / f"{name}.png"
        if path.exists():
            body.append(f"<h2>{esc(heading)}</h2>{img(path)}")
    body.append("<h2>Scenarios: what each asks and assumes</h2>")
    for s in scen:
        body.append(_scenario_card(s, first, table))
    return page(title, "".join(body))


def write_compare_report(record: dict[str, Any], folder: Path) -> None:
    """Write ``report.html`` into ``folder``."""
    (folder / "report.html").write_text(compare_report_html(record, folder), encoding="utf-8")


def _settings(scen: list[dict[str, Any]]) -> str:
    parts = []
    for key, word in (("replications", "replications"), ("seed", "seed"), ("block_size", "block size"),
                      ("protocol", "protocol")):
        values = list(dict.fromkeys(str(s[key]) for s in scen))
        shown = values[0] if len(values) == 1 else "/".join(values)
        parts.append(f"{word} {esc(shown)}" if key != "replications" else f"{esc(shown)} {word} each")
    return " · ".join(parts)


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _pp(x: float) -> str:
    return f"{100 * x:+.1f}"


def _cell(r: dict[str, Any]) -> str:
    """Probability (Wilson interval) over difference to the reference (its interval)."""
    top = f"{_pct(r['p'])} <span class='muted'>({100 * r['lo']:.1f}–{100 * r['hi']:.1f})</span>"
    if r["diff"] is None:
        return f"<td class='num' style='{CELL}'>{top}<br><span class='muted'>reference</span></td>"
    head = f"<b>{_pp(r['diff'])}</b>" if r["diff_lo"] > 0 or r["diff_hi"] < 0 else _pp(r["diff"])
    d = f"{head} <span class='muted'>({100 * r['diff_lo']:.1f}, {100 * r['diff_hi']:.1f})</span>"
    return f"<td class='num' style='{CELL}'>{top}<br>{d}</td>"


def _results_table(table: list[dict[str, Any]], scen: list[dict[str, Any]]) -> str:
    names = list(dict.fromkeys(r["indicator"] for r in table))
    labels = {r["indicator"]: r["label"] for r in table}
    by = {(r["indicator"], r["scenario"]): r for r in table}
    head = "".join(f"<th style='font-size:.78rem'>{esc(labels[n])}</th>" for n in names)
    rows = []
    for s in scen:
        cells = "".join(_cell(by[(n, s["label"])]) for n in names)
        label = esc(s["label"]).replace("_", "_<wbr>")  # long labels may break at underscores
        rows.append(f"<tr><td><b>{label}</b></td>{cells}</tr>")
    return (f"<div style='overflow-x:auto'><table><tr><th>scenario</th>{head}</tr>{''.join(rows)}"
            "</table></div>")


def _scenario_card(s: dict[str, Any], first: dict[str, Any], table: list[dict[str, Any]]) -> str:
    is_first = s is first
    where = "finished run" if s["kind"] == "run" else "scenario file"
    head = (f"<h3>{esc(s['label'])}{' (reference)' if is_first else ''}: {esc(s['title'] or s['name'])}</h3>"
            f"<p class='muted'>{where} <code>{esc(s['source'])}</code> · sha256 {esc(s['sha256'][:12])}</p>")
    left = []
    if s["question"]:
        left.append(f"<p class='q'>{esc(s['question'])}</p>")
    if s["description"]:
        left.append(f"<p>{esc(s['description'])}</p>")
    if is_first:
        left.append("<p class='muted'>The reference: every other scenario is compared with it.</p>")
    mine = [r for r in table if r["scenario"] == s["label"]]
    right = ["<table><tr><th>indicator</th><th>P</th><th>vs reference</th></tr>"]
    for r in mine:
        d = "" if r["diff"] is None else f"{_pp(r['diff'])} pp"
        if r["diff"] is not None and (r["diff_lo"] > 0 or r["diff_hi"] < 0):
            d = f"<b>{d}</b>"
        right.append(f"<tr><td>{esc(r['label'])}</td><td class='num'>{_pct(r['p'])}</td><td class='num'>{d}</td></tr>")
    right.append("</table>")
    below = "" if is_first else _diff_table(s["differs_from_first"], first["label"])
    return f"{head}<div style='{GRID}'><div>{''.join(left)}</div><div>{''.join(right)}</div></div>{below}"


def _diff_table(rows: list[dict[str, str]], first_label: str) -> str:
    if not rows:
        return "<p><em>No assumption differs from the reference.</em></p>"
    out = [f"<p>Assumptions that differ from <b>{esc(first_label)}</b>:</p><table><tr><th>field</th>"
           f"<th>{esc(first_label)}</th><th>this scenario</th><th>note / source</th></tr>"]
    for r in rows:
        label = " ".join(x for x in (r["source"] and f"Source: {r['source']}", r["note"]) if x)
        out.append(f"<tr><td><code>{esc(r['path'])}</code></td><td>{_shown(r['first'])}</td>"
                   f"<td>{_shown(r['this'])}</td><td>{esc(label) if label else '<em>unlabelled</em>'}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _shown(value: str) -> str:
    if value == "":
        return "<em>absent</em>"
    if value == ITEM:
        return "<em>present</em>"
    return esc(value)
