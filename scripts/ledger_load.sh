#!/usr/bin/env bash
# Ledger load test (issue 11): 64 concurrent choosers over HTTP against the release-built
# demo (examples/demo.rs), recording to SQLite and then to PostgreSQL. Every request is
# a new visitor posting {"action":"accept_all"} to /_consent, so every request is one
# record committed before its answer. Prints wrk's requests/s and latency percentiles
# (p50, p99), the non-2xx count, and the number of records the store holds afterwards
# (read with examples/ledger.rs), which must equal the requests wrk completed.
#
# Every request comes from a random address of 10.0.0.0/8 (`X-Forwarded-For`, which the
# demo takes as the client with TRUST_X_FORWARDED_FOR=1), as new visitors do: each
# request pays the ledger's rate-limit check (issue 26) and none is over the limit, so
# the figures are the ledger's throughput with the limiter, not its refusals. (A demo
# without the limit ignores the header.)
#
#   scripts/ledger_load.sh                 # 5 s per store
#   DURATION=10 scripts/ledger_load.sh
#
# Settings (environment): DURATION seconds (5), CONNECTIONS (64), THREADS (2),
# PORT (3121), DATABASE_URL (postgres://postgres@127.0.0.1:5432/test; the run uses its
# own schema, dropped at the end), DEMO and TOOL (release builds of examples/demo.rs and
# examples/ledger.rs to run instead of building this tree's: another commit's, say). Traffic goes to 127.0.0.1 only; the server is killed
# when the script exits. Installs wrk with apt-get if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-3121}
DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
SCHEMA=ledger_load_$$
export LEDGER_SCHEMA=$SCHEMA # the PostgreSQL run: server and tool

if ! command -v wrk >/dev/null; then
    echo "wrk not found: installing the Debian package" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

if [ -n "${DEMO:-}" ] && [ -n "${TOOL:-}" ]; then
    # Builds made elsewhere (another commit's, to compare two in one session).
    demo=$(realpath "$DEMO")
    tool=$(realpath "$TOOL")
else
    echo "building examples/demo.rs and examples/ledger.rs (release)" >&2
    cargo build --release --quiet --example demo --example ledger
    demo=$PWD/target/release/examples/demo
    tool=$PWD/target/release/examples/ledger
fi

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    psql "$DATABASE_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/choose.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"action":"accept_all"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
    wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
        math.random(0, 255), math.random(0, 255), math.random(0, 255))
    return wrk.format()
end
LUA

run() { # name, store for the tool, environment for the server...
    local name=$1 store=$2
    shift 2
    (cd "$work" && exec env "$@" PORT="$PORT" TRUST_X_FORWARDED_FOR=1 RUST_LOG=warn CONSENT_SECRET=ledger-load-test-secret-of-32-bytes "$demo" >"$work/server.log" 2>&1) &
    server=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
        sleep 0.1
    done
    # Warm-up: connections, the writer task, the wordings.
    timeout 30 wrk -t1 -c4 -d1s -s "$work/choose.lua" "http://127.0.0.1:$PORT/_consent" >/dev/null
    local before
    before=$(cd "$work" && "$tool" --store "$store" stats | sed -n 's/.*"records": \([0-9]*\).*/\1/p')
    local out
    out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s "$work/choose.lua" "http://127.0.0.1:$PORT/_consent")
    local after
    after=$(cd "$work" && "$tool" --store "$store" stats | sed -n 's/.*"records": \([0-9]*\).*/\1/p')
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    local rps p50 p99 done errors
    rps=$(sed -n 's/^Requests\/sec: *//p' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    done=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
    errors=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' <<<"$out")
    printf '%-10s %10s records/s   p50 %8s   p99 %8s   requests %7s   non-2xx %5s   records written %7s\n' \
        "$name" "$rps" "$p50" "$p99" "$done" "${errors:-0}" "$((after - before))"
}

echo "$CONNECTIONS concurrent choosers, ${DURATION} s per store" >&2
run sqlite "$work/ledger.db" LEDGER_DB="$work/ledger.db"
run postgres "$DATABASE_URL" DATABASE_URL="$DATABASE_URL"
