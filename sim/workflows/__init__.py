"""Workflows: one per command, computing (experiments, ensemble) and then writing (output).

Lives here: ``run``, ``rerun``, ``compare``, ``sweep``/``resume``, ``sensitivity``,
``advise`` and ``discover`` as the CLI, the web app, notebooks and tests call them.
May import: ``sim.output`` and everything below it.
"""
