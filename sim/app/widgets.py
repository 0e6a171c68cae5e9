"""The student page's panels: controls, settings, plots, role-play, transcript and ensemble.

Each panel re-renders after every move by reading :data:`tick` (:func:`redraw` bumps it).
Tests find the elements by their CSS classes (``sim-*``, ``rp-*``, ``ens-*``).

The controls are the app's own, not Mesa's SolaraViz: Step and Play are disabled while the
negotiation waits for the person or is over (Play stops there instead of redrawing the page
every few hundred milliseconds), and no Mesa internals (play interval, render interval,
threads, page tabs) reach a student.
"""

# ruff: noqa: N802  (Solara components are named like classes)
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import ipyvuetify
import solara
import traitlets
from solara import v  # reacton's ipyvuetify: elements for components (ipyvuetify makes bare widgets)

from sim.analysis.summaries import summarize
from sim.app import plots, registry
from sim.app.session import Seat, SessionModel
from sim.app.settings import Setting, readout, settings, visible
from sim.app.story import (
    SCALE,
    SCALE_YOU,
    actor_name,
    belief_lines,
    deal_issues,
    outcome_words,
    period,
    terms_items,
    terms_words,
    transcript,
    value_words,
    when,
    worth,
)
from sim.ensemble.blocks import simulate
from sim.scenario.load import Scenario

ENSEMBLE_SIZE = 500
PLAY_SECONDS = 0.4  # between rounds while Play runs: slow enough to watch the plots move

#: Bumped after every change of the model (Step, Play, a role-play answer, Reset); per browser
#: session, like every solara.reactive made at module level.
tick = solara.reactive(0)


def redraw() -> None:
    """Re-render every panel that reads :data:`tick`."""
    tick.value += 1


@dataclass
class Tab:
    """One browser tab: its seat, its negotiation, and the settings the next Reset will use.

    Attributes:
        sc: The scenario.
        seat: Who the person plays (outlives Resets) and the tab's key.
        model: The negotiation on screen (Reset replaces it).
        values: Setting path → slider value, and ``"seed"`` → the seed box's text.

    """

    sc: Scenario
    seat: Seat
    model: solara.Reactive[SessionModel]
    values: solara.Reactive[dict[str, Any]]

    def reset(self) -> None:
        """Start a new negotiation with the seed and settings on screen and the seat chosen."""
        vals = dict(self.values.value)
        seed = vals.pop("seed", "")
        self.model.set(SessionModel(sc=self.sc, seed=seed, seat=self.seat, **vals))
        redraw()

    def restart(self) -> None:
        """Start the same negotiation again (same seed and settings) with the seat chosen."""
        m = self.model.value
        self.model.set(SessionModel(sc=self.sc, seed=m.seed_text, seat=self.seat, **m.chosen))
        redraw()


CSS = """
.sim-control { margin: 0 0 10px 0; width: 100%; }
.sim-control .sim-label { font-size: 0.95rem; }
.sim-control .sim-readout { font-size: 0.9rem; font-weight: 600; color: var(--v-primary-base, #1976d2); }
.sim-control .v-input__slot > .v-label { display: none; }   /* the label is above, with the readout */
.sim-control .v-slider { min-width: 200px; }
.sim-plot img { width: 100%; max-width: 560px; height: auto; }
.sim-transcript p { margin: 0 0 4px 0; }
.sim-note { font-size: 0.85rem; opacity: 0.8; }
.rp-terms { margin: 4px 0 8px 0; padding-left: 1.2em; }
.rp-buttons { flex-wrap: wrap; row-gap: 8px; }
.rp-buttons .v-btn.rp-walk { text-transform: none; }   /* an action's label is a sentence, not a shout */
.ens-table td, .ens-table th { padding: 2px 8px; }
"""


def _html(text: str, classes: list[str] | None = None) -> None:
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


# -- controls and settings -------------------------------------------------------------------

