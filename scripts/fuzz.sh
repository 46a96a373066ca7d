#!/usr/bin/env bash
# Fuzzes the X12 parser and transaction readers with libFuzzer via cargo fuzz.
# usage: scripts/fuzz.sh [SECONDS]   (default 600: ten minutes)
# The stable toolchain is told to accept the nightly-only flags cargo fuzz
# passes (RUSTC_BOOTSTRAP=1): this machine has no nightly.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-600}
export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
mkdir -p fuzz/corpus/x12
cp tests/samples/edi/*.x12 fuzz/corpus/x12/
cd fuzz
RUSTC_BOOTSTRAP=1 cargo fuzz run x12 corpus/x12 -- -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -print_final_stats=1
