# ruff: noqa: N802  (Solara components are named like classes)
"""The Solara app that ``sim serve`` runs: the student page ("/").

One model per browser session: the "/" route's layout, which Solara keeps mounted for the
whole session (one kernel per browser tab), builds the session's model and hands it down
in a context. A model made at module level would be shared by every visitor. The scenario
is loaded once per server (it is immutable).

The page is Solara with the app's own controls (:mod:`sim.app.widgets`), not Mesa's
SolaraViz: a student sees Reset, Play and Step, the settings their seat may know, the
plots, the role-play and the transcript, and none of Mesa's own knobs.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import solara
import solara.server.settings

from sim.app.server import SCENARIO_ENV
from sim.app.session import Seat, SessionModel
from sim.app.settings import settings
from sim.app.widgets import (
    CSS,
    ClassRow,
    Controls,
    Ensemble,
    OffersPlot,
    RolePlay,
    SettingsPanel,
    Tab,
    Transcript,
    ValuesPlot,
)
from sim.scenario.load import load_scenario

SC = load_scenario(os.environ[SCENARIO_ENV])
SETTINGS = settings(SC)
TITLE = SC.spec.title or SC.name
Session = solara.create_context(None)

# Solara's "This website runs on Solara" badge sits over the page's bottom right (the
# transcript); the page is read per request, so this takes effect for every visitor.
solara.server.settings.theme.show_banner = False


def first_values() -> dict[str, Any]:
    """The settings panel's values before anything moves: the scenario's, and its seed."""
    return {"seed": str(SC.spec.run.seed), **{s.path: s.default for s in SETTINGS}}


def first_model(seat: Seat) -> SessionModel:
    """Build the session's model before any Reset: the scenario's values and seed."""
    values = first_values()
    return SessionModel(sc=SC, seed=values.pop("seed"), seat=seat, **values)


@solara.component
def SessionLayout(children: list[Any] = []) -> Any:  # noqa: B006 (Solara's layout signature)
    """Own the tab's seat, model and settings for as long as the browser tab is open."""
    seat = solara.use_memo(lambda: Seat(uuid.uuid4().hex[:8]), [])
    initial = solara.use_memo(lambda: first_model(seat), [])
    model = solara.use_reactive(initial)  # Reset replaces model.value
    values = solara.use_reactive(solara.use_memo(first_values, []))
    tab = solara.use_memo(lambda: Tab(SC, seat, model, values), [])
    solara.provide_context(Session, tab)
    return solara.AppLayout(children=[solara.Style(CSS), ClassRow(model.value), *children], navigation=False)


@solara.component
def StudentPage() -> None:
    """Controls and settings in the sidebar; the plots; role-play, ensemble and transcript."""
    tab: Tab = solara.use_context(Session)
    m = tab.model.value
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
        solara.lab.ThemeToggle()
    with solara.Sidebar():
        Controls(tab)
        SettingsPanel(tab)
    with solara.Columns([1, 1]):
        OffersPlot(m)
        ValuesPlot(m)
    with solara.Columns([1, 1]):
        with solara.Column():
            RolePlay(tab)
            Ensemble(m)
        Transcript(m)


routes = [solara.Route(path="/", component=StudentPage, label="Student", layout=SessionLayout)]
