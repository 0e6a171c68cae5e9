"""Folders of a conditioned run and of a backtest: tables, summary, figures, report, manifest.

A conditioned run is a run folder (``kind: run``, so ``sim rerun`` and ``sim report`` read it)
whose manifest carries a ``condition`` entry (the history's text, target ESS, cap) and whose
``outcomes.csv`` holds every simulated replication with a ``given`` column (True where the
replication agrees with the history). A backtest folder has ``kind: backtest``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.output import conditionplots, plots
from sim.output.report import answer, esc, img, indicator_table, page
from sim.output.results import RunFolder, manifest, write_table


def condition_summary(c: Any, fc: dict[str, Any], params: list[dict[str, Any]]) -> dict[str, Any]:
    """summary.json of a conditioned run."""
    h = c.history
    return {
        "history": {"name": h.name, "file": h.file, "sha256": h.sha256, "last_observed": fc["last_observed"],
                    "facts": [{"fact": f.text, "kind": f.kind, "round": f.round, "date": f.when, "source": f.source,
                               "agree": float(c.columns[:, j].mean())} for j, f in enumerate(h.facts)]},
        "simulated": c.n, "accepted": int(c.accepted.sum()), "acceptance_rate": c.acceptance_rate,
        "ess": c.ess, "target_ess": c.target_ess, "cap": c.cap, "growth": c.growth,
        "parameters": params,
        "forecast": fc["posterior"], "unconditioned": fc["prior"], "endings_from": fc["endings_from"],
    }


def write_condition(c: Any, fc: dict[str, Any], params: list[dict[str, Any]], folder: RunFolder, *,
                    started: str, plots_: bool = True, command: list[str] | None = None) -> list[str]:
    """Write a conditioned run into its (still hidden) folder; return the files written."""
    sc, out = c.scenario, c.outcomes
    cols = out.table(sc)
    cols["given"] = c.accepted.tolist()
    write_table(folder.tmp / "outcomes.csv", cols)
    files = ["outcomes.csv", "history.yaml", "summary.json", "assumptions.json"]
    (folder.tmp / "history.yaml").write_text(c.history.text, encoding="utf-8")
    summary = condition_summary(c, fc, params)
    folder.write_json("summary.json", summary)
    folder.write_json("assumptions.json", sc.assumptions())
    title = sc.spec.title or sc.name
    if plots_:
        series = {"unconditioned": fc["prior"]}
        if fc["posterior"]:
            series["given the history"] = fc["posterior"]
        files += plots.save(plots.indicators(series, f"{title}: forecast given the history"), folder.tmp,
                            "forecast")
        when = _when(sc, c.history.last_round)
        files += plots.save(conditionplots.endings(fc, None, f"How and when the talks end, from {when} on "
                                                             f"(given the history: {int(c.accepted.sum()):,} "
                                                             f"of {c.n:,} replications)"),
                            folder.tmp, "forecast_timeline")
        files += plots.save(conditionplots.parameters(c, params, "What the history rules in or out: prior "
                                                                 "against posterior (internal scale)"),
                            folder.tmp, "parameters")
    cond = {"history_file": c.history.file, "history": c.history.text, "history_sha256": c.history.sha256,
            "target_ess": c.target_ess, "cap": c.cap, "growth": c.growth}
    folder.write_json("manifest.json", manifest(sc, seed=c.seed, replications=c.initial, protocols=[out.protocol],
                                                values={}, started=started, command=command,
                                                extra={"run_id": folder.run_id, "files": files, "condition": cond}))
    (folder.tmp / "report.html").write_text(condition_report_html(folder.tmp), encoding="utf-8")
    return files


def _when(sc: Any, t: int) -> str:
    if t == 0:
        return "the start"
    return sc.calendar.label(t) if sc.calendar else f"round {t}"


def _title(m: dict[str, Any]) -> str:
    return str((m.get("resolved") or {}).get("title") or m.get("scenario", "scenario"))


def condition_report_html(folder: Path) -> str:
    """A conditioned run's report from its folder (``manifest.json``, ``summary.json``, figures)."""
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return page(_title(m), condition_html(m, s, folder))


