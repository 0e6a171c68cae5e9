"""What a student reads, without a browser: units and words, the 0-100 scale, no leaks, readable plots."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sim.app import plots
from sim.app.session import Seat, SessionModel
from sim.app.settings import readout, settings, visible
from sim.app.story import SCALE_YOU, terms_words, transcript, worth
from sim.scenario.load import load_scenario
from tests.conftest import SCENARIOS

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(SEMINAR)


def played(sc, you: str | None, answers: int = 1) -> SessionModel:
    """Syria proposes its ideal package, Russia answers; then Russia proposes and ``you`` refuse."""
    j = None if you is None else sc.actors.index(you)
    m = SessionModel(sc=sc, seed="", seat=Seat("w", play_as=j))
    for _ in range(2 * answers):
        m.step()
        if m.waiting_for() == "proposal":
            m.propose(ideal(m))  # what the app's form starts at
        elif m.waiting_for() == "answer":
            m.answer(False)
    return m


def ideal(m: SessionModel) -> dict:
    """The person's ideal deal package in user values (the proposal form's starting point)."""
    out = {}
    for i in [*m.sc.space.deal_disc, *m.sc.space.deal_cont]:
        info = m.sc.space.issues[i]
        out[info.name] = info.to_user(float(m.state.ideal[0, m.you, i]))
    return out


def test_terms_are_labels_with_units_and_levels_in_words(sc) -> None:
    x = SessionModel(sc=sc).state.status_quo[0].copy()
    x[sc.space.index("compensation")] = sc.space.issues[sc.space.index("compensation")].to_norm(2.5)
    x[sc.space.index("lease_length")] = sc.space.issues[sc.space.index("lease_length")].to_norm("twenty_five_years")
    x[sc.space.index("us_sanctions_relief")] = 0.45
    words = terms_words(sc, x)
    assert "Financial compensation paid by Russia: $2.5bn" in words
    assert "Lease length: twenty five years" in words
    assert "US sanctions relief: 45% of US sanctions lifted" in words
    assert "Russian wheat and fuel supply: 0.00 Mt wheat-equivalent per year" in words
    assert "_" not in words  # no internal name (tartus_presence, twenty_five_years) reaches a student


def test_the_transcript_speaks_in_points_out_of_100_and_in_words(sc) -> None:
    m = played(sc, None)
    text = "\n".join(line for _, line in transcript(m))
    assert re.search(r"worth \d+\.\d/100 to it", text)
    assert not re.search(r"\b0\.\d\d\d\b", text)  # no utility on the engine's 0-1 scale
    assert "Syria proposes: Russian presence at Tartus: reduced; Russian presence at Hmeimim airbase: reduced" in text
    assert "tartus_presence" not in text and "=" not in text


def test_role_play_transcript_hides_the_other_sides_numbers(sc) -> None:
    """After a proposal and an answer: the person's own numbers, none of Russia's, and their belief in words."""
    m = played(sc, "syria", answers=2)
    lines = transcript(m, m.you)
    text = "\n".join(line for _, line in lines)
    russia = sc.actors.index("russia")
    tr = m.trace
    secret = {russia_number for t in range(len(tr.proposer))
              for x in (tr.reservation[t], tr.walk_value[t], tr.continuation[t], tr.offer_utility[t])
              for russia_number in (worth(x[0][russia]), f"{x[0][russia]:.3f}")}
    secret |= {"+12.0 points", "0.95 per month", "0.120"}  # Russia's true bonus and patience
    assert not {s for s in secret if s in text}
    assert "Russia refuses." in text and "You refuse: the offer was worth" in text
    assert "You think Russia's value of alternatives" in text  # the belief the model holds for Syria
    assert SCALE_YOU.startswith("100 = every issue exactly as you want it")


def test_every_setting_reads_out_its_value_with_units_and_hides_the_other_side(sc) -> None:
    syria, russia = sc.actors.index("syria"), sc.actors.index("russia")
    words = {s.label: readout(sc, s, s.default) for s in settings(sc)}
    assert words["Syria: patience"] == "0.90 per month (a month's wait costs 10% of what is at stake)"
    assert words["Russia: outside-option bonus"] == "+12.0 points (on its own 0-100 scale)"
    assert words["Generosity: US sanctions relief"] == "0.80 × its offer table"
    assert words["Acceptance noise"].startswith("3.0 points")
    shown = {s.label for s in settings(sc) if visible(sc, s, syria)}
    assert "Russia: patience" not in shown and "Russia: outside-option bonus" not in shown
    assert {"Syria: patience", "Syria: outside-option bonus", "Acceptance noise"} <= shown
    assert not any(lbl.startswith("Syria") for lbl in {s.label for s in settings(sc) if visible(sc, s, russia)})
    for s in settings(sc):  # a browser slider snaps to lo + k * step: the scenario's value must be on that grid
        if s.choices is None:
            k = (s.default - s.lo) / s.step
            assert abs(k - round(k)) < 1e-6, s.label


def _texts(fig) -> list:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # lay the figure out as the app's PNG does
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if t.get_text().strip() and t.get_visible()]


@pytest.mark.parametrize("you", [None, "syria"])
def test_plots_are_readable_on_a_projector_and_in_dark_mode(sc, you) -> None:
    from matplotlib.colors import to_rgba

    m = played(sc, you)
    for fig in (plots.offers(m), plots.values(m)):
        texts = _texts(fig)
        assert texts and min(t.get_fontsize() for t in texts) >= 11, [(t.get_text(), t.get_fontsize()) for t in texts]
        assert to_rgba(fig.get_facecolor())[3] == 1.0 and to_rgba(fig.get_facecolor())[:3] == (1.0, 1.0, 1.0)
        assert all(sum(to_rgba(t.get_color())[:3]) < 1.0 for t in texts)  # dark text on the white card
        ax = fig.axes[0]
        assert to_rgba(ax.get_facecolor())[3] == 1.0
        renderer = fig.canvas.get_renderer()
        for legend in fig.legends + ([ax.get_legend()] if ax.get_legend() else []):
            box, axes = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            assert not box.overlaps(axes), "a legend over the axes"
            fig_box = fig.bbox
            assert box.x0 >= fig_box.x0 - 1 and box.x1 <= fig_box.x1 + 1, "a legend cut off by the figure's edge"


def test_the_value_plot_is_on_the_0_100_scale_and_shows_only_your_side(sc) -> None:
    m = played(sc, "syria")
    fig = plots.values(m)
    ax = fig.axes[0]
    assert "0-100" in ax.get_ylabel() and ax.get_ylim()[1] >= 100
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels and all("you" in lbl for lbl in labels) and not any("Russia" in lbl for lbl in labels)
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    y = np.concatenate([line.get_ydata() for line in dots])
    assert np.nanmax(y) > 1.0  # points out of 100, not the engine's 0-1