@solara.component
def Controls(tab: Tab) -> None:
    """Reset, Play/Pause and Step, and where the negotiation stands."""
    tick.value  # noqa: B018 (subscribe: re-render after every move)
    m = tab.model.value
    playing = solara.use_reactive(False)

    def play() -> None:
        while playing.value:
            time.sleep(PLAY_SECONDS)
            cur = tab.model.value
            with cur.lock:
                if not playing.value or not cur.can_step():
                    break
                cur.step()
            redraw()
            if not cur.can_step():
                break  # the round needs the person, or the talks are over: stop instead of spinning
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        with m.lock:
            if m.can_step():
                m.step()
        redraw()

    def reset() -> None:
        playing.set(False)
        tab.reset()

    can = m.can_step()
    with solara.Card("Controls"):
        with solara.Row(justify="space-between"):
            solara.Button("Reset", on_click=reset, color="primary", classes=["sim-reset"])
            solara.Button("❚❚" if playing.value else "▶", on_click=lambda: playing.set(not playing.value),
                          color="primary", disabled=not can and not playing.value, classes=["sim-play"])
            solara.Button("Step", on_click=step, color="primary", disabled=playing.value or not can,
                          classes=["sim-step"])
        solara.Text(clock_words(m), classes=["sim-clock"])


def clock_words(m: SessionModel) -> str:
    """Where the negotiation stands, in a few words (under the controls)."""
    T = m.sc.spec.protocol.rounds
    if not m.running:
        return "The talks are over."
    need = m.waiting_for()
    if need is not None:
        return f"Round {m.round} of {T}: waiting for your {need}."
    return f"Next: round {m.round} of {T}."


@solara.component
def Control(label: str, value: float, lo: float, hi: float, step: float, words: str,
            on_value: Callable[[float], None], classes: list[str] | None = None) -> None:
    """A slider with its label and its current value in words above it, as wide as its card."""
    with solara.Column(gap="0px", classes=["sim-control", *(classes or [])]):
        _html(f"<div class='sim-label'>{escape(label)}</div><div class='sim-readout'>{escape(words)}</div>")
        v.Slider(label=label, v_model=value, min=lo, max=hi, step=step, hide_details=True, thumb_label=False,
                 on_v_model=lambda x: on_value(float(x)))


@solara.component
def Choice(label: str, value: Any, options: list[tuple[Any, str]], on_value: Callable[[Any], None],
           classes: list[str] | None = None) -> None:
    """A choice among values shown in words (``logistics only`` for ``logistics_only``)."""
    v.Select(label=label, v_model=value, items=[{"text": t, "value": x} for x, t in options],
             on_v_model=on_value, class_=" ".join(classes or []))


@solara.component
def SettingsPanel(tab: Tab) -> None:
    """The seed and every setting this seat may see, each with its value in words; applied at Reset."""
    tick.value  # noqa: B018
    sc, m, values = tab.sc, tab.model.value, tab.values
    you = m.you if m.you is not None else tab.seat.play_as

    def setter(path: str) -> Callable[[Any], None]:
        return lambda x: values.set({**values.value, path: x})

    shown = [s for s in settings(sc) if visible(sc, s, you)]
    with solara.Card("Settings"):
        solara.InputText("Seed", value=str(values.value.get("seed", "")), on_value=setter("seed"))
        for s in shown:
            _setting(sc, s, values.value.get(s.path, s.default), setter(s.path))
        if len(shown) < len(settings(sc)):
            others = [actor_name(sc, j) for j in sc.signatories if j != you]
            _html(f"<p class='sim-note sim-hidden-note'>{escape(' and '.join(others))}'s own numbers are hidden "
                  f"while you play {escape(actor_name(sc, you))}: the model keeps the scenario's values.</p>")
        applied = {**{s.path: s.default for s in shown}, **{p: x for p, x in m.chosen.items()}}
        pending = any(_differs(values.value.get(s.path, s.default), applied.get(s.path, s.default)) for s in shown)
        pending |= str(values.value.get("seed", "")).strip() != m.seed_text
        if pending:
            solara.Info("Changed: press Reset to play with these settings.", dense=True, classes=["sim-pending"])
        else:
            _html("<p class='sim-note'>Settings take effect at the next Reset.</p>")


