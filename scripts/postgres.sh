# shellcheck shell=bash
#
# PostgreSQL for the suites that need it (the sync server's), sourced by scripts/test:
#
#     source scripts/postgres.sh && postgres_up && postgres_test_database
#
# postgres_up finds (as root: creates and starts) a cluster and exports
# ONERECORD_TEST_POSTGRES=1 and ONERECORD_TEST_POSTGRES_PORT; postgres_test_database
# makes a throwaway role and database there, checks that it answers over TCP with its
# password, and exports ONERECORD_TEST_POSTGRES_URL.
#
# When either cannot: on a developer's machine one line says so, the variables are
# unset and those suites skip (status 0). When CI is set (any value but "", 0, false,
# no, off: tests/ci.py reads it the same way) it is an error: one line on stderr and
# status 1, because a PostgreSQL suite that silently skipped in CI proves nothing.
# (pytest then also fails the run if a PostgreSQL test skips: tests/databases.py.)
#
# Works with or without `set -e`: every step that can fail is checked here.

PG_TEST_ROLE="onerecord_test"

_pg_required() {
    local ci="${CI:-}"
    ci="${ci,,}"
    case "$ci" in
        "" | 0 | false | no | off) return 1 ;;
        *) return 0 ;;
    esac
}

# $1: what is wrong. CI: an error line and status 1. Elsewhere: a skip notice, and the
# variables that would make pytest expect PostgreSQL are dropped.
_pg_unavailable() {
    if _pg_required; then
        printf 'PostgreSQL is required when CI is set: %s\n' "$1" >&2
        return 1
    fi
    unset ONERECORD_TEST_POSTGRES ONERECORD_TEST_POSTGRES_PORT ONERECORD_TEST_POSTGRES_URL
    printf '%s: the PostgreSQL tests will be skipped.\n' "$1"
    return 0
}

# True if the SQLAlchemy URL in $1 accepts a connection within a few seconds. The URL
# goes through the environment, not argv, so its password is not in the process list.
_pg_answers() {
    ONERECORD_PG_CHECK_URL="$1" "${ONERECORD_PY:-python3}" - >/dev/null 2>&1 <<'PY'
import os

import sqlalchemy as sa

engine = sa.create_engine(os.environ["ONERECORD_PG_CHECK_URL"], connect_args={"connect_timeout": 5})
with engine.connect() as conn:
    conn.execute(sa.text("SELECT 1"))
engine.dispose()
PY
}

postgres_up() {
    local ver name port status rest version
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        _pg_unavailable "PostgreSQL is not installed (Debian: the postgresql package)"
        return
    fi
    if [[ -z "$(pg_lsclusters -h 2>/dev/null || true)" && "$(id -u)" -eq 0 ]]; then
        version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null \
            | sort -n | tail -n 1)"
        if [[ -n "$version" ]]; then
            pg_createcluster "$version" main >/dev/null 2>&1 || true
        fi
    fi
    if [[ -z "$(pg_lsclusters -h 2>/dev/null || true)" ]]; then
        _pg_unavailable "PostgreSQL has no cluster and none could be created"
        return
    fi
    while read -r ver name port status rest; do
        if [[ "$status" == online* ]]; then
            export ONERECORD_TEST_POSTGRES=1 ONERECORD_TEST_POSTGRES_PORT="$port"
            echo "PostgreSQL $ver/$name is up on port $port."
            return 0
        fi
    done < <(pg_lsclusters -h 2>/dev/null || true)
    if [[ "$(id -u)" -ne 0 ]]; then
        _pg_unavailable "PostgreSQL is not running (start it with: sudo pg_ctlcluster <version> main start)"
        return
    fi
    while read -r ver name port status rest; do
        if pg_ctlcluster "$ver" "$name" start >/dev/null 2>&1; then
            export ONERECORD_TEST_POSTGRES=1 ONERECORD_TEST_POSTGRES_PORT="$port"
            echo "PostgreSQL $ver/$name started on port $port."
            return 0
        fi
    done < <(pg_lsclusters -h 2>/dev/null | sort -rn || true)
    _pg_unavailable "PostgreSQL could not be started (pg_ctlcluster start failed)"
}

