#!/usr/bin/env bash
# Packages the release binaries in $1 as Lambda zips in $2: each function's `bootstrap`, stripped, plus the query
# function's OpenAPI document. Timestamps are fixed so the same binaries give the same zip.
set -euo pipefail
release=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
for function in ingest query; do
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
