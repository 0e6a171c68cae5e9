"""What students read in a seminar kit: plain words, the model's rules, and secrets kept.

Every page of the kit (brief, role sheets, debrief) of the three teaching scenarios is read
as its visible text and searched for what a class must never see: file paths, parameter
paths, internal names, Python structures, notes that point to a missing section. The private
numbers of each actor must appear only on its own role sheet and in the debrief. Printing
(page counts) is tested in ``test_handout_print.py``.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import pytest

from sim.analysis.summaries import summarize
from sim.ensemble.blocks import simulate
from sim.output.debrief import debrief
from sim.output.handout import public_brief, role_sheet
from sim.output.handoutwords import student_note
from sim.scenario.load import Scenario, load_scenario
from tests.conftest import BASELINE, SCENARIOS

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"
WARMUP = SCENARIOS / "teaching" / "port_lease_warmup.yaml"
KITS = {"seminar": SEMINAR, "baseline": BASELINE, "warmup": WARMUP}


BLOCKS = {"p", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "caption", "table", "ul", "ol", "article", "img"}


class _Text(HTMLParser):
    """The text a reader sees: everything but tags, styles and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("style", "script")
        if tag in BLOCKS:
            self.parts.append(" ")  # cells and paragraphs are apart on the page; inline tags are not

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    p = _Text()
    p.feed(html)
    return re.sub(r"\s+", " ", "".join(p.parts)).strip()


@cache
def scenario(kit: str) -> Scenario:
    return load_scenario(KITS[kit])


@cache
def pages(kit: str) -> dict[str, str]:
    """Every student page of a kit as visible text (the debrief from a small ensemble)."""
    sc = scenario(kit)
    out = simulate(sc, replications=60)
    texts = {"brief": visible(public_brief(sc)), "debrief": visible(debrief(sc, summarize(sc, out), None))}
    for a, name in enumerate(sc.actors):
        texts[f"role-{name}"] = visible(role_sheet(sc, a))
    return texts


# What a class must never read, with why.
FORBIDDEN = {
    "a file path": re.compile(r"\w/\w|(?:^|\s)/\w|\.(?:ya?ml|md|py|html?|png|json|csv)\b"),
    "a parameter path": re.compile(r"\b(?:actors|issues|linkage|actions|events|protocol|uncertainty|outcomes|run)"
                                   r"\.[a-z_]+"),
    "an internal name": re.compile(r"\b[a-z]+_[a-z_]+\b"),  # tartus_presence, alternating_offers
    "a Python dict or list": re.compile(r"[{\[]['\"]|\b(?:True|False)\b|': "),
    "a pointer to a missing section or a document": re.compile(r"uncertain(?: and private)? below|see docs|"
                                                                r"see below|docs/|teaching\.md", re.IGNORECASE),
    "a modeller's note marker": re.compile(r"\b(?:[Aa]ssumption|Brief|[Ss]ource|TODO):"),
}


@pytest.mark.parametrize("kit", KITS)
def test_student_pages_are_plain_words(kit: str) -> None:
    for page, text in pages(kit).items():
        for what, pattern in FORBIDDEN.items():
            m = pattern.search(text)
            assert m is None, f"{kit} {page} shows {what}: ...{text[max(0, m.start() - 60):m.end() + 60]}..."


def _shown(v: float) -> re.Pattern[str]:
    """A number as the sheets may print it (either minus sign, with or without trailing digits)."""
    return re.compile(rf"(?<![\d.]){re.escape(f'{abs(v):g}')}(?!\d)")


def _range(sc: Scenario, path: str) -> str:
    u = next(u for u in sc.spec.uncertainty if u.param == path)
    return f"between {u.low:g} and {u.high:g}".replace("-", "\u2212")


@pytest.mark.parametrize("kit", ["seminar", "baseline"])
def test_private_numbers_stay_on_their_own_sheet(kit: str) -> None:
    sc = scenario(kit)
    texts = pages(kit)
    private = [(a, p) for a in sc.signatories if sc.types[a] is not None for p in sc.types[a].paths]
    assert {sc.actors[a] for a, _ in private} == {"syria", "russia"}
    for a, path in private:
        value = _shown(sc.params[path].default)
        own = f"role-{sc.actors[a]}"
        assert value.search(texts[own]), f"{own} does not tell its team its private value ({path})"
        assert value.search(texts["debrief"]), f"the debrief does not reveal {path}"
        for page, text in texts.items():
            if page not in (own, "debrief"):
                m = value.search(text)
                assert m is None, f"{page} shows {sc.actors[a]}'s private value: ...{text[m.start() - 80:m.end()]}"
        for j in sc.signatories:  # the other side is told the range it believes
            if j != a:
                assert _range(sc, path) in texts[f"role-{sc.actors[j]}"], f"{sc.actors[j]} is not told the range"


