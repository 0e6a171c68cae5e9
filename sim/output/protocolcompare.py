"""Protocols side by side in one run: a table of how talks end and a figure of the terms.

All protocols of a run play the same replications with the same drawn parameters, so the
differences in these outputs come from the rules of bargaining, not from sampling.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sim.engine.outcomes import Outcomes
from sim.scenario.load import Scenario


def terms_figure(sc: Scenario, outcomes: dict[str, Outcomes], title: str) -> Any:
    """Plot the final terms of the indicators' issues under every protocol (one row per protocol)."""
    from sim.output.compareplots import key_issues, terms

    entries = [SimpleNamespace(label=name, scenario=sc, outcomes=out) for name, out in outcomes.items()]
    return terms(entries, key_issues(sc), title)


def table_html(sc: Scenario, summaries: dict[str, dict[str, Any]]) -> str:
    """Tabulate per protocol how talks end, when, who walks out, and what each actor gets."""
    from sim.output.report import esc

    actors = list(sc.actors)
    head = ("<tr><th>protocol</th><th>deal</th><th>breakdown</th><th>deadline</th><th>deal round (mean)</th>"
            "<th>walked out</th>" + "".join(f"<th>utility: {esc(a)}</th>" for a in actors) + "</tr>")
    rows = []
    for name, s in summaries.items():
        kinds = "".join(f"<td class='num'>{s['outcome_kinds'][k]['p']:.1%}</td>"
                        for k in ("deal", "breakdown", "deadline"))
        rnd = s["deal_round"].get("mean")
        walked = ", ".join(f"{a} {k:,}" for a, k in s["reasons"]["walked_out"].items()) or "nobody"
        util = "".join(f"<td class='num'>{s['utility_mean'][a]:.3f}</td>" for a in actors)
        rows.append(f"<tr><td><code>{esc(name)}</code></td>{kinds}"
                    f"<td class='num'>{'' if rnd is None else f'{rnd:.2f}'}</td><td>{esc(walked)}</td>{util}</tr>")
    note = ("<p class='muted'>Same replications, same drawn parameters and events under every protocol "
            "(docs/protocols.md says what each protocol assumes). Utilities are means over all replications, "
            "outside options included where talks broke down.</p>")
    return f"<table>{head}{''.join(rows)}</table>{note}"
