# A throw-away PostgreSQL 15, sourced by tests/server/run.sh and examples/walkthrough-server.sh: a
# fresh data directory, listening only on a Unix socket inside it (no TCP at all), stopped by
# pg_stop. Needs Debian's postgresql package (tests/deps.sh installs it); as root, the cluster runs
# as the `postgres` user, since PostgreSQL refuses to run as root.
#
#   pg_start DIR   DIR: an empty directory of its own (handed to postgres when run as root);
#                  sets PG_SOCKET, the directory of the server's socket (port 5432)
#   pg_stop        stops it (at once: the data is thrown away); does nothing if it is not running
#   pg_log         the last lines of its log, for a failure report

pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
pg_dir=
pg_running=

as_pg() { "$@"; }

pg_start() {
    pg_dir=$1
    if [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/pg_ctl" ]; then
        echo "PostgreSQL 15 not found in $pgbin (apt-get install postgresql, or set PG_BIN)" >&2
        return 1
    fi
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || { echo "running PostgreSQL as root needs a postgres user" >&2; return 1; }
        chown postgres "$pg_dir"
        as_pg() { runuser -u postgres -- "$@"; }
    fi
    as_pg "$pgbin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-instructions >"$pg_dir/initdb.log" 2>&1 ||
        { cat "$pg_dir/initdb.log" >&2; return 1; }
    as_pg mkdir "$pg_dir/sock"
    pg_running=1
    as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses= -k $pg_dir/sock -c max_connections=200" start >/dev/null
    PG_SOCKET=$pg_dir/sock
}

pg_stop() {
    if [ -n "$pg_running" ]; then
        as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        pg_running=
    fi
}

pg_log() {
    if [ -n "$pg_dir" ] && [ -f "$pg_dir/postgres.log" ]; then
        echo "PostgreSQL log (last lines):" >&2
        tail -n 20 "$pg_dir/postgres.log" >&2 || true
    fi
}
