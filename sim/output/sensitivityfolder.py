"""A sensitivity folder: ``indices.csv``, ``samples.csv``, the bar plot and the manifest."""

from __future__ import annotations

from pathlib import Path

from sim.experiments.sensitivity import BOOTSTRAP, SensitivityResult
from sim.output.kindreports import sensitivity_report_html
from sim.output.kindreports import write as write_report
from sim.output.plots import save
from sim.output.results import RunFolder, manifest, new_run_id, utc_now, write_table
from sim.output.sweep_plots import sensitivity_bars
from sim.scenario.load import Scenario
from sim.scenario.params import describe


def write(res: SensitivityResult, sc: Scenario, out_root: str | Path = "results", *, plots: bool = True,
          run_id: str | None = None, command: list[str] | None = None) -> SensitivityResult:
    """Write ``results/<scenario>/sensitivity-<id>/``: indices.csv, samples.csv, manifest and the bar plot."""
    started = utc_now()
    with RunFolder(out_root, sc.name, run_id or f"sensitivity-{new_run_id()}") as folder:
        cols = {k: [r[k] for r in res.rows] for k in res.rows[0]}
        write_table(folder.tmp / "indices.csv", cols)
        write_table(folder.tmp / "samples.csv", res.samples)
        files = ["indices.csv", "samples.csv"]
        if plots:
            title = (f"{sc.spec.title or sc.name}: what drives {res.output}\n"
                     f"Sobol indices, {res.n} base rows × {len(res.factors) + 2} = "
                     f"{res.n * (len(res.factors) + 2)} points × {res.replications} replications "
                     f"(mean {res.mean:.2f}, variance {res.variance:.4f})")
            files += save(sensitivity_bars(res.rows, title), folder.tmp, "sensitivity")
        folder.write_json("manifest.json", manifest(
            sc, seed=res.seed, replications=res.replications, protocols=[sc.spec.protocol.name], values={},
            started=started, kind="sensitivity", command=command,
            extra={"output": res.output, "base_rows": res.n, "points": res.n * (len(res.factors) + 2),
                   "factors": [{"name": f.name, "kind": f.kind, "path": f.path, "label": describe(sc, f.path)}
                               for f in res.factors],
                   "variance": res.variance, "mean": res.mean, "bootstrap": BOOTSTRAP,
                   "estimator": "scipy.stats.sobol_indices (Saltelli 2010 first order, Jansen total) on the "
                                "common-random-number estimate of the output at each point",
                   "files": [*files, "report.html"]}))
        write_report(folder.tmp, sensitivity_report_html(folder.tmp))
    res.folder = folder.final
    return res
