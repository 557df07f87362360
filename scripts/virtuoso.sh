#!/usr/bin/env bash
# Start or stop a private Virtuoso (Debian package virtuoso-opensource) that listens on loopback only.
#
#   HCKG_AUTH=USER:PASSWORD scripts/virtuoso.sh start DIR   # creates a fresh database in DIR on first start
#   scripts/virtuoso.sh stop DIR
#
# Environment:
#   VIRTUOSO_HTTP_PORT  HTTP port of /sparql and /sparql-graph-crud-auth (default 28890)
#   VIRTUOSO_SQL_PORT   isql port (default 21111)
#   HCKG_AUTH           USER:PASSWORD of the account allowed to write (SPARQL Update, Graph Store);
#                       needed on the first start only. Pass the same variable to `hckg publish --auth-env`.
# The DBA password is replaced by a random one kept in DIR/dba-password (mode 600). Passwords are never printed
# and never put on a command line.
set -euo pipefail

usage() { echo "usage: HCKG_AUTH=USER:PASSWORD $0 start DIR | $0 stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
pidfile=$dir/virtuoso.pid
http_port=${VIRTUOSO_HTTP_PORT:-28890}
sql_port=${VIRTUOSO_SQL_PORT:-21111}

# A process counts as alive unless it has exited (a zombie not yet reaped by its parent has exited).
alive() { [ -r "/proc/$1/stat" ] && [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) != Z* ]]; }
running() { [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; }

stop() {
    running || { rm -f "$pidfile"; return 0; }
    local pid; pid=$(cat "$pidfile")
    kill "$pid"                                   # SIGTERM: Virtuoso checkpoints and exits
    for _ in $(seq 1 100); do alive "$pid" || { rm -f "$pidfile"; return 0; }; sleep 0.1; done
    kill -9 "$pid"; rm -f "$pidfile"
}

write_ini() {
    cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $dir/db/virtuoso.db
ErrorLogFile       = $dir/db/virtuoso.log
LockFile           = $dir/db/virtuoso.lck
TransactionFile    = $dir/db/virtuoso.trx
xa_persistent_file = $dir/db/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = $dir/db/virtuoso-temp.db
TransactionFile    = $dir/db/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:$sql_port
DisableUnixSocket  = 1
DirsAllowed        = .
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
MaxQueryMem        = 512M
ThreadsPerQuery    = 2
CheckpointInterval = 60
[HTTPServer]
ServerPort         = 127.0.0.1:$http_port
ServerRoot         = /var/lib/virtuoso-opensource-7/vsp
ServerThreads      = 10
Charset            = UTF-8
[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 400
INI
}

# Run SQL read from stdin as the DBA (so no password shows in the process list); on failure print only
# the error line, never the statement (it holds passwords).
isql_dba() {
    local out
    out=$(isql-vt "127.0.0.1:$sql_port" dba dba 2>&1) || true
    if grep -q '^\*\*\* Error' <<<"$out"; then
        echo "setting up the accounts failed: $(grep -m1 '^\*\*\* Error' <<<"$out")" >&2
        stop; rm -rf "$dir/db"; exit 1
    fi
}

sql_string() { printf "'%s'" "${1//\'/\'\'}"; }

start() {
    command -v virtuoso-t >/dev/null || { echo "virtuoso-t not found: apt-get install virtuoso-opensource" >&2; exit 1; }
    running && { echo "Virtuoso already running in $dir (pid $(cat "$pidfile"))"; return 0; }
    local fresh=0
    if [ ! -f "$dir/db/virtuoso.db" ]; then
        [[ ${HCKG_AUTH:-} == ?*:?* ]] || { echo "set HCKG_AUTH=USER:PASSWORD for the account that may write" >&2; exit 2; }
        fresh=1
        mkdir -p "$dir/db"
    fi
    write_ini
    virtuoso-t +foreground +configfile "$dir/virtuoso.ini" > "$dir/virtuoso.out" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" && break
        running || { echo "Virtuoso did not start; last lines of $dir/db/virtuoso.log:" >&2
                     tail -5 "$dir/db/virtuoso.log" >&2; exit 1; }
        sleep 0.1
    done
    curl -sf -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" \
        || { echo "Virtuoso did not answer on port $http_port within 60 s" >&2; stop; exit 1; }
    if [ $fresh = 1 ]; then
        local user=${HCKG_AUTH%%:*} password=${HCKG_AUTH#*:} dba_password
        dba_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
        isql_dba <<SQL
DB.DBA.USER_CREATE($(sql_string "$user"), $(sql_string "$password"));
GRANT SPARQL_UPDATE TO "$user";
USER_CHANGE_PASSWORD('dba', 'dba', '$dba_password');
SQL
        (umask 077; echo "$dba_password" > "$dir/dba-password")
    fi
    echo "Virtuoso running in $dir: SPARQL http://127.0.0.1:$http_port/sparql (pid $(cat "$pidfile"))"
}

case $action in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
