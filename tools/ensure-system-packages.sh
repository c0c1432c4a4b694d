#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when they are missing. Swift itself comes with the
# machine (/opt/swift); Debian does not package a Swift 6 toolchain.
set -euo pipefail
packages=(zlib1g-dev libssl-dev libcurl4-openssl-dev pkg-config python3 python3-venv time zip unzip binutils patchelf
          ca-certificates openssl tzdata chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "error: no Swift toolchain on PATH. Install Swift 6 (https://www.swift.org/install/linux/) and retry." >&2
    exit 1
fi
