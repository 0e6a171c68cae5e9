"""The class mode's web routes: join page, seat page, instructor console, and their JSON API.

Plain Starlette (the server Solara already runs on) with small static pages that poll the
API: a seat costs the server one cheap request every second or two, not a kernel. Routes:

- ``/class``: join a table with its code; ``/seat/<secret>``: a team's page (the secret in
  the link is the seat's key; nobody else's page can move for it).
- ``/instructor``: the console; only with the token printed at start (``?token=`` once, then
  a cookie), on loopback as on the network. Every ``/api/console`` call checks it.
- ``/api/...``: JSON. Errors come back as ``{"error": "..."}`` with status 400/403/404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from sim.app.classroom import Classroom
from sim.app.table import MoveError

STATIC = Path(__file__).with_name("static")
COOKIE = "sim_instructor"
#: Inputs a seat may send (the rest are the instructor's).
SEAT_MOVES = {"offer", "propose", "pass", "act", "answer", "message"}


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(), headers={"Cache-Control": "no-store"})


def _error(msg: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": msg}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise MoveError("the request was not JSON") from None
    if not isinstance(data, dict):
        raise MoveError("the request was not a JSON object")
    return data


def routes(room: Classroom, solo_rows: Callable[[], list[dict[str, Any]]] = list) -> list[Route]:
    """The class mode's routes over one classroom.

    Args:
        room: The class.
        solo_rows: The solo role-plays' rows (the Solara app's class list) for the console and export.

    """

    def token_of(request: Request) -> str | None:
        return request.cookies.get(COOKIE) or request.headers.get("X-Sim-Token") or request.query_params.get("token")

    def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            if not room.allows(token_of(request)):
                return _error("the instructor console needs the token printed when the server started", 403)
            try:
                return await fn(request)
            except MoveError as exc:
                return _error(str(exc))
        return endpoint

    def safe(fn: Callable[..., Any]) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            try:
                return await fn(request)
            except MoveError as exc:
                return _error(str(exc), 404 if "not valid" in str(exc) or "no table" in str(exc) else 400)
            except (TypeError, ValueError, KeyError) as exc:  # a request of the wrong shape, not a server bug
                return _error(f"a malformed request ({type(exc).__name__}: {exc})")
        return endpoint

    # -- pages ---------------------------------------------------------------------------------

    async def join_page(request: Request) -> Response:
        return _page("join.html")

    async def seat_page(request: Request) -> Response:
        room.seat(request.path_params["secret"])  # an unknown link: a 404 with the reason
        return _page("seat.html")

    async def console_page(request: Request) -> Response:
        given = request.query_params.get("token")
        if given is not None and room.allows(given):  # the token once in the link, then a cookie
            resp = RedirectResponse("/instructor", status_code=303)
            resp.set_cookie(COOKIE, given, httponly=True, samesite="strict")
            return resp
        if not room.allows(request.cookies.get(COOKIE)):
            return HTMLResponse("<!doctype html><title>Instructor console</title><h1>Instructor console</h1>"
                                "<p>Open the link with the token that <code>sim serve</code> printed when it started."
                                "</p>", status_code=403)
        return _page("console.html")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in {"class.css", "class.js"}:
            return PlainTextResponse("not found", status_code=404)
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        return Response((STATIC / name).read_text(), media_type=kind, headers={"Cache-Control": "no-store"})

    # -- students ----------------------------------------------------------------------------------

    async def table_info(request: Request) -> Response:
        t = room.table(request.path_params["code"])
        return JSONResponse({"code": t.code, "title": t.sc.spec.title or t.sc.name, "question": t.sc.spec.question,
                             "over": not t.model.running,
                             "seats": [{"actor": a, "label": t.label(a), "role": t.sc.spec.actors[a].role,
                                        "team": t.seats[a].team if a in t.seats else None}
                                       for a in [*t.sc.signatories, *t.influencers]]})

    async def join(request: Request) -> Response:
        data = await _body(request)
        team = str(data.get("team", "")).strip()
        if not team:
            raise MoveError("give your team a name")
        try:
            actor = int(data["actor"])
        except (KeyError, TypeError, ValueError):
            raise MoveError("choose a seat") from None
        t, seat = room.join(str(data.get("code", "")), actor, team)
        return JSONResponse({"secret": seat.secret, "url": f"/seat/{seat.secret}", "table": t.code})

    async def seat_view(request: Request) -> Response:
        t, seat = room.seat(request.path_params["secret"])
        since = request.query_params.get("since")
        if since is not None and since == str(t.version) and t.model.running:
            return Response(status_code=204)
        return JSONResponse(t.view(seat.actor))

    async def seat_move(request: Request) -> Response:
        t, seat = room.seat(request.path_params["secret"])
        data = await _body(request)
        kind = data.get("kind")
        if kind not in SEAT_MOVES:
            raise MoveError(f"unknown move {kind!r}; allowed: {', '.join(sorted(SEAT_MOVES))}")
        room.apply(t, {**{k: v for k, v in data.items() if k in ("kind", "share", "terms", "accept", "act", "text",
                                                                 "to")}, "actor": seat.actor})
        return JSONResponse(t.view(seat.actor))

    async def seat_worth(request: Request) -> Response:
        t, seat = room.seat(request.path_params["secret"])
        data = await _body(request)
        terms = data.get("terms")
        if not isinstance(terms, dict):
            raise MoveError("terms must be an object of issue name → value")
        return JSONResponse(t.worth(seat.actor, terms))

    # -- the instructor ------------------------------------------------------------------------------

    async def console(request: Request) -> Response:
        model = room.model_expectation() if request.query_params.get("model") else None
        tables = []
        for t in room.each():
            row = t.result()
            if row["finished"]:
                row["percentile"] = {a: room.percentile(a, s) for a, s in row["score"].items()} if model else None
            tables.append(row)
        return JSONResponse({
            "title": room.sc.spec.title or room.sc.name, "round_seconds": room.round_seconds,
            "labels": {a.name: a.label or a.name for a in room.sc.spec.actors},
            "events": [{"name": ev.name, "label": ev.name.replace("_", " ")} for ev in room.sc.events],
            "tables": tables, "solo": solo_rows(),
            "model": None if model is None else {k: v for k, v in model.items() if k != "payoffs"},
        })

    async def console_do(request: Request) -> Response:
        data = await _body(request)
        op = data.get("op")
        codes = data.get("tables")
        if op == "create":
            return JSONResponse({"created": room.create(int(data.get("count", 1)))})
        if op == "start":
            room.start(codes)
        elif op == "pause":
            room.pause(codes)
        elif op == "shock":
            return JSONResponse({"reached": room.shock(str(data.get("event")), codes)})
        elif op == "free":
            room.free(str(data.get("table")), int(data.get("actor")))
        elif op == "clock":
            secs = data.get("seconds")
            room.set_round_seconds(None if secs in (None, "", 0) else float(secs))
        else:
            raise MoveError(f"unknown operation {op!r}")
        return JSONResponse({"ok": True})

    async def replay(request: Request) -> Response:
        t = room.table(request.path_params["code"])
        upto = int(request.query_params.get("round", t.rounds_played()))
        return JSONResponse({"code": t.code, "rounds_played": t.rounds_played(), "round": upto,
                             "transcript": t.transcript(None, upto),
                             "messages": [m | {"from_label": t.label(m["from"])} for m in t.messages
                                          if m["round"] <= upto],
                             "seats": t.result()["seats"], "result": t.result()})

    async def export_csv(request: Request) -> Response:
        return Response(room.export_csv(), media_type="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={room.sc.name}-class.csv"})

    async def export_json(request: Request) -> Response:
        data = room.export_json() | {"solo": solo_rows()}
        return JSONResponse(data, headers={"Content-Disposition": f"attachment; filename={room.sc.name}-class.json"})

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    return [
        Route("/favicon.ico", no_icon),
        Route("/class", join_page),
        Route("/class/", join_page),
        Route("/seat/{secret}", safe(seat_page)),
        Route("/instructor", console_page),
        Route("/instructor/", console_page),
        Route("/class-static/{name}", static),
        Route("/api/tables/{code}", safe(table_info)),
        Route("/api/join", safe(join), methods=["POST"]),
        Route("/api/seat/{secret}", safe(seat_view)),
        Route("/api/seat/{secret}", safe(seat_move), methods=["POST"]),
        Route("/api/seat/{secret}/worth", safe(seat_worth), methods=["POST"]),
        Route("/api/console", guarded(console)),
        Route("/api/console", guarded(console_do), methods=["POST"]),
        Route("/api/console/table/{code}", guarded(replay)),
        Route("/api/console/export.csv", guarded(export_csv)),
        Route("/api/console/export.json", guarded(export_json)),
    ]