def _setting(sc: Scenario, s: Setting, value: Any, on_value: Callable[[Any], None]) -> None:
    css = [f"sim-set-{s.path.replace('.', '-')}"]
    if s.choices is not None:
        Choice(s.label, value, [(c, str(c).replace("_", " ")) for c in s.choices], on_value, css)
    else:
        Control(s.label, float(value), s.lo, s.hi, s.step, readout(sc, s, value), on_value, css)


def _differs(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) > 1e-9
    except (TypeError, ValueError):
        return a != b


# -- the class list: publish this tab's role-play while it is on screen ------------------------

class _Beat(ipyvuetify.VuetifyTemplate):
    """An invisible element whose browser-side timer counts up ``beats`` every ``every_ms``.

    The count comes from the browser, so a tab whose page died (a closed laptop, a killed
    browser) stops beating even while its server-side session lingers.
    """

    template = traitlets.Unicode("""
<template><span style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.timer = setInterval(() => { this.beats = this.beats + 1; }, this.every_ms); },
  destroyed() { clearInterval(this.timer); },
}
</script>""").tag(sync=True)
    every_ms = traitlets.Int(5000).tag(sync=True)
    beats = traitlets.Int(0).tag(sync=True)


@solara.component
def ClassRow(m: SessionModel) -> None:
    """Keep this tab's role-play on the class list: publish after every move, beat while the tab lives."""
    counter = tick.value
    you = m.you

    def publish() -> None:
        if m.you is not None and m.seat is not None:
            registry.publish(m.row_key, m.seat.key, m.result())

    solara.use_effect(publish, [m, counter, you])

    def leave() -> Callable[[], None]:
        def gone() -> None:  # Reset, role-play stopped, or the tab closed (its kernel unmounts the layout)
            if you is not None and m.has_row:
                registry.withdraw(m.row_key)
        return gone

    solara.use_effect(leave, [m, you])

    def beat(_: int) -> None:
        if m.you is not None and m.seat is not None and not registry.touch(m.row_key):
            publish()  # dropped while the tab slept: back on the list

    _Beat.element(every_ms=int(registry.BEAT_SECONDS * 1000), on_beats=beat)


# -- plots -----------------------------------------------------------------------------------

@solara.component
def OffersPlot(model: SessionModel) -> None:
    """Offers per issue over the rounds played."""
    counter = tick.value
    fig = solara.use_memo(lambda: plots.offers(model), [model, counter])
    with solara.Column(classes=["sim-plot"]):
        solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter])


@solara.component
def ValuesPlot(model: SessionModel) -> None:
    """What each offer was worth, against the best move and the reservation value."""
    counter = tick.value
    fig = solara.use_memo(lambda: plots.values(model), [model, counter, model.you])
    with solara.Column(classes=["sim-plot"]):
        solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter, model.you])


# -- role-play -------------------------------------------------------------------------------

@solara.component
def Status(m: SessionModel) -> None:
    """Round, role and what happens next, in one line."""
    tick.value  # noqa: B018 (the model changes in place: re-render after every move)
    sc = m.sc
    T = sc.spec.protocol.rounds
    who = f"You play {actor_name(sc, m.you)}. " if m.you is not None else "The model plays every actor. "
    if not m.running:
        line = f"{who}Finished: {outcome_words(sc, m, 0)}."
    elif m.waiting_for() == "proposal":
        line = f"{who}Round {m.round} of {T}: your turn to propose."
    elif m.waiting_for() == "answer":
        line = f"{who}Round {m.round} of {T}: {actor_name(sc, int(m.pending.proposer[0]))} proposes; your answer?"
    else:
        line = f"{who}Next: round {m.round} of {T} (Step or Play)."
    solara.Text(line, classes=["sim-status"])
    if not m.seed_ok:
        solara.Warning(f"Seed '{m.seed_text}' is not a whole number >= 0; using the scenario's {m.run_seed}.")


