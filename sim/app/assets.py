"""The web app's browser files, fetched once with npm so that ``sim serve`` works offline.

Solara serves its page assets from ``/_solara/cdn/<npm spec>/<file>``; with its asset proxy
it reads ``<cache>/<npm spec>/<file>`` and, only if that is missing, downloads the file
from a public CDN. :func:`fetch` fills the cache from the npm registry with the ordinary
``npm pack`` client, so the app needs no internet when it runs. The PyPI package
``solara-assets`` is not enough with solara 1.64: it lacks KaTeX and the ``vega@5``-style
folders (docs/development.md, "Web app offline").

    python -m sim.app.assets            # into the default folder (inside the venv)
    python -m sim.app.assets DIR        # elsewhere (then set SIM_ASSETS_DIR=DIR for sim serve)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Folder name (exactly as Solara's URLs spell it) → npm spec. Pinned to solara 1.64.1's
# page template (Vue 2 mode: ipyvue<2, ipyvuetify<2); a new solara may ask for others.
ASSETS: dict[str, str] = {
    "@widgetti/solara-vuetify-app@10.1.1": "@widgetti/solara-vuetify-app@10.1.1",  # every page
    "requirejs@2.3.6": "requirejs@2.3.6",
    "font-awesome@4.5.0": "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2": "@widgetti/vue-grid-layout@2.3.13-alpha.2",  # SolaraViz's grid
    "katex@0.16.9": "katex@0.16.9",  # solara.Markdown loads KaTeX and Mermaid on every mount
    "mermaid@10.8.0": "mermaid@10.8.0",
    "vega@5": "vega@5",  # solara.FigureAltair (Mesa's altair plots) asks for major-version URLs
    "vega-lite@5": "vega-lite@5",
    "vega-embed@6": "vega-embed@6",
}
SETUP_HINT = "bash scripts/setup.sh app"


def default_dir() -> Path:
    """Where the assets live: ``$SIM_ASSETS_DIR``, else inside the active environment (one copy per venv)."""
    env = os.environ.get("SIM_ASSETS_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "sim" / "browser-assets"


def missing(folder: Path | None = None) -> list[str]:
    """List the asset folders not yet in ``folder`` (empty when the app can run offline)."""
    folder = folder or default_dir()
    return [name for name in ASSETS if not (folder / name / "package.json").is_file()]


def fetch(folder: Path | None = None, log: bool = True) -> Path:
    """Fill ``folder`` with every asset still missing (idempotent); return the folder.

    Raises:
        RuntimeError: Without npm, or when npm fails (its message is included).

    """
    folder = folder or default_dir()
    todo = missing(folder)
    if not todo:
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to fetch the web app's browser files; install Node.js/npm "
                           "(Debian: apt-get install -y npm) and run again")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in todo:
            out = subprocess.run([npm, "pack", ASSETS[name], "--json", "--pack-destination", tmp],
                                 capture_output=True, text=True, cwd=tmp, check=False)
            if out.returncode != 0:
                raise RuntimeError(f"npm pack {ASSETS[name]} failed: {out.stderr.strip()[-500:]}")
            info = json.loads(out.stdout)[0]
            _unpack(Path(tmp) / info["filename"], folder / name)
            if log:
                print(f"fetched {name} ({info['name']}@{info['version']})", file=sys.stderr)
    return folder


def _unpack(tgz: Path, target: Path) -> None:
    """Unpack an npm tarball's ``package/`` into ``target``, written whole or not at all."""
    part = target.with_name(target.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    with tarfile.open(tgz) as tf:
        members = [m for m in tf.getmembers() if m.name.startswith("package/")]
        for m in members:
            m.name = m.name[len("package/"):]
        part.mkdir(parents=True)
        tf.extractall(part, members=members, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    part.rename(target)  # package.json appears only with the complete folder: an interrupted fetch reruns


def main(argv: list[str] | None = None) -> int:
    """Fetch into the folder given (or the default) and say where."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        folder = fetch(Path(argv[0]) if argv else None)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"browser assets ready in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
