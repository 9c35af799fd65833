#!/usr/bin/env bash
# mpg-local.sh: a local stand-in for Fly Managed Postgres (MPG).
#
# A throwaway PostgreSQL on 127.0.0.1 behind a real PgBouncer in transaction mode, with SCRAM
# authentication and the MPG-like policy of templates/flympg-web/local/pgbouncer-mpg.ini. Used by tests, benchmarks
# and demos. Nothing listens on anything but loopback; every wait is bounded.
#
#   mpg-local.sh start      [--state-dir DIR] [--pooler-ini FILE] [--owner-pid PID]
#   mpg-local.sh add-pooler [--state-dir DIR] --pooler-ini FILE
#   mpg-local.sh stop       [--state-dir DIR]
#   mpg-local.sh sync-auth  [--state-dir DIR]
#   mpg-local.sh psql       [--state-dir DIR] [--pooled|--direct|--superuser|--admin] [-- PSQL_ARGS...]
#   mpg-local.sh fault      [--state-dir DIR] postgres-stop-fast|postgres-shutdown-begin|postgres-crash|postgres-start|pooler-restart [--pidfile FILE]
#
# start     creates DIR (default: a fresh mktemp -d), initdb, starts Postgres and one PgBouncer,
#           writes DIR/env and prints the same KEY=VALUE lines on stdout (progress goes to stderr):
#           MPG_STATE_DIR POSTGRES_PORT PGBOUNCER_PORT APP_PASSWORD DIRECT_DATABASE_URL DATABASE_URL
#           PGBOUNCER_ADMIN_URL PGBOUNCER_ADMIN_PASSWORD POSTGRES_SUPERUSER_URL SUPERUSER_PASSWORD
#           PGBOUNCER_PIDFILE PGBOUNCER_LOG POSTGRES_LOG. Roles: app (LOGIN, owns database app),
#           pgbouncer_admin (PgBouncer admin_users/stats_users only), postgres (superuser, direct only).
#           --pooler-ini FILE: the policy file %include'd by PgBouncer (default templates/flympg-web/local/pgbouncer-mpg.ini):
#           a fragment of [pgbouncer] WITHOUT a "[pgbouncer]" header (PgBouncer 1.18 resets every
#           [pgbouncer] setting read before a repeated header); it is included last, so it wins.
#           --owner-pid PID: a watchdog stops everything once process PID has exited.
#           On failure nothing is left running, the state dir is removed (MPG_LOCAL_KEEP_ON_FAILURE=1
#           keeps it) and the log tails are printed.
# add-pooler starts one more PgBouncer in front of the same Postgres with another policy file;
#           prints PGBOUNCER_PORT DATABASE_URL PGBOUNCER_ADMIN_URL PGBOUNCER_PIDFILE PGBOUNCER_LOG.
# stop      stops every PgBouncer and the Postgres of DIR, then removes DIR. Idempotent.
# sync-auth rewrites PgBouncer's auth_file from pg_authid (roles created later) and reloads poolers.
# fault     what a managed database does now and then, for fault tests: postgres-stop-fast (a clean shutdown:
#           sessions are terminated with 57P01), postgres-shutdown-begin (a smart shutdown begun, not waited for: new
#           connections get 57P03 "the database system is shutting down" while the sessions still open keep it from
#           stopping; postgres-stop-fast ends it), postgres-crash (an immediate stop: no shutdown, recovery at the next
#           start), postgres-start (on the same port, waits until it answers), pooler-restart (stops the PgBouncer of
#           --pidfile, default the first one, and starts it again on the same port with the same configuration).
# DIR defaults to $MPG_STATE_DIR for every command but start. Layout: pgdata/, run/ (unix sockets),
# postgres.log, userlist.txt (auth_file), env, poolers/N/{pgbouncer.ini,policy.ini,pgbouncer.pid,pgbouncer.log,env}.
# When root, Postgres and PgBouncer run as the postgres user (both refuse root).
#
# Environment: MPG_READY_TIMEOUT (seconds, default 30), PG_BINDIR, PGBOUNCER (binary overrides),
# MPG_LOCAL_NO_INSTALL=1 (never apt-get install).
set -Eeuo pipefail

SCRIPT_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname "$SCRIPT_PATH")"
DEFAULT_POLICY="$(dirname "$SCRIPT_DIR")/templates/flympg-web/local/pgbouncer-mpg.ini"
READY_TIMEOUT="${MPG_READY_TIMEOUT:-30}"
MARKER=".mpg-local-state"
SERVICE_USER="postgres"

