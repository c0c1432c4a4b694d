#!/usr/bin/env bash
# Packages the release binaries in $1 as Lambda zips in $2 for the Lambda architecture $3 (x86_64 or arm64): each
# function's `bootstrap`, stripped, plus the query function's OpenAPI document. A binary built for another CPU is
# refused here, since Lambda would only fail at its first cold start. Timestamps are fixed so the same binaries give
# the same zip.
set -euo pipefail
release=$1
architecture=${3:-x86_64}
case "$architecture" in
  x86_64) machine="X86-64" ;;
  arm64) machine="AArch64" ;;
  *) echo "unknown architecture $architecture: x86_64 or arm64" >&2; exit 2 ;;
esac
mkdir -p "$2"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
for function in ingest query; do
  if ! readelf -h "$release/$function" | grep -q "Machine:.*$machine"; then
    echo "$release/$function is not built for $architecture: $(readelf -h "$release/$function" | grep Machine:)" >&2
    exit 1
  fi
  stage=$(mktemp -d)
  strip -o "$stage/bootstrap" "$release/$function"
  chmod 755 "$stage/bootstrap"
  if [ "$function" = query ]; then cp "$root/Sources/Query/openapi.json" "$stage/openapi.json"; fi
  touch -d 2000-01-01T00:00:00Z "$stage"/*
  rm -f "$out/$function.zip"
  (cd "$stage" && zip -q -X -9 "$out/$function.zip" ./*)
  rm -rf "$stage"
done
ls -l "$out"
