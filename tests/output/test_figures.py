"""Figures that explain themselves: words and units on axes, shapes not only r, distinct colours."""

from __future__ import annotations

import colorsys

import matplotlib
import numpy as np

import sim
from sim.output.driverplots import binned, driver_shapes
from sim.output.plots import PALETTE, trajectories
from sim.output.sweep_plots import _axis_label
from sim.scenario.params import describe, units
from tests.conftest import BASELINE, SCENARIOS

matplotlib.use("Agg")


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_the_palette_has_ten_distinct_colours() -> None:
    rgb = [matplotlib.colors.to_rgb(c) for c in PALETTE]
    assert len(set(PALETTE)) >= 10
    # no near twins: every pair differs clearly in lightness or hue
    for i in range(len(rgb)):
        for j in range(i):
            a, b = (colorsys.rgb_to_hls(*c) for c in (rgb[i], rgb[j]))
            dh = min(abs(a[0] - b[0]), 1 - abs(a[0] - b[0]))
            assert abs(a[1] - b[1]) > 0.08 or dh > 0.06, (PALETTE[i], PALETTE[j])


def test_binned_shows_a_rise_and_fall_that_r_misses() -> None:
    x = np.linspace(0, 1, 6000)
    flag = np.abs(x - 0.5) < 0.25  # P rises then falls: r is about 0
    assert abs(np.corrcoef(x, flag)[0, 1]) < 0.05
    p = [b[1] for b in binned(x, flag, None)]
    assert p[0] < 0.3 and max(p) > 0.9 and p[-1] < 0.3


def test_drivers_and_sweep_axes_speak_in_words_with_units() -> None:
    sc = sim.load_scenario(BASELINE)
    res = sim.run(sc, replications=120, out_root=None)
    o, s = res.outcomes["alternating_offers"], res.summaries["alternating_offers"]
    text = _texts(driver_shapes(sc, o, s, "drivers"))
    assert "param:" not in text and "actors." not in text
    assert "Syria (new government)" in text and "logistics\nonly" in text  # a categorical draw, by level
    target = "actors.russia.positions.compensation.ideal"
    lever = {"name": "russia_compensation", "target": target, "label": describe(sc, target), "units": units(sc, target)}
    label = _axis_label(lever)
    assert "actors." not in label and "($bn)" in label and "Russia" in label


def test_talks_that_all_end_in_round_one_are_said_in_words() -> None:
    sc = sim.load_scenario(SCENARIOS / "validation" / "rubinstein.yaml")
    o = sim.run(sc, replications=40, out_root=None).outcomes[sc.spec.protocol.name]
    fig = trajectories(sc, o, "t")
    assert "ended in the first round" in _texts(fig)
    ticks = [t.get_text() for ax in fig.axes if ax.axison for t in ax.get_xticklabels()]
    assert ticks and all("." not in t for t in ticks)  # whole rounds, not 0.94596...


def test_indicator_labels_sit_right_of_their_whiskers_and_inside_the_axes() -> None:
    """A label on a bar near 100% used to be drawn over its whisker."""
    from sim.output.plots import indicators

    inds = {f"i{k}": {"label": f"indicator {k}", "p": p, "lo": max(0.0, p - 0.02), "hi": min(1.0, p + 0.02)}
            for k, p in enumerate((0.0, 0.5, 0.93, 0.99, 1.0))}
    fig = indicators({"one": {"indicators": inds}}, "t")
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text().endswith("%")]
    assert len(texts) == len(inds)
    for t, ind in zip(sorted(texts, key=lambda t: -t.get_position()[1]), inds.values(), strict=True):
        x = t.get_position()[0]
        assert x > ind["hi"], (t.get_text(), x, ind["hi"])
        assert x + 0.05 < ax.get_xlim()[1]  # room for the text itself