STATE_DIR=""
PG_BIN=""
PGBOUNCER_BIN=""
PSQL_BIN=""

log() { printf 'mpg-local: %s\n' "$*" >&2; }

mask() { sed -E "s/(PASSWORD ')[^']*'/\1***'/Ig; s#(postgres(ql)?://[^:/@ ]+:)[^@ ]+@#\1***@#g"; }

LOG_FOCUS=() # when set, the only logs worth showing on failure (e.g. the pooler being started)

print_log_tails() {
    [[ -n "$STATE_DIR" && -d "$STATE_DIR" ]] || return 0
    local f files=("$STATE_DIR/initdb.log" "$STATE_DIR/postgres.log" "$STATE_DIR"/poolers/*/pgbouncer.log "$STATE_DIR"/poolers/*/stderr.log)
    ((${#LOG_FOCUS[@]} == 0)) || files=("${LOG_FOCUS[@]}")
    for f in "${files[@]}"; do
        [[ -s "$f" ]] || continue
        # PgBouncer writes fatal config errors to both its stderr and its logfile: show them once
        if [[ "$f" == */stderr.log && -s "${f%/*}/pgbouncer.log" ]] && ! grep -qvxFf "${f%/*}/pgbouncer.log" "$f"; then
            continue
        fi
        printf -- '----- last lines of %s -----\n' "$f" >&2
        tail -n 30 "$f" | mask >&2 || true
    done
}

die() {
    printf 'mpg-local: ERROR: %s\n' "$*" >&2
    print_log_tails
    exit 1
}

trap 'rc=$?; log "command failed (exit $rc) at line $LINENO: $BASH_COMMAND"' ERR

is_root() { [[ $EUID -eq 0 ]]; }

# Run a command as the user owning the cluster: postgres when we are root (Postgres and PgBouncer
# refuse to run as root), else ourselves. The working directory is the state dir, which that user can read.
as_service() {
    if is_root; then
        (cd "$STATE_DIR" && runuser -u "$SERVICE_USER" -- "$@")
    else
        (cd "$STATE_DIR" && "$@")
    fi
}

own() { if is_root; then chown "$SERVICE_USER:" "$@"; fi; }

random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local p _
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 30000))
        if [[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]; then echo "$p"; return; fi
    done
    die "could not find a free loopback port (install python3 or ss)"
}

find_bins() {
    local d
    if [[ -n "${PG_BINDIR:-}" ]]; then
        PG_BIN="$PG_BINDIR"
    else
        PG_BIN=""
        for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
            if [[ -x "$d/initdb" ]]; then PG_BIN="$d"; break; fi
        done
        if [[ -z "$PG_BIN" ]] && command -v initdb >/dev/null 2>&1; then
            PG_BIN="$(dirname "$(command -v initdb)")"
        fi
    fi
    PGBOUNCER_BIN="${PGBOUNCER:-$(command -v pgbouncer 2>/dev/null || true)}"
    for d in /usr/sbin/pgbouncer /usr/bin/pgbouncer /usr/local/bin/pgbouncer; do
        [[ -n "$PGBOUNCER_BIN" ]] || { [[ -x "$d" ]] && PGBOUNCER_BIN="$d"; } || true
    done
    PSQL_BIN=""
    [[ -n "$PG_BIN" && -x "$PG_BIN/psql" ]] && PSQL_BIN="$PG_BIN/psql"
    [[ -n "$PSQL_BIN" ]] || PSQL_BIN="$(command -v psql 2>/dev/null || true)"
    [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/postgres" \
        && -n "$PGBOUNCER_BIN" && -x "$PGBOUNCER_BIN" && -n "$PSQL_BIN" ]]
}

ensure_packages() {
    find_bins && return 0
    local why="PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) and pgbouncer are required"
    if [[ "${MPG_LOCAL_NO_INSTALL:-0}" != 1 ]] && is_root && [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; then
        log "$why; installing the Debian packages postgresql and pgbouncer"
        timeout 900 apt-get update >&2 || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y postgresql pgbouncer >&2 \
            || die "apt-get install -y postgresql pgbouncer failed"
        find_bins || die "$why; still missing after installing postgresql and pgbouncer (set PG_BINDIR / PGBOUNCER)"
    else
        die "$why. Install them (Debian/Ubuntu: sudo apt-get install -y postgresql pgbouncer; other systems: your package manager's PostgreSQL server and PgBouncer), or point PG_BINDIR and PGBOUNCER at them."
    fi
}

# ---- polling helpers ---------------------------------------------------------------------------

# psql_q PASSWORD CONNINFO SQL...: each SQL is sent as its own simple query; output unaligned, tuples only.
psql_q() {
    local pw="$1" conninfo="$2"; shift 2
    local args=() s
    for s in "$@"; do args+=(-c "$s"); done
    PGPASSWORD="$pw" PGCONNECT_TIMEOUT=5 PGAPPNAME=mpg-local timeout 20 \
        "$PSQL_BIN" -X -q -A -t -v ON_ERROR_STOP=1 -d "$conninfo" "${args[@]}"
}

# wait_until DESCRIPTION CHECK_FUNCTION...: polls until the check succeeds or READY_TIMEOUT passes.
wait_until() {
    local what="$1"; shift
    local deadline=$((SECONDS + READY_TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "timed out after ${READY_TIMEOUT}s waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

pid_is() { # pid_is PID WORD: the process exists and its command line mentions WORD
    local pid="$1" word="$2"
    [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$word"
}

proc_starttime() { sed -E 's/^.*\) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

# ---- state dir ---------------------------------------------------------------------------------

resolve_state_dir() { # for every command but start
    STATE_DIR="${1:-${MPG_STATE_DIR:-}}"
    [[ -n "$STATE_DIR" ]] || die "no state dir: pass --state-dir DIR or set MPG_STATE_DIR"
}

check_state_dir() {
    [[ -d "$STATE_DIR" ]] || die "state dir $STATE_DIR does not exist (was the stand-in started?)"
    [[ -f "$STATE_DIR/$MARKER" ]] || die "$STATE_DIR is not an mpg-local state dir (no $MARKER)"
    [[ -f "$STATE_DIR/env" ]] || die "$STATE_DIR/env is missing: the stand-in did not finish starting"
    # shellcheck disable=SC1091
    source "$STATE_DIR/env"
}

# ---- postgres ----------------------------------------------------------------------------------

su_conninfo() { echo "host=127.0.0.1 port=$POSTGRES_PORT user=postgres dbname=postgres"; }
app_conninfo() { echo "host=127.0.0.1 port=$1 user=app dbname=app"; }
admin_conninfo() { echo "host=127.0.0.1 port=$1 user=pgbouncer_admin dbname=pgbouncer"; }

postgres_ready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 2 \
        && [[ "$(psql_q "$SUPERUSER_PASSWORD" "$(su_conninfo)" 'select 1')" == 1 ]]
}

start_postgres() {
    local attempt
    for attempt in 1 2 3; do
        sed -i -E "s/^port = [0-9]+.*/port = $POSTGRES_PORT/" "$STATE_DIR/pgdata/postgresql.conf"
        log "starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT"
        if as_service timeout $((READY_TIMEOUT + 10)) "$PG_BIN/pg_ctl" -D "$STATE_DIR/pgdata" \
            -l "$STATE_DIR/postgres.log" -w -t "$READY_TIMEOUT" start >&2; then
            wait_until "PostgreSQL to accept connections on port $POSTGRES_PORT" postgres_ready \
                || die "PostgreSQL started but does not answer 'select 1' on 127.0.0.1:$POSTGRES_PORT"
            return 0
        fi
        if grep -q 'Address already in use' "$STATE_DIR/postgres.log" 2>/dev/null && ((attempt < 3)); then
            log "port $POSTGRES_PORT was taken meanwhile; trying another one"
            POSTGRES_PORT="$(free_port)"
            continue
        fi
        die "PostgreSQL did not start (pg_ctl start failed)"
    done
}

write_auth_file() {
    # PgBouncer's auth_file: "role" "SCRAM-SHA-256$..." for every login role with a password that is
    # not a superuser (MPG gives apps no superuser), plus the admin console's role.
    local tmp="$STATE_DIR/userlist.txt.tmp"
    psql_q "$SUPERUSER_PASSWORD" "$(su_conninfo)" \
        "select format('\"%s\" \"%s\"', replace(rolname, '\"', '\"\"'), rolpassword) from pg_authid
          where rolpassword like 'SCRAM-SHA-256\$%'
            and ((rolcanlogin and not rolsuper) or rolname = 'pgbouncer_admin')
          order by rolname" >"$tmp" || die "could not read SCRAM secrets from pg_authid"
    grep -q '^"app" "SCRAM-SHA-256\$' "$tmp" || die "no SCRAM secret for role app in pg_authid"
    chmod 600 "$tmp"
    own "$tmp"
    mv -f "$tmp" "$STATE_DIR/userlist.txt"
}

# ---- pgbouncer ---------------------------------------------------------------------------------

pooler_ready() { # pooler_ready PORT PIDFILE
    local port="$1" pidfile="$2"
    [[ -s "$pidfile" ]] && pid_is "$(cat "$pidfile")" pgbouncer \
        && psql_q "$PGBOUNCER_ADMIN_PASSWORD" "$(admin_conninfo "$port")" 'SHOW VERSION' \
        && [[ "$(psql_q "$APP_PASSWORD" "$(app_conninfo "$port")" 'select 1')" == 1 ]]
}

pooler_dead() { # the daemon exited: no point waiting any longer
    local pidfile="$1"
    [[ -s "$pidfile" ]] && ! pid_is "$(cat "$pidfile")" pgbouncer
}

pooler_ready_or_dead() { pooler_ready "$@" || pooler_dead "$2"; }

stop_pgbouncer_pidfile() {
    local pidfile="$1" pid i ini
    [[ -s "$pidfile" ]] || return 0
    pid="$(cat "$pidfile")"
    ini="$(dirname "$pidfile")/pgbouncer.ini"
    if pid_is "$pid" "$ini"; then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do pid_is "$pid" "$ini" || break; sleep 0.1; done
        if pid_is "$pid" "$ini"; then
            log "PgBouncer $pid ignored SIGTERM for 5 s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do pid_is "$pid" "$ini" || break; sleep 0.1; done
        fi
    fi
    rm -f "$pidfile"
}

# check_policy FILE: the policy is a fragment of [pgbouncer]; a section header in it would reset
# (PgBouncer 1.18, seen here) every [pgbouncer] setting read before the %include to its default.
check_policy() {
    local policy="$1"
    [[ -r "$policy" && -f "$policy" ]] || die "pooler policy file '$policy' is not a readable file"
    if grep -nE '^[[:space:]]*\[' "$policy" >&2; then
        die "pooler policy file '$policy' contains a section header (line above). It must be a fragment of the [pgbouncer] section without any [section] line: PgBouncer 1.18 resets all [pgbouncer] settings read before a repeated [pgbouncer] header, which would drop listen_addr, auth and pidfile"
    fi
    if grep -nE '^[[:space:]]*%include' "$policy" >&2; then
        die "pooler policy file '$policy' uses %include; it is copied into the state dir, so nested includes are not supported"
    fi
    if grep -nE '^[[:space:]]*(listen_addr|listen_port|unix_socket_dir|auth_type|auth_file|auth_query|auth_user|admin_users|stats_users|logfile|pidfile|user)[[:space:]]*=' "$policy" >&2; then
        die "pooler policy file '$policy' sets plumbing that mpg-local.sh owns (line above); keep only pooling policy in it"
    fi
}

# start_pooler POLICY_FILE: starts a PgBouncer in a new DIR/poolers/N; sets POOLER_DIR and POOLER_PORT.
start_pooler() {
    local policy="$1" n=0 attempt pidfile ini
    mkdir -p "$STATE_DIR/poolers"
    until mkdir "$STATE_DIR/poolers/$n" 2>/dev/null; do n=$((n + 1)); done
    POOLER_DIR="$STATE_DIR/poolers/$n"
    LOG_FOCUS=("$STATE_DIR/postgres.log" "$POOLER_DIR/pgbouncer.log" "$POOLER_DIR/stderr.log")
    cp "$policy" "$POOLER_DIR/policy.ini"
    own -R "$POOLER_DIR"
    pidfile="$POOLER_DIR/pgbouncer.pid"
    ini="$POOLER_DIR/pgbouncer.ini"
    for attempt in 1 2 3; do
        POOLER_PORT="$(free_port)"
        # The policy file is included LAST: PgBouncer applies settings in file order and the last
        # value of a key wins, so nothing in this generated part can override the policy.
        cat >"$ini" <<EOF
;; Generated by build/mpg-local.sh: connection plumbing only. The pooling policy is the
;; %include at the end (a copy of $policy).
[databases]
app = host=127.0.0.1 port=$POSTGRES_PORT dbname=app
; fallback so databases created later (one per test) are reachable through the pooler
* = host=127.0.0.1 port=$POSTGRES_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOLER_PORT
unix_socket_dir = $STATE_DIR/run
auth_type = scram-sha-256
auth_file = $STATE_DIR/userlist.txt
admin_users = pgbouncer_admin
stats_users = pgbouncer_admin
logfile = $POOLER_DIR/pgbouncer.log
pidfile = $pidfile
%include $POOLER_DIR/policy.ini
EOF
        own "$ini"
        rm -f "$pidfile"
        log "starting PgBouncer $n on 127.0.0.1:$POOLER_PORT (policy: $policy)"
        # PgBouncer binds its sockets before daemonizing, so a taken port fails right here.
        if ! as_service timeout 20 "$PGBOUNCER_BIN" -d "$ini" </dev/null >"$POOLER_DIR/stderr.log" 2>&1; then
            if grep -qE 'Address already in use|socket is in use' "$POOLER_DIR/stderr.log" && ((attempt < 3)); then
                log "port $POOLER_PORT was taken meanwhile; trying another one"
                continue
            fi
            die "PgBouncer did not start: $PGBOUNCER_BIN -d $ini failed"
        fi
        if wait_until "PgBouncer on port $POOLER_PORT" pooler_ready_or_dead "$POOLER_PORT" "$pidfile" \
            && pooler_ready "$POOLER_PORT" "$pidfile" >/dev/null 2>&1; then
            LOG_FOCUS=()
            return 0
        fi
        stop_pgbouncer_pidfile "$pidfile"
        die "PgBouncer on 127.0.0.1:$POOLER_PORT is not serving (admin console 'SHOW VERSION' and 'select 1' as app through it)"
    done
}

pooler_lines() {
    cat <<EOF
PGBOUNCER_PORT=$POOLER_PORT
DATABASE_URL=postgresql://app:$APP_PASSWORD@127.0.0.1:$POOLER_PORT/app
PGBOUNCER_ADMIN_URL=postgresql://pgbouncer_admin:$PGBOUNCER_ADMIN_PASSWORD@127.0.0.1:$POOLER_PORT/pgbouncer
PGBOUNCER_PIDFILE=$POOLER_DIR/pgbouncer.pid
PGBOUNCER_LOG=$POOLER_DIR/pgbouncer.log
EOF
}

# ---- commands ----------------------------------------------------------------------------------

cmd_start() {
    local state_dir="" policy="$DEFAULT_POLICY" owner_pid=""
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            --pooler-ini) policy="${2:?--pooler-ini needs a value}"; shift 2 ;;
            --owner-pid) owner_pid="${2:?--owner-pid needs a value}"; shift 2 ;;
            *) die "start: unknown argument '$1'" ;;
        esac
    done
    check_policy "$policy"
    policy="$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")"
    if [[ -n "$owner_pid" ]] && ! [[ "$owner_pid" =~ ^[0-9]+$ && -d "/proc/$owner_pid" ]]; then
        die "--owner-pid $owner_pid is not a running process"
    fi
    ensure_packages
    if is_root; then
        id -u "$SERVICE_USER" >/dev/null 2>&1 \
            || die "running as root, but there is no '$SERVICE_USER' user to run PostgreSQL as (PostgreSQL refuses root); install the postgresql package or run as a normal user"
    fi

    if [[ -n "$state_dir" ]]; then
        mkdir -p "$state_dir"
        [[ -z "$(ls -A "$state_dir")" ]] || die "--state-dir $state_dir exists and is not empty"
        STATE_DIR="$(cd "$state_dir" && pwd)"
    else
        STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mpg-local.XXXXXX")"
    fi
    [[ "$STATE_DIR" =~ ^[A-Za-z0-9_./-]+$ ]] || { local d="$STATE_DIR"; STATE_DIR=""; die "state dir '$d' may only contain A-Z a-z 0-9 _ . / -"; }
    ((${#STATE_DIR} <= 80)) || { local d="$STATE_DIR"; STATE_DIR=""; die "state dir '$d' is too long for unix socket paths (max 80 characters)"; }
    touch "$STATE_DIR/$MARKER"
    MPG_START_OK=0
    trap start_exit_trap EXIT
    start_exit_trap() {
        ((MPG_START_OK)) && return 0
        print_log_tails
        if [[ "${MPG_LOCAL_KEEP_ON_FAILURE:-0}" == 1 ]]; then
            log "start failed; state kept in $STATE_DIR (run: $SCRIPT_PATH stop --state-dir $STATE_DIR)"
        else
            log "start failed; stopping what was started and removing $STATE_DIR"
            STATE_DIR_TO_STOP="$STATE_DIR"
            STATE_DIR=""
            stop_state_dir "$STATE_DIR_TO_STOP" || true
        fi
    }
    # die prints the log tails itself; the EXIT trap must not print them twice.
    die() { printf 'mpg-local: ERROR: %s\n' "$*" >&2; exit 1; }

    mkdir -p "$STATE_DIR/pgdata" "$STATE_DIR/run"
    chmod 700 "$STATE_DIR" "$STATE_DIR/pgdata"
    own -R "$STATE_DIR"
    if is_root; then
        runuser -u "$SERVICE_USER" -- test -w "$STATE_DIR/pgdata" \
            || die "user $SERVICE_USER cannot write $STATE_DIR (a parent directory is not traversable?); choose a --state-dir under /tmp"
    fi

    SUPERUSER_PASSWORD="$(random_secret)"
    APP_PASSWORD="$(random_secret)"
    PGBOUNCER_ADMIN_PASSWORD="$(random_secret)"
    POSTGRES_PORT="$(free_port)"

    log "initdb in $STATE_DIR/pgdata ($("$PG_BIN/postgres" --version))"
    local pwfile="$STATE_DIR/.superuser-password"
    (umask 077 && printf '%s\n' "$SUPERUSER_PASSWORD" >"$pwfile")
    own "$pwfile"
    as_service timeout 120 "$PG_BIN/initdb" -D "$STATE_DIR/pgdata" -U postgres --auth=scram-sha-256 \
        --pwfile="$pwfile" -E UTF8 --locale=C --no-sync >"$STATE_DIR/initdb.log" 2>&1 \
        || die "initdb failed"
    rm -f "$pwfile"
    cat >>"$STATE_DIR/pgdata/postgresql.conf" <<EOF

# ---- mpg-local.sh: throwaway cluster on loopback only ----
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$STATE_DIR/run'
password_encryption = 'scram-sha-256'
# room for several poolers (50 server connections per database each) plus direct clients
max_connections = 300
# A throwaway cluster need not survive the machine crashing (fsync, full pages), but it must survive its own
# crash as MPG does: the fault tests crash Postgres (pg_ctl -m immediate) and count every acknowledged write,
# so a commit is acknowledged only once its WAL is written (synchronous_commit on, the default).
fsync = off
full_page_writes = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    start_postgres

    psql_q "$SUPERUSER_PASSWORD" "$(su_conninfo)" \
        "create role app login password '$APP_PASSWORD'" \
        "create database app owner app" \
        "create role pgbouncer_admin nologin password '$PGBOUNCER_ADMIN_PASSWORD'" >/dev/null \
        || die "could not create roles app, pgbouncer_admin and database app"
    write_auth_file

    start_pooler "$policy"

    local env_tmp="$STATE_DIR/env.tmp"
    (umask 077 && cat >"$env_tmp" <<EOF
MPG_STATE_DIR=$STATE_DIR
POSTGRES_PORT=$POSTGRES_PORT
PGBOUNCER_PORT=$POOLER_PORT
APP_PASSWORD=$APP_PASSWORD
DIRECT_DATABASE_URL=postgresql://app:$APP_PASSWORD@127.0.0.1:$POSTGRES_PORT/app
DATABASE_URL=postgresql://app:$APP_PASSWORD@127.0.0.1:$POOLER_PORT/app
PGBOUNCER_ADMIN_URL=postgresql://pgbouncer_admin:$PGBOUNCER_ADMIN_PASSWORD@127.0.0.1:$POOLER_PORT/pgbouncer
PGBOUNCER_ADMIN_PASSWORD=$PGBOUNCER_ADMIN_PASSWORD
POSTGRES_SUPERUSER_URL=postgresql://postgres:$SUPERUSER_PASSWORD@127.0.0.1:$POSTGRES_PORT/postgres
SUPERUSER_PASSWORD=$SUPERUSER_PASSWORD
PGBOUNCER_PIDFILE=$POOLER_DIR/pgbouncer.pid
PGBOUNCER_LOG=$POOLER_DIR/pgbouncer.log
POSTGRES_LOG=$STATE_DIR/postgres.log
EOF
    )
    mv -f "$env_tmp" "$STATE_DIR/env"

    if [[ -n "$owner_pid" ]]; then
        local start_time
        start_time="$(proc_starttime "$owner_pid")"
        setsid -f bash "$SCRIPT_PATH" __watchdog "$STATE_DIR" "$owner_pid" "$start_time" \
            </dev/null >>"$STATE_DIR/watchdog.log" 2>&1
    fi

    MPG_START_OK=1
    cat "$STATE_DIR/env"
    log "ready: Postgres 127.0.0.1:$POSTGRES_PORT, PgBouncer 127.0.0.1:$POOLER_PORT; stop with: $SCRIPT_PATH stop --state-dir $STATE_DIR"
}

cmd_add_pooler() {
    local state_dir="" policy=""
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            --pooler-ini) policy="${2:?--pooler-ini needs a value}"; shift 2 ;;
            *) die "add-pooler: unknown argument '$1'" ;;
        esac
    done
    [[ -n "$policy" ]] || die "add-pooler needs --pooler-ini FILE"
    check_policy "$policy"
    policy="$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")"
    resolve_state_dir "$state_dir"
    check_state_dir
    find_bins || die "binaries not found (PG bin dir '$PG_BIN', pgbouncer '$PGBOUNCER_BIN')"
    POOLER_DIR=""
    MPG_ADD_OK=0
    # on failure: stop this pooler only and drop its dir (its log tail was printed by die)
    trap 'if ((MPG_ADD_OK == 0)) && [[ -n "$POOLER_DIR" ]]; then stop_pgbouncer_pidfile "$POOLER_DIR/pgbouncer.pid"; rm -rf -- "$POOLER_DIR"; fi' EXIT
    start_pooler "$policy"
    (umask 077 && pooler_lines >"$POOLER_DIR/env")
    MPG_ADD_OK=1
    pooler_lines
}

# stop_state_dir DIR: stop all poolers, the watchdog and Postgres of DIR, then remove DIR.
stop_state_dir() {
    local dir="$1" f pid i
    [[ -d "$dir" ]] || { log "nothing to stop: $dir does not exist"; return 0; }
    [[ -f "$dir/$MARKER" ]] || { log "ERROR: $dir is not an mpg-local state dir (no $MARKER); not touching it"; return 1; }
    if [[ -z "${MPG_LOCAL_FROM_WATCHDOG:-}" && -s "$dir/watchdog.pid" ]]; then
        pid="$(cat "$dir/watchdog.pid")"
        if pid_is "$pid" __watchdog && pid_is "$pid" "$dir"; then kill -TERM "$pid" 2>/dev/null || true; fi
    fi
    for f in "$dir"/poolers/*/pgbouncer.pid; do
        [[ -e "$f" ]] || continue
        stop_pgbouncer_pidfile "$f"
    done
    if [[ -s "$dir/pgdata/postmaster.pid" ]]; then
        pid="$(head -n 1 "$dir/pgdata/postmaster.pid")"
        if pid_is "$pid" "$dir/pgdata"; then
            find_bins || true
            local STATE_DIR="$dir"
            if [[ -n "$PG_BIN" ]]; then
                as_service timeout 30 "$PG_BIN/pg_ctl" -D "$dir/pgdata" -m fast -w -t 20 stop >&2 \
                    || as_service timeout 15 "$PG_BIN/pg_ctl" -D "$dir/pgdata" -m immediate -w -t 10 stop >&2 \
                    || true
            fi
            if pid_is "$pid" "$dir/pgdata"; then
                log "postmaster $pid still running; sending SIGKILL to it and its children"
                local children
                children="$(pgrep -P "$pid" || true)"
                kill -KILL "$pid" $children 2>/dev/null || true
            fi
            for i in $(seq 1 100); do pid_is "$pid" "$dir/pgdata" || break; sleep 0.1; done
        fi
    fi
    rm -rf -- "$dir"
    log "stopped and removed $dir"
}

cmd_stop() {
    local state_dir=""
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            *) die "stop: unknown argument '$1'" ;;
        esac
    done
    resolve_state_dir "$state_dir"
    stop_state_dir "$STATE_DIR" || exit 1
}

cmd_sync_auth() {
    local state_dir="" f pid
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            *) die "sync-auth: unknown argument '$1'" ;;
        esac
    done
    resolve_state_dir "$state_dir"
    check_state_dir
    find_bins || die "binaries not found"
    write_auth_file
    for f in "$STATE_DIR"/poolers/*/pgbouncer.pid; do
        [[ -s "$f" ]] || continue
        pid="$(cat "$f")"
        pid_is "$pid" pgbouncer && kill -HUP "$pid"
    done
    log "auth_file rewritten and poolers reloaded"
}

cmd_psql() {
    local state_dir="" target=pooled
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            --pooled | --direct | --superuser | --admin) target="${1#--}"; shift ;;
            --) shift; break ;;
            *) break ;;
        esac
    done
    resolve_state_dir "$state_dir"
    check_state_dir
    find_bins || die "psql not found"
    case "$target" in
        pooled) PGPASSWORD="$APP_PASSWORD" exec "$PSQL_BIN" -X -d "$(app_conninfo "$PGBOUNCER_PORT")" "$@" ;;
        direct) PGPASSWORD="$APP_PASSWORD" exec "$PSQL_BIN" -X -d "$(app_conninfo "$POSTGRES_PORT")" "$@" ;;
        superuser) PGPASSWORD="$SUPERUSER_PASSWORD" exec "$PSQL_BIN" -X -d "$(su_conninfo)" "$@" ;;
        admin) PGPASSWORD="$PGBOUNCER_ADMIN_PASSWORD" exec "$PSQL_BIN" -X -d "$(admin_conninfo "$PGBOUNCER_PORT")" "$@" ;;
    esac
}

