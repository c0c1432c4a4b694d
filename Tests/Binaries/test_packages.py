"""The Lambda zips `make package` builds must run on provided.al2023 (Amazon Linux 2023's minimal container image,
glibc 2.34, gcc 11's libstdc++): every shared library they need is one that image has, no symbol version is newer
than it offers, no Foundation or ICU, and each zip stays within the size budget."""
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / ".build" / "package"
# What provided.al2023 is documented to have that the binaries use (README, Deploying): glibc, gcc's runtime, zlib,
# OpenSSL 3 (openssl-libs) and libcurl (libcurl-minimal, AL2023's default).
PROVIDED = {"libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libstdc++.so.6",
            "libgcc_s.so.1", "libz.so.1", "libcrypto.so.3", "libcurl.so.4"}
NEWEST = {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 29), "CXXABI": (1, 3, 13), "OPENSSL": (3, 0, 8)}
BUDGET = 8_000_000


def needed(binary):
    dynamic = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))


def symbol_versions(binary):
    symbols = subprocess.run(["objdump", "-T", str(binary)], capture_output=True, text=True, check=True).stdout
    return {(family, tuple(int(p) for p in number.split("."))) for family, number in
            re.findall(r"\b(GLIBCXX|GLIBC|CXXABI|OPENSSL)_([0-9]+(?:\.[0-9]+)*)\b", symbols)}


@pytest.mark.parametrize("function", ["ingest", "query"])
def test_the_zip_runs_on_provided_al2023(function, tmp_path):
    package = PACKAGES / f"{function}.zip"
    assert package.exists(), "make test runs make package first"
    assert package.stat().st_size < BUDGET
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    assert "bootstrap" in names and (function != "query" or "openapi.json" in names)
    bootstrap = tmp_path / "bootstrap"
    assert needed(bootstrap) <= PROVIDED, needed(bootstrap) - PROVIDED
    assert not any(re.search(r"Foundation|icu|swiftCore", name) for name in needed(bootstrap))
    too_new = [(family, version) for family, version in symbol_versions(bootstrap) if version > NEWEST[family]]
    assert too_new == []


def test_the_checks_see_what_they_look_for():
    # Debian's own libcurl needs libraries provided.al2023 lacks; Debian's python3 needs glibc 2.35: both are caught.
    assert needed(Path("/usr/lib/x86_64-linux-gnu/libcurl.so.4")) - PROVIDED
    python = Path(subprocess.run(["readlink", "-f", "/usr/bin/python3"], capture_output=True, text=True).stdout.strip())
    assert any(version > NEWEST[family] for family, version in symbol_versions(python))


def test_packaging_refuses_binaries_built_for_the_other_cpu(tmp_path):
    other = {"x86_64": "arm64", "aarch64": "x86_64"}[subprocess.run(["uname", "-m"], capture_output=True,
                                                                     text=True).stdout.strip()]
    done = subprocess.run(["bash", str(ROOT / "tools" / "package.sh"), str(ROOT / ".build" / "release"), str(tmp_path),
                           other], capture_output=True, text=True)
    assert done.returncode != 0 and f"not built for {other}" in done.stderr
    assert not list(tmp_path.glob("*.zip"))
