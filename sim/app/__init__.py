"""The seminar web app (``sim serve``): class tables for teams, the instructor's console, solo role-play.

Class mode (:mod:`sim.app.table`, :mod:`sim.app.classroom`, :mod:`sim.app.web`) is plain
Python and Starlette with static pages; solo mode (:mod:`sim.app.pages` and what it imports)
needs Solara; :mod:`sim.app.asgi` serves both from one process. The rest (settings, sessions,
the class registry, plots, the offline server) is plain Python and tested without a browser.
The app runs offline: docs/development.md, "Web app offline"; its browser files are
fetched once by ``assets``. May import: ``sim.workflows`` and everything below it (never
``sim.cli``).
"""
