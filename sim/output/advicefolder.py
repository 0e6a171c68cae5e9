"""An advice folder: ``advice.json``, ``candidates.csv`` (every package tried), the figure, the manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.experiments.advise import Advice
from sim.output.kindreports import advice_report_html
from sim.output.kindreports import write as write_report
from sim.output.plots import save
from sim.output.results import RunFolder, manifest, new_run_id, utc_now, write_table
from sim.output.sweep_plots import advice_figure


def write(adv: Advice, out_root: str | Path = "results", *, plots: bool = True, run_id: str | None = None,
          command: list[str] | None = None) -> Advice:
    """Write ``results/<scenario>/advise-<id>/``: advice.json, candidates.csv, manifest and a figure."""
    sc = adv.scenario
    started = utc_now()
    with RunFolder(out_root, sc.name, run_id or f"advise-{new_run_id()}") as folder:
        folder.write_json("advice.json", adv.to_json())
        rows = adv.search.tried
        cols: dict[str, list[Any]] = {"stage": [r["stage"] for r in rows]}
        for j, lv in enumerate(adv.search.levers):
            cols[lv.name] = [r["package"][j] for r in rows]
        cols.update({"cost": [r["cost"] for r in rows], adv.target.indicator: [r["p"] for r in rows],
                     "meets_target": [r["meets"] for r in rows]})
        write_table(folder.tmp / "candidates.csv", cols)
        files = ["advice.json", "candidates.csv"]
        if plots:
            title = (f"{sc.spec.title or sc.name}: cheapest package for {adv.target}\n"
                     f"{len(rows)} packages × {adv.replications} replications (common random numbers); "
                     f"star: fresh run, {adv.verify['n']:,} replications")
            chosen = {"cost": adv.search.best["cost"], "p": adv.search.best["p"], "verify": adv.verify}
            files += save(advice_figure(rows, chosen, adv.target.value, adv.target.below, title), folder.tmp, "advice")
        folder.write_json("manifest.json", manifest(
            sc, seed=adv.seed, replications=adv.replications, protocols=[sc.spec.protocol.name], values={},
            started=started, kind="advise", command=command,
            extra={"target": str(adv.target), "files": [*files, "report.html"]}))
        write_report(folder.tmp, advice_report_html(folder.tmp))
    adv.folder = folder.final
    return adv
