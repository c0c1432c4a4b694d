#!/usr/bin/env python3
"""Generates meter files for tests, samples and benchmarks, deterministically from a seed.

Every file is written from integer readings in thousandths (or other scales) of a kWh, so the generator knows each
day's exact total before the file is written; it prints those totals beside the file (`NAME.totals.csv`).
Standard library only, so it runs on a bare machine.

  meterfiles.py bench  --out FILE --megabytes 1000 [--seed 7]
  meterfiles.py nem12-bench --out FILE --megabytes 1000 [--seed 7]
  meterfiles.py messy  --out DIR --count 40 [--seed 7]
  meterfiles.py samples --out DIR
"""
import argparse
import datetime
import gzip
import os
import random
from decimal import Decimal


def interval_labels(count, end_labelled=False, two_digit_hours=False):
    step = 1440 // count
    labels = []
    for index in range(count):
        minute = (index + (1 if end_labelled else 0)) * step
        hour = f"{minute // 60:02d}" if two_digit_hours else str(minute // 60)
        labels.append(f"{hour}:{minute % 60:02d}")
    return labels


def day(start, offset):
    return (start + datetime.timedelta(days=offset)).isoformat()


def fmt(thousandths, decimals):
    """Writes an integer number of 10^-decimals kWh as plain decimal text."""
    if decimals == 0:
        return str(thousandths)
    sign = "-" if thousandths < 0 else ""
    whole, frac = divmod(abs(thousandths), 10 ** decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


class Totals:
    """Exact expected totals, kept as Decimals from the integers written."""

    def __init__(self):
        self.by_date = {}

    def add(self, date, value):
        self.by_date[date] = self.by_date.get(date, Decimal(0)) + value

    def write(self, path):
        with open(path, "w") as out:
            out.write("date,total\n")
            for date in sorted(self.by_date):
                out.write(f"{date},{self.by_date[date]}\n")


def quote(field, delimiter):
    if any(c in field for c in (delimiter, '"', "\n", "\r")) or field != field.strip():
        return '"' + field.replace('"', '""') + '"'
    return field


def messy_file(rng, index):
    """One file of a random format and dialect; returns (bytes, totals, name)."""
    kind = rng.choice(["wide", "wide", "daily", "timestamped"])
    delimiter = rng.choice([",", ",", ";", "\t"])
    newline = rng.choice(["\n", "\r\n"])
    decimals = rng.choice([0, 1, 3, 3, 6])
    meters = [rng.choice(["EE", "NMI ", "m,", 'q"', "Ü-"]) + str(rng.randrange(10 ** 6)) for _ in range(rng.randint(1, 6))]
    meters = list(dict.fromkeys(meters))
    start = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
    days = rng.randint(1, 4)
    totals = Totals()
    rows = []
    scale = Decimal(10) ** -decimals
    if kind == "wide":
        count = rng.choice([24, 48, 96, 288])
        header = ["Meter", "Date"] + interval_labels(count, rng.random() < 0.3, rng.random() < 0.5)
        for meter in meters:
            for offset in range(days):
                values = [rng.randrange(0, 5 * 10 ** decimals) for _ in range(count)]
                date = day(start, offset)
                totals.add(date, sum(values) * scale)
                rows.append([meter, date] + [fmt(v, decimals) for v in values])
    elif kind == "daily":
        header = rng.choice([["Meter", "Date", "Value"], ["nmi", "reading_date", "kWh"], ["Date", "consumption", "meter_id"]])
        for meter in meters:
            for offset in range(days):
                value = rng.randrange(0, 100 * 10 ** decimals)
                date = day(start, offset)
                totals.add(date, value * scale)
                row = {"meter": meter, "date": date, "value": fmt(value, decimals)}
                rows.append([row[role_of(name)] for name in header])
    else:
        header = rng.choice([["Meter", "Timestamp", "Value"], ["meterid", "datetime", "kwh"]])
        step = rng.choice([15, 30, 60])
        separator = rng.choice([" ", "T"])
        for meter in meters:
            for offset in range(days):
                date = day(start, offset)
                for minute in range(0, 1440, step):
                    value = rng.randrange(0, 3 * 10 ** decimals)
                    totals.add(date, value * scale)
                    seconds = ":00" if rng.random() < 0.3 else ""
                    stamp = f"{date}{separator}{minute // 60:02d}:{minute % 60:02d}{seconds}"
                    rows.append([meter, stamp, fmt(value, decimals)])
    rng.shuffle(rows)
    if rng.random() < 0.3:
        header = [h.upper() if rng.random() < 0.5 else f" {h} " for h in header]
    def cell(field):
        """Quoted when it must be, and now and then when it need not be."""
        if rng.random() < 0.05:
            return '"' + field.replace('"', '""') + '"'
        return quote(field, delimiter)

    lines = [delimiter.join(cell(f) for f in header)]
    lines += [delimiter.join(cell(f) for f in row) for row in rows]
    text = newline.join(lines)
    if rng.random() < 0.7:
        text += newline
    if rng.random() < 0.2:
        text += newline * 2
    data = text.encode()
    if rng.random() < 0.3:
        data = b"\xef\xbb\xbf" + data
    name = f"messy-{index:03d}-{kind}"
    if rng.random() < 0.3:
        data = gzip.compress(data, mtime=0)
        name += ".gz"
    return data, totals, name


def role_of(name):
    name = name.strip().lower()
    if name in ("meter", "nmi", "meter_id", "meterid"):
        return "meter"
    if name in ("date", "reading_date"):
        return "date"
    return "value"


def write_messy(out, count, seed):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for index in range(count):
        data, totals, name = messy_file(rng, index)
        path = os.path.join(out, name + ".csv")
        with open(path, "wb") as handle:
            handle.write(data)
        totals.write(path + ".totals")


def write_bench(out, megabytes, seed):
    """A wide 48-interval file of about `megabytes` MB with 3-decimal values, rows grouped by date.

    Rows draw their 48 values from 4,096 pre-made value runs: fast enough to write a gigabyte in seconds, and too
    many runs for a branch predictor to learn.
    """
    rng = random.Random(seed)
    values = [fmt(min(int(rng.expovariate(1 / 400)), 9999), 3) for _ in range(48 * 4096)]
    tails = [",".join(values[i * 48:(i + 1) * 48]) for i in range(4096)]
    target = megabytes * 1_000_000
    meters = [f"MTR{n:07d}" for n in range(20_000)]
    start = datetime.date(2020, 1, 1)
    with open(out, "w", buffering=1 << 20) as handle:
        header = "Meter,Date," + ",".join(interval_labels(48)) + "\n"
        handle.write(header)
        written = len(header)
        offset = 0
        while written < target:
            date = day(start, offset)
            picks = rng.choices(tails, k=len(meters))
            block = "".join(f"{meter},{date},{tail}\n" for meter, tail in zip(meters, picks))
            handle.write(block)
            written += len(block)
            offset += 1


def write_nem12_bench(out, megabytes, seed):
    """A NEM12 file of about `megabytes` MB of 5-minute data (288 values a day, 3 decimals): per NMI an import
    channel (E1, kWh) and an export channel (B1, Wh), a month of days each; most days actual, one in ten estimated,
    one in twenty given its qualities interval by interval (V with 400 records). Values come from pre-made runs, as
    in `write_bench`."""
    rng = random.Random(seed)
    values = [fmt(min(int(rng.expovariate(1 / 400)), 9999), 3) for _ in range(288 * 512)]
    runs = [",".join(values[i * 288:(i + 1) * 288]) for i in range(512)]
    target = megabytes * 1_000_000
    start = datetime.date(2020, 1, 1)
    with open(out, "w", buffering=1 << 20, newline="") as handle:
        handle.write("100,NEM12,202001010000,MDP1,RETAILER\r\n")
        written, nmi = 0, 0
        while written < target:
            lines = []
            for suffix, unit in (("E1", "kWh"), ("B1", "Wh")):
                lines.append(f"200,NMI{nmi:07d},E1B1,1,{suffix},N1,M{nmi},{unit},5,20200201")
                for offset in range(31):
                    date = day(start, offset).replace("-", "")
                    pick = rng.random()
                    quality = "V" if pick < 0.05 else "E52" if pick < 0.15 else "A"
                    lines.append(f"300,{date},{rng.choice(runs)},{quality},,,20200202000000,20200202010000")
                    if quality == "V":
                        lines += ["400,1,144,A,,", "400,145,288,S14,1,"]
            block = "\r\n".join(lines) + "\r\n"
            handle.write(block)
            written += len(block)
            nmi += 1
        handle.write("900\r\n")


def write_samples(out):
    """The small files `make demo` shows: a week of three meters, a correction, and a broken file."""
    rng = random.Random(2024)
    os.makedirs(out, exist_ok=True)
    labels = interval_labels(48)
    start = datetime.date(2024, 5, 1)

    def wide(path, meters, offsets, scale_max, broken=False):
        totals = Totals()
        lines = ["Meter,Date," + ",".join(labels)]
        for meter in meters:
            for offset in offsets:
                values = [rng.randrange(0, scale_max) for _ in range(48)]
                date = day(start, offset)
                cells = [fmt(v, 3) for v in values]
                if broken and meter == meters[-1] and offset == offsets[-1]:
                    cells[17] = "1,5"  # a decimal comma splits the row: one column too many
                    cells[30] = "n/a"
                else:
                    totals.add(date, sum(values) * Decimal("0.001"))
                lines.append(f"{meter},{date}," + ",".join(cells))
        with open(path, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        return totals

    wide(os.path.join(out, "week-1.csv"), ["NMI1000001", "NMI1000002", "NMI1000003"], range(0, 4), 900)
    wide(os.path.join(out, "week-2.csv"), ["NMI1000001", "NMI1000002", "NMI1000003"], range(4, 7), 900)
    wide(os.path.join(out, "week-1-correction.csv"), ["NMI1000002"], range(1, 3), 400)
    wide(os.path.join(out, "broken.csv"), ["NMI1000004", "NMI1000005"], range(0, 2), 900, broken=True)
    nem12_week(os.path.join(out, "nem12-week.csv"), rng, start)


def nem12_week(path, rng, start):
    """A week of NEM12 as a distributor sends it: two NMIs' import channels (E1) and one's rooftop solar export (B1),
    half-hours in kWh; most days actual, one estimated (E52), one with qualities interval by interval (V and its 400
    records), one with a meter fault leaving intervals null (N: gaps, not zeros)."""
    lines = ["100,NEM12,202405080300,MDP1,RETAILER1"]
    for nmi, suffixes in (("6100000001", ["E1"]), ("6100000002", ["E1", "B1"])):
        for suffix in suffixes:
            lines.append(f"200,{nmi},E1B1,{suffix[-1]},{suffix},N1,MTR{nmi[-3:]},kWh,30,")
            for offset in range(7):
                date = day(start, offset).replace("-", "")
                solar = suffix.startswith("B")
                values = [fmt(rng.randrange(0, 900) if not solar or 14 <= slot < 36 else 0, 3) for slot in range(48)]
                quality, events = "A", []
                if offset == 2 and not solar:
                    quality = "E52"
                elif offset == 4:
                    quality, events = "V", ["400,1,20,A,,", "400,21,30,S14,71,", "400,31,48,A,,"]
                elif offset == 5 and nmi.endswith("2") and not solar:
                    quality, events = "V", ["400,1,40,A,,", "400,41,48,N,79,"]
                    values[40:] = [""] * 8
                lines.append(f"300,{date},{','.join(values)},{quality},,,20240508030000,20240508030000")
                lines += events
    lines.append("900")
    with open(path, "w", newline="") as handle:
        handle.write("\r\n".join(lines) + "\r\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser("bench")
    bench.add_argument("--out", required=True)
    bench.add_argument("--megabytes", type=int, default=1000)
    bench.add_argument("--seed", type=int, default=7)
    nem12 = sub.add_parser("nem12-bench")
    nem12.add_argument("--out", required=True)
    nem12.add_argument("--megabytes", type=int, default=1000)
    nem12.add_argument("--seed", type=int, default=7)
    messy = sub.add_parser("messy")
    messy.add_argument("--out", required=True)
    messy.add_argument("--count", type=int, default=40)
    messy.add_argument("--seed", type=int, default=7)
    samples = sub.add_parser("samples")
    samples.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "bench":
        write_bench(args.out, args.megabytes, args.seed)
    elif args.command == "nem12-bench":
        write_nem12_bench(args.out, args.megabytes, args.seed)
    elif args.command == "messy":
        write_messy(args.out, args.count, args.seed)
    else:
        write_samples(args.out)


if __name__ == "__main__":
    main()
