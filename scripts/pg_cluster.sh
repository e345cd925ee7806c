#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue 14 §5).
#   scripts/pg_cluster.sh start DIR   initdb in DIR, start on 127.0.0.1 on a free port,
#                                      (DIR's parent folders searchable), print the URL (postgresql://finsam@127.0.0.1:PORT/postgres)
#   scripts/pg_cluster.sh stop DIR    stop it (fast) and remove DIR
# With FINSAM_PG_TLS_DIR=DIR (holding server.crt, server.key and password) the cluster
# takes only TLS connections with a password (ssl=on; pg_hba: hostssl … scram-sha-256, no
# plain host line); the superuser "finsam" gets the password in DIR/password.
# PostgreSQL refuses to run as root: as root the cluster runs as the user "nobody" and DIR
# is made theirs. Trust authentication on 127.0.0.1 only: the cluster lives for one test
# run in a private temporary folder and listens on no other address.
set -euo pipefail

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

case "$cmd" in
  start)
    initdb=$(find_bin initdb) || { echo "initdb not found (apt-get install postgresql)" >&2; exit 1; }
    pg_ctl=$(find_bin pg_ctl)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown nobody: "$dir"
      runuser -u nobody -- test -w "$dir" \
        || { echo "$dir: its parent folders must be searchable by nobody (chmod o+x)" >&2; exit 1; }
    fi
    tls=${FINSAM_PG_TLS_DIR:-}
    auth=(--auth=trust)
    if [ -n "$tls" ]; then
      cp "$tls/password" "$dir/password"
      [ "$(id -u)" -eq 0 ] && chown nobody: "$dir/password"
      auth=(--auth-local=trust --auth-host=scram-sha-256 --pwfile="$dir/password")
    fi
    as_owner "$initdb" -D "$dir/data" -U finsam "${auth[@]}" -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    ssl_options=""
    if [ -n "$tls" ]; then
      cp "$tls/server.crt" "$tls/server.key" "$dir/data/"
      chmod 600 "$dir/data/server.key"
      [ "$(id -u)" -eq 0 ] && chown nobody: "$dir/data/server.crt" "$dir/data/server.key"
      printf 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n' >"$dir/data/pg_hba.conf"
      ssl_options="-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
    fi
    port=$(free_port)
    # fsync off: a test cluster that is thrown away after the run need not survive a crash.
    as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200 $ssl_options" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://finsam@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      pg_ctl=$(find_bin pg_ctl)
      as_owner "$pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
