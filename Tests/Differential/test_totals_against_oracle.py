"""Differential test: `consumption totals` against an independent oracle (Python csv + decimal) on generated files
in every dialect the core accepts (CRLF, BOM, quotes, ; and tab, gzip, shuffled rows, all three formats)."""
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
CONSUMPTION = Path(os.environ.get("CONSUMPTION_BIN", ROOT / ".build" / "debug" / "consumption"))


def totals_of(text):
    lines = text.strip().splitlines()
    assert lines[0] == "date,total", lines[:1]
    return {date: Decimal(total) for date, total in (line.split(",") for line in lines[1:])}


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("messy")
    run(sys.executable, str(TOOLS / "meterfiles.py"), "messy", "--out", str(directory), "--count", "60", "--seed", "11")
    files = sorted(directory.glob("*.csv"))
    assert len(files) == 60
    return files


def test_every_format_and_dialect_is_generated(generated):
    kinds = {path.name.split("-")[2].split(".")[0] for path in generated}
    assert {"wide", "daily", "timestamped"} <= kinds
    assert any(path.read_bytes()[:2] == b"\x1f\x8b" for path in generated)
    assert any(b"\r\n" in path.read_bytes() for path in generated)


def test_each_file_matches_the_oracle_and_the_generator(generated):
    for path in generated:
        ours = totals_of(run(str(CONSUMPTION), "totals", str(path)))
        oracle = totals_of(run(sys.executable, str(TOOLS / "oracle.py"), str(path)))
        generator = totals_of(Path(str(path) + ".totals").read_text())
        assert ours == oracle, path.name
        assert ours == generator, path.name


def test_all_files_together_match_the_oracle(generated):
    paths = [str(path) for path in generated]
    ours = totals_of(run(str(CONSUMPTION), "totals", *paths))
    oracle = totals_of(run(sys.executable, str(TOOLS / "oracle.py"), *paths))
    assert ours == oracle
    assert ours == totals_of(run(str(CONSUMPTION), "totals", *reversed(paths)))


def test_standard_input_reads_like_a_file(generated):
    path = generated[0]
    with open(path, "rb") as handle:
        piped = subprocess.run([str(CONSUMPTION), "totals", "-"], stdin=handle, check=True, capture_output=True,
                               text=True, timeout=60).stdout
    assert totals_of(piped) == totals_of(run(str(CONSUMPTION), "totals", str(path)))


def test_gaps_in_a_wide_file_total_as_the_oracle_reads_them(tmp_path):
    labels = [f"{minute // 60}:{minute % 60:02d}" for minute in range(0, 1440, 30)]
    rows = [["Meter", "Date", *labels]]
    for meter in range(5):
        cells = [f"{meter}.{index:03d}" for index in range(48)]
        for gap in range(meter * 3):
            cells[(gap * 7 + meter) % 48] = ""
        rows.append([f"M{meter}", "2024-05-01", *cells])
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join(",".join(row) for row in rows) + "\n")
    ours = totals_of(run(str(CONSUMPTION), "totals", str(path)))
    assert ours == totals_of(run(sys.executable, str(TOOLS / "oracle.py"), str(path)))
    details = run(str(CONSUMPTION), "totals", "--details", str(path)).splitlines()
    header, [row] = details[0].split(","), [line.split(",") for line in details[1:]]
    assert dict(zip(header, row))["incomplete"] == "4"
