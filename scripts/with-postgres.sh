#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: initdb in a temporary folder (as the
# `postgres` user when run as root), start it on a free loopback port, export DATABASE_URL for
# the command, and stop and delete the cluster whatever happens. The store and API tests run
# against SQLite always and against this PostgreSQL when DATABASE_URL is set.
#   bash scripts/with-postgres.sh cargo test --test it -- store:: api::
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 1
fi
DIR=$(mktemp -d /tmp/rounds-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; PGUSER=postgres; else PGUSER=$(id -un); fi
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U "$PGUSER" --auth=trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR" start >/dev/null
export DATABASE_URL="postgres://$PGUSER@127.0.0.1:$PORT/postgres"
echo "PostgreSQL on $DATABASE_URL" >&2
"$@"
