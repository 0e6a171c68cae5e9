"""Variants: the overlay rules of ``extends:`` and the shipped Syria variants."""

import copy
from pathlib import Path

import pytest
import yaml

from sim.errors import ScenarioError
from sim.scenario.load import load_scenario
from sim.scenario.overlay import resolve
from tests.conftest import BASELINE, two_party

VARIANTS = [BASELINE.parent / f"{name}.yaml" for name in (
    "russia_pays_compensation", "russia_acknowledges_mistakes", "russia_hands_over_assad",
    "russia_offers_aid_and_wheat", "russia_full_package", "us_relief_if_russia_leaves", "eu_eases_unconditionally",
    "western_offer_withdrawn", "russia_alternative_foothold", "syria_hardliners")]


def _toy_with_events() -> dict:
    data = two_party()
    data["events"] = [{"name": "shock", "round": 2, "probability": 0.5,
                       "effects": [{"target": "actors.power.patience", "set": 0.5}]}]
    data["uncertainty"].append({"param": "actors.host.patience", "dist": "uniform", "low": 0.8, "high": 0.95})
    return data


def test_named_lists_merge_by_name_remove_and_append(write) -> None:
    write(_toy_with_events(), "base.yaml")
    v = write("extends: base.yaml\nname: v\nactors:\n  - name: power\n    patience: 0.7\n"
              "  - {name: host, remove: true}\n  - name: third\n    role: signatory\n    capability: 1\n"
              "    patience: 0.5\n    positions: {share: {ideal: 50, salience: 1}}\n", "v.yaml")
    data = resolve(v).data
    assert [a["name"] for a in data["actors"]] == ["power", "third"]
    power = data["actors"][0]
    assert power["patience"] == 0.7 and power["positions"]["base"]["ideal"] == "full"  # deep merge keeps the rest


def test_empty_list_clears_and_plain_lists_replace(write) -> None:
    write(_toy_with_events(), "base.yaml")
    v = write("extends: base.yaml\nname: v\nevents: []\nactors:\n  - name: power\n    red_lines: []\n", "v.yaml")
    data = resolve(v).data
    assert data["events"] == []
    assert data["actors"][1]["red_lines"] == []
    v2 = write("extends: base.yaml\nname: v\nissues:\n  - name: base\n    levels: [none, full]\n"
               "    status_quo: full\n", "v2.yaml")
    assert resolve(v2).data["issues"][1]["levels"] == ["none", "full"]  # a plain list is replaced whole


def test_uncertainty_entries_keyed_by_param_replace_whole(write) -> None:
    write(_toy_with_events(), "base.yaml")
    v = write("extends: base.yaml\nname: v\nuncertainty:\n"
              "  - {param: actors.power.outside_option.bonus, dist: beta, a: 2, b: 5}\n"
              "  - {param: actors.host.patience, remove: true}\n"
              "  - {param: actors.power.patience, dist: uniform, low: 0.8, high: 0.9}\n", "v.yaml")
    unc = resolve(v).data["uncertainty"]
    assert unc == [{"param": "actors.power.outside_option.bonus", "dist": "beta", "a": 2, "b": 5},
                   {"param": "actors.power.patience", "dist": "uniform", "low": 0.8, "high": 0.9}]
    load_scenario(v)  # no stale low/high from the uniform it replaced


def test_remove_unknown_item_is_located(write) -> None:
    write(two_party(), "base.yaml")
    v = write("extends: base.yaml\nname: v\nactors:\n  - {name: powr, remove: true}\n", "v.yaml")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(v)
    p = exc.value.problems[0]
    assert p.line == 4 and "no item with name 'powr'" in p.message and "allowed: host, power" in p.message


def test_chain_of_three_applies_in_order(write) -> None:
    write(two_party(), "a.yaml")
    write("extends: a.yaml\nname: b\nactors:\n  - {name: power, patience: 0.8, capability: 2}\n", "b.yaml")
    c = write("extends: b.yaml\nname: c\nactors:\n  - {name: power, patience: 0.7}\n", "c.yaml")
    sc = load_scenario(c)
    power = sc.spec.actors[1]
    assert (sc.name, power.patience, power.capability) == ("c", 0.7, 2)
    assert [Path(f).name for f in sc.files] == ["a.yaml", "b.yaml", "c.yaml"]


def test_override_drops_base_note_and_keeps_its_own(write) -> None:
    data = two_party()
    data["actors"][1]["patience"] = {"value": 0.9, "note": "base reason"}
    write(data, "base.yaml")
    bare = load_scenario(write("extends: base.yaml\nname: v\nactors:\n  - {name: power, patience: 0.8}\n", "v.yaml"))
    assert "actors[power].patience" not in bare.annotations  # the base's reason no longer applies
    own = load_scenario(write("extends: base.yaml\nname: v\nactors:\n  - name: power\n"
                              "    patience: {value: 0.8, note: new reason}\n", "w.yaml"))
    assert own.annotations["actors[power].patience"] == {"note": "new reason"}


def test_removed_item_notes_do_not_label_the_next_one(write) -> None:
    data = two_party()
    data["actors"][0]["patience"] = {"value": 0.9, "note": "host's reason"}
    data["actors"][1]["patience"] = 0.9
    data["actors"].append({"name": "third", "role": "signatory", "capability": 1, "patience": 0.5,
                           "positions": {"share": {"ideal": 50, "salience": 1}}})
    write(data, "base.yaml")
    v = write("extends: base.yaml\nname: v\nactors:\n  - {name: host, remove: true}\n", "v.yaml")
    res = resolve(v)
    assert ("actors", 0, "patience") not in res.annotations


def test_shipped_variant_equals_hand_merge(write) -> None:
    """russia_hands_over_assad.yaml is the baseline with exactly these edits, made by hand."""
    variant = BASELINE.parent / "russia_hands_over_assad.yaml"
    hand = copy.deepcopy(resolve(BASELINE).data)
    text = yaml.safe_load(variant.read_text())
    hand.update(name="syria_bases_russia_hands_over_assad", title=text["title"], question=text["question"],
                description=text["description"])
    russia = next(a for a in hand["actors"] if a["name"] == "russia")
    russia["positions"]["assad_handed_over"]["salience"] = 0.03
    russia["positions"]["tartus_presence"]["salience"] = 0.27
    russia["positions"]["hmeimim_presence"]["salience"] = 0.20
    russia["red_lines"] = [rl for rl in russia["red_lines"] if rl["issue"] != "assad_handed_over"]
    for rl in russia["red_lines"]:
        rl["note"] = "unchanged from the baseline"
    merged = load_scenario(variant)
    assert merged.spec == load_scenario(write(hand, "hand.yaml")).spec
    assert merged.spec != load_scenario(BASELINE).spec


def test_at_least_nine_variants_each_with_a_question() -> None:
    assert len(VARIANTS) >= 9
    for path in VARIANTS:
        sc = load_scenario(path)
        assert Path(sc.files[0]).name == "baseline.yaml", path  # every variant is an overlay of the baseline
        assert sc.spec.question and sc.spec.description, path
        assert sc.name != "syria_bases_baseline", path
