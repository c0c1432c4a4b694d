#!/usr/bin/env bash
# `make fuzz`: each libFuzzer target (FUZZ_TARGETS, default all four) for FUZZ_SECONDS (default 600), or until
# FUZZ_RUNS executions when that is set, from seed corpora made here (test fixtures,
# short heads of ../shared/samples, a few hand-made files), inputs up to 2 KB, with AddressSanitizer's leak check.
# Prints each target's executions and coverage; fails if any target found a crash, leak or timeout (the input is
# kept under .build-fuzz/crashes/ — replay it with `.build/debug/fuzz-targets TARGET FILE` and make it a test).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-600}"
runs_limit="${FUZZ_RUNS:--1}"
targets="${FUZZ_TARGETS:-meter-file json events router}"
binary=.build-fuzz/release/fuzz-targets
corpus=.build-fuzz/corpus
mkdir -p "$corpus"/{meter-file,json,events,router} .build-fuzz/crashes

cp Tests/Fixtures/events/*.json "$corpus/json/"
cp Tests/Fixtures/events/*.json "$corpus/events/"
# The meter-file target reads its first byte as the chunk size, the rest as the file.
if [ -d ../shared/samples ]; then
    for sample in ../shared/samples/*.csv; do
        { printf '\x07'; head -c 1500 "$sample"; } > "$corpus/meter-file/$(basename "$sample")"
    done
fi
printf '\x03Meter,Date,Value\nm1,2024-05-01,1.5\nm2,2024-05-01,2\n' > "$corpus/meter-file/daily"
printf '\x05Meter,Timestamp,kWh\nm1,2024-05-01 00:30,0.5\nm1,2024-05-01 01:00,0.25\n' > "$corpus/meter-file/timestamped"
{ printf '\x01'; printf 'Meter,Date,Value\nm1,2024-05-01,1.5\n' | gzip -c; } > "$corpus/meter-file/gzip"
printf '/consumption\nfrom=2024-05-01&to=2024-05-31&limit=7' > "$corpus/router/range"
printf '/consumption/2024-05-01\n' > "$corpus/router/day"
printf '/meters/m1/consumption/2024-05-01\n' > "$corpus/router/meter-day"
printf '/meters/m1/consumption\nfrom=2024-05-01&to=2024-05-02&format=csv' > "$corpus/router/meter-range"
printf '/ingestions/incoming%%2Facme%%2Fa.csv\n' > "$corpus/router/ingestion"
printf '/ingestions\nstatus=rejected&limit=2&nextToken=abc' > "$corpus/router/ledger"

failed=0
for target in $targets; do
    log=".build-fuzz/$target.log"
    started=$SECONDS
    if ! FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -runs="$runs_limit" -max_len=2048 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix=".build-fuzz/crashes/$target-" "$corpus/$target" > "$log" 2>&1; then
        failed=1
        echo "$target: FAILED (see $log and .build-fuzz/crashes/)"
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "$target: $runs executions in $((SECONDS - started)) s, $coverage, corpus $(ls "$corpus/$target" | wc -l) inputs"
done
exit $failed
