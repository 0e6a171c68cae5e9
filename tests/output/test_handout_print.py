"""Printing the seminar kit: each page printed to A4 PDF by headless system Chromium, pages counted.

A role sheet is handed to one team as one sheet of paper, so it must fit one page. The brief
and the debrief may take both sides of one sheet (two pages): the brief carries the issues,
the outside offers, the rules of the process and who knows what; the debrief the results with
their intervals, the typical deal, the reasons and a figure. ``kit.html`` prints every sheet
on pages of its own, so its page count is the sum of the sheets'.

Skips with the reason when Playwright or the system Chromium is missing, and fails under CI
(the session's ``headless_browser`` fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sim.analysis.summaries import summarize
from sim.ensemble.blocks import simulate
from sim.output.handout import write_handout
from sim.scenario.load import load_scenario
from tests.output.test_handout import FORBIDDEN, KITS

pytestmark = pytest.mark.slow


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF: its page objects (``/Type /Page``, not ``/Pages``), checked against the page tree.

    Chromium (Skia) writes page dictionaries uncompressed, so no PDF library is needed; the
    page tree's ``/Count`` must agree, or the count is not to be trusted.
    """
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))
    trees = re.findall(rb"<<(?:(?!>>).)*?/Type\s*/Pages\b(?:(?!>>).)*?>>", data, re.DOTALL)
    counts = [int(m.group(1)) for t in trees if (m := re.search(rb"/Count\s+(\d+)", t))]
    assert counts and max(counts) == pages, f"page objects ({pages}) disagree with the page tree ({counts})"
    return pages


@pytest.fixture(scope="module")
def printed(headless_browser: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each teaching kit written (a small ensemble for the debrief) and every page printed.

    Returns:
        Kit → file name → {"pages": int, "text": the rendered text}.

    """
    out: dict[str, dict[str, Any]] = {}
    page = headless_browser.new_page()
    for kit, path in KITS.items():
        sc = load_scenario(path)
        ens = simulate(sc, replications=60)
        folder = tmp_path_factory.mktemp(kit)
        files = write_handout(sc, folder, ens, summarize(sc, ens))
        out[kit] = {}
        for name in files:
            page.goto((folder / name).as_uri())
            pdf = page.pdf(format="A4", print_background=True)  # the print stylesheet, as "Print to PDF" uses it
            (Path(folder) / f"{name}.pdf").write_bytes(pdf)
            out[kit][name] = {"pages": pdf_pages(pdf), "text": page.inner_text("body")}
    page.close()
    return out


@pytest.mark.parametrize("kit", KITS)
def test_every_role_sheet_fits_one_page(printed: dict, kit: str) -> None:
    roles = {name: p["pages"] for name, p in printed[kit].items() if name.startswith("role-")}
    assert roles and all(n == 1 for n in roles.values()), f"{kit}: role sheets over one page: {roles}"


@pytest.mark.parametrize("kit", KITS)
def test_brief_and_debrief_fit_one_sheet_of_paper(printed: dict, kit: str) -> None:
    # two pages: both sides of one sheet (the module docstring says what fills them)
    for name in ("brief.html", "debrief.html"):
        assert printed[kit][name]["pages"] <= 2, f"{kit} {name}: {printed[kit][name]['pages']} pages"


@pytest.mark.parametrize("kit", KITS)
def test_kit_starts_every_sheet_on_a_new_page(printed: dict, kit: str) -> None:
    sheets = sum(p["pages"] for name, p in printed[kit].items() if name != "kit.html")
    assert printed[kit]["kit.html"]["pages"] == sheets


@pytest.mark.parametrize("kit", KITS)
def test_printed_kit_is_plain_words(printed: dict, kit: str) -> None:
    text = " ".join(printed[kit]["kit.html"]["text"].split())
    for what, pattern in FORBIDDEN.items():
        m = pattern.search(text)
        assert m is None, f"{kit} kit shows {what}: ...{text[max(0, m.start() - 60):m.end() + 60]}..."


def test_pdf_pages_counts_page_objects_not_the_tree() -> None:
    two = (b"%PDF-1.4\n1 0 obj\n<</Type /Pages\n/Count 2\n/Kids [2 0 R 3 0 R]>>\nendobj\n"
           b"2 0 obj\n<</Type /Page\n/Parent 1 0 R>>\nendobj\n3 0 obj\n<</Type/Page /Parent 1 0 R>>\nendobj\n")
    assert pdf_pages(two) == 2
    with pytest.raises(AssertionError, match="disagree"):
        pdf_pages(two.replace(b"/Count 2", b"/Count 3"))
