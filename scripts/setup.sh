#!/usr/bin/env bash
# Set up .venv for this project: find Python >= 3.12, create the venv, install.
#   bash scripts/setup.sh          # the engine (sim run, compare, ...)
#   bash scripts/setup.sh app      # plus the web app (sim serve) and its browser files (npm, once)
#   bash scripts/setup.sh test     # plus test tools, the web app and Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
VENV="${SIM_VENV:-.venv}"

ok_python() {  # prints the interpreter if it is Python >= 3.12
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && echo "$1"
}

find_python() {
  local c
  for c in "${SIM_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok_python "$(command -v "$c")" && return 0
  done
  # pyenv keeps versions it does not put on PATH (this machine's python3 is 3.11)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  command -v pyenv >/dev/null 2>&1 && root="$(pyenv root)"
  for c in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    ok_python "$c" && return 0
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! ok_python "$VENV/bin/python" >/dev/null; then
  PY="$(find_python)" || {
    echo "error: this project needs Python 3.12 or newer and none was found; install one (for example 'pyenv install 3.12') or set SIM_PYTHON=/path/to/python3.12" >&2
    exit 1
  }
  echo "setup: creating $VENV with $PY ($("$PY" --version))" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
pip_install() {  # this machine's pip config names index folders that may be absent: hide that noise only
  "${PIP[@]}" "$@" 2> >(grep -v '^WARNING: Location .* is ignored' >&2)
}

apt_install() {  # apt_install WHAT PACKAGE...: as root on Debian/Ubuntu, else say so and return 1
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $1" >&2
    { [ -n "${APT_UPDATED:-}" ] || apt-get update -qq; } && APT_UPDATED=1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >/dev/null
  else
    return 1
  fi
}

browser_files() {  # the web app's browser files, from npm into the venv (sim/app/assets.py), once
  command -v npm >/dev/null 2>&1 || apt_install npm npm || true
  "$VENV/bin/python" -m sim.app.assets
}

if [ "$MODE" = "app" ]; then
  pip_install -e ".[app]"
  browser_files || { echo "error: could not fetch the web app's browser files (see above)" >&2; exit 1; }
elif [ "$MODE" = "test" ]; then
  pip_install -e ".[test,app]"
  browser_files || echo "setup: could not fetch the web app's browser files; browser tests will skip (fail under CI)" >&2
  # Browser tests drive the system Chromium (never a downloaded one). Install it when we can.
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install "chromium for the browser tests" chromium chromium-driver \
      || echo "setup: could not install chromium; browser tests will skip (fail under CI)" >&2
  fi
else
  pip_install -e .
fi
