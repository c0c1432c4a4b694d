#!/usr/bin/env python3
"""An independent oracle for daily totals: Python's csv and decimal modules, sharing no code with the Swift parser.

  oracle.py FILE...   prints date,total over all files (exact, via decimal.Decimal)
"""
import csv
import gzip
import io
import sys
from decimal import Decimal

METER = {"meter", "meter_id", "meterid", "nmi"}
DATE = {"date", "reading_date"}
TIMESTAMP = {"timestamp", "datetime", "reading_time"}
VALUE = {"value", "kwh", "consumption"}


def read_rows(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def file_totals(path):
    rows = [row for row in read_rows(path) if row]
    names = [name.strip().lower() for name in rows[0]]
    meter = next(i for i, n in enumerate(names) if n in METER)
    values = [i for i, n in enumerate(names) if n in VALUE or ":" in n]
    date = next((i for i, n in enumerate(names) if n in DATE), None)
    stamp = next((i for i, n in enumerate(names) if n in TIMESTAMP), None)
    totals = {}
    for row in rows[1:]:
        assert row[meter].strip(), row
        day = row[date].strip() if date is not None else row[stamp].strip()[:10]
        # An empty interval cell of a wide file is a gap (nothing to add); a daily value has to be there.
        present = [row[i].strip() for i in values if row[i].strip() or len(values) == 1]
        totals[day] = totals.get(day, Decimal(0)) + sum(Decimal(value) for value in present)
    return totals


def main():
    totals = {}
    for path in sys.argv[1:]:
        for day, total in file_totals(path).items():
            totals[day] = totals.get(day, Decimal(0)) + total
    print("date,total")
    for day in sorted(totals):
        print(f"{day},{totals[day]}")


if __name__ == "__main__":
    main()
