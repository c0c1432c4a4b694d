"""The Lambda binaries as they would be deployed (release, static Swift standard library, stripped) must start on
provided.al2023: no Foundation or ICU, no glibc symbol version above 2.34 (Amazon Linux 2023's), and small."""
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARIES = [ROOT / ".build" / "release" / name for name in os.environ.get("LAMBDA_BINARIES", "runtime-probe").split()]


@pytest.mark.parametrize("binary", BINARIES, ids=lambda path: path.name)
def test_binary_runs_on_al2023(binary, tmp_path):
    assert binary.exists(), f"{binary} is missing: make test builds it"
    stripped = tmp_path / binary.name
    subprocess.run(["strip", "-o", str(stripped), str(binary)], check=True)
    libraries = subprocess.run(["ldd", str(stripped)], capture_output=True, text=True, check=True).stdout
    assert not re.search(r"Foundation|icu|swiftCore", libraries), libraries
    symbols = subprocess.run(["objdump", "-T", str(stripped)], capture_output=True, text=True, check=True).stdout
    versions = {tuple(int(part) for part in found.split(".")) for found in re.findall(r"GLIBC_([0-9.]+)", symbols)}
    too_new = [line for line in symbols.splitlines()
               if any(f"GLIBC_{'.'.join(map(str, v))})" in line for v in versions if v > (2, 34))]
    assert max(versions) <= (2, 34), "\n".join(too_new)
    assert stripped.stat().st_size < 8_000_000
