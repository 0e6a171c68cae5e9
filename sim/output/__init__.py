"""Output: run folders, reading finished folders back, figures, HTML reports, handouts.

Lives here: atomic run folders and manifests (results), resumable work folders (workfolder),
finished folders read back (finished), matplotlib figures (plots, sweep_plots, compareplots),
HTML reports (report, comparereport, rereport) and classroom handouts
(handout). Writes what the layers below computed. May import: ``sim.experiments``,
``sim.analysis`` and everything below them.
"""
