"""The Lambda zips `make package` builds must run on provided.al2023 (Amazon Linux 2023: glibc 2.34, gcc 11's
libstdc++ and libgcc_s) and count on nothing else it has: every ELF file in a zip is built for the zip's CPU, needs
no glibc symbol newer than 2.34 (nor libstdc++'s past gcc 11's), and needs only glibc, gcc's runtime and the
libraries beside it in `lib/`; the bootstrap finds those first (an RPATH). No Foundation or ICU; each zip's size is
reported. Tests/Binaries/test_bare_root.py runs them on a bare root."""
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSUMPTION = os.environ.get("CONSUMPTION_BIN", str(ROOT / ".build" / "debug" / "consumption"))
PACKAGES = ROOT / ".build" / "package"
# What every Lambda runtime image has: glibc's libraries and gcc's C/C++ runtime.
SYSTEM = re.compile(r"^(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-[a-z0-9_-]+|libstdc\+\+|libgcc_s)"
                    r"\.so\.[0-9.]+$")
NEWEST = {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 29), "CXXABI": (1, 3, 13)}
MACHINE = {"x86_64": "X86-64", "aarch64": "AArch64"}[subprocess.run(["uname", "-m"], capture_output=True,
                                                                   text=True).stdout.strip()]
BUDGET = 12_000_000


def dynamic_section(binary):
    return subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout


def needed(binary):
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic_section(binary)))


def symbol_versions(binary):
    symbols = subprocess.run(["objdump", "-T", str(binary)], capture_output=True, text=True, check=True).stdout
    return {(family, tuple(int(p) for p in number.split("."))) for family, number in
            re.findall(r"\b(GLIBCXX|GLIBC|CXXABI)_([0-9]+(?:\.[0-9]+)*)\b", symbols)}


def problems(unpacked):
    """What would stop the unpacked zip from running on provided.al2023, file by file."""
    found = []
    shipped = {path.name for path in (unpacked / "lib").iterdir()}
    for elf in [unpacked / "bootstrap", *sorted((unpacked / "lib").iterdir())]:
        name = elf.relative_to(unpacked)
        header = subprocess.run(["readelf", "-h", str(elf)], capture_output=True, text=True, check=True).stdout
        if MACHINE not in header:
            found.append(f"{name}: not built for {MACHINE}")
        missing = {library for library in needed(elf) if not SYSTEM.match(library) and library not in shipped}
        if missing:
            found.append(f"{name}: needs {sorted(missing)}, neither in lib/ nor in every Lambda image")
        too_new = sorted(f"{family}_{'.'.join(map(str, v))}" for family, v in symbol_versions(elf)
                         if v > NEWEST[family])
        if too_new:
            found.append(f"{name}: needs {too_new}")
    return found


def unpack(function, into):
    package = PACKAGES / f"{function}.zip"
    assert package.exists(), "make test runs make package first"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(into)
    return package.stat().st_size


@pytest.mark.parametrize("function", ["ingest", "query"])
def test_the_zip_needs_only_what_every_lambda_image_has(function, tmp_path):
    size = unpack(function, tmp_path)
    unpacked = sum(path.stat().st_size for path in tmp_path.rglob("*") if path.is_file())
    print(f"\n{function}.zip: {size:,} bytes, {unpacked:,} unpacked, {len(list((tmp_path / 'lib').iterdir()))} "
          f"libraries in lib/")
    assert size < BUDGET
    assert (tmp_path / "ca-certificates.crt").stat().st_size > 100_000
    assert function != "query" or all((tmp_path / name).exists()
                                      for name in ("openapi.json", "schema.graphql", "dashboard.html"))
    # Both functions ship the TZif file of every market zone a tenant may set, the CLI's list: ingest reads files by
    # a tenant's clock, query places intervals in time.
    shipped = sorted(str(path.relative_to(tmp_path / "zoneinfo")) for path in (tmp_path / "zoneinfo").rglob("*")
                     if path.is_file())
    zones = subprocess.run([CONSUMPTION, "tenants", "zones"], capture_output=True, text=True, check=True, timeout=60)
    assert shipped == sorted(zones.stdout.split())
    assert problems(tmp_path) == []
    assert "libcurl.so.4" in needed(tmp_path / "bootstrap")
    assert not any(re.search(r"Foundation|icu|swiftCore", name) for name in needed(tmp_path / "bootstrap"))
    # An RPATH, searched before Lambda's LD_LIBRARY_PATH (which lists /usr/lib64 first); a RUNPATH would come after.
    assert "(RPATH)" in dynamic_section(tmp_path / "bootstrap") and "$ORIGIN/lib" in dynamic_section(tmp_path / "bootstrap")
    assert "(RUNPATH)" not in dynamic_section(tmp_path / "bootstrap")


def test_the_check_catches_a_library_left_out_and_a_too_new_one(tmp_path):
    unpack("ingest", tmp_path)
    (tmp_path / "lib" / "libnghttp2.so.14").unlink()
    assert problems(tmp_path) == ["lib/libcurl.so.4: needs ['libnghttp2.so.14'], neither in lib/ nor in every Lambda image"]
    # Debian's own libstdc++ needs glibc 2.36: shipping it would be caught.
    libstdcxx = re.search(r"=> (\S*libstdc\+\+\.so\.6)", subprocess.run(
        ["ldd", str(tmp_path / "bootstrap")], capture_output=True, text=True).stdout).group(1)
    shutil.copy(libstdcxx, tmp_path / "lib" / "libnghttp2.so.14")
    assert any(re.search(r"GLIBC_2\.3[5-9]", problem) for problem in problems(tmp_path))


def test_packaging_refuses_binaries_built_for_the_other_cpu(tmp_path):
    other = {"x86_64": "arm64", "aarch64": "x86_64"}[subprocess.run(["uname", "-m"], capture_output=True,
                                                                     text=True).stdout.strip()]
    done = subprocess.run(["bash", str(ROOT / "tools" / "package.sh"), str(ROOT / ".build" / "release"), str(tmp_path),
                           other], capture_output=True, text=True)
    assert done.returncode != 0 and f"not built for {other}" in done.stderr
    assert not list(tmp_path.glob("*.zip"))
