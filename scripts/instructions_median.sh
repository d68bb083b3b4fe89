#!/usr/bin/env bash
# Median (and min, max) instructions per request of one case of benches/instructions.rs over
# N processes, each under callgrind: hashing is seeded per process, so counts of cases
# that look names up vary a little from one process to the next.
#
#   scripts/instructions_median.sh EXE CASE N
#
# EXE: the executable `cargo bench --bench instructions --no-run` prints; CASE: the index
# of the case in `cases()` (request scenarios 0-3, then the classifier cases). Counts are
# divided by 100, the iterations of every group but `scaling`.
set -euo pipefail
exe=$1; case=$2; n=$3
for _ in $(seq "$n"); do
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
    "--toggle-collect=*counted_request*" "$exe" --child "$case" consent_layer 2>&1 |
    sed -n 's/.*Collected : //p'
done | sort -n | awk '{a[NR]=$1} END {printf "%d (min %d, max %d)\n", a[int((NR+1)/2)]/100, a[1]/100, a[NR]/100}'
