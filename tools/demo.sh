#!/usr/bin/env bash
# The demo of the core: validate the sample files, show the broken one's report, print the daily totals of the rest.
set -euo pipefail
consumption=$1
samples=$2
echo "== Validating every file in $samples/"
"$consumption" validate "$samples"/*.csv || true
good=()
for file in "$samples"/*.csv; do
    "$consumption" validate "$file" >/dev/null 2>&1 && good+=("$file")
done
echo
echo "== Exact daily totals of the ${#good[@]} valid files, summed as given (kWh)"
echo "   (the CLI adds files up; the ingest function will let a correction replace the readings it corrects)"
"$consumption" totals --details "${good[@]}"
echo
echo "== Per-meter values of ${good[0]} (first 5)"
"$consumption" meters "${good[0]}" | head -6
