"""The student page's panels: plots, role-play, transcript and ensemble (Solara components).

Each panel re-renders after Step, Play and Reset by reading Mesa's ``update_counter``; the
role-play buttons call ``force_update`` after they change the model. Tests find the
elements by their CSS classes (``rp-*``, ``ens-*``, ``sim-*``).
"""

# ruff: noqa: N802  (Solara components are named like classes)
from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import solara
from mesa.visualization.utils import force_update, update_counter

from sim.analysis.summaries import summarize
from sim.analysis.transcript import narrate_model
from sim.app import plots, registry
from sim.app.session import SessionModel, outcome_words, terms_words
from sim.app.settings import settings
from sim.ensemble.blocks import simulate

ENSEMBLE_SIZE = 500


@solara.component
def OffersPlot(model: SessionModel) -> None:
    """Offers per issue over the rounds played."""
    counter = update_counter.get()
    fig = solara.use_memo(lambda: plots.offers(model), [model, counter])
    solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter])


@solara.component
def ValuesPlot(model: SessionModel) -> None:
    """Each signatory's utility of each offer against its outside option and reservation value."""
    counter = update_counter.get()
    fig = solara.use_memo(lambda: plots.values(model), [model, counter])
    solara.FigureMatplotlib(fig, format="png", dependencies=[model, counter])


def _html(text: str, classes: list[str] | None = None) -> None:
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


@solara.component
def Status(model: SessionModel) -> None:
    """Round, role and what happens next, in one line."""
    update_counter.get()
    m, sc = model, model.sc
    T = sc.spec.protocol.rounds
    who = f"You play {sc.actors[m.you]}. " if m.you is not None else "The model plays every actor. "
    if not m.running:
        line = f"{who}Finished: {outcome_words(sc, m, 0)}."
    elif m.waiting_for() == "proposal":
        line = f"{who}Round {m.round} of {T}: your turn to propose."
    elif m.waiting_for() == "answer":
        line = f"{who}Round {m.round} of {T}: {sc.actors[int(m.pending.proposer[0])]} proposes; your answer?"
    else:
        line = f"{who}Next: round {m.round} of {T} (Step or Play)."
    solara.Text(line, classes=["sim-status"])
    if not m.seed_ok:
        solara.Warning(f"Seed '{m.seed_text}' is not a whole number >= 0; using the scenario's {m.run_seed}.")


@solara.component
def RolePlay(model: solara.Reactive[SessionModel]) -> None:
    """Choose a signatory to play; propose or answer when the round needs you; compare at the end."""
    counter = update_counter.get()
    m = model.value
    sc = m.sc

    def publish() -> None:
        if m.you is not None and m.seat is not None:
            registry.publish(m.seat.key, m.result())

    solara.use_effect(publish, [m, counter, m.you, m.running])

    def play_as(j: int | None) -> Any:
        def go() -> None:
            if m.seat is not None:
                m.seat.play_as = j
            if (m.round == 1 and m.pending is None) or j is None:
                m.you = j  # not started (or leaving the seat): play on in this negotiation
                if j is None and m.seat is not None:
                    registry.withdraw(m.seat.key)
            force_update()
        return go

    with solara.Card("Role-play", classes=["rp-card"]):
        Status(m)
        if m.you is None:
            if m.seat is not None and m.seat.play_as is not None:
                solara.Info(f"You will play {sc.actors[m.seat.play_as]} from the next Reset.")
            solara.Text("Play one signatory against the model's agents:")
            with solara.Row():
                for j in sc.signatories:
                    solara.Button(f"Play as {sc.actors[j]}", on_click=play_as(j), classes=[f"rp-play-{sc.actors[j]}"])
            return
        if m.round > 1 or m.pending is not None:
            solara.Button("Stop role-play", on_click=play_as(None), text=True, classes=["rp-stop"])
        need = m.waiting_for()
        if need == "proposal":
            Proposal(m)
        elif need == "answer":
            Answer(m)
        elif not m.running:
            Comparison(m)