def condition_answer(s: dict[str, Any]) -> str:
    """The first indicator given the history beside the unconditioned, in one sentence."""
    h = s["history"]
    first = next(iter(s["unconditioned"]["indicators"].values()))
    name = next(iter(s["unconditioned"]["indicators"]))
    given = (s["forecast"] or {}).get("indicators", {}).get(name)
    told = (f"{given['p']:.0%} [95% CI {given['lo']:.0%}, {given['hi']:.0%}]" if given else "not estimable")
    facts = f"{len(h['facts'])} fact{'s' if len(h['facts']) != 1 else ''}"
    return (f"Given {h['name']} ({facts}, last {h['last_observed']}): {first['label']} with "
            f"P = {told}, against {first['p']:.0%} without the history ({s['accepted']:,} of "
            f"{s['simulated']:,} replications agree).")


def condition_html(m: dict[str, Any], s: dict[str, Any], folder: Path) -> str:
    """The report's body: the history, acceptance and ESS, parameters, the forecast beside the unconditioned."""
    cond = m.get("condition", {})
    facts = "".join(f"<tr><td>{esc(f['date'])}</td><td>{esc(f['fact'])}</td><td class='num'>{f['agree']:.1%}</td>"
                    f"<td>{esc(f['source'])}</td></tr>" for f in s["history"]["facts"])
    params = "".join(
        f"<tr><td><code>{esc(r['param'])}</code>{' (private)' if r['private'] else ''}</td>"
        f"<td class='num'>{r['prior_mean']:.3f}</td>"
        f"<td class='num'>{'' if r['posterior_mean'] is None else format(r['posterior_mean'], '.3f')}</td>"
        f"<td class='num'>{r['ks_p']:.2g}</td><td>{esc(r['verdict'])}</td></tr>" for r in s["parameters"])
    series = {"unconditioned": s["unconditioned"]}
    if s["forecast"]:
        series = {"given the history": s["forecast"], **series}
    body = [f"<h1>{esc(_title(m))}: given what has happened</h1>", answer(esc(condition_answer(s))),
            f"<p class='muted'>Scenario <code>{esc(m.get('scenario_file'))}</code> · history "
            f"<code>{esc(cond.get('history_file', s['history']['file']))}</code> "
            f"(sha256 {str(s['history']['sha256'])[:12]}) · seed {m.get('seed')}</p>",
            "<h2>Conditioning</h2>",
            f"<p>Rejection sampling: {s['accepted']:,} of {s['simulated']:,} simulated replications agree with every "
            f"fact (acceptance rate {s['acceptance_rate']:.1%}; effective sample size {s['ess']:,.0f}, target "
            f"{s['target_ess']:,}; ensemble grown in seeded blocks to {', '.join(f'{g:,}' for g in s['growth'])}).</p>",
            "<table><tr><th>by</th><th>fact</th><th>replications agreeing</th><th>source</th></tr>"
            f"{facts}</table>",
            "<h2>Forecast from the last observed date on</h2>", indicator_table(series)]
    for name, head in (("forecast", ""), ("forecast_timeline", "")):
        p = folder / f"{name}.png"
        if p.exists():
            body.append(head + img(p))
    body.append("<h2>What the history rules in or out</h2>"
                "<p class='muted'>Means on the internal scale; KS p: two-sample Kolmogorov-Smirnov test of the "
                "agreeing against the other replications' draws (small: the history tells values apart).</p>"
                "<table><tr><th>parameter</th><th>prior mean</th><th>posterior mean</th><th>KS p</th>"
                f"<th>verdict</th></tr>{params}</table>")
    p = folder / "parameters.png"
    if p.exists():
        body.append(img(p))
    return "".join(body)