# Runs one psql command as the postgres user (root cannot use peer authentication as
# itself); prints psql's output, or its last error line on failure.
_pg_as_postgres() {
    local port="$1" sql="$2" out
    if out="$(cd / && su postgres -c "psql -p $port -X -qtAc \"$sql\"" 2>&1 </dev/null)"; then
        printf '%s\n' "$out"
        return 0
    fi
    printf '%s\n' "$out" | head -n 1
    return 1
}

# The throwaway schemas a killed test run left in the test database (tests/pg_schemas.py
# drops its own when a run ends). Left to pile up, they slowed every server a test opens:
# its question "which of my tables exist?" reads the whole catalog. Swept only when CI
# is set, where nothing else is using the database: elsewhere a second run in progress
# may own them. One transaction per schema, so thousands never exhaust the lock table.
_pg_sweep_test_schemas() {
    local port="$1"
    (cd / && su postgres -c "psql -p $port -d $PG_TEST_ROLE -X -qtA" >/dev/null 2>&1) <<'SQL' || true
DO $sweep$
DECLARE
    name text;
BEGIN
    FOR name IN
        SELECT nspname FROM pg_namespace WHERE nspname ~ '^(t[0-9a-f]{12}|load_[0-9a-f]{8})$'
    LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', name);
        COMMIT;
    END LOOP;
END
$sweep$;
SQL
}

# A throwaway role and database for the server suite, reached over TCP with a password.
postgres_test_database() {
    local port="${ONERECORD_TEST_POSTGRES_PORT:-}" out url
    if [[ -n "${ONERECORD_TEST_POSTGRES_URL:-}" ]]; then
        if ! _pg_answers "$ONERECORD_TEST_POSTGRES_URL"; then
            _pg_unavailable "ONERECORD_TEST_POSTGRES_URL does not accept a connection"
            return
        fi
        echo "PostgreSQL test database (ONERECORD_TEST_POSTGRES_URL) answers."
        return 0
    fi
    if [[ -z "$port" ]]; then
        # postgres_up has already said why (and failed, in CI, unless not called).
        if _pg_required; then
            _pg_unavailable "no PostgreSQL cluster is up"
            return
        fi
        return 0
    fi
    if [[ ! "$port" =~ ^[0-9]+$ ]]; then
        _pg_unavailable "ONERECORD_TEST_POSTGRES_PORT is not a port number"
        return
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        _pg_unavailable "set ONERECORD_TEST_POSTGRES_URL to a database you own"
        return
    fi
    if ! out="$(_pg_as_postgres "$port" "SELECT 1 FROM pg_roles WHERE rolname = '$PG_TEST_ROLE'")"; then
        _pg_unavailable "cannot reach the cluster on port $port as the postgres user ($out)"
        return
    fi
    if [[ "$out" != 1 ]] \
        && ! out="$(_pg_as_postgres "$port" "CREATE ROLE $PG_TEST_ROLE LOGIN PASSWORD '$PG_TEST_ROLE'")"; then
        _pg_unavailable "cannot create the $PG_TEST_ROLE role ($out)"
        return
    fi
    if ! out="$(_pg_as_postgres "$port" "SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_ROLE'")"; then
        _pg_unavailable "cannot list the databases on port $port ($out)"
        return
    fi
    if [[ "$out" != 1 ]] \
        && ! out="$(_pg_as_postgres "$port" "CREATE DATABASE $PG_TEST_ROLE OWNER $PG_TEST_ROLE")"; then
        _pg_unavailable "cannot create the $PG_TEST_ROLE database ($out)"
        return
    fi
    url="postgresql+psycopg://$PG_TEST_ROLE:$PG_TEST_ROLE@127.0.0.1:$port/$PG_TEST_ROLE"
    if ! _pg_answers "$url"; then
        _pg_unavailable "the $PG_TEST_ROLE database does not accept its password over TCP on port $port"
        return
    fi
    if _pg_required; then
        _pg_sweep_test_schemas "$port"
    fi
    export ONERECORD_TEST_POSTGRES_URL="$url"
    echo "PostgreSQL test database ready."
}
