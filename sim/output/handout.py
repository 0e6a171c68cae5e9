"""Seminar kits: a public brief, one private role sheet per actor, and a debrief sheet.

Everything is written from the scenario itself, so a kit always matches the model the
class plays against: the clock (rounds as dated periods), what stands while there is no
deal, the unilateral actions with their chances and costs, the outside powers' offers, and
who knows what (each side's private parameters and the range the others believe).
Students read the pages on paper: plain words and tables only (:mod:`sim.output.handoutwords`),
no internal names, parameter paths or file paths. A print stylesheet sets A4 pages: each
role sheet fits one page, the brief and the debrief two (``tests/output/test_handout_print.py``
prints them with Chromium and counts the pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.influence import choosers
from sim.engine.moves import action_terms, end_values, status_quo_flow
from sim.engine.outcomes import Outcomes
from sim.engine.state import build_state
from sim.engine.utility import breakdown_utilities
from sim.output import plots
from sim.output.debrief import debrief
from sim.output.handoutwords import (
    actor_label,
    actor_short,
    and_list,
    capital,
    dependency_words,
    event_words,
    horizon,
    issue_label,
    mid,
    norm_value,
    number,
    options,
    param_value,
    param_words,
    percent,
    period_word,
    range_words,
    round_name,
    short_value,
    student_note,
    table,
    terms_words,
    units_tail,
    user_value,
)
from sim.output.report import esc
from sim.output.runfolder import write_plots
from sim.scenario.load import Scenario

__all__ = ["PRINT_CSS", "debrief", "document", "public_brief", "role_sheet", "write_handout"]

# Arial's metrics (Liberation Sans on Linux has the same widths), so a page that fits here
# fits on the seminar room's laptop too. Headings stay with what follows them and tables are
# not split, so no heading is left alone at the foot of a page.
PRINT_CSS = """
@page{size:A4;margin:14mm 15mm}
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;font-size:10.5pt;line-height:1.35;color:#1b1b1b;
max-width:180mm;margin:1.5rem auto;padding:0 1rem}
h1{font-size:17pt;margin:0 0 2pt;line-height:1.2} h2{font-size:12pt;margin:9pt 0 3pt;padding-bottom:1pt;
border-bottom:1px solid #b8bec4}
p,ul,ol{margin:3pt 0 5pt} ul,ol{padding-left:16pt} li{margin:1.5pt 0}
table{border-collapse:collapse;width:100%;font-size:9pt;margin:3pt 0 5pt}
th,td{padding:1.5pt 5pt;border-bottom:1px solid #d5d9dd;text-align:left;vertical-align:top}
th{background:#eceff2} td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.sub{color:#495057;margin:0 0 6pt} .small{font-size:9pt;color:#495057}
.q{border-left:3pt solid #1c7ed6;background:#f1f5f9;padding:4pt 8pt;margin:6pt 0}
.conf{font-weight:bold;color:#a61e4d}
img{max-width:100%;display:block;margin:4pt 0} .debrief img{width:100%}
h1,h2,h3{break-after:avoid;page-break-after:avoid}
table,tr,img,li{break-inside:avoid;page-break-inside:avoid} table.long{break-inside:auto;page-break-inside:auto}
caption{text-align:left;font-size:9pt;color:#495057;padding:0 0 2pt} .nowrap{white-space:nowrap}
p{orphans:3;widows:3}
.sheet{break-after:page;page-break-after:always} .sheet:last-child{break-after:auto;page-break-after:auto}
@media screen{.sheet{border-bottom:2px dashed #ced4da;padding-bottom:1.5rem;margin-bottom:2rem}}
@media print{body{max-width:none;margin:0;padding:0}}
"""


def document(title: str, body: str) -> str:
    """A complete, printable HTML document for one sheet or the whole kit."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>"
            f"<style>{PRINT_CSS}</style></head><body>{body}</body></html>\n")


def _section(title: str, body: str) -> str:
    return f"<h2>{esc(title)}</h2>{body}" if body else ""


def _ul(items: list[str]) -> str:
    return f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else ""


@dataclass(frozen=True)
class _Start:
    """What the alternatives to a deal are worth to each actor at the start, at the declared numbers.

    Attributes:
        flow: (A,) per-period value of the standing status quo (None without timing flows).
        breakdown: (A,) value of the walk-out of scenarios without actions.
        action_end: (K, A) value to every actor if action k succeeds (before its cost).
        success: (K,) each action's chance of success.
        cost: (K, A) what each action costs every actor.

    """

    flow: np.ndarray | None
    breakdown: np.ndarray
    action_end: np.ndarray
    success: np.ndarray
    cost: np.ndarray


def _start(sc: Scenario) -> _Start:
    st = build_state(sc, 1, {})
    gen = st.generosity  # the offers as announced, before any escalation or event
    flow = status_quo_flow(sc, st, gen)
    _, b = breakdown_utilities(sc, st, gen)
    ends = np.array([end_values(sc, st, action_terms(sc, st, k, gen))[0] for k in range(len(sc.actions))])
    return _Start(None if flow is None else flow[0], b[0], ends.reshape(len(sc.actions), len(sc.actors)),
                  st.act_success[0], st.act_cost[0])


def _private(sc: Scenario, a: int) -> list[str]:
    """The paths of actor ``a``'s private parameters."""
    grid = sc.types[a] if sc.types else None
    return list(grid.paths) if grid is not None else []


def _others(sc: Scenario, a: int) -> list[int]:
    return [j for j in sc.signatories if j != a]


# ---------------------------------------------------------------------------- public brief


def public_brief(sc: Scenario) -> str:
    """What every participant may know: the case, the issues, the offers, the rules, who knows what."""
    spec = sc.spec
    title = spec.title or sc.name.replace("_", " ")
    head = (f"<h1>{esc(title)}</h1><p class='sub'>Public brief: every team reads this.</p>"
            + (f"<p class='q'>{esc(spec.question)}</p>" if spec.question else "")
            + (f"<p>{esc(spec.description)}</p>" if spec.description else ""))
    who = []
    for a, actor in enumerate(spec.actors):
        role = ("at the table: signs the deal" if actor.role == "signatory"
                else "not at the table: makes offers from outside")
        desc = student_note(actor.description)
        who.append(f"<b>{esc(actor_label(sc, a))}</b>, {role}{': ' + esc(desc) if desc else ''}.")
    return (f"<article class='sheet brief'>{head}{_section('Who is involved', _ul(who))}"
            f"{_section('What is negotiated at the table', _issues_table(sc))}{_section('The rules', _rules(sc))}"
            # after the rules, whose list can break between items and fill the first page: the
            # offers table is kept whole and would otherwise leave a gap above it
            f"{_section('What the outside powers offer', _offers_brief(sc))}"
            f"{_section('What may happen along the way', _events(sc))}"
            f"{_section('Who knows what', _who_knows(sc))}</article>")


def _issues_table(sc: Scenario) -> str:
    linked = {r.issue for r in sc.linkage}
    rows = []
    for i, info in enumerate(sc.space.issues):
        if i in linked:
            continue  # offered from outside: the offers table shows them
        sq = norm_value(sc, i, sc.params[f"issues.{info.name}.status_quo"].default)
        rows.append(f"<tr><td>{esc(issue_label(sc, i))}</td><td>{esc(options(sc, i))}</td><td>{esc(sq)}</td></tr>")
    return table("<th>issue</th><th>possible terms</th><th>today, with no deal</th>", rows)


def _offers_table(sc: Scenario, rules: list[int]) -> str:
    """The offers as tables: one row per offer, one column per level of what it follows.

    Offers following the same levels share a table; a row names what it follows when that
    differs from the table's first offer.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for r in rules:
        dep = sc.space.issues[sc.linkage[r].depends_on[0]]
        groups.setdefault(dep.levels if dep.kind == "ordinal" else ("no", "yes"), []).append(r)
    by = len({sc.linkage[r].actor for r in rules}) > 1  # one actor's own sheet needs no "by" column
    tables = []
    for levels, rs in groups.items():
        first = dependency_words(sc, sc.linkage[rs[0]])
        rows = []
        for r in rs:
            rule, compiled = sc.spec.linkage[r], sc.linkage[r]
            info = sc.space.issues[compiled.issue]
            given = {_level_key(x): y for x, y in rule.table}
            if rule.conditional:
                cells = [short_value(info, given[lv]) if lv in given else "" for lv in levels]
            else:  # the table's most generous entry, whatever the terms
                cells = [short_value(info, info.to_user(float(max(compiled.ys))))] * len(levels)
            follows = dependency_words(sc, compiled)
            notes = [units_tail(info)] + ([f"follows {follows}"] if follows != first else [])
            note = "; ".join(n for n in notes if n)
            rows.append(f"<tr><td>{esc(issue_label(sc, compiled.issue))}"
                        f"{'<br><span class=small>' + esc(note) + '</span>' if note else ''}</td>"
                        + (f"<td class='nowrap'>{esc(actor_short(sc, compiled.actor))}</td>" if by else "")
                        + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th>{esc(lv.replace('_', ' '))}</th>" for lv in levels)
        tables.append(table(f"<th>offer</th>{'<th>by</th>' if by else ''}{head}", rows,
                            f"What each offer gives, by {esc(first)}:"))
    return "".join(tables)


def _level_key(x: Any) -> str:
    """A table's key as a level name ("reduced"), binary keys as "yes"/"no"."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    return str(x)


def _offers_brief(sc: Scenario) -> str:
    if not sc.linkage:
        return ""
    choosing = [actor_short(sc, a) for a in choosers(sc)]
    how = ("These schedules are the most on offer. "
           + (f"How much of them is delivered is for the {and_list(choosing)} "
              f"team{'s' if len(choosing) > 1 else ''} to decide. " if choosing else "")
           + "The offers follow the terms in force: a deal's, or the status quo's while there is none.")
    return _offers_table(sc, list(range(len(sc.linkage)))) + f"<p class='small'>{esc(how)}</p>"


_PROTOCOL_WORDS = {
    "baron_ferejohn": "Each round a proposer is drawn; a proposal passes with the votes the rule requires.",
    "nash": "The model computes the split that the bargaining strengths and fallbacks imply (a Nash bargain).",
    "compromise": "The model computes the salience- and strength-weighted compromise of the positions.",
    "expected_utility": "The model lets the actors challenge and move positions round by round.",
    "packages": "The model searches for the package that every signatory prefers to its fallback.",
}


def _turns(sc: Scenario) -> str:
    proto = sc.spec.protocol
    sig = list(sc.signatories)
    names = [actor_short(sc, j) for j in sig]
    if proto.name != "alternating_offers":
        return _PROTOCOL_WORDS.get(proto.name, "The model settles the terms by its own rule.")
    per = period_word(sc)
    if proto.recognition == "rotation":
        first = [f"{n} in {round_name(sc, t + 1)}" for t, n in enumerate(names)]
        turn = f"They take turns: {and_list(first)}, and so on."
    else:
        caps = np.array([sc.params[f"actors.{sc.actors[j]}.capability"].default for j in sig], dtype=float)
        odds = and_list([f"{n} {percent(c / caps.sum())}" for n, c in zip(names, caps, strict=True)])
        turn = f"Each {per} the proposer is drawn at random, the stronger side more often ({odds})."
    two = len(sig) == 2
    return (f"Each {per} one side proposes a full package: terms on every issue at the table. {turn} "
            f"The other{' accepts or refuses' if two else 's accept or refuse'}: a deal needs "
            f"{'both' if two else 'every signatory'}. A refused proposal changes nothing; the talks go on.")


def _rules(sc: Scenario) -> str:
    T = sc.spec.protocol.rounds
    items = [f"The talks run for {esc(horizon(sc))}.", esc(_turns(sc))]
    last = round_name(sc, T)
    if sc.calendar is not None and sc.calendar.flows:
        items.append(
            "While no deal is signed, the status quo stands (\u201ctoday, with no deal\u201d, and the outside offers "
            f"for it): every team lives with it each {period_word(sc)}. If {esc(last)} passes without a deal, "
            "the status quo is taken to last.")
    else:
        items.append(f"If {esc(last)} passes without a deal, the status quo (\u201ctoday, with no deal\u201d) holds.")
    start = _start(sc)
    if sc.actions:
        items += [_action_words(sc, k, start) for k in range(len(sc.actions))]
    else:
        bd = _breakdown_changes(sc)
        items.append("Either side may walk out at any time, at no cost: the talks end"
                     + (f" and {esc(bd)}." if bd else " and the status quo holds."))
    items.append("Values on the role sheets are on a 0-1 scale: 1 means every issue at that team's ideal, 0 the "
                 f"opposite on every issue{'; with dated rounds, per ' + period_word(sc) if sc.calendar else ''}.")
    return _ul(items)


_WHEN = {("turn",): "at its turn, instead of proposing", ("refusal",): "right after refusing a proposal",
         ("turn", "refusal"): "at its turn instead of proposing, or right after refusing a proposal"}


def _action_words(sc: Scenario, k: int, start: _Start) -> str:
    act, spec = sc.actions[k], sc.spec.actions[k]
    path = f"actions.{act.name}.success"
    p = start.success[k]
    rng = range_words(sc, path)
    if p >= 1.0 and not rng:
        chance = "It always works"  # nothing to say about failing
    else:
        chance = f"It works with chance {percent(p)}" + (f" ({rng}: nobody knows exactly)" if rng else "")
    costs = [f"{actor_short(sc, j)} {number(start.cost[k, j])}" for j in range(len(sc.actors)) if start.cost[k, j] > 0]
    sure = p >= 1.0 and not rng
    cost = (f" It costs {and_list(costs)} in value{'' if sure else ', whether or not it works'}." if costs
            else " It costs nothing.")
    fail = "" if sure else " If it fails, the status quo stands and the talks go on."
    label = (spec.label or act.name.replace("_", " ")).rstrip(".")
    return (f"<b>{esc(label)}</b>: {esc(actor_short(sc, act.actor))} may do this {_WHEN.get(act.when, 'instead')}. "
            f"{esc(chance)}: the talks then end with {esc(terms_words(sc, act.issues, act.values))}."
            f"{esc(cost)}{esc(fail)}")


def _breakdown_changes(sc: Scenario) -> str:
    linked = {r.issue for r in sc.linkage}
    changed = []
    for i, info in enumerate(sc.space.issues):
        sq = sc.params[f"issues.{info.name}.status_quo"].default
        bd = sc.params[f"issues.{info.name}.breakdown"].default
        if i not in linked and bd != sq:
            changed.append(f"{mid(issue_label(sc, i))} becomes {norm_value(sc, i, bd)}")
    return and_list(changed)


def _events(sc: Scenario) -> str:
    items = []
    for ev in sc.spec.events:
        if ev.round > sc.spec.protocol.rounds:
            continue  # after the horizon: it never happens in this game
        p = sc.params[f"events.{ev.name}.probability"].default
        chance = "for certain" if p >= 1 else f"with chance {percent(p)}"
        items.append(f"In {esc(round_name(sc, ev.round))}, {chance}: {esc(event_words(sc, ev.name))}.")
    return _ul(items) + "<p class='small'>Nobody knows in advance whether these happen.</p>" if items else ""


def _meaning(sc: Scenario, path: str) -> str:
    """What a private parameter stands for: the scenario's own words if it has them, else ours."""
    u = next((u for u in sc.spec.uncertainty if u.param == path), None)
    note = student_note(u.note if u is not None else None, first=True)
    if note:
        return note
    words = param_words(sc, path)
    return words.split(": ", 1)[-1]


def _who_knows(sc: Scenario) -> str:
    items = []
    for a in sc.signatories:
        paths = _private(sc, a)
        if not paths:
            continue
        others = and_list([actor_short(sc, j) for j in range(len(sc.actors)) if j != a])
        for p in paths:
            items.append(f"{esc(capital(param_words(sc, p, brief=True)))}, {esc(_meaning(sc, p))}: only "
                         f"{esc(actor_short(sc, a))} knows it. {esc(others)} know only a range, and learn from "
                         f"{esc(actor_short(sc, a))}'s proposals and refusals.")
    if not items:
        return "<p>Every team knows everything on this brief; each role sheet adds that team's own priorities.</p>"
    return ("<p>Every team knows everything on this brief; each role sheet adds that team's own priorities. "
            "Besides:</p>" + _ul(items))


# ---------------------------------------------------------------------------- role sheets


def role_sheet(sc: Scenario, a: int) -> str:
    """An actor's private sheet: priorities, red lines, alternatives, and what it knows that others do not."""
    label = actor_label(sc, a)
    head = (f"<h1>Role sheet: {esc(label)}</h1><p class='sub'><span class='conf'>Confidential</span>: for the "
            f"{esc(label)} team only.</p>")
    wants = _section("What you want, most important first", _wants(sc, a))
    knows = _section("Who knows what", _ul(_own_private(sc, a) + _their_private(sc, a)))
    if sc.spec.actors[a].role == "signatory":
        body = (f"<p>{esc(_signatory_role(sc, a))}</p>{wants}{_section('Your red lines', _red_lines(sc, a))}"
                f"{_section(_alternatives_title(sc), _alternatives(sc, a))}{knows}")
    else:
        body = f"<p>{esc(_influencer_role(sc, a))}</p>{wants}{_section('What you can offer', _offers(sc, a))}{knows}"
    return f"<article class='sheet role'>{head}{body}</article>"


def _signatory_role(sc: Scenario, a: int) -> str:
    others = and_list([actor_short(sc, j) for j in _others(sc, a)])
    moves = [(sc.spec.actions[k].label or act.name.replace("_", " ")).rstrip(".")
             for k, act in enumerate(sc.actions) if act.actor == a]
    act = f" Instead of agreeing you may act alone: {and_list(moves)} (see the table)." if moves else ""
    return (f"You sign the deal. At your turn you propose a full package; when {others} proposes, you accept or "
            f"refuse.{act}")


def _influencer_role(sc: Scenario, a: int) -> str:
    sig = and_list([actor_short(sc, j) for j in sc.signatories])
    if not any(r.actor == a for r in sc.linkage):
        return f"You are not at the table: {sig} sign the deal. You follow the talks and press your interests."
    return (f"You are not at the table: {sig} sign the deal. You shape it through your offers, which follow the "
            "terms in force: a deal's, or the status quo's while there is none.")


def _wants(sc: Scenario, a: int) -> str:
    spec = sc.spec.actors[a]
    p = f"actors.{spec.name}"
    weight = {n: sc.params[f"{p}.positions.{n}.salience"].default for n in spec.positions}
    total = sum(weight.values()) or 1.0
    rows = []
    for name in sorted(weight, key=lambda n: -weight[n]):
        i = sc.space.index(name)
        ideal = sc.params[f"{p}.positions.{name}.ideal"].default
        rows.append(f"<tr><td>{esc(issue_label(sc, i))}</td><td>{esc(norm_value(sc, i, ideal))}</td>"
                    f"<td class='num'>{weight[name] / total:.0%}</td></tr>")
    return (table("<th>issue</th><th>your ideal</th><th class='num'>weight</th>", rows)
            + "<p class='small'>The weights add up to 100%: the share of your attention each issue gets. Issues "
            "you do not care about are not listed.</p>")


_OPS = {">=": "at least", "<=": "at most", "==": "exactly", "!=": "anything but", ">": "more than", "<": "less than"}


def _red_lines(sc: Scenario, a: int) -> str:
    items = []
    for rl in sc.spec.actors[a].red_lines:
        i = sc.space.index(rl.issue)
        why = student_note(getattr(rl, "note", None))
        value = norm_value(sc, i, sc.space.issues[i].to_norm(rl.value))
        items.append(f"{esc(issue_label(sc, i))} must be {_OPS[rl.op]} {esc(value)}"
                     f"{' (' + esc(why) + ')' if why else ''}.")
    if not items:
        return "<p>None: everything is negotiable for you.</p>"
    return _ul(items) + "<p class='small'>You sign no deal that breaks one of them.</p>"


def _alternatives_title(sc: Scenario) -> str:
    return "While there is no deal" if sc.calendar is not None and sc.calendar.flows else "If there is no deal"


def _alternatives(sc: Scenario, a: int) -> str:
    start = _start(sc)
    rows = []
    if start.flow is not None:
        rows.append(("The status quo stands (no deal yet)", start.flow[a], ""))
    for k, act in enumerate(sc.actions):
        who = "you" if act.actor == a else actor_short(sc, act.actor)
        chance = "always works" if start.success[k] >= 1 else f"works with chance {percent(start.success[k])}"
        label = (sc.spec.actions[k].label or act.name.replace("_", " ")).rstrip(".")
        cost = start.cost[k, a]
        rows.append((f"{label} ({who} may do it; {chance}), and it works", start.action_end[k, a],
                     f"{number(cost)}, paid even if it fails" if cost > 0 else "none"))
    if not sc.actions:
        rows.append(("Someone walks out: the talks break down", start.breakdown[a], "none"))
    body = [f"<tr><td>{esc(what)}</td><td class='num'>{number(v)}</td><td>{esc(cost)}</td></tr>"
            for what, v, cost in rows]
    per = f" a {period_word(sc)}" if start.flow is not None else ""
    patience = sc.params[f"actors.{sc.actors[a]}.patience"].default
    wait = (f"You discount the future by {1 - patience:.0%} a {period_word(sc)}: the same deal one {period_word(sc)} "
            f"later is worth {patience:.0%} as much to you"
            + (", and meanwhile you live with the status quo." if start.flow is not None else "."))
    return (table(f"<th>what happens</th><th class='num'>worth to you{esc(per)}</th><th>cost to you</th>", body)
            + f"<p>{esc(wait)} {esc(_bonus_words(sc, a))}Sign a deal only if it is worth more to you "
            "than waiting or acting.</p>")


def _bonus_words(sc: Scenario, a: int) -> str:
    """The outside-option bonus in words, when it is not private (a private one is under "Who knows what")."""
    spec = sc.spec.actors[a]
    path = f"actors.{spec.name}.outside_option.bonus"
    if spec.outside_option.kind != "breakdown" or path in _private(sc, a) or not sc.params[path].default:
        return ""
    why = student_note(getattr(spec.outside_option, "note", None))
    return (f"Any ending without a deal is worth {number(sc.params[path].default)} more to you for value outside "
            f"this deal{' (' + why + ')' if why else ''}; the table includes it. ")


_EFFECT = {"outside_option.bonus": "It adds to what any ending without a deal is worth to you; the table above "
                                   "includes it."}


def _own_private(sc: Scenario, a: int) -> list[str]:
    others = and_list([actor_short(sc, j) for j in range(len(sc.actors)) if j != a])
    items = []
    for path in _private(sc, a):
        title = param_words(sc, path, own=True, brief=True)
        effect = _EFFECT.get(path.split(".", 2)[-1], "")
        items.append(f"<b>{esc(capital(title))}: {esc(param_value(sc, path, sc.params[path].default))}</b>, "
                     f"{esc(_meaning(sc, path))}. {esc(effect)} Only you know it: {esc(others)} believe it is "
                     f"{esc(range_words(sc, path))}.")
    return items


def _their_private(sc: Scenario, a: int) -> list[str]:
    items = []
    for j in sc.signatories:
        if j == a:
            continue
        for path in _private(sc, j):
            items.append(f"<b>You do not know {esc(param_words(sc, path, brief=True))}</b>, {esc(_meaning(sc, path))}. "
                         f"You believe it is {esc(range_words(sc, path))}; only {esc(actor_short(sc, j))} knows, and "
                         "its proposals and refusals tell you something.")
    return items


def _offers(sc: Scenario, a: int) -> str:
    rules = [r for r, rule in enumerate(sc.linkage) if rule.actor == a]
    if not rules:
        return "<p>You make no offers in this scenario.</p>"
    items = []
    for r in rules:
        rule = sc.spec.linkage[r]
        base = f"linkage.{rule.name}"
        words = []
        g = sc.params[f"{base}.generosity"].default
        if g != 1.0:
            rng = range_words(sc, f"{base}.generosity")
            words.append(f"the model assumes you deliver {percent(g)} of it" + (f" ({rng})" if rng else ""))
        step = sc.params[f"{base}.escalation"].default
        if step > 0:
            cap = sc.params[f"{base}.cap"].default
            words.append(f"you add {percent(step)} of it each {period_word(sc)} without a deal, up to {percent(cap)}")
        if rule.floor is not None:
            floor = user_value(sc.space.issues[sc.linkage[r].issue], rule.floor)
            words.append(f"you give at least {floor} whatever the terms")
        cred = sc.params.get(f"{base}.credibility")
        if cred is not None and cred.default < 1:
            words.append(f"the signatories count on it with chance {percent(cred.default)}")
        if words:
            items.append(f"{esc(issue_label(sc, sc.linkage[r].issue))}: {esc('; '.join(words))}.")
    if a in choosers(sc):
        budget = sc.params[f"actors.{sc.actors[a]}.budget"].default
        items.append(f"Before the talks start you choose what share of these schedules to deliver, from 0 to "
                     f"{percent(budget)}, the same share for all your offers. Giving more than your ideal on your "
                     "own offers costs you: weigh it against the terms it buys.")
    names = {sc.spec.linkage[r].name for r in rules}
    for ev in sc.spec.events:
        if ev.round <= sc.spec.protocol.rounds and any(
                e.target.startswith("linkage.") and e.target.split(".")[1] in names for e in ev.effects):
            p = sc.params[f"events.{ev.name}.probability"].default
            items.append(f"In {esc(round_name(sc, ev.round))}, with chance {percent(p)}: "
                         f"{esc(event_words(sc, ev.name))}.")
    return _offers_table(sc, rules) + _ul(items)


# ---------------------------------------------------------------------------- the kit


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
    if out.protocol == "alternating_offers":
        # The run's timeline is drawn 12 inches wide for a screen; printed 18 cm wide its labels
        # shrink to 4 pt. The debrief's copy is drawn at print size instead.
        fig = plots.timeline(sc, out, f"{out.n:,} simulated negotiations")
        fig.set_size_inches(7.2, 2.5)
        fig.set_dpi(200)
        fig.axes[1].legend(loc="best", fontsize=7, frameon=False)  # at this size the fixed place hides a curve
        fig.tight_layout()
        plots.save(fig, folder, "debrief-timeline", svg=False)
    files = {"brief.html": public_brief(sc)}
    for a, actor in enumerate(sc.spec.actors):
        files[f"role-{actor.name}.html"] = role_sheet(sc, a)
    files["debrief.html"] = debrief(sc, summary, folder)
    title = sc.spec.title or sc.name.replace("_", " ")
    for name, body in files.items():
        (folder / name).write_text(document(title, body), encoding="utf-8")
    # One document, each sheet starting a new page: print it once for the whole class.
    (folder / "kit.html").write_text(document(title + ": seminar kit", "".join(files.values())), encoding="utf-8")
    return [*files, "kit.html"]