def write_backtest(bt: Any, folder: RunFolder, *, started: str, plots_: bool = True,
                   command: list[str] | None = None) -> list[str]:
    """Write a backtest folder: backtest.json, forecasts.csv, the figure, report, manifest."""
    c = bt.conditioned
    sc = c.scenario
    rows = bt.forecasts
    names = ["issued_label", "fact", "resolved_label", "p", "n", "brier", "log"]
    write_table(folder.tmp / "forecasts.csv", {k: [r[k] for r in rows] for k in names})
    (folder.tmp / "history.yaml").write_text(c.history.text, encoding="utf-8")
    summary = {"history": c.history.name, "milestones": [_when(sc, m) for m in bt.milestones],
               "scores": bt.scores, "forecasts": rows, "indicators": bt.indicators,
               "simulated": c.n, "accepted_full_history": int(c.accepted.sum())}
    folder.write_json("backtest.json", summary)
    files = ["forecasts.csv", "history.yaml", "backtest.json"]
    if plots_:
        files += plots.save(conditionplots.backtest(bt, f"{sc.spec.title or sc.name}: backtest on "
                                                        f"{c.history.name} ({c.n:,} replications)"),
                            folder.tmp, "backtest")
    cond = {"history_file": c.history.file, "history": c.history.text, "history_sha256": c.history.sha256,
            "target_ess": c.target_ess, "cap": c.cap, "growth": c.growth}
    folder.write_json("manifest.json", manifest(sc, seed=c.seed, replications=c.initial,
                                                protocols=[c.outcomes.protocol], values={}, started=started,
                                                kind="backtest", command=command,
                                                extra={"run_id": folder.run_id, "files": files, "condition": cond}))
    (folder.tmp / "report.html").write_text(backtest_report_html(folder.tmp), encoding="utf-8")
    return files


def backtest_answer(b: dict[str, Any]) -> str:
    """The mean scores and the worst forecast, in one sentence."""
    sc_ = b["scores"]
    if not sc_["questions"]:
        return f"Backtest on {b['history']}: no fact came after a milestone, so nothing could be scored."
    worst = max(b["forecasts"], key=lambda r: r["brier"])
    many = f"{sc_['questions']} forecast{'s' if sc_['questions'] != 1 else ''}"
    return (f"Backtest on {b['history']}: mean Brier score {sc_['brier']:.4f} and mean log score {sc_['log']:.3f} "
            f"over {many} (0 is best); the worst: P({worst['fact']}) = {worst['p']:.2f} "
            f"issued at the end of {worst['issued_label']}.")


def backtest_report_html(folder: Path) -> str:
    """A backtest's report from its folder (``manifest.json``, ``backtest.json``, the figure)."""
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    b = json.loads((folder / "backtest.json").read_text(encoding="utf-8"))
    rows = b["forecasts"]
    table = "".join(f"<tr><td>{esc(r['issued_label'])}</td><td>{esc(r['fact'])}</td><td>{esc(r['resolved_label'])}</td>"
                    f"<td class='num'>{r['p']:.3f}</td><td class='num'>{r['brier']:.4f}</td>"
                    f"<td class='num'>{r['log']:.4f}</td></tr>" for r in rows)
    sc_ = b["scores"]
    head = (f"<p>Mean Brier score {sc_['brier']:.4f}, mean log score {sc_['log']:.4f} over {sc_['questions']} "
            "forecasts (Brier: 0 best; log: 0 best, ln of the probability given to what happened).</p>"
            if sc_["questions"] else "<p>No fact came after a milestone: nothing to score.</p>")
    fig = folder / "backtest.png"
    cond = m.get("condition", {})
    body = (f"<h1>{esc(_title(m))}: backtest</h1>" + answer(esc(backtest_answer(b))) +
            f"<p class='muted'>History <code>{esc(cond.get('history_file', b['history']))}</code> · "
            f"seed {m.get('seed')} · "
            f"{b['simulated']:,} replications</p>"
            f"<h2>Scores</h2>{head}<table><tr><th>issued at the end of</th><th>fact</th><th>resolved</th>"
            f"<th>P</th><th>Brier</th><th>log</th></tr>{table}</table>" + (img(fig) if fig.exists() else ""))
    return page(f"{m.get('scenario', 'scenario')}: backtest", body)


__all__ = ["backtest_report_html", "condition_report_html", "condition_summary", "write_backtest", "write_condition"]
