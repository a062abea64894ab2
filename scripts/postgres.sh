#!/usr/bin/env bash
# A throw-away local PostgreSQL server for REMAP's persistence tests.
#
#   scripts/postgres.sh start   # idempotent; prints the URL for REMAP_TEST_POSTGRES_URL
#   scripts/postgres.sh stop    # stops it and deletes its data directory
#   scripts/postgres.sh halt    # stops it, keeping its data (`start` brings it back)
#   scripts/postgres.sh url     # prints the URL
#
# Listens only on 127.0.0.1:$REMAP_PG_PORT (default 54329), data under $REMAP_PG_DIR (default
# /tmp/remap-postgres). TCP connections need the password (scram-sha-256), like a lab's
# server: a random one made at the first start ($REMAP_PG_PASSWORD to choose it), kept in
# $REMAP_PG_DIR/password (mode 0600) and carried by the printed URL. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` user. Needs the Debian package
# `postgresql`.
set -euo pipefail

PORT="${REMAP_PG_PORT:-54329}"
BASE="${REMAP_PG_DIR:-/tmp/remap-postgres}"
DATA="$BASE/data"
PASSWORD_FILE="$BASE/password"

url() {
    if [ ! -f "$PASSWORD_FILE" ]; then
        echo "postgres.sh: no server made under $BASE yet; run: $0 start" >&2
        exit 1
    fi
    echo "postgres://postgres:$(cat "$PASSWORD_FILE")@127.0.0.1:$PORT/postgres"
}

bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
            return
        fi
    done
    echo "postgres.sh: PostgreSQL server binaries not found; install them: sudo apt-get install -y postgresql" >&2
    exit 1
}

# Runs a server binary as the owner of the data directory.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
    if running; then
        url
        return
    fi
    mkdir -p "$BASE"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$BASE"
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        rm -rf "$DATA"
        # Letters and digits only, so the URL needs no escaping.
        (umask 077 && echo "${REMAP_PG_PASSWORD:-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)}" >"$PASSWORD_FILE")
        if [ "$(id -u)" = 0 ]; then
            chown postgres: "$PASSWORD_FILE"
        fi
        # The local socket trusts its user (for administration); TCP asks for the password.
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --pwfile="$PASSWORD_FILE" --encoding=UTF8 --no-sync >"$BASE/initdb.log" 2>&1 \
            || { cat "$BASE/initdb.log" >&2; exit 1; }
    fi
    # Tests create a database each and run in parallel: allow plenty of connections; no
    # durability needed for a throw-away server.
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $BASE -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null \
        || { tail -20 "$BASE/server.log" >&2; exit 1; }
    url
}

stop() {
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    fi
    rm -rf "$BASE"
}

halt() {
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    fi
}

BIN="$(bindir)"
case "${1:-}" in
    start) start ;;
    stop) stop ;;
    halt) halt ;;
    url) url ;;
    *) echo "usage: $0 start|stop|halt|url" >&2; exit 2 ;;
esac
