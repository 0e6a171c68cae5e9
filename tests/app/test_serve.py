"""``sim serve`` without its browser files fails at once with one line that says how to fetch them."""

from __future__ import annotations

import pytest

from sim.app.assets import ASSETS, missing
from sim.cli import main
from tests.conftest import SCENARIOS

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"


def test_missing_assets_say_how_to_fetch_them(tmp_path, monkeypatch, capsys) -> None:
    pytest.importorskip("solara", reason="needs the app's packages (bash scripts/setup.sh app)")
    monkeypatch.setenv("SIM_ASSETS_DIR", str(tmp_path / "none"))
    assert main(["serve", str(SEMINAR)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "browser files are missing" in err[0] and "bash scripts/setup.sh app" in err[0]


def test_missing_lists_what_a_folder_lacks(tmp_path) -> None:
    assert missing(tmp_path) == list(ASSETS)
    (tmp_path / "requirejs@2.3.6").mkdir()
    (tmp_path / "requirejs@2.3.6" / "package.json").write_text("{}")
    assert "requirejs@2.3.6" not in missing(tmp_path)


def test_a_broken_scenario_fails_before_the_server(write, capsys) -> None:
    path = write("name: x\nissues: []\n")
    assert main(["serve", str(path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_serve_prints_the_network_address_and_the_instructor_token(monkeypatch, capsys, tmp_path) -> None:
    """Bound to every interface, the printed links are the machine's address (students cannot use 127.0.0.1)."""
    pytest.importorskip("solara", reason="needs the app's packages (bash scripts/setup.sh app)")
    import subprocess

    from sim.app import server
    from sim.app.assets import default_dir

    if missing(default_dir()):
        pytest.skip("the app's browser files are missing")
    started = {}

    class Fake:
        def __init__(self, cmd, env) -> None:
            started.update(cmd=cmd, env=env)

        def wait(self, timeout=None) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", Fake)
    monkeypatch.setattr(server, "addresses", lambda host: ["192.0.2.7"] if host == "0.0.0.0" else [host])
    assert main(["serve", str(SEMINAR), "--host", "0.0.0.0", "--port", "8123", "--class-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    token = started["env"][server.TOKEN_ENV]
    assert "http://192.0.2.7:8123/class" in err and f"/instructor?token={token}" in err
    assert "127.0.0.1" not in err and len(token) >= 12
    assert started["env"][server.CLASS_DIR_ENV] == str(tmp_path.resolve())


def test_addresses_for_every_interface_are_not_loopback_when_a_network_exists() -> None:
    from sim.app.server import addresses

    assert addresses("127.0.0.1") == ["127.0.0.1"]
    found = addresses("0.0.0.0")
    assert found and (found == ["127.0.0.1"] or not any(a.startswith("127.") for a in found))
