#!/usr/bin/env bash
# The smallest possible custom runtime, in shell with curl: the anchor the runtime benchmark compares ours with.
set -u
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT
while true; do
    event=$(curl -sS -D "$headers" "$api/invocation/next") || exit 1
    id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\r' | cut -d' ' -f2)
    curl -sS -o /dev/null -X POST --data-binary "$event" "$api/invocation/$id/response" || exit 1
done
