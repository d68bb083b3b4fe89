#!/usr/bin/env bash
# User-space instructions per request of the load-test server (examples/hello.rs), bare,
# behind ConsentLayer and behind the floor layer, counted by callgrind: the load test's
# companion figure that a noisy machine cannot move (issue #4).
#
#   scripts/server_instructions.sh
#
# For each variant the server runs under `valgrind --tool=callgrind` twice, loaded by wrk
# (1 thread, 4 connections) for SHORT and then LONG seconds, with the load test's Cookie
# header. The instructions per request are the difference of the two totals divided by
# the difference of the two request counts, which cancels start-up and shutdown. Kernel
# work (the TCP stack) is not counted: this is the share of the request the layer can
# change. Settings (environment): SHORT (2), LONG (6), PORT (3111).
set -euo pipefail
cd "$(dirname "$0")/.."

SHORT=${SHORT:-2}
LONG=${LONG:-6}
PORT=${PORT:-3111}
HOST=127.0.0.1

for tool in valgrind wrk; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool not found: installing the Debian package" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    fi
done

echo "building examples/hello.rs (release)" >&2
cargo build --release --quiet --example hello
bin=target/release/examples/hello

server=""
log=$(mktemp)
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A consent cookie, signed with the example's fixed secret by a server without valgrind.
"$bin" "$PORT" --consent >/dev/null &
server=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://$HOST:$PORT/" && break; sleep 0.1; done
consent=$(curl -s -o /dev/null -D - --max-time 5 -X POST \
    -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' \
    --data '{"action":"accept_all"}' "http://$HOST:$PORT/_consent" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(consent=[^;]*\).*/\1/p' | head -n 1)
kill "$server"
wait "$server" 2>/dev/null || true
server=""
if [ -z "$consent" ]; then
    echo "no consent cookie from POST /_consent" >&2
    exit 1
fi
cookie="session=s3cr3t-session-id; csrftoken=c5rf-t0k3n; theme=dark; _ga=GA1.2.123456789.1700000000; _fbp=fb.1.1700000000.987654321; $consent"

# Prints "<instructions> <requests>" for one variant loaded for $2 seconds.
measure() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$PORT" "$1" \
        >/dev/null 2>"$log" &
    server=$!
    for _ in $(seq 300); do curl -s -o /dev/null "http://$HOST:$PORT/" && break; sleep 0.1; done
    local requests
    requests=$(timeout $(($2 + 60)) wrk -t1 -c4 -d"${2}s" -H "Cookie: $cookie" \
        "http://$HOST:$PORT/" | awk '/requests in/ {print $1}')
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    local collected
    collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    # The start-up check above is one more request.
    echo "$collected $((requests + 1))"
}

printf '%-10s %14s\n' variant instructions/request
declare -A per_request
for variant in --bare --consent --floor; do
    read -r short_i short_n <<<"$(measure "$variant" "$SHORT")"
    read -r long_i long_n <<<"$(measure "$variant" "$LONG")"
    per_request[$variant]=$(awk -v a="$short_i" -v b="$long_i" -v n="$short_n" -v m="$long_n" \
        'BEGIN {printf "%.0f", (b - a) / (m - n)}')
    printf '%-10s %14s   (%s requests, %s requests)\n' "${variant#--}" \
        "${per_request[$variant]}" "$short_n" "$long_n"
done
awk -v a="${per_request[--bare]}" -v b="${per_request[--consent]}" -v c="${per_request[--floor]}" \
    'BEGIN {
        printf "\nconsent - bare %+d, floor - bare %+d, consent - floor %+d instructions/request\n", \
            b - a, c - a, b - c
        printf "consent/bare %.3f, floor/bare %.3f\n", b / a, c / a
    }'