cmd_fault() {
    local state_dir="" fault="" pidfile="" ini port
    while (($#)); do
        case "$1" in
            --state-dir) state_dir="${2:?--state-dir needs a value}"; shift 2 ;;
            --pidfile) pidfile="${2:?--pidfile needs a value}"; shift 2 ;;
            postgres-stop-fast | postgres-shutdown-begin | postgres-crash | postgres-start | pooler-restart) fault="$1"; shift ;;
            *) die "fault: unknown argument '$1'" ;;
        esac
    done
    [[ -n "$fault" ]] || die "fault: which one? postgres-stop-fast | postgres-shutdown-begin | postgres-crash | postgres-start | pooler-restart"
    resolve_state_dir "$state_dir"
    check_state_dir
    find_bins || die "binaries not found"
    case "$fault" in
        postgres-stop-fast) as_service timeout 40 "$PG_BIN/pg_ctl" -D "$STATE_DIR/pgdata" -m fast -w -t 30 stop >&2 ;;
        postgres-shutdown-begin) as_service timeout 20 "$PG_BIN/pg_ctl" -D "$STATE_DIR/pgdata" -m smart -W stop >&2 ;;
        postgres-crash) as_service timeout 40 "$PG_BIN/pg_ctl" -D "$STATE_DIR/pgdata" -m immediate -w -t 30 stop >&2 ;;
        postgres-start)
            as_service timeout $((READY_TIMEOUT + 10)) "$PG_BIN/pg_ctl" -D "$STATE_DIR/pgdata" \
                -l "$STATE_DIR/postgres.log" -w -t "$READY_TIMEOUT" start >&2 || die "PostgreSQL did not start again"
            wait_until "PostgreSQL to accept connections on port $POSTGRES_PORT" postgres_ready \
                || die "PostgreSQL started but does not answer 'select 1' on 127.0.0.1:$POSTGRES_PORT"
            ;;
        pooler-restart)
            pidfile="${pidfile:-$STATE_DIR/poolers/0/pgbouncer.pid}"
            ini="$(dirname "$pidfile")/pgbouncer.ini"
            [[ -f "$ini" ]] || die "fault: no PgBouncer configuration beside $pidfile"
            port="$(sed -nE 's/^listen_port = ([0-9]+)$/\1/p' "$ini")"
            stop_pgbouncer_pidfile "$pidfile"
            as_service timeout 20 "$PGBOUNCER_BIN" -d "$ini" </dev/null >>"$(dirname "$pidfile")/stderr.log" 2>&1 \
                || die "PgBouncer did not start again on port $port"
            wait_until "PgBouncer on port $port" pooler_ready "$port" "$pidfile" || die "PgBouncer restarted but does not serve on port $port"
            ;;
    esac
    log "fault $fault done"
}

