#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) each, one after the other.
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# provide them. Findings land in fuzz/artifacts/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(set_cookie cookie_filter consent_cookie choice_request html_gate)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in "${targets[@]}"; do
  echo "== $target: ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" -- -max_total_time="$seconds" -max_len=20000 2>&1 \
    | grep -a -E '^(#[0-9]+[[:space:]]+(DONE|pulse|INITED)|Done|==[0-9]+==|SUMMARY|thread|panicked)' || true
  echo "== $target: exit ${PIPESTATUS[0]}"
done
