"""Seminar kits: a public brief, one private role sheet per actor, and a debrief sheet.

Everything is written from the scenario itself, so a kit always matches the model the
class plays against. The debrief runs an ensemble and states what the model predicts, with
intervals, and why. Pages print cleanly (one sheet per page) for a PDF via the browser's
"Print to PDF"; no PDF library is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.outcomes import Outcomes
from sim.engine.state import build_state
from sim.engine.utility import breakdown_utilities
from sim.output.report import esc, img, indicator_table, page, reasons_html
from sim.output.runfolder import write_plots
from sim.scenario.load import Scenario

PRINT_CSS = "<style>@media print{.sheet{page-break-after:always}} .sheet{margin-bottom:3rem}</style>"


def _value(sc: Scenario, issue: str, x: float) -> str:
    info = sc.space.issues[sc.space.index(issue)]
    v = info.to_user(float(x))
    if info.kind == "continuous":
        return f"{v:g} {info.units}".strip()
    if info.kind == "binary":
        return "yes" if v else "no"
    return str(v).replace("_", " ")


def _issue_options(sc: Scenario, i: int) -> str:
    info = sc.space.issues[i]
    if info.kind == "continuous":
        return f"from {info.lo:g} to {info.hi:g} {info.units}".strip()
    if info.kind == "binary":
        return "yes or no"
    return " / ".join(lv.replace("_", " ") for lv in info.levels)


def public_brief(sc: Scenario) -> str:
    """What every participant may know: the case, the issues, the rules, the status quo."""
    spec = sc.spec
    linked = {r.issue for r in sc.linkage}
    rows = []
    for i, info in enumerate(sc.space.issues):
        who = "offered from outside (linked to the deal)" if i in linked else "negotiated at the table"
        sq = _value(sc, info.name, sc.params[f"issues.{info.name}.status_quo"].default)
        rows.append(f"<tr><td>{esc(info.label)}</td><td>{esc(_issue_options(sc, i))}</td><td>{esc(who)}</td>"
                    f"<td>{esc(sq)}</td></tr>")
    actors = "".join(f"<li><b>{esc(a.label or a.name)}</b>: "
                     f"{'signs the deal' if a.role == 'signatory' else 'not at the table; offers from outside'}"
                     f"{': ' + esc(a.description) if a.description else ''}</li>" for a in spec.actors)
    proto = spec.protocol
    order = ", ".join(sc.actors[j] for j in sc.signatories)
    who = ("in turn: " + esc(order) if proto.recognition == "rotation"
           else "chosen at random, stronger actors more often")
    rules = (f"<p>Up to <b>{proto.rounds}</b> rounds. Each round one signatory proposes a full package "
             f"({who}); "
             "every other signatory accepts or refuses. A deal needs every signatory. Anyone may walk away to "
             "their outside option. If the last round passes without a deal, the status quo holds.</p>")
    return (f"<div class='sheet'><h1>{esc(spec.title or sc.name)}: public brief</h1>"
            f"{'<p class=q>' + esc(spec.question) + '</p>' if spec.question else ''}"
            f"<p>{esc(spec.description or '')}</p><h2>Who is involved</h2><ul>{actors}</ul>"
            f"<h2>What is on the table</h2><table><tr><th>issue</th><th>options</th><th>how it is settled</th>"
            f"<th>status quo</th></tr>{''.join(rows)}</table><h2>The rules</h2>{rules}</div>")


def role_sheet(sc: Scenario, a: int) -> str:
    """An actor's private sheet: priorities, red lines and outside option in plain words."""
    spec = sc.spec.actors[a]
    p = f"actors.{spec.name}"
    prios = sorted(spec.positions.items(), key=lambda kv: -kv[1].salience)
    rows = "".join(
        f"<tr><td>{esc(sc.space.issues[sc.space.index(name)].label)}</td>"
        f"<td>{esc(_value(sc, name, sc.params[f'{p}.positions.{name}.ideal'].default))}</td>"
        f"<td class='num'>{pos.salience:.0%}</td></tr>" for name, pos in prios)
    lines = []
    for rl in spec.red_lines:
        info = sc.space.issues[sc.space.index(rl.issue)]
        words = {">=": "at least", "<=": "at most", "==": "exactly", "!=": "anything but", ">": "more than",
                 "<": "less than"}[rl.op]
        val = _value(sc, info.name, info.to_norm(rl.value))
        lines.append(f"<li>{esc(info.label)} must be {words} {esc(val)}"
                     f"{' (' + esc(rl.note) + ')' if rl.note else ''}.</li>")
    red = f"<ul>{''.join(lines)}</ul>" if lines else "<p>None: everything is negotiable for you.</p>"
    oo = spec.outside_option
    walk = _outside_option_words(sc, a)
    patience = sc.params[f"{p}.patience"].default
    delay = (f"<p>Time matters: each round of delay makes a deal worth about {1 - patience:.0%} less to you "
             f"(patience {patience:.2f} per round).</p>")
    role = ("You sign the deal: you propose packages when it is your turn and accept or refuse the others'."
            if spec.role == "signatory" else
            "You are not at the table. You shape the deal through what you offer the host, and on what terms.")
    links = [r for r in sc.linkage if r.actor == a]
    offers = ""
    if links:
        items = []
        for r in links:
            info = sc.space.issues[r.issue]
            table = ", ".join(f"{_value(sc, sc.space.names[r.depends_on[0]], x)}: {_value(sc, info.name, y)}"
                              for x, y in zip(r.xs, r.ys, strict=True))
            items.append(f"<li>{esc(info.label)} by {esc(' / '.join(sc.space.names[d] for d in r.depends_on))}: "
                         f"{esc(table)}</li>")
        offers = f"<h2>What you offer (your conditional offers)</h2><ul>{''.join(items)}</ul>"
    return (f"<div class='sheet'><h1>Private role sheet: {esc(spec.label or spec.name)}</h1>"
            f"<p class='muted'>Confidential: for the player of {esc(spec.label or spec.name)} only.</p>"
            f"<p>{esc(role)}</p><h2>What you want, most important first</h2>"
            f"<table><tr><th>issue</th><th>your ideal</th><th>how much it matters</th></tr>{rows}</table>"
            f"<h2>Your red lines</h2>{red}<h2>If talks break down</h2><p>{walk}</p>{delay}{offers}"
            f"{'<p class=muted>Note on your outside option: ' + esc(oo.note) + '</p>' if oo.note else ''}</div>")


