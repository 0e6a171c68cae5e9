# ruff: noqa: N802  (Solara components are named like classes)
"""The instructor view (/instructor): every actor's private sheet and the class's results.

Not linked from the student page (the app shows no route tabs). The sheets are the role
sheets of ``sim handout`` (:func:`sim.output.handout.role_sheet`): hidden preferences (ideal,
salience), red lines and outside options. The table lists every role-play of every browser
session of this server (:mod:`sim.app.registry`).
"""

from __future__ import annotations

from html import escape

import solara

from sim.app import registry
from sim.output.handout import role_sheet
from sim.scenario.load import Scenario

CSS = ("<style>.sim-sheets table,.class-table{border-collapse:collapse;margin:.5em 0}"
       ".sim-sheets td,.sim-sheets th,.class-table td,.class-table th{border:1px solid #ccc;padding:2px 8px}"
       ".num{text-align:right}</style>")


def class_table(rows: list[dict]) -> str:
    """Render the class's results as an HTML table (one row per role-play)."""
    head = ("<tr><th>session</th><th>plays</th><th>round</th><th>outcome</th><th>terms</th><th>their utility</th>"
            "<th>model's agent</th><th>difference</th><th>tab open</th></tr>")
    body = []
    for r in rows:
        mine, model = r.get("your_utility"), r.get("model_utility")
        diff = f"{mine - model:+.3f}" if mine is not None and model is not None else ""
        body.append(f"<tr><td>{escape(r['session'])}</td><td>{escape(r['actor'])}</td><td class='num'>{r['round']}</td>"
                    f"<td>{escape(r['outcome'])}</td><td>{escape(r.get('terms', ''))}</td>"
                    f"<td class='num'>{'' if mine is None else f'{mine:.3f}'}</td>"
                    f"<td class='num'>{'' if model is None else f'{model:.3f}'}"
                    f"{' (' + escape(r['model_outcome']) + ')' if r.get('model_outcome') else ''}</td>"
                    f"<td class='num'>{diff}</td><td>{'yes' if r.get('live') else 'no'}</td></tr>")
    return f"<table class='class-table'>{head}{''.join(body)}</table>"


@solara.component
def InstructorPage(sc: Scenario) -> None:
    """Class results (with Refresh) above every actor's private role sheet."""
    tick, set_tick = solara.use_state(0)
    rows = registry.rows()
    with solara.Column(style={"padding": "16px"}):
        solara.HTML(tag="h2", unsafe_innerHTML=f"Instructor view: {escape(sc.spec.title or sc.name)}")
        with solara.Row():
            solara.Text(f"role-plays: {len(rows)}", classes=["class-count"])
            solara.Button("Refresh", on_click=lambda: set_tick(tick + 1), classes=["class-refresh"])
        solara.HTML(tag="div", unsafe_innerHTML=CSS + class_table(rows))
        sheets = "".join(role_sheet(sc, a) for a in range(len(sc.actors)))
        solara.HTML(tag="div", unsafe_innerHTML=sheets, classes=["sim-sheets"])
