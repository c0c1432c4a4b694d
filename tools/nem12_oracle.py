"""An independent NEM12 reader for the differential test (Python csv-free splitting + decimal; nothing shared with the
Swift code): per channel and day the values as written, each interval's quality, the channel's unit; and from
them the day totals `consumption totals --details` prints.

Rules it applies, from AEMO's MDFF specification as the samples show it: a 200 record names the channel (NMI,
suffix, unit, interval length); a 300 record holds a day's 1440/length values and its quality method, `V` meaning
the 400 records after it give the qualities interval by interval; values are in the channel's unit (Wh / 1000,
MWh * 1000 make kWh); suffix E is imported energy (consumption), B exported; reactive and other units are skipped;
quality N marks a missing interval."""
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

TO_KWH = {"kwh": Decimal(1), "wh": Decimal("0.001"), "mwh": Decimal(1000)}


def channel_days(path):
    """(meter 'NMI/suffix', 'YYYY-MM-DD') -> {'unit', 'values': [Decimal or None], 'qualities': [flag]}; the file
    is taken to be valid."""
    return channel_days_in(Path(path).read_text())


def channel_days_in(text):
    """`channel_days` of a file's text."""
    days = {}
    channel = current = None
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split(",")
        kind = fields[0]
        if kind == "200":
            channel = {"meter": f"{fields[1]}/{fields[4]}", "unit": fields[7], "count": 1440 // int(fields[8])}
        elif kind == "300":
            count = channel["count"]
            raw = fields[2:2 + count]
            values = [Decimal("0" + value if value.startswith(".") else value) if value else None for value in raw]
            quality = fields[2 + count][0]
            date = f"{fields[1][:4]}-{fields[1][4:6]}-{fields[1][6:8]}"
            current = {"unit": channel["unit"], "values": values, "qualities": [quality] * count}
            days[(channel["meter"], date)] = current
        elif kind == "400":
            start, end = int(fields[1]), int(fields[2])
            current["qualities"][start - 1:end] = [fields[3][0]] * (end - start + 1)
    return days


def role(meter, unit):
    scale = TO_KWH.get(unit.lower())
    suffix = meter.split("/", 1)[1]
    if scale is None or suffix[:1] not in ("E", "B"):
        return "skipped", None
    return ("consumption" if suffix[0] == "E" else "export"), scale


def day_totals(paths):
    """'YYYY-MM-DD' -> the columns of `consumption totals --details` but the average, as Decimals and ints."""
    totals = defaultdict(lambda: {"total": Decimal(0), "meters": 0, "intervals": 0, "notActual": Decimal(0),
                                  "incomplete": 0, "exported": Decimal(0), "exportMeters": 0, "skippedChannels": 0})
    for path in paths:
        for (meter, date), day in channel_days(path).items():
            kind, scale = role(meter, day["unit"])
            day_total = totals[date]
            if kind == "skipped":
                day_total["skippedChannels"] += 1
                continue
            present = [(value * scale, quality) for value, quality in zip(day["values"], day["qualities"])
                       if quality != "N"]
            value = sum((kwh for kwh, _ in present), Decimal(0))
            if kind == "export":
                day_total["exported"] += value
                day_total["exportMeters"] += 1
                continue
            day_total["total"] += value
            day_total["meters"] += 1
            day_total["intervals"] += len(present)
            day_total["notActual"] += sum((kwh for kwh, quality in present if quality != "A"), Decimal(0))
            day_total["incomplete"] += len(present) < len(day["values"])
    return dict(totals)
