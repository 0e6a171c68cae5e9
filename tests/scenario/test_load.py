import copy
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.load import load_scenario
from tests.conftest import BASELINE, two_party


def test_baseline_loads_with_case_structure() -> None:
    sc = load_scenario(BASELINE)
    assert {"syria", "russia", "united_states", "european_union"} <= set(sc.actors)
    for issue in ("tartus_presence", "hmeimim_presence", "lease_length", "compensation", "reconstruction_aid",
                  "acknowledgment", "assad_handed_over", "us_sanctions_relief", "eu_sanctions_relief",
                  "western_aid", "diplomatic_recognition", "security_cooperation", "russian_wheat"):
        assert issue in sc.space.names
    for ind in ("tartus_retained", "hmeimim_retained", "any_base_retained", "no_agreement", "assad_returned"):
        assert ind in sc.outcomes


def test_round_trip_values(write) -> None:
    sc = load_scenario(write(two_party()))
    assert sc.params["actors.power.patience"].default == 0.9
    assert sc.params["actors.host.positions.share.ideal"].default == 1.0  # 100 on a 0-100 scale
    assert sc.params["issues.base.status_quo"].default == 0.5  # 'small' of three levels
    assert sc.space.deal_cont == (0,) and sc.space.deal_disc == (1,)
    # the resolved content is what the manifest stores, and reloading it gives the same scenario
    assert sc.resolved["actors"][1]["name"] == "power"


def test_resolved_content_reloads_identically(write, tmp_path: Path) -> None:
    import yaml

    sc = load_scenario(BASELINE)
    again = load_scenario(write(yaml.safe_dump(sc.resolved, sort_keys=False), "again.yaml"))
    assert again.spec == sc.spec


def _err(write, data) -> str:
    path = write(data)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return str(exc.value)


def test_unknown_field_names_line_and_suggests(write) -> None:
    data = two_party()
    text = Path(write(data)).read_text().replace("patience: 0.9", "patienc: 0.9", 1)
    msg = _err(write, text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "patienc:" in ln)
    assert f"scenario.yaml:{line}: actors[host].patienc: unknown field 'patienc'; did you mean 'patience'?" in msg


def test_out_of_range_names_field(write) -> None:
    data = two_party()
    data["actors"][0]["patience"] = 1.4
    msg = _err(write, data)
    assert "actors[host].patience: should be less than or equal to 1 (got 1.4)" in msg


def test_salience_sum(write) -> None:
    data = two_party()
    data["actors"][0]["positions"]["share"]["salience"] = 0.3
    msg = _err(write, data)
    assert "actors[host].positions: saliences of 'host' sum to 0.8" in msg


def test_unknown_issue_reference(write) -> None:
    data = two_party()
    data["actors"][1]["red_lines"][0]["issue"] = "bse"
    msg = _err(write, data)
    assert "actors[power].red_lines[0].issue: no issue named 'bse'" in msg


def test_unknown_level(write) -> None:
    data = copy.deepcopy(two_party())
    data["issues"][1]["status_quo"] = "medium"
    msg = _err(write, data)
    assert "issues[base].status_quo: 'medium' is not a level of 'base'; allowed: none, small, full" in msg


def test_unknown_protocol(write) -> None:
    msg = _err(write, two_party(protocol={"name": "alternating_offer"}))
    assert "protocol.name: unknown protocol 'alternating_offer'; did you mean 'alternating_offers'?" in msg


def test_bad_parameter_path(write) -> None:
    data = two_party()
    data["uncertainty"][0]["param"] = "actors.power.patiance"
    msg = _err(write, data)
    assert ("uncertainty[0].param: 'actors.power.patiance' is not a parameter; "
            "did you mean 'actors.power.patience'?") in msg


def test_extends_overlay_equals_hand_merge(write) -> None:
    base = write(two_party(), "base.yaml")
    variant = write("extends: base.yaml\nname: toy_variant\nactors:\n  - name: power\n    patience: 0.8\n",
                    "variant.yaml")
    merged = two_party(name="toy_variant")
    merged["actors"][1]["patience"] = 0.8
    hand = write(merged, "hand.yaml")
    assert load_scenario(variant).spec == load_scenario(hand).spec
    assert load_scenario(base).spec != load_scenario(variant).spec


def test_extends_cycle_and_missing(write) -> None:
    write("extends: b.yaml\nname: a\n", "a.yaml")
    b = write("extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(b)
    c = write("extends: nowhere.yaml\nname: c\n", "c.yaml")
    with pytest.raises(ScenarioError, match=r"base file 'nowhere\.yaml' is missing") as exc:
        load_scenario(c)
    assert exc.value.problems[0].line == 1


def test_overlay_error_points_at_variant_line(write) -> None:
    write(two_party(), "base.yaml")
    v = write("extends: base.yaml\nname: toy_v\nactors:\n  - name: power\n    patience: 7\n", "v.yaml")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(v)
    p = exc.value.problems[0]
    assert p.file.endswith("v.yaml") and p.line == 5


def test_indicator_named_like_an_issue_is_refused(write) -> None:
    data = two_party()
    data["outcomes"]["share"] = {"when": {"outcome": "deal"}}
    msg = _err(write, data)
    assert "outcomes.share: indicator name 'share' is also an issue's name" in msg