def test_brief_says_the_rules_of_the_process() -> None:
    brief = pages("seminar")["brief"]
    assert "6 rounds, one a month, from January to June 2025" in brief
    assert "While no deal is signed, the status quo stands" in brief and "every team lives with it each month" in brief
    assert "Syria orders Russian forces out: Syria may do this" in brief
    assert "works with chance 75% (anywhere between 50% and 90%" in brief
    assert "It costs Syria 0.05 and Russia 0.04 in value, whether or not it works" in brief
    assert "Russia withdraws to other footholds" in brief and "It always works" in brief
    assert "In March 2025, with chance 50%" in brief
    assert "only Syria knows it" in brief and "only Russia knows it" in brief
    assert "US sanctions relief" in brief and "55%" in brief  # the schedules, as offered
    assert "24 rounds, one a month, from January 2025 to December 2026" in pages("baseline")["brief"]
    warm = pages("warmup")["brief"]
    assert "up to 6 rounds" in warm and "Either side may walk out at any time" in warm


def test_description_matches_the_clock() -> None:
    """The seminar's text names its own clock and the baseline's: change the rounds, change the text."""
    seminar, baseline = scenario("seminar"), load_scenario(BASELINE)
    assert (seminar.spec.protocol.rounds, baseline.spec.protocol.rounds) == (6, 24)
    assert seminar.calendar.period == baseline.calendar.period == "month"
    text = " ".join(seminar.spec.description.split())
    assert "six monthly rounds" in text and "the baseline's twenty-four" in text


def test_role_sheets_say_what_each_team_wants_and_can_do() -> None:
    texts = pages("seminar")
    russia, syria = texts["role-russia"], texts["role-syria"]
    assert "Russian presence at Tartus full 22%" in russia
    assert "Assad handed over to Syria must be exactly no (Moscow does not hand over a protégé)" in russia
    assert "The status quo stands (no deal yet)" in russia and "worth to you a month" in russia
    assert "Russia withdraws to other footholds (you may do it; always works)" in russia
    assert "Syria orders Russian forces out (you may do it; works with chance 75%)" in syria
    assert "Your value of alternatives: 0.12, how much Libya and Sudan could replace Syria" in russia
    assert "You do not know Russia's value of alternatives" in syria
    assert "US sanctions relief 100% of US sanctions lifted 15%" in syria  # units, not 0-1 scale numbers
    us = texts["role-united_states"]
    assert "not at the table" in us and "What you can offer" in us
    assert "US sanctions relief of US sanctions lifted 100% 80% 55% 15%" in us
    assert "the model assumes you deliver 80% of it (between 50% and 100%" in us
    assert "you choose what share of these schedules to deliver" in us
    assert "You do not know Syria's value of alternatives" in us
    assert "22%" not in texts["brief"]  # priorities stay on the role sheets


def test_debrief_in_sentences_and_tables() -> None:
    text = pages("seminar")["debrief"]
    assert re.search(r"Most often Syria and Russia sign a deal: in \d+% of the runs \(95% interval \d+% to \d+%\)",
                     text)
    assert "Russia keeps Tartus (at least reduced)" in text and "95% interval" in text
    assert re.search(r"Russia proposed \d+%|Syria \d+%", text)
    assert "Russia's value of alternatives: 0.12 on Russia's role sheet" in text
    assert "Financial compensation paid by Russia median $" in text


@pytest.mark.parametrize(("note", "plain"), [
    ("value of other footholds (Libya, Sudan) not on the issue list; uncertain below",
     "value of other footholds (Libya, Sudan) not on the issue list"),
    ("Syria's fallback less a discount for doubt (uncertain and private below)", "Syria's fallback less a discount "
                                                                                  "for doubt"),
    ("how far Damascus can rely on it (below 0: less than tabled); Damascus knows",
     "how far Damascus can rely on it (below 0: less than tabled); Damascus knows"),
    ("assumption: Brief: G7 routes cut reliance", "G7 routes cut reliance"),
    ("see docs/teaching.md for the seminar plan", ""),
    ("bonus tied to actors.russia.outside_option.bonus", ""),
    (None, ""),
])
def test_student_note(note: str | None, plain: str) -> None:
    assert student_note(note) == plain
