"""The seminar's debrief sheet: what the model predicts, in sentences and tables, and why.

Read at the end of a class, beside the class's own deals: how the simulated talks end
(with 95% intervals), what a deal looks like, what moved each result, and the private
values each side kept from the other. Labels and units throughout; no internal names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.output.handoutwords import (
    actor_short,
    and_list,
    capital,
    horizon,
    issue_label,
    param_value,
    param_words,
    percent,
    range_words,
    round_name,
    short_value,
    table,
    units_tail,
    user_value,
)
from sim.output.report import esc, img
from sim.scenario.load import Scenario


def _interval(d: dict[str, Any]) -> str:
    return f"{percent(d['lo'])} to {percent(d['hi'])}"


def _endings(sc: Scenario) -> dict[str, str]:
    """Each way the talks can end in this scenario, as the subject of a sentence."""
    sig = and_list([actor_short(sc, j) for j in sc.signatories])
    out = {"deal": f"{sig} sign a deal",
           "deadline": f"no deal by {round_name(sc, sc.spec.protocol.rounds)}: the status quo stands"}
    by_kind: dict[str, list[str]] = {}
    for act in sc.spec.actions:
        by_kind.setdefault(act.outcome, []).append((act.label or act.name.replace("_", " ")).rstrip("."))
    if not sc.spec.actions:
        out["breakdown"] = "someone walks out and the talks break down"
    for kind, labels in by_kind.items():
        out[kind] = " or ".join(labels) + (", and it works" if kind == "forced_exit" else "")
    return out


def _headline(sc: Scenario, s: dict[str, Any]) -> str:
    """The most common ending and when deals come, in one or two sentences (the table has the rest)."""
    kinds = s["outcome_kinds"]
    words = _endings(sc)
    top = max((k for k in words if k in kinds), key=lambda k: kinds[k]["p"])
    d = kinds[top]
    text = (f"Most often {words[top]}: in {percent(d['p'])} of the runs (95% interval {_interval(d)})."
            if d["p"] >= 0.5 else f"The most common ending: {words[top]}, in {percent(d['p'])} of the runs "
                                  f"(95% interval {_interval(d)}).")
    dt = s.get("timeline", {}).get("deal_time")
    if dt:
        text += f" Half of the deals are signed by {round_name(sc, int(dt['median']))}."
    return text


def _endings_table(sc: Scenario, s: dict[str, Any]) -> str:
    rows = []
    for kind, words in _endings(sc).items():
        d = s["outcome_kinds"].get(kind)
        if d is None:
            continue
        rows.append(f"<tr><td>{esc(capital(words))}</td><td class='num'>{percent(d['p'])}</td>"
                    f"<td class='num'>{_interval(d)}</td></tr>")
    return table("<th>how the talks end</th><th class='num'>share of runs</th><th class='num'>95% interval</th>", rows)


def _driver(sc: Scenario, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    top = rows[0]
    sign = "more" if top["r"] > 0 else "less"
    what = param_words(sc, top["factor"], brief=True)
    if top["factor"].startswith("event:"):
        return f"{sign} likely if {what} happens"
    return f"{sign} likely the higher {what}"


def _indicator_table(sc: Scenario, s: dict[str, Any]) -> str:
    drivers = s.get("reasons", {}).get("drivers", {})
    rows = []
    for name, d in s["indicators"].items():
        rows.append(f"<tr><td>{esc(d['label'])}</td><td class='num'>{percent(d['p'])}</td>"
                    f"<td class='num'>{_interval(d)}</td><td class='small'>{esc(_driver(sc, drivers.get(name, [])))}"
                    "</td></tr>")
    return table("<th>result</th><th class='num'>share of runs</th><th class='num'>95% interval</th>"
                 "<th>what moved it most</th>", rows)


def _terms_table(sc: Scenario, s: dict[str, Any]) -> str:
    if s["outcome_kinds"]["deal"]["k"] == 0:
        return "<p>No run ended in a deal.</p>"
    rows = []
    for name, d in s["terms_if_deal"].items():
        if not d:
            continue
        i = sc.space.index(name)
        info = sc.space.issues[i]
        if "median" in d:  # a continuous issue: its units once, after the numbers
            lo, hi = short_value(info, d["q05"]), short_value(info, d["q95"])
            tail = f" ({units_tail(info)})" if units_tail(info) else ""
            words = (f"always {lo}{tail}" if lo == hi else
                     f"median {short_value(info, d['median'])}; 90% of deals between {lo} and {hi}{tail}")
        else:
            shares = sorted(((k, v) for k, v in d.items() if v >= 0.005), key=lambda kv: -kv[1])
            words = ", ".join(f"{user_value(info, k == 'true' if info.kind == 'binary' else k)} in {percent(v)}"
                              for k, v in shares)
        rows.append(f"<tr><td>{esc(issue_label(sc, i))}</td><td>{esc(words)}</td></tr>")
    return table("<th>issue</th><th>in the deals signed</th>", rows)


def _why(sc: Scenario, s: dict[str, Any]) -> str:
    rs = s.get("reasons", {})
    parts = []
    proposed = rs.get("deal_proposed_by") or {}
    total = sum(proposed.values())
    if total:
        shares = and_list([f"{actor_short(sc, sc.actors.index(k))} {percent(v / total)}"
                           for k, v in sorted(proposed.items(), key=lambda kv: -kv[1])])
        parts.append(f"Who proposed the deals that were signed: {shares}.")
    walked = rs.get("walked_out") or {}
    if walked:
        n = s["replications"]
        parts.append("Who walked out: " + and_list([f"{actor_short(sc, sc.actors.index(k))} in {percent(v / n)} "
                                                    "of runs" for k, v in walked.items()]) + ".")
    if "mean_rejections" in rs:
        parts.append(f"On average {rs['mean_rejections']:.1f} proposals were refused per run.")
    return f"<p>{esc(' '.join(parts))}</p>" if parts else ""


def _secrets(sc: Scenario) -> str:
    items = []
    for a in sc.signatories:
        grid = sc.types[a] if sc.types else None
        for path in (grid.paths if grid is not None else ()):
            v = param_value(sc, path, sc.params[path].default)
            items.append(f"{esc(capital(param_words(sc, path, brief=True)))}: "
                         f"{esc(v)} on {esc(actor_short(sc, a))}'s role sheet. "
                         f"The model drew it {esc(range_words(sc, path))}, run by run; only "
                         f"{esc(actor_short(sc, a))} knew the value.")
    return f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else ""


def _questions(sc: Scenario, s: dict[str, Any]) -> str:
    qs = []
    dt = s.get("timeline", {}).get("deal_time")
    if dt and sc.calendar is not None:
        qs.append(f"Did your deal come earlier or later than the model's (half its deals by "
                  f"{round_name(sc, int(dt['median']))})? What did waiting cost each side while the status quo stood?")
    if sc.spec.actions:
        acts = and_list([(a.label or a.name.replace("_", " ")).rstrip(".") for a in sc.spec.actions])
        qs.append(f"Did anyone act alone ({acts})? Was it worth its cost and its risk?")
    if sc.private:
        qs.append("What did you learn about the other side's private value from its proposals and refusals? "
                  "Were you right?")
    if sc.linkage:
        who = and_list(sorted({actor_short(sc, r.actor) for r in sc.linkage}))
        qs.append(f"Did the outside offers ({who}) change what was accepted at the table? Would other offers have "
                  "changed the outcome?")
    qs.append("Which assumption would change the answer most? The results table names what moved each result.")
    return "<ol>" + "".join(f"<li>{esc(q)}</li>" for q in qs) + "</ol>"


def _chance(sc: Scenario) -> str:
    """Why the runs differ (or that they do not)."""
    if sc.spec.uncertainty or sc.spec.events or sc.spec.protocol.noise > 0 or sc.spec.actions:
        return ("Each run drew the uncertain assumptions afresh, so the results are shares of runs, each with "
                "its 95% interval.")
    return "Nothing in this case is left to chance, so every run plays out the same way."


def debrief(sc: Scenario, summary: dict[str, Any], figures: Path | None) -> str:
    """The debrief sheet: how the model's runs end, with 95% intervals, what a deal looks like, and why.

    Args:
        sc: The scenario.
        summary: The ensemble's summary (:func:`sim.analysis.summaries.summarize`).
        figures: A folder holding ``debrief-timeline.png`` (or ``timeline.png``, ``indicators.png``) to
            embed, or None.

    """
    s = summary
    fig = ""
    if figures is not None:
        for name in ("debrief-timeline", "timeline", "indicators"):
            f = figures / f"{name}.png"
            if f.exists():
                fig = img(f)
                break
    secrets = _secrets(sc)
    return (f"<article class='sheet debrief'><h1>Debrief: what the model predicts</h1>"
            "<p class='sub'>For the end of the seminar, after the talks.</p>"
            f"<p>The model played {s['replications']:,} simulated negotiations of this case ({esc(horizon(sc))}), "
            f"with computer agents in every role. {esc(_chance(sc))}</p>"
            f"<p>{esc(_headline(sc, s))}</p>"
            f"<h2>How the talks end</h2>{_endings_table(sc, s)}"
            f"<h2>The results the scenario asks about</h2>{_indicator_table(sc, s)}"
            f"<h2>What a deal looks like</h2>{_terms_table(sc, s)}{_why(sc, s)}"
            + (f"<h2>What each side kept to itself</h2>{secrets}" if secrets else "")
            + (f"<h2>How and when the talks end, {esc(round_name(sc, 1))} onwards</h2>{fig}" if fig else "")
            + f"<h2>Questions for discussion</h2>{_questions(sc, s)}</article>")