def _outside_option_words(sc: Scenario, a: int) -> str:

    st = build_state(sc, 1, {})
    _, b = breakdown_utilities(sc, st, st.generosity)
    spec = sc.spec.actors[a]
    if spec.role != "signatory":
        return "You do not walk away; if the signatories break down, you keep your offers on the table."
    value = float(b[0, a])
    if spec.outside_option.kind == "fixed":
        return (f"You walk away with a fixed value of {value:.2f} on a 0-1 scale. Accept a deal only if it is "
                "worth more to you than that, or than waiting.")
    linked = {r.issue for r in sc.linkage}
    terms = ", ".join(f"{info.label.lower()}: "
                      f"{_value(sc, info.name, sc.params[f'issues.{info.name}.breakdown'].default)}"
                      for i, info in enumerate(sc.space.issues) if i not in linked)
    return (f"If talks break down, the terms become {esc(terms)}, and outsiders' offers adjust to that. "
            f"All told that is worth {value:.2f} to you on a 0-1 scale (where 1 is getting everything you want); "
            "a deal must beat it.")


def debrief(sc: Scenario, summary: dict[str, Any], figures: Path | None) -> str:
    """What the model predicts, with intervals, and why."""
    s = summary
    terms = s["terms_if_deal"]
    typical = []
    for name, d in terms.items():
        if not d or d.get("n") == 0:
            continue
        if "median" in d:
            typical.append(f"{name.replace('_', ' ')}: median {d['median']:.2f} {d.get('units', '')}")
        else:
            top = max(d, key=lambda k: d[k])
            typical.append(f"{name.replace('_', ' ')}: {top.replace('_', ' ')} ({d[top]:.0%})")
    figs = ""
    if figures is not None:
        for name in ("indicators", "drivers", "trajectories"):
            f = figures / f"{name}.png"
            if f.exists():
                figs += img(f)
    return (f"<div class='sheet'><h1>Debrief: what the model predicts</h1>"
            f"<p>{s['replications']:,} simulated negotiations under the scenario's assumptions "
            f"({esc(s['protocol'])}). Probabilities with 95% intervals:</p>{indicator_table({'model': s})}"
            f"<h2>A typical deal</h2><ul>{''.join('<li>' + esc(t) + '</li>' for t in typical)}</ul>"
            f"<h2>Why each side moved</h2>{reasons_html(sc, s)}{figs}"
            "<h2>Questions for discussion</h2><ol><li>Which of your assumptions would change the answer most?</li>"
            "<li>Did your class's deal beat the model's? Which side gained, and why?</li>"
            "<li>Where did the outside options decide the outcome rather than the offers?</li></ol></div>")


def write_handout(sc: Scenario, folder: Path, out: Outcomes, summary: dict[str, Any]) -> list[str]:
    """Write the kit into ``folder`` (which must exist): brief, role sheets, debrief, and all in one.

    Args:
        sc: The scenario.
        folder: Where to write.
        out: The debrief's ensemble (:func:`sim.workflows.handout.handout` plays it).
        summary: Its summary.

    Returns:
        The file names written.

    """
    write_plots(sc, {out.protocol: out}, {out.protocol: summary}, folder)
    files = {"brief.html": public_brief(sc)}
    for a, actor in enumerate(sc.spec.actors):
        files[f"role-{actor.name}.html"] = role_sheet(sc, a)
    files["debrief.html"] = debrief(sc, summary, folder)
    title = sc.spec.title or sc.name
    for name, body in files.items():
        (folder / name).write_text(page(title, PRINT_CSS + body), encoding="utf-8")
    kit = PRINT_CSS + "".join(files.values())
    (folder / "kit.html").write_text(page(title + ": seminar kit", kit), encoding="utf-8")
    _ = np
    return [*files, "kit.html"]
