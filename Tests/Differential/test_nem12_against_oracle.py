"""NEM12 against two readers that are not ours: the public samples in ../shared/nem12-samples (AEMO-style files from
the nem-reader repository) totalled by `consumption totals --details` exactly as the oracle (tools/
nem12_oracle.py) computes them; the oracle itself checked against PyPI's nemreader 0.9.2 (the reader the samples come
with) value by value; the samples zipped (deflated, stored, streamed with data descriptors) total the same; every
invalid sample refused with a code."""
import gzip
import io
import json
import os
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import nemreader
import pytest

from nem12_oracle import channel_days, day_totals

ROOT = Path(__file__).resolve().parents[2]

CONSUMPTION = Path(os.environ.get("CONSUMPTION_BIN", ROOT / ".build" / "debug" / "consumption"))
SAMPLES = ROOT.parent / "shared" / "nem12-samples"
VALID = sorted((SAMPLES / "samples").glob("*.csv"))
INVALID = sorted((SAMPLES / "invalid").glob("*.csv"))
COUNTS = ("meters", "intervals", "incomplete", "exportMeters", "skippedChannels")

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/nem12-samples is absent")


def totals(*paths):
    answer = subprocess.run([str(CONSUMPTION), "totals", "--details", *map(str, paths)], capture_output=True,
                            text=True, timeout=120)
    assert answer.returncode == 0, answer.stderr
    header, *rows = answer.stdout.splitlines()
    names = header.split(",")
    days = {}
    for row in rows:
        fields = dict(zip(names, row.split(",")))
        date = fields.pop("date")
        days[date] = {name: int(value) if name in COUNTS else Decimal(value)
                      for name, value in fields.items() if name != "average"}
    return days


def test_the_samples_are_all_there():
    assert len(VALID) == 15 and len(INVALID) == 5


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_a_valid_sample_totals_as_the_oracle_reads_it(path):
    assert totals(path) == day_totals([path])


def test_the_projects_own_nem12_sample_totals_as_the_oracle_reads_it():
    # samples/nem12-week.csv (tools/meterfiles.py samples): estimated, substituted and null intervals, and export.
    path = ROOT / "samples" / "nem12-week.csv"
    expected = day_totals([path])
    assert len(expected) == 7 and any(day["incomplete"] for day in expected.values())
    assert totals(path) == expected


def test_all_samples_together_and_gzipped_total_the_same(tmp_path):
    zipped = tmp_path / "sample.csv.gz"
    zipped.write_bytes(gzip.compress(VALID[0].read_bytes()))
    assert totals(zipped) == totals(VALID[0])
    assert totals(*VALID) == day_totals(VALID)


class Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes each member's sizes after its data (a data descriptor)."""

    def __init__(self, handle):
        self.handle = handle

    def writable(self):
        return True

    def write(self, data):
        return self.handle.write(data)


def test_zipped_samples_total_as_the_files_do(tmp_path):
    deflated, stored, streamed = tmp_path / "all.zip", tmp_path / "stored.zip", tmp_path / "streamed.zip"
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in VALID:
            archive.write(path, path.name)
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.write(VALID[3], VALID[3].name)
    with open(streamed, "wb") as raw, zipfile.ZipFile(Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(VALID[4].name, "w") as member:
            member.write(VALID[4].read_bytes())
    assert totals(deflated) == day_totals(VALID)
    assert totals(stored) == day_totals([VALID[3]]) and totals(streamed) == day_totals([VALID[4]])


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_the_oracle_reads_each_interval_as_nemreader_does(path):
    ours = channel_days(path)
    theirs = {}
    data = nemreader.read_nem_file(str(path))
    for nmi, channels in data.readings.items():
        for suffix, readings in channels.items():
            for reading in readings:
                date = reading.t_start.date().isoformat()
                theirs.setdefault((f"{nmi}/{suffix}", date), []).append(reading)
    assert set(ours) == set(theirs)
    for key, day in ours.items():
        readings = theirs[key]
        assert len(readings) == len(day["values"]), key
        for value, quality, reading in zip(day["values"], day["qualities"], readings):
            # nemreader keeps values as floats: equal to the decimal written within a float's precision.
            assert value is None or abs(Decimal(repr(reading.read_value)) - value) < Decimal("1e-9"), key
            assert quality == reading.quality_method[0], key
            assert day["unit"] == reading.uom, key


@pytest.mark.parametrize("path, code", [
    ("Example_NEM12_30min_200_15min_300.csv", "nem12-field-count"),
    ("Example_NEM12_incomplete_interval.csv", "nem12-field-count"),
    ("Example_NEM12_missing_header.csv", "nem12-missing-header"),
    ("Example_NEM12_powercor.csv", "nem12-missing-header"),
    ("NEM12#Scenario10#ETSAMDP#NEMMCO.csv", "nem12-unknown-record"),
])
def test_an_invalid_sample_is_refused_with_its_code(path, code):
    answer = subprocess.run([str(CONSUMPTION), "validate", "--json", str(SAMPLES / "invalid" / path)],
                            capture_output=True, text=True, timeout=120)
    assert answer.returncode == 1
    [report] = json.loads(answer.stdout)
    assert not report["valid"]
    assert code in report["errorsByCode"], report["errorsByCode"]