@solara.component
def RolePlay(tab: Tab) -> None:
    """Choose a signatory to play; propose or answer when the round needs you; compare at the end."""
    tick.value  # noqa: B018
    m = tab.model.value
    sc = m.sc
    started = m.round > 1 or m.pending is not None

    def play_as(j: int | None) -> Callable[[], None]:
        def go() -> None:
            tab.seat.play_as = j
            if j is None:
                m.you = None  # play on in this negotiation without the person (ClassRow withdraws the row)
                redraw()
            elif not started:
                tab.restart()  # the same negotiation with the seat taken: the other side's numbers as scenario
            else:
                redraw()
        return go

    with solara.Card("Role-play", classes=["rp-card"]):
        Status(m)
        if m.you is None:
            if tab.seat.play_as is not None:
                solara.Info(f"You will play {actor_name(sc, tab.seat.play_as)} from the next Reset.")
            solara.Text("Play one signatory against the model's agents:")
            with solara.Row():
                for j in sc.signatories:
                    solara.Button(f"Play as {actor_name(sc, j)}", on_click=play_as(j),
                                  classes=[f"rp-play-{sc.actors[j]}"])
            return
        if started and m.running:
            solara.Button("Stop role-play", on_click=play_as(None), text=True, classes=["rp-stop"])
        need = m.waiting_for()
        if need == "proposal":
            Proposal(m)
        elif need == "answer":
            Answer(m)
        elif not m.running:
            Comparison(m)
            _html(f"<p class='sim-note'>Reset plays again as {escape(actor_name(sc, m.you))}; this result stays on "
                  "the class list.</p>")
        Belief(m)
        _html(f"<p class='sim-note sim-scale'>Worth is out of 100: {escape(SCALE_YOU)}.</p>")


