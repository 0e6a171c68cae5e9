"""The seminar web app (``sim serve``): one negotiation per browser session, role-play, instructor view.

Only :mod:`sim.app.pages` and the modules it imports need Solara and Mesa's visualisation;
the rest (settings, sessions, the class registry, plots, the offline server) is plain Python
and tested without a browser. The app runs offline: docs/development.md, "Web app offline";
its browser files are fetched once by ``assets``. May import: ``sim.workflows`` and everything
below it (never ``sim.cli``).
"""