# Internal: stops the stand-in once the owner process (e.g. a test host) has exited, even if it was killed.
cmd_watchdog() {
    local dir="$1" owner="$2" owner_start="$3"
    echo "$$" >"$dir/watchdog.pid"
    while [[ -d "$dir" && -d "/proc/$owner" && "$(proc_starttime "$owner")" == "$owner_start" ]]; do
        sleep 1
    done
    if [[ -d "$dir" ]]; then
        log "owner process $owner is gone; stopping $dir"
        MPG_LOCAL_FROM_WATCHDOG=1 stop_state_dir "$dir"
    fi
}

usage() {
    sed -n '2,/^set -Eeuo/{/^set -Eeuo/d;s/^# \{0,1\}//;p}' "$SCRIPT_PATH" >&2
}

main() {
    local cmd="${1:-}"
    (($#)) && shift
    case "$cmd" in
        start) cmd_start "$@" ;;
        add-pooler) cmd_add_pooler "$@" ;;
        stop) cmd_stop "$@" ;;
        sync-auth) cmd_sync_auth "$@" ;;
        psql) cmd_psql "$@" ;;
        fault) cmd_fault "$@" ;;
        __watchdog) cmd_watchdog "$@" ;;
        -h | --help | help) usage ;;
        *) usage; exit 2 ;;
    esac
}

main "$@"