def _then_update(fn: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """Make a click handler: change the model, then re-render every panel (as Step does)."""
    def go() -> None:
        fn(*args)
        redraw()
    return go


def _terms_list(sc: Scenario, x: Any, only: list[int] | None) -> str:
    items = "".join(f"<li>{escape(label)}: <b>{escape(value)}</b></li>" for label, value in terms_items(sc, x, only))
    return f"<ul class='rp-terms'>{items}</ul>"


def _walk_label(m: SessionModel, when: str) -> str | None:
    """What leaving the table does for the person: walk out, or their declared action (None: no move open).

    With declared actions a person's "walk out" is their best action allowed now (an
    eviction, a withdrawal, which can fail), as for the model's agents: the button says so.
    """
    sc = m.sc
    if not sc.actions:
        return "Walk out"
    mine = [a for a in sc.actions if a.actor == m.you and when in a.when]
    if not mine:
        return None
    return mine[0].label if len(mine) == 1 else "Take your best move instead"


def _stakes_line(m: SessionModel) -> str:
    s = m.stakes(m.you)
    what = "Your best move instead of agreeing" if m.sc.actions else "Your outside option"
    move = worth(s["outside"]) if math.isfinite(s["outside"]) else "none open to you"
    return (f"{what} now: {move}; waiting a {period(m.sc)}: {worth(s['wait'])}. "
            f"An offer worth less than {worth(s['reservation'])} leaves you worse off than your alternatives.")


@solara.component
def Answer(m: SessionModel) -> None:
    """Show the offer on the table, what it is worth to the person, and Accept / Refuse / Walk out."""
    tick.value  # noqa: B018 (the model changes in place: re-render after every move)
    sc, rnd = m.sc, m.pending
    u = float(rnd.offer_utility[0, m.you])
    _html(f"<p><b>{escape(actor_name(sc, int(rnd.proposer[0])))} offers:</b></p>"
          f"{_terms_list(sc, rnd.terms[0], deal_issues(sc))}"
          + (f"<p>With it the outsiders offer:</p>{_terms_list(sc, rnd.terms[0], list(sc.space.linked))}"
             if sc.linkage else "")
          + f"<p class='rp-offer-value'>Worth to you: <b>{worth(u)}</b>. {escape(_stakes_line(m))}</p>")
    crosses = not rnd.red_lines_ok[0, m.you]
    if crosses:  # as for the model's agents: a red line is never crossed
        solara.Warning("This offer crosses one of your red lines: you cannot accept it.")
    with solara.Row(classes=["rp-buttons"]):
        solara.Button("Accept", on_click=_then_update(m.answer, True), color="success", classes=["rp-accept"],
                      disabled=crosses)
        solara.Button("Refuse", on_click=_then_update(m.answer, False), color="warning", classes=["rp-refuse"])
        walk = _walk_label(m, "refusal")
        if walk is not None:
            solara.Button(f"Refuse, then: {walk}", on_click=_then_update(m.walk_out),
                          color="error", classes=["rp-walk"])


@solara.component
def Proposal(m: SessionModel) -> None:
    """Ask for a full package: a slider per amount, a choice per level or yes/no, each with its value in words."""
    tick.value  # noqa: B018 (the model changes in place: re-render after every move)
    sc, you = m.sc, m.you
    space = sc.space

    def start() -> dict[str, Any]:
        ideal = m.state.ideal[0, you]
        out: dict[str, Any] = {}
        for i in deal_issues(sc):
            info = space.issues[i]
            x = info.to_user(float(ideal[i]))
            out[info.name] = ("yes" if x else "no") if info.kind == "binary" else x
        return out

    initial = solara.use_memo(start, [id(m)])
    terms, set_terms = solara.use_state(initial, key=f"proposal-{id(m)}")

    def setter(name: str) -> Callable[[Any], None]:
        return lambda x: set_terms({**terms, name: x})

    for i in deal_issues(sc):
        info = space.issues[i]
        css = [f"rp-issue-{info.name}"]
        if info.kind == "continuous":
            x = float(terms[info.name])
            Control(info.label, x, info.lo, info.hi, (info.hi - info.lo) / 100, value_words(info, info.to_norm(x)),
                    setter(info.name), css)
        else:
            levels = list(info.levels) if info.kind == "ordinal" else ["no", "yes"]
            Choice(info.label, terms[info.name], [(lv, lv.replace("_", " ")) for lv in levels], setter(info.name), css)
    u, ok, full = m.value_of(m.package(terms), you)
    _html((f"<p>With it the outsiders would offer:</p>{_terms_list(sc, full, list(space.linked))}"
           if sc.linkage else "")
          + f"<p class='rp-proposal-value'>Worth to you: <b>{worth(u)}</b>. {escape(_stakes_line(m))}</p>")
    if not ok:  # the engine would not table it (a proposer never crosses its own red line)
        solara.Warning("This package crosses one of your red lines: change it, pass or walk out.")
    with solara.Row(classes=["rp-buttons"]):
        solara.Button("Propose", on_click=_then_update(m.propose, dict(terms)), color="success", classes=["rp-propose"],
                      disabled=not ok)
        solara.Button("Pass", on_click=_then_update(m.pass_turn), classes=["rp-pass"])
        walk = _walk_label(m, "turn")
        if walk is not None:
            solara.Button(walk, on_click=_then_update(m.walk_out), color="error", classes=["rp-walk"])


@solara.component
def Belief(m: SessionModel) -> None:
    """What the person's side believes about the other side's private numbers, as the model holds it."""
    tick.value  # noqa: B018 (the model changes in place: re-render after every move)
    beliefs = getattr(m, "belief", None) or {}
    lines = [line for j, post in beliefs.items() if j != m.you
             for line in belief_lines(m.sc, j, post[0], "You")]
    if lines:
        _html("<p class='rp-belief'><b>What you believe about the other side</b> (the model's reading of its "
              "offers and answers so far): " + " ".join(escape(x) for x in lines) + "</p>")


@solara.component
def Comparison(m: SessionModel) -> None:
    """Compare the person's result with the model's own agent's, from the same start and random numbers."""
    tick.value  # noqa: B018 (the model changes in place: re-render after every move)
    sc, you = m.sc, m.you
    twin = m.twin()
    mine, theirs = float(m.payoff[0, you]), float(twin.payoff[0, you])
    diff = 100 * (mine - theirs)
    verdict = ("as well as" if abs(diff) < 0.05 else
               f"{abs(diff):.1f} points {'better' if diff > 0 else 'worse'} than")
    name = escape(actor_name(sc, you))
    _html(f"<p class='rp-result'><b>You ({name})</b>: {escape(outcome_words(sc, m, 0))}. "
          f"Worth to you: <b>{worth(mine)}</b>.</p>{_terms_list(sc, m.terms[0], None)}"
          f"<p class='rp-model-result'><b>The model's {name}</b>, same start and random numbers: "
          f"{escape(outcome_words(sc, twin, 0))}. Worth to it: <b>{worth(theirs)}</b>.</p>"
          f"{_terms_list(sc, twin.terms[0], None)}"
          f"<p class='rp-verdict'>You did {verdict} the model's agent.</p>")


# -- transcript and ensemble -------------------------------------------------------------------

@solara.component
def Transcript(model: SessionModel) -> None:
    """Narrate the negotiation so far for a student (:func:`sim.app.story.transcript`), and the open round."""
    tick.value  # noqa: B018
    m, sc = model, model.sc
    lines = transcript(m, m.you)
    if m.pending is not None:
        rnd = m.pending
        head = when(sc, rnd.t).capitalize()
        if m.waiting_for() == "proposal":
            lines.append((0, f"{head}: your turn to propose (waiting for you)."))
        elif m.waiting_for() == "answer":
            lines.append((0, f"{head}: {actor_name(sc, int(rnd.proposer[0]))} proposes: "
                             f"{terms_words(sc, rnd.terms[0], deal_issues(sc))}; waiting for your answer."))
    if not lines:
        lines = [(0, "Nothing yet: press Step to play round 1.")]
    body = "".join(f"<p style='margin-left:{1.5 * indent}em'>{escape(text)}</p>" for indent, text in lines)
    scale = SCALE_YOU if m.you is not None else SCALE
    with solara.Card("Transcript"):
        _html(body, ["sim-transcript"])
        _html(f"<p class='sim-note'>Worth is out of 100: {escape(scale)}.</p>")


@solara.component
def Ensemble(model: SessionModel) -> None:
    """Run many negotiations under the current settings; show the indicators with 95% intervals."""
    tick.value  # noqa: B018
    m = model
    result, set_result = solara.use_state(None)

    def run() -> None:
        out = simulate(m.sc, replications=ENSEMBLE_SIZE, seed=m.run_seed, values=m.fixed, trace=0)
        set_result({"summary": summarize(m.sc, out), "fixed": dict(m.fixed), "seed": m.run_seed})

    fixed = m.fixed
    known = {s.path: s for s in settings(m.sc)}
    moved = ", ".join(f"{known[p].label} = {readout(m.sc, known[p], m.chosen.get(p))}" if p in known else p
                      for p in fixed) or "none"
    with solara.Card("Ensemble"):
        _html(f"<p class='ens-settings'>Settings changed from the scenario (fixed in the ensemble): {escape(moved)}. "
              "Every other assumption varies as the scenario's uncertainty says.</p>")
        solara.Button(f"Run ensemble ({ENSEMBLE_SIZE} negotiations)", on_click=run, color="primary",
                      classes=["ens-run"])
        if result is not None:
            s = result["summary"]
            stale = result["fixed"] != fixed or result["seed"] != m.run_seed
            rows = "".join(f"<tr><td>{escape(d['label'])}</td><td class='num'>{d['p']:.1%}</td>"
                           f"<td class='num' style='white-space:nowrap'>{d['lo']:.1%} to {d['hi']:.1%}</td></tr>"
                           for d in s["indicators"].values())
            kinds = ", ".join(f"{k.replace('_', ' ')} {x['p']:.1%}" for k, x in s["outcome_kinds"].items())
            _html(f"<table class='ens-table'><tr><th>indicator</th><th>probability</th><th>95% interval</th></tr>"
                  f"{rows}</table><p class='ens-kinds'>{s['replications']} negotiations: {escape(kinds)}.</p>"
                  + ("<p><i>Computed under earlier settings: run again.</i></p>" if stale else ""))
