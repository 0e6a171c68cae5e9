# ruff: noqa: N802  (Solara components are named like classes)
"""The Solara app that ``sim serve`` runs: routes "/" (students) and "/instructor".

One model per browser session: the "/" route's layout, which Solara keeps mounted for the
whole session (one kernel per browser tab), builds the session's model and hands it down
in a context. A model made at module level would be shared by every visitor; one made in
the page would be rebuilt whenever the visitor changed route. The scenario is loaded once
per server (it is immutable).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import solara
from mesa.visualization import Slider, SolaraViz

from sim.app import registry
from sim.app.instructor import InstructorPage
from sim.app.server import SCENARIO_ENV
from sim.app.session import Seat, SessionModel
from sim.app.settings import settings
from sim.app.widgets import Ensemble, OffersPlot, RolePlay, Transcript, ValuesPlot
from sim.scenario.load import load_scenario

SC = load_scenario(os.environ[SCENARIO_ENV])
SETTINGS = settings(SC)
TITLE = SC.spec.title or SC.name
Session = solara.create_context(None)


def model_params(seat: Seat) -> dict[str, Any]:
    """SolaraViz's inputs: the seed, a slider or choice per setting, and the fixed scenario and seat."""
    params: dict[str, Any] = {"sc": SC, "seat": seat,
                              "seed": {"type": "InputText", "value": str(SC.spec.run.seed), "label": "Seed"}}
    for s in SETTINGS:
        if s.choices is None:
            params[s.path] = Slider(s.label, value=s.default, min=s.lo, max=s.hi, step=s.step, dtype=float)
        else:
            params[s.path] = {"type": "Select", "label": s.label, "value": s.default, "values": list(s.choices)}
    return params


def first_model(seat: Seat) -> SessionModel:
    """Build the session's model before any Reset: the scenario's values and seed."""
    return SessionModel(sc=SC, seed=str(SC.spec.run.seed), seat=seat, **{s.path: s.default for s in SETTINGS})


@solara.component
def SessionLayout(children: list[Any] = []) -> Any:  # noqa: B006 (Solara's layout signature)
    """Owns the session's model and seat for as long as the browser tab is open."""
    seat = solara.use_memo(lambda: Seat(uuid.uuid4().hex[:8]), [])
    initial = solara.use_memo(lambda: first_model(seat), [])
    model = solara.use_reactive(initial)  # SolaraViz's Reset replaces model.value

    def leave() -> Any:
        return lambda: registry.withdraw(seat.key)  # the tab closed: its kernel unmounts this layout

    solara.use_effect(leave, [])
    solara.provide_context(Session, (model, seat))
    return solara.AppLayout(children=children, navigation=False, title=TITLE)


@solara.component
def StudentPage() -> None:
    """SolaraViz (controls, settings, live plots), then role-play, transcript and ensemble."""
    model, seat = solara.use_context(Session)
    params = solara.use_memo(lambda: model_params(seat), [])
    # components passed as @solara.component objects keep their identity (mounted once)
    SolaraViz(model, components=[(OffersPlot, 0), (ValuesPlot, 0)], model_params=params, name=TITLE,
              play_interval=400)
    with solara.Columns([1, 1]):
        with solara.Column():
            RolePlay(model)
            Ensemble(model.value)
        Transcript(model.value)


@solara.component
def Instructor() -> None:
    """Show the instructor view (not linked from the student page)."""
    InstructorPage(SC)


routes = [
    solara.Route(path="/", component=StudentPage, label="Student", layout=SessionLayout),
    solara.Route(path="instructor", component=Instructor, label="Instructor"),
]
