#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and local trials.
#
#   scripts/pg-test-server.sh start DIR   # prints the DATABASE_URL on stdout
#   scripts/pg-test-server.sh stop DIR    # stops the server and deletes DIR
#   scripts/pg-test-server.sh standby PRIMARY_DIR DIR  # a streaming replica of the server in
#                                         # PRIMARY_DIR (pg_basebackup -R); prints its URL
#   scripts/pg-test-server.sh pause DIR / resume DIR   # stop / start a server, keeping DIR
#
# Installs Debian's `postgresql` when no server binaries are present (CI machines are clean
# and run as root). The cluster lives in DIR, listens on 127.0.0.1 on a free port and on a
# Unix socket inside DIR, trusts local connections, and trades durability for speed
# (fsync=off): it is for tests only. PostgreSQL refuses to run as root, so as root the
# server runs as the `postgres` OS user (created by the Debian package, or here).
set -euo pipefail

find_bindir() {
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_postgresql() {
  if find_bindir >/dev/null; then
    return 0
  fi
  echo "Installing Debian's postgresql for the test suite" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends postgresql postgresql-client >/dev/null
  find_bindir >/dev/null
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir="$1"
  ensure_postgresql
  local bin
  bin="$(find_bindir)"
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    runuser -u postgres -- test -w "$dir" \
      || { echo "$dir is not reachable by the postgres user (check its parents' permissions)" >&2; exit 1; }
  fi
  as_server_user "$bin/initdb" -D "$dir/data" -U surveyapp -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || as_server_user "$bin/initdb" -D "$dir/data" -U surveyapp -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local port
  port="$(free_port)"
  echo "$port" >"$dir/port"
  launch "$dir"
  echo "postgresql+psycopg://surveyapp@127.0.0.1:$port/postgres"
}

launch() {
  local dir="$1" bin port
  bin="$(find_bindir)"
  port="$(cat "$dir/port")"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

# A hot standby of the server in $1, streaming from it: a base backup taken with -R (which
# writes primary_conninfo and standby.signal), started on a port of its own.
standby() {
  local primary="$1" dir="$2" bin port
  bin="$(find_bindir)"
  mkdir -p "$dir"
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_server_user "$bin/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary/port")" -U surveyapp -D "$dir/data" -R -X stream -c fast \
    --no-sync >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  port="$(free_port)"
  echo "$port" >"$dir/port"
  launch "$dir"
  echo "postgresql+psycopg://surveyapp@127.0.0.1:$port/postgres"
}

pause() {
  local dir="$1" bin
  bin="$(find_bindir)"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
}

stop() {
  local dir="$1"
  [ -d "$dir/data" ] || { rm -rf "$dir"; return 0; }
  local bin
  bin="$(find_bindir)"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?directory}" ;;
  stop) stop "${2:?directory}" ;;
  standby) standby "${2:?primary directory}" "${3:?directory}" ;;
  pause) pause "${2:?directory}" ;;
  resume) launch "${2:?directory}" ;;
  bindir) ensure_postgresql; find_bindir ;;
  *) echo "usage: $0 start|stop|pause|resume DIR | standby PRIMARY_DIR DIR | bindir" >&2; exit 2 ;;
esac
