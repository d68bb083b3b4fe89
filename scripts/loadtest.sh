#!/usr/bin/env bash
# Load test (issue #4): a hello-world axum app (examples/hello.rs) served three ways and
# driven by wrk in turns:
#
#   A  bare            the app alone: the baseline
#   B  consent         the app behind ConsentLayer
#   C  floor           the app behind a do-nothing layer that only does what any layer in
#                      ConsentLayer's place must: an extension for the handler, its own
#                      response body type, and `Vary: cookie` (see examples/hello.rs)
#
# Each round runs A, B and C once, in a rotated order (ABC, BCA, CAB, ...), so that no
# variant always runs first or last. It prints requests/s, p99 latency and the server's
# CPU time per request (user + system, from /proc) for every run, then per variant the
# means, and the ratios B/A, C/A and B/C of each round with their median: on a shared,
# noisy machine the same variant moves by 10-20% between runs, and the median of ratios
# taken within one round is the figure to quote.
#
#   scripts/loadtest.sh                       # 6 rounds of 5 s per variant
#   DURATION=10 ROUNDS=3 scripts/loadtest.sh
#
# Settings (environment): DURATION seconds per run (5), ROUNDS (6), WARMUP seconds of
# discarded load per variant first (2), THREADS (2), CONNECTIONS (32), PORT_A (3101),
# PORT_B (3102), PORT_C (3103).
#
# Every request carries the same Cookie header: 5 cookies (session, csrftoken, theme,
# _ga, _fbp) and a valid accept-all consent cookie obtained from the layer's own
# endpoint, so with the layer nothing is filtered or stripped: this is the layer's
# steady-state cost (read the consent cookie, classify 6 cookies, add Vary).
#
# Traffic goes to 127.0.0.1 only; every run is bounded by `timeout`; the servers are
# killed when the script exits, however it exits. Installs wrk with apt-get if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-6}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
HOST=127.0.0.1
declare -A port=([A]=${PORT_A:-3101} [B]=${PORT_B:-3102} [C]=${PORT_C:-3103})
declare -A flag=([A]=--bare [B]=--consent [C]=--floor)
declare -A name=([A]="bare" [B]="consent layer" [C]="floor layer")

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

declare -A pid
for v in A B C; do
    if curl -s -o /dev/null "http://$HOST:${port[$v]}/"; then
        echo "port ${port[$v]} is already in use; set PORT_$v" >&2
        exit 1
    fi
    "$bin" "${port[$v]}" "${flag[$v]}" >/dev/null &
    pids+=($!)
    pid[$v]=$!
done

for v in A B C; do
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://$HOST:${port[$v]}/" && break
        sleep 0.1
    done
    curl -sf -o /dev/null "http://$HOST:${port[$v]}/" || {
        echo "the ${name[$v]} server on port ${port[$v]} did not start" >&2
        exit 1
    }
done

consent=$(curl -s -o /dev/null -D - --max-time 5 -X POST \
    -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' \
    --data '{"action":"accept_all"}' "http://$HOST:${port[B]}/_consent" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(consent=[^;]*\).*/\1/p' | head -n 1)
if [ -z "$consent" ]; then
    echo "no consent cookie from POST /_consent" >&2
    exit 1
fi
cookie="session=s3cr3t-session-id; csrftoken=c5rf-t0k3n; theme=dark; _ga=GA1.2.123456789.1700000000; _fbp=fb.1.1700000000.987654321; $consent"

# The consent and floor layers must answer with Vary: cookie (and the consent layer must
# let all 6 cookies through); check once.
for v in B C; do
    vary=$(curl -s -o /dev/null -D - -H "Cookie: $cookie" "http://$HOST:${port[$v]}/" |
        tr -d '\r' | grep -ci '^vary: cookie' || true)
    if [ "$vary" != 1 ]; then
        echo "the ${name[$v]} server did not answer as expected" >&2
        exit 1
    fi
done

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
    for v in A B C; do
        timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
            -H "Cookie: $cookie" "http://$HOST:${port[$v]}/" >/dev/null
    done
fi

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_per_second=$(getconf CLK_TCK)

results=$(mktemp)
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run, $ROUNDS rounds"
printf '%-6s %-14s %12s %10s %16s\n' run variant requests/s p99_ms server_cpu_us/req
orders=(ABC BCA CAB)
for round in $(seq "$ROUNDS"); do
    order=${orders[$(((round - 1) % 3))]}
    for v in $(echo "$order" | fold -w1); do
        before=$(cpu_ticks "${pid[$v]}")
        out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
            --latency -H "Cookie: $cookie" "http://$HOST:${port[$v]}/")
        if echo "$out" | grep -q 'Non-2xx'; then
            echo "$out" >&2
            echo "non-2xx answers: the run is invalid" >&2
            exit 1
        fi
        after=$(cpu_ticks "${pid[$v]}")
        rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
        requests=$(echo "$out" | awk '/requests in/ {print $1}')
        cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
            'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
        p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
        printf '%-6s %-14s %12.0f %10.3f %16.2f\n' "$round$v" "${name[$v]}" "$rps" "$p99" "$cpu"
        echo "$round $v $rps $p99 $cpu" >>"$results"
    done
done

awk -v n="$ROUNDS" '
    { rps[$1, $2] = $3; p99[$2] += $4; cpu[$2] += $5; sum[$2] += $3 }
    function median(values, count,    i, j, t) {
        for (i = 1; i <= count; i++)
            for (j = i + 1; j <= count; j++)
                if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
        return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2
    }
    END {
        printf "\nmeans of %d runs each\n", n
        split("A B C", order, " ")
        label["A"] = "bare (A)"; label["B"] = "consent layer (B)"; label["C"] = "floor layer (C)"
        for (k = 1; k <= 3; k++) {
            v = order[k]
            printf "%-20s %10.0f req/s  p99 %7.3f ms  server CPU %6.2f us/request\n", \
                label[v], sum[v] / n, p99[v] / n, cpu[v] / n
        }
        printf "\nrequests/s ratios per round (same round):"
        for (r = 1; r <= n; r++) {
            ba[r] = rps[r, "B"] / rps[r, "A"]; ca[r] = rps[r, "C"] / rps[r, "A"]
            bc[r] = rps[r, "B"] / rps[r, "C"]
        }
        printf "\n%-6s", "B/A"; for (r = 1; r <= n; r++) printf " %6.3f", ba[r]
        printf "\n%-6s", "C/A"; for (r = 1; r <= n; r++) printf " %6.3f", ca[r]
        printf "\n%-6s", "B/C"; for (r = 1; r <= n; r++) printf " %6.3f", bc[r]
        printf "\n\nmedian ratio of requests/s: consent/bare %.3f, floor/bare %.3f, consent/floor %.3f\n", \
            median(ba, n), median(ca, n), median(bc, n)
        printf "ratio of mean server CPU per request: consent/bare %.3f, floor/bare %.3f\n", \
            cpu["B"] / cpu["A"], cpu["C"] / cpu["A"]
    }' "$results"
rm -f "$results"
