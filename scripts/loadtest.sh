#!/usr/bin/env bash
# Load test (issue #4): a hello-world axum app without and with ConsentLayer, driven by
# wrk in alternating runs (A, B, A, B, ...), then requests/s and p99 latency for both and
# their ratio, and the server's CPU time per request (user + system, from /proc), which
# a busy shared machine disturbs less than requests/s.
#
#   scripts/loadtest.sh                       # 2 rounds of 10 s per variant
#   DURATION=5 ROUNDS=3 scripts/loadtest.sh
#
# Settings (environment): DURATION seconds per run (10), ROUNDS per variant (2),
# WARMUP seconds of discarded load per variant first (2), THREADS (2), CONNECTIONS (32),
# PORT_A (3101, without the layer), PORT_B (3102, with).
#
# Every request carries the same Cookie header: 5 cookies (session, csrftoken, theme,
# _ga, _fbp) and a valid accept-all consent cookie obtained from the layer's own
# endpoint, so with the layer nothing is filtered or stripped: this is the layer's
# steady-state cost (verify the consent cookie, classify 6 cookies, add Vary).
#
# Traffic goes to 127.0.0.1 only; every run is bounded by `timeout`; the servers are
# killed when the script exits, however it exits. Installs wrk with apt-get if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT_A=${PORT_A:-3101}
PORT_B=${PORT_B:-3102}
HOST=127.0.0.1

if ! command -v wrk >/dev/null; then
    echo "wrk not found: installing the Debian package" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "building examples/hello.rs (release)" >&2
cargo build --release --quiet --example hello
bin=target/release/examples/hello

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PORT_A" "$PORT_B"; do
    if curl -s -o /dev/null "http://$HOST:$port/"; then
        echo "port $port is already in use; set PORT_A/PORT_B" >&2
        exit 1
    fi
done

"$bin" "$PORT_A" --bare >/dev/null &
pids+=($!)
pid_A=$!
"$bin" "$PORT_B" --consent >/dev/null &
pids+=($!)
pid_B=$!

for port in "$PORT_A" "$PORT_B"; do
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://$HOST:$port/" && break
        sleep 0.1
    done
    curl -sf -o /dev/null "http://$HOST:$port/" || {
        echo "the server on port $port did not start" >&2
        exit 1
    }
done

consent=$(curl -s -o /dev/null -D - --max-time 5 -X POST \
    -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' \
    --data '{"action":"accept_all"}' "http://$HOST:$PORT_B/_consent" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(consent=[^;]*\).*/\1/p' | head -n 1)
if [ -z "$consent" ]; then
    echo "no consent cookie from POST /_consent" >&2
    exit 1
fi
cookie="session=s3cr3t-session-id; csrftoken=c5rf-t0k3n; theme=dark; _ga=GA1.2.123456789.1700000000; _fbp=fb.1.1700000000.987654321; $consent"

# The layer must let all 6 cookies through and add Vary: cookie; check once.
vary=$(curl -s -o /dev/null -D - -H "Cookie: $cookie" "http://$HOST:$PORT_B/" | tr -d '\r' |
    grep -ci '^vary: cookie' || true)
if [ "$vary" != 1 ]; then
    echo "the layered server did not answer as expected" >&2
    exit 1
fi

# Latency as printed by wrk (e.g. 812.00us, 1.20ms, 2.00s) in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000;
        else if (v ~ /s$/) n *= 1000
        printf "%.3f", n
    }'
}

if [ "$WARMUP" -gt 0 ]; then
    for port in "$PORT_A" "$PORT_B"; do
        timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
            -H "Cookie: $cookie" "http://$HOST:$port/" >/dev/null
    done
fi

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_per_second=$(getconf CLK_TCK)

declare -A rps_sum p99_sum cpu_sum
rps_sum=([A]=0 [B]=0)
p99_sum=([A]=0 [B]=0)
cpu_sum=([A]=0 [B]=0)
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds"
printf '%-6s %-22s %12s %10s %16s\n' run variant requests/s p99_ms server_cpu_us/req
for round in $(seq "$ROUNDS"); do
    for variant in A B; do
        if [ "$variant" = A ]; then
            port=$PORT_A pid=$pid_A name="without layer"
        else
            port=$PORT_B pid=$pid_B name="with ConsentLayer"
        fi
        before=$(cpu_ticks "$pid")
        out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
            --latency -H "Cookie: $cookie" "http://$HOST:$port/")
        if echo "$out" | grep -q 'Non-2xx'; then
            echo "$out" >&2
            echo "non-2xx answers: the run is invalid" >&2
            exit 1
        fi
        after=$(cpu_ticks "$pid")
        rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
        requests=$(echo "$out" | awk '/requests in/ {print $1}')
        cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
            'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
        p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
        printf '%-6s %-22s %12.0f %10.3f %16.2f\n' "$round$variant" "$name" "$rps" "$p99" "$cpu"
        rps_sum[$variant]=$(awk -v a="${rps_sum[$variant]}" -v b="$rps" 'BEGIN {print a + b}')
        p99_sum[$variant]=$(awk -v a="${p99_sum[$variant]}" -v b="$p99" 'BEGIN {print a + b}')
        cpu_sum[$variant]=$(awk -v a="${cpu_sum[$variant]}" -v b="$cpu" 'BEGIN {print a + b}')
    done
done

awk -v ra="${rps_sum[A]}" -v rb="${rps_sum[B]}" -v pa="${p99_sum[A]}" -v pb="${p99_sum[B]}" \
    -v ca="${cpu_sum[A]}" -v cb="${cpu_sum[B]}" -v n="$ROUNDS" 'BEGIN {
    printf "\nmean of %d runs each\n", n
    printf "%-22s %10.0f req/s  p99 %8.3f ms  server CPU %6.2f us/request\n", "without layer (A)", ra / n, pa / n, ca / n
    printf "%-22s %10.0f req/s  p99 %8.3f ms  server CPU %6.2f us/request\n", "with ConsentLayer (B)", rb / n, pb / n, cb / n
    printf "ratio B/A: requests/s %.3f, p99 %.3f, server CPU per request %.3f\n", rb / ra, pb / pa, cb / ca
}'
