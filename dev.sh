#!/usr/bin/env bash
# Finsam Desktop: set everything up, then start the program or run the tests.
#   ./dev.sh start [--demo] [--db PATH]   install what is missing, start the window
#   ./dev.sh test [pytest args]            install what is missing, run the whole test suite
#                                          on SQLite, then the service, CLI and database
#                                          tests on a throwaway PostgreSQL cluster
#                                          (FINSAM_TEST_PG=no skips that second run)
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

# PostgreSQL for the second test run (issue 14): Debian's server package, if missing.
install_postgresql() {
  command -v initdb >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null || { echo "PostgreSQL saknas och kan inte installeras här" >&2; return 1; }
  echo "Installerar PostgreSQL för testerna"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

# The tests once more on PostgreSQL: a cluster of its own in a temporary folder, on
# 127.0.0.1 and a free port, as an unprivileged user; stopped and removed even when
# the tests fail or are interrupted.
PG_TESTS=(tests/services tests/cli tests/db tests/ui/test_main_window.py tests/ui/test_server_backups_tab.py
  tests/ui/test_read_together.py)

test_on_postgresql() {
  install_postgresql
  pg_dir=$(mktemp -d)
  chmod 711 "$pg_dir"
  trap 'scripts/pg_cluster.sh stop "$pg_dir/cluster"; rm -rf "$pg_dir"' EXIT
  local url
  url=$(scripts/pg_cluster.sh start "$pg_dir/cluster")
  echo "PostgreSQL: ${PG_TESTS[*]}"
  local started=$SECONDS status=0
  FINSAM_TEST_PG_URL=$url .venv/bin/python -m pytest -q "${PG_TESTS[@]}" || status=$?
  echo "PostgreSQL-körningen tog $((SECONDS - started)) s"
  return $status
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
    status=0
    .venv/bin/python -m pytest -q "$@" || status=$?
    if [ "${FINSAM_TEST_PG:-yes}" != "no" ]; then
      test_on_postgresql || status=$?
    fi
    exit $status
    ;;
  *)
    echo "Användning: ./dev.sh start [--demo] | ./dev.sh test" >&2
    exit 2
    ;;
esac
