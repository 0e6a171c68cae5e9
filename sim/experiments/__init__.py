"""Experiments over many design points: designs, sweeps, sensitivity, discovery, advice, comparison.

Lives here: sweep designs (designs), playing design points on common random numbers
(evaluate), sweeps, Sobol sensitivity, PRIM discovery, advice (the cheapest lever package)
and comparisons of scenarios. Computes only: no folders, figures or manifests are written
here (that is ``sim.output``, put together in ``sim.workflows``). May import:
``sim.analysis``, ``sim.ensemble`` and everything below them.
"""
