"""The class mode's routes without a browser: the token, joining, moves, export, a restart."""

from __future__ import annotations

import csv
import io
import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from sim.app.classroom import Classroom
from sim.app.web import routes
from sim.scenario.load import load_scenario
from tests.app.test_table import SEMINAR

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(SEMINAR)


def client(sc, folder=None) -> tuple[TestClient, Classroom]:
    room = Classroom(sc, folder, token=TOKEN)
    return TestClient(Starlette(routes=routes(room)), base_url="http://127.0.0.1"), room


def test_the_console_needs_the_token(sc) -> None:
    c, _ = client(sc)
    for path in ("/instructor", "/instructor/", "/api/console", "/api/console/export.csv", "/api/console/export.json",
                 "/api/console/table/ABCD"):
        assert c.get(path).status_code == 403, path
        assert c.get(path, headers={"X-Sim-Token": "wrong"}).status_code == 403, path
    assert c.post("/api/console", json={"op": "create"}).status_code == 403
    r = c.get("/instructor?token=" + TOKEN, follow_redirects=False)
    assert r.status_code == 303 and "sim_instructor" in r.headers["set-cookie"]
    assert c.get("/instructor").status_code == 200  # the cookie now opens it
    assert c.get("/api/console").status_code == 200


def test_join_move_and_export(sc, tmp_path) -> None:
    c, room = client(sc, tmp_path)
    h = {"X-Sim-Token": TOKEN}
    code = c.post("/api/console", json={"op": "create", "count": 2}, headers=h).json()["created"][0]
    assert c.get("/api/tables/nope").status_code == 404
    info = c.get(f"/api/tables/{code.lower()}").json()  # codes forgive case
    assert [s["team"] for s in info["seats"]] == [None] * 4
    assert c.post("/api/join", json={"code": code, "actor": 0, "team": ""}).json()["error"] == "give your team a name"
    s = c.post("/api/join", json={"code": code, "actor": 0, "team": "Damascus"}).json()
    r = c.post("/api/join", json={"code": code, "actor": 1, "team": "Moscow"}).json()
    taken = c.post("/api/join", json={"code": code, "actor": 0, "team": "Other"})
    assert taken.status_code == 400 and "taken by team Damascus" in taken.json()["error"]
    assert c.get("/seat/not-a-secret").status_code == 404
    c.post("/api/console", json={"op": "start"}, headers=h)
    views = {k: c.get(f"/api/seat/{x['secret']}").json() for k, x in (("s", s), ("r", r))}
    mover = "s" if views["s"]["todo"] == "proposal" else "r"
    secret = (s if mover == "s" else r)["secret"]
    terms = {f["name"]: f["value"] for f in views[mover]["form"]}
    assert c.post(f"/api/seat/{secret}/worth", json={"terms": terms}).json()["worth"] >= 50  # its own ideal
    after = c.post(f"/api/seat/{secret}", json={"kind": "propose", "terms": terms}).json()
    assert after["phase"] == "answers"
    bad = c.post(f"/api/seat/{secret}", json={"kind": "start"})
    assert bad.status_code == 400 and "unknown move" in bad.json()["error"]
    c.post(f"/api/seat/{secret}", json={"kind": "message", "text": "  Let us   talk <b>now</b> ", "to": "all"})
    v = c.get(f"/api/seat/{secret}?since={after['version']}")
    assert v.status_code == 200 and v.json()["messages"][0]["text"] == "Let us talk <b>now</b>"
    assert c.get(f"/api/seat/{secret}?since={v.json()['version']}").status_code == 204  # nothing new
    rows = list(csv.DictReader(io.StringIO(c.get("/api/console/export.csv", headers=h).text)))
    assert [row["table"] for row in rows] == list(room.tables)
    assert "syria: Damascus" in rows[0]["seats"] and rows[0]["seed"] != rows[1]["seed"]
    data = c.get("/api/console/export.json", headers=h).json()
    assert data["tables"][0]["messages"][0]["text"].startswith("Let us")
    assert "secret" not in json.dumps(data)  # seat links never leave the server in an export
    replay = c.get(f"/api/console/table/{code}?round=0", headers=h).json()
    assert replay["transcript"] == [] and replay["messages"] == []

    # a restart on the same folder: the same tables, paused, the same transcripts and seats
    c2, room2 = client(sc, tmp_path)
    assert list(room2.tables) == list(room.tables)
    t1, t2 = room.tables[code], room2.tables[code]
    assert t2.paused and t2.transcript(None) == t1.transcript(None) and t2.messages == t1.messages
    assert c2.get(f"/api/seat/{secret}").json()["team"] == ("Damascus" if mover == "s" else "Moscow")
    assert not list((tmp_path / "tables").glob(".*"))  # nothing half-written


def test_shock_and_clock_are_checked(sc) -> None:
    c, room = client(sc)
    h = {"X-Sim-Token": TOKEN}
    c.post("/api/console", json={"op": "create", "count": 3}, headers=h)
    r = c.post("/api/console", json={"op": "shock", "event": sc.spec.events[0].name}, headers=h).json()
    assert r["reached"] == 3 and all(t.model.fired[0, 0] for t in room.each())
    assert "no event" in c.post("/api/console", json={"op": "shock", "event": "x"}, headers=h).json()["error"]
    assert "between 20 seconds" in c.post("/api/console", json={"op": "clock", "seconds": 5}, headers=h).json()["error"]
    assert c.post("/api/console", json={"op": "clock", "seconds": 90}, headers=h).json() == {"ok": True}
    assert all(t.round_seconds == 90 for t in room.each())


def test_malformed_requests_are_told_not_crashed(sc) -> None:
    c, room = client(sc)
    code = room.create(1)[0]
    secret = c.post("/api/join", json={"code": code, "actor": 0, "team": "S"}).json()["secret"]
    for path, body in ((f"/api/seat/{secret}/worth", {"terms": None}), (f"/api/seat/{secret}/worth", [1, 2]),
                       (f"/api/seat/{secret}", {"kind": "offer", "share": "lots"}),
                       (f"/api/seat/{secret}", {"kind": "propose", "terms": {"compensation": "x"}}),
                       ("/api/join", {"code": code, "actor": "first", "team": "T"})):
        r = c.post(path, json=body)
        assert r.status_code == 400 and r.json()["error"], (path, body, r.text)


def test_a_freed_seat_goes_to_the_model_then_to_a_new_team(sc) -> None:
    c, room = client(sc)
    h = {"X-Sim-Token": TOKEN}
    code = room.create(1)[0]
    old = c.post("/api/join", json={"code": code, "actor": 1, "team": "Moscow"}).json()["secret"]
    assert c.post("/api/console", json={"op": "free", "table": code, "actor": 0}, headers=h).status_code == 400
    assert c.post("/api/console", json={"op": "free", "table": code, "actor": 1}, headers=h).json() == {"ok": True}
    assert c.get(f"/api/seat/{old}").status_code == 404  # the old link no longer moves for Russia
    new = c.post("/api/join", json={"code": code, "actor": 1, "team": "Moscow again"}).json()
    assert c.get(f"/api/seat/{new['secret']}").json()["team"] == "Moscow again"
    assert [e["kind"] for e in room.tables[code].log] == ["join", "leave", "join"]
