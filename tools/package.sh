#!/usr/bin/env bash
# Packages the release binaries in $1 as Lambda zips in $2 for the Lambda architecture $3 (x86_64 or arm64). Each zip
# holds what provided.al2023 cannot be counted on to have: the function's `bootstrap`, every shared library it needs
# beyond glibc and gcc's C/C++ runtime in `lib/` (libcurl and its dependencies, OpenSSL, zlib), found first through
# an RPATH of $ORIGIN/lib (an RPATH, not a RUNPATH: Lambda's LD_LIBRARY_PATH lists /usr/lib64 before the task's
# lib/, and only an RPATH is searched before LD_LIBRARY_PATH, so Amazon Linux's own libcurl-minimal never stands in),
# a CA bundle, the query function's OpenAPI document, GraphQL schema and dashboard page, and the ingest function's
# market time zones (the TZif files of the zones MarketZones.swift lists, from this machine's tzdata). Everything is
# stripped. A binary built for another CPU is refused here, since Lambda would only fail at its first cold start.
# Timestamps are fixed so the same binaries give the same zip.
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
# What every Lambda runtime image has (provided.al2023: glibc 2.34, gcc 11's libstdc++ and libgcc_s). Debian's
# libstdc++ and libgcc_s need a newer glibc than 2.34, so they must not be shipped.
provided='^(linux-vdso|linux-gate|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnss_[a-z]+|ld-linux-[a-z0-9_-]+|libstdc\+\+|libgcc_s)\.so'
for function in ingest query; do
  if ! readelf -h "$release/$function" | grep -q "Machine:.*$machine"; then
    echo "$release/$function is not built for $architecture: $(readelf -h "$release/$function" | grep Machine:)" >&2
    exit 1
  fi
  stage=$(mktemp -d)
  mkdir "$stage/lib"
  strip -o "$stage/bootstrap" "$release/$function"
  chmod 755 "$stage/bootstrap"
  # ldd lists the whole closure (dependencies of dependencies), resolved as this machine resolves them.
  ldd "$release/$function" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r name path; do
    [[ $name =~ $provided ]] && continue
    strip --strip-unneeded -o "$stage/lib/$name" "$path"
    patchelf --force-rpath --set-rpath '$ORIGIN' "$stage/lib/$name"
  done
  patchelf --force-rpath --set-rpath '$ORIGIN/lib' "$stage/bootstrap"
  cp /etc/ssl/certs/ca-certificates.crt "$stage/ca-certificates.crt"
  if [ "$function" = query ]; then
    cp "$root/Sources/Query/openapi.json" "$stage/openapi.json"
    cp "$root/Sources/Query/schema.graphql" "$stage/schema.graphql"
    cp "$root/Sources/Query/dashboard.html" "$stage/dashboard.html"
  fi
  # Both read the market zones at init: ingest to read files by a tenant's clock, query to place intervals in time.
  zones=$(grep -o '"[A-Za-z_]*\(/[A-Za-z_]*\)\?"' "$root/Sources/ConsumptionCore/MarketZones.swift" | tr -d '"')
  for zone in $zones; do install -D -m 644 "/usr/share/zoneinfo/$zone" "$stage/zoneinfo/$zone"; done
  find "$stage" -exec touch -h -d 2000-01-01T00:00:00Z {} +
  rm -f "$out/$function.zip"
  (cd "$stage" && find . -type f | LC_ALL=C sort | zip -q -X -9 "$out/$function.zip" -@)
  rm -rf "$stage"
done
ls -l "$out"