def _then_update(fn: Any, *args: Any) -> Any:
    """Make a click handler: change the model, then re-render every panel (as Step does)."""
    def go() -> None:
        fn(*args)
        force_update()
    return go


def _stakes_line(m: SessionModel) -> str:
    s = m.stakes(m.you)
    move = f"{s['outside']:.3f}" if np.isfinite(s["outside"]) else "none open to you"
    what = "Your best move instead of agreeing" if m.sc.actions else "Your outside option"
    return (f"{what} now: {move}; the value of waiting a round: {s['wait']:.3f}. "
            f"An offer worth less than {s['reservation']:.3f} is worse for you than your alternatives.")


@solara.component
def Answer(m: SessionModel) -> None:
    """Show the offer on the table, what it is worth to the person, and Accept / Refuse / Walk out."""
    sc, rnd = m.sc, m.pending
    u = float(rnd.offer_utility[0, m.you])
    deal = [*sc.space.deal_disc, *sc.space.deal_cont]
    _html(f"<p><b>{escape(sc.actors[int(rnd.proposer[0])])} offers</b>: {escape(terms_words(sc, rnd.terms[0], deal))}"
          f"</p><p>With it the outsiders offer: {escape(terms_words(sc, rnd.terms[0], list(sc.space.linked)))}</p>"
          f"<p class='rp-offer-value'>Worth to you: <b>{u:.3f}</b>. {escape(_stakes_line(m))}</p>")
    crosses = not rnd.red_lines_ok[0, m.you]
    if crosses:  # as for the model's agents: a red line is never crossed
        solara.Warning("This offer crosses one of your red lines: you cannot accept it.")

    with solara.Row():
        solara.Button("Accept", on_click=_then_update(m.answer, True), color="success", classes=["rp-accept"],
                      disabled=crosses)
        solara.Button("Refuse", on_click=_then_update(m.answer, False), color="warning", classes=["rp-refuse"])
        solara.Button("Refuse and walk out", on_click=_then_update(m.walk_out), color="error", classes=["rp-walk"])


@solara.component
def Proposal(m: SessionModel) -> None:
    """Ask for a full package: a slider per continuous deal issue, a choice per ordinal or yes/no issue."""
    sc, you = m.sc, m.you
    space = sc.space
    deal = [*space.deal_disc, *space.deal_cont]

    def start() -> dict[str, Any]:
        ideal = m.state.ideal[0, you]
        out: dict[str, Any] = {}
        for i in deal:
            info = space.issues[i]
            v = info.to_user(float(ideal[i]))
            out[info.name] = ("yes" if v else "no") if info.kind == "binary" else v
        return out

    initial = solara.use_memo(start, [id(m)])
    terms, set_terms = solara.use_state(initial, key=f"proposal-{id(m)}")

    def setter(name: str) -> Any:
        return lambda v: set_terms({**terms, name: v})

    for i in deal:
        info = space.issues[i]
        if info.kind == "continuous":
            step = (info.hi - info.lo) / 100
            label = f"{info.label} ({info.units})" if info.units else info.label
            solara.SliderFloat(label, value=float(terms[info.name]), min=info.lo, max=info.hi, step=step,
                               on_value=setter(info.name))
        else:
            levels = list(info.levels) if info.kind == "ordinal" else ["no", "yes"]
            solara.Select(info.label, values=levels, value=terms[info.name], on_value=setter(info.name),
                          classes=[f"rp-issue-{info.name}"])
    u, ok, full = m.value_of(m.package(terms), you)
    _html(f"<p>With it the outsiders would offer: {escape(terms_words(sc, full, list(space.linked)))}</p>"
          f"<p class='rp-proposal-value'>Worth to you: <b>{u:.3f}</b>. {escape(_stakes_line(m))}</p>")
    if not ok:  # the engine would not table it (a proposer never crosses its own red line)
        solara.Warning("This package crosses one of your red lines: change it, pass or walk out.")

    with solara.Row():
        solara.Button("Propose", on_click=_then_update(m.propose, dict(terms)), color="success", classes=["rp-propose"],
                      disabled=not ok)
        solara.Button("Pass", on_click=_then_update(m.pass_turn), classes=["rp-pass"])
        solara.Button("Walk out", on_click=_then_update(m.walk_out), color="error", classes=["rp-walk"])


