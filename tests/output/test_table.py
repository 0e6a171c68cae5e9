"""The tidy results table: levels decoded, parameters named for people, CSV and Parquet alike."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

import sim
from sim.errors import UsageError
from tests.conftest import ROOT

BASELINE = ROOT / "scenarios" / "syria_bases" / "baseline.yaml"


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    return sim.run(sim.load_scenario(BASELINE), replications=40, out_root=out, plots=False)


def test_the_table_decodes_levels_and_names_parameters_for_people(done) -> None:
    df = sim.load_table(done.folder)
    assert len(df) == 40
    ideal = df["syria_tartus_presence_ideal"]  # a categorical draw, stored on the internal scale
    assert isinstance(ideal.dtype, pd.CategoricalDtype) and ideal.dtype.ordered
    assert list(ideal.cat.categories) == ["none", "logistics_only", "reduced", "full"]
    assert set(ideal.dropna()) <= {"none", "logistics_only", "reduced"} and ideal.notna().all()
    assert df.attrs["params"]["syria_tartus_presence_ideal"] == "actors.syria.positions.tartus_presence.ideal"
    assert "Tartus" in df.attrs["labels"]["syria_tartus_presence_ideal"]
    assert not [c for c in df.columns if ":" in c or "." in c]
    assert df["outcome"].dtype.ordered and "deal" in df["outcome"].cat.categories
    assert df["tartus_presence"].dtype.ordered
    assert df["tartus_retained"].dtype == bool
    assert df.attrs["units"]["compensation"] == "$bn"


def test_the_in_memory_table_equals_the_one_read_back(done) -> None:
    pd.testing.assert_frame_equal(done.table, sim.load_table(done.folder), check_dtype=False)
    assert sim.load_run(done.folder).table.shape == done.table.shape


def test_every_column_is_in_the_column_dictionary(done) -> None:
    text = (ROOT / "docs" / "reference" / "results-table.md").read_text(encoding="utf-8")
    df = done.table
    generic = {"utility_": "utility_<actor>", "event_": "event_<event>"}
    for col in df.columns:
        key = next((v for k, v in generic.items() if col.startswith(k)), col)
        assert f"`{key}`" in text or col in df.attrs["params"] or col in done.scenario.outcomes \
            or col in done.scenario.space.names, col


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed (extra: parquet)")
def test_parquet_gives_the_same_table_and_the_run_reads_back(done, tmp_path) -> None:
    sc = sim.load_scenario(BASELINE)
    pq = sim.run(sc, replications=40, out_root=tmp_path, plots=False, table_format="parquet")
    assert (pq.folder / "outcomes.parquet").is_file() and not (pq.folder / "outcomes.csv").exists()
    pd.testing.assert_frame_equal(sim.load_table(pq.folder), sim.load_table(done.folder), check_dtype=False)
    back = sim.load_run(pq.folder)
    assert (back.outcomes["alternating_offers"].kind == done.outcomes["alternating_offers"].kind).all()


def test_an_unknown_format_is_refused_before_any_work(tmp_path) -> None:
    with pytest.raises(UsageError, match="allowed: csv, parquet"):
        sim.run(sim.load_scenario(BASELINE), replications=10, out_root=tmp_path, table_format="xlsx")
    assert not list(tmp_path.iterdir())
