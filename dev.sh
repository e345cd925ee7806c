#!/usr/bin/env bash
# Finsam Desktop: set everything up, then start the program or run the tests.
#   ./dev.sh start [--demo] [--db PATH]   install what is missing, start the window
#   ./dev.sh test [pytest args]            install what is missing, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages Qt needs (offscreen and in a real window), Xvfb for the UI tests,
# fonts with å ä ö, and poppler for looking at the PDFs.
APT_PACKAGES=(python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth fonts-dejavu-core poppler-utils)

install_system_packages() {
  command -v dpkg >/dev/null || return 0
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installerar systempaket: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_python_packages() {
  local py=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
  fi
  # Reinstall only when pyproject.toml changed since the last setup.
  if [ ! -f .venv/.setup-stamp ] || [ pyproject.toml -nt .venv/.setup-stamp ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    touch .venv/.setup-stamp
  fi
}

cmd=${1:-start}
shift || true
install_system_packages
install_python_packages

case "$cmd" in
  start)
    exec .venv/bin/python -m finsam_desktop "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest -q "$@"
    ;;
  *)
    echo "Användning: ./dev.sh start [--demo] | ./dev.sh test" >&2
    exit 2
    ;;
esac