@solara.component
def Comparison(m: SessionModel) -> None:
    """Compare the person's result with the model's own agent's, from the same start and random numbers."""
    sc, you = m.sc, m.you
    twin = m.twin()
    mine, theirs = float(m.payoff[0, you]), float(twin.payoff[0, you])
    diff = mine - theirs
    verdict = ("the same as" if abs(diff) < 5e-4 else
               f"{abs(diff):.3f} {'better' if diff > 0 else 'worse'} than")
    _html(f"<p class='rp-result'><b>You ({escape(sc.actors[you])})</b>: {escape(outcome_words(sc, m, 0))}; "
          f"your utility <b>{mine:.3f}</b>.<br>Terms: {escape(terms_words(sc, m.terms[0]))}</p>"
          f"<p class='rp-model-result'><b>The model's {escape(sc.actors[you])}</b>, same start and random numbers: "
          f"{escape(outcome_words(sc, twin, 0))}; utility <b>{theirs:.3f}</b>.<br>"
          f"Terms: {escape(terms_words(sc, twin.terms[0]))}</p>"
          f"<p class='rp-verdict'>You did {verdict} the model's agent.</p>")


@solara.component
def Transcript(model: SessionModel) -> None:
    """Narrate the negotiation so far (sim.analysis.transcript), and the open round if one waits."""
    update_counter.get()
    m = model
    lines = narrate_model(m, 0, m.you)
    if m.pending is not None:
        rnd = m.pending
        who = m.sc.actors[int(rnd.proposer[0])]
        lines.append(f"Round {rnd.t}: {who} is to propose (waiting for you)." if m.waiting_for() == "proposal"
                     else f"Round {rnd.t}: {who} proposes {terms_words(m.sc, rnd.terms[0], _deal(m))}; waiting for "
                          "your answer.")
    if not lines:
        lines = ["Nothing yet: press Step to play round 1."]
    body = "".join(f"<p style='margin:0 0 0 {2 if ln.startswith('    ') else 0}em'>{escape(ln.strip())}</p>"
                   for ln in lines)
    with solara.Card("Transcript"):
        _html(body, ["sim-transcript"])


def _deal(m: SessionModel) -> list[int]:
    return [*m.sc.space.deal_disc, *m.sc.space.deal_cont]


@solara.component
def Ensemble(model: SessionModel) -> None:
    """Run many negotiations under the current settings; show the indicators with 95% intervals."""
    update_counter.get()
    m = model
    result, set_result = solara.use_state(None)

    def run() -> None:

        out = simulate(m.sc, replications=ENSEMBLE_SIZE, seed=m.run_seed, values=m.fixed, trace=0)
        set_result({"summary": summarize(m.sc, out), "fixed": dict(m.fixed), "seed": m.run_seed})

    fixed = m.fixed
    labels = {s.path: s.label for s in _settings(m)}
    moved = ", ".join(f"{labels.get(p, p)} = {m.chosen.get(p, v)}" for p, v in fixed.items()) or "none"
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
            kinds = ", ".join(f"{k} {v['p']:.1%}" for k, v in s["outcome_kinds"].items())
            _html(f"<table class='ens-table'><tr><th>indicator</th><th>probability</th><th>95% interval</th></tr>"
                  f"{rows}</table><p class='ens-kinds'>{s['replications']} negotiations: {escape(kinds)}.</p>"
                  + ("<p><i>Computed under earlier settings: run again.</i></p>" if stale else ""))


def _settings(m: SessionModel) -> list[Any]:

    return settings(m.sc)
