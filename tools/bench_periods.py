#!/usr/bin/env python3
"""`make bench`: what a month costs (issue 27), for one meter and for a tenant, asked as one request
(`by=month`) next to the ways a client did it before: the month's days in one page summed by the client, and 31
requests of a day added up by the client.

Per tenant size, a month of 31 days written by the real `ingest` bootstrap into moto and folded into the day sums;
then each approach run by the release `query` bootstrap under the emulator: its DynamoDB requests counted through
the fault proxy, which prices them by DynamoDB's rules (tools/dynamodb_size.py; the API reads with ConsistentRead,
one read unit per 4 KB of items a request, rounded up per request), and its invocation time taken straight against
moto. The anchor of the same run: boto3 making the month's one Query against the same moto.

Two tenant sizes are measured to show that a tenant's month does not grow with its meters (a day has 16 sum
shards, whatever its meters); the figures for a tenant of 10,000 meters are then computed from the items measured
(their sums and counts scaled to 10,000 meters, sized by the same rules), and printed as computed."""
import argparse
import datetime
import json
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from apigw import Response, v2
from dynamodb_size import item_size, read_units
from oracle import wide_file
from rig import FaultProxy, Moto, Stack, query_all, s3_event

ROOT = Path(__file__).resolve().parents[1]

TENANT = "bench"
MONTH = [(datetime.date(2024, 1, 1) + datetime.timedelta(days=n)).isoformat() for n in range(31)]
FIRST, LAST = MONTH[0], MONTH[-1]
METER = "NMI00000007"
COMPUTED_METERS = 10_000
# DynamoDB: a Query answers at most 1 MB of the items it reads, then stops with LastEvaluatedKey.
PAGE_BYTES = 1024 * 1024
# What a sum shard and an answer carry that adds meters up: scaled with the tenant's size in the computed figures.
SUMMED_DECIMALS = ("total", "notActual", "exported", "net")
SUMMED_COUNTS = ("meters", "incompleteMeters", "exportMeters", "meterDays", "completeMeterDays")


def meter_id(meter):
    return f"NMI{meter:08d}"


def approaches():
    """(scope, name, [(path, query)...]): the calls each approach makes, and how its answers give the month's total."""
    month = {"from": [FIRST], "to": [LAST]}
    return [
        ("tenant", "GET /consumption?by=month", [("/consumption", {**month, "by": ["month"]})]),
        ("tenant", "GET /consumption?from&to (1 page, client sums)", [("/consumption", month)]),
        ("tenant", "31 x GET /consumption/{date} (client sums)", [(f"/consumption/{day}", {}) for day in MONTH]),
        ("meter", "GET /meters/{id}/consumption?by=month",
         [(f"/meters/{METER}/consumption", {**month, "by": ["month"]})]),
        ("meter", "GET /meters/{id}/consumption?from&to (1 page)", [(f"/meters/{METER}/consumption", month)]),
        ("meter", "31 x GET /meters/{id}/consumption/{date}", [(f"/meters/{METER}/consumption/{day}", {})
                                                                for day in MONTH]),
    ]


def month_total(answer):
    """What one answer adds to the month: a period's or a day's total, or a meter-day's value."""
    if "items" in answer:
        return sum((Decimal(item.get("total", item.get("value"))) for item in answer["items"]), Decimal(0))
    return Decimal(answer.get("total", answer.get("value")))


def scaled_number(text, factor):
    """A summed amount `factor` times larger, written with as many decimals as it had."""
    value = Decimal(text)
    return str((value * factor).quantize(Decimal(1).scaleb(value.as_tuple().exponent)))


def scaled_item(item, factor):
    """A sum shard as it would be with `factor` times the meters, each meter as in the bench."""
    scaled = dict(item)
    for name in SUMMED_DECIMALS + SUMMED_COUNTS:
        if name in item and "N" in item[name]:
            scaled[name] = {"N": scaled_number(item[name]["N"], factor)}
    return scaled


def scaled_json(value, factor):
    """An answer as it would be with `factor` times the meters: its sums and counts scaled, of the same JSON type."""
    if isinstance(value, dict):
        return {name: scaled_field(field, factor) if name in SUMMED_DECIMALS + SUMMED_COUNTS
                else scaled_json(field, factor) for name, field in value.items()}
    if isinstance(value, list):
        return [scaled_json(field, factor) for field in value]
    return value


def scaled_field(field, factor):
    if isinstance(field, bool) or not isinstance(field, (str, int)):
        return field
    return int(field * factor) if isinstance(field, int) else scaled_number(field, factor)


def compact(value):
    return len(json.dumps(value, separators=(",", ":")).encode())


def ingest(moto, meters):
    """A stack holding a month of `meters` meters, written by the release ingest bootstrap and folded."""
    stack = Stack(moto)
    rows = [(meter_id(meter), day, [f"{meter % 7}.{slot:03d}" for slot in range(48)])
            for meter in range(meters) for day in MONTH]
    stack.put(f"incoming/{TENANT}/month.csv", wide_file(rows))
    function = stack.function(timeout_ms=900_000)
    try:
        started = time.perf_counter()
        answer = function.invoke(s3_event(stack.bucket, f"incoming/{TENANT}/month.csv"), timeout=900)
        ingest_seconds = time.perf_counter() - started
    finally:
        function.stop()
    assert answer["outcome"] == "ok", answer
    started = time.perf_counter()
    stack.fold()
    return stack, ingest_seconds, time.perf_counter() - started


def counted(function, proxy, calls):
    """One run of an approach through the proxy: its figures, the answers' month total, and its answers."""
    row = {"http": 0, "operations": {}, "readUnits": 0.0, "readItems": 0, "readBytes": 0, "responseBytes": 0,
           "largestPage": 0, "onePage": True, "nextToken": False}
    total, answers = Decimal(0), []
    for path, query in calls:
        proxy.configure()
        response = Response(function.invoke(v2(path, query=query, tenant=TENANT)))
        assert response.status == 200, (path, response.text)
        stats = proxy.stats()
        operations = {op.split()[1]: n for op, n in stats["operations"].items() if op.startswith("DynamoDB")}
        for operation, n in operations.items():
            row["operations"][operation] = row["operations"].get(operation, 0) + n
        capacity = stats["capacity"]
        row["http"] += 1
        row["readUnits"] += capacity["readUnits"]
        row["readItems"] += capacity["readItems"]
        row["readBytes"] += capacity["readBytes"]
        row["responseBytes"] += len(response.text.encode())
        if "Query" in operations:
            # One Query a call, under DynamoDB's 1 MB: the answer came in one page on AWS too.
            row["largestPage"] = max(row["largestPage"], capacity["readBytes"])
            row["onePage"] &= operations["Query"] == 1 and capacity["readBytes"] <= PAGE_BYTES
        # Counted before the proxy answered (so no request of this call is missing): every call reads something.
        assert capacity["readItems"] > 0, (path, stats)
        answer = response.json
        row["nextToken"] |= answer.get("nextToken") is not None
        total += month_total(answer)
        answers.append(answer)
    return row, total, answers


def timed(function, calls, repeats):
    """p50 of one call's invocation time and of the approach's (its calls one after another), in ms."""
    each, whole = [], []
    for _ in range(repeats):
        spent = 0.0
        for path, query in calls:
            response = Response(function.invoke(v2(path, query=query, tenant=TENANT)))
            assert response.status == 200
            each.append(response.duration_ms)
            spent += response.duration_ms
        whole.append(spent)
    return statistics.median(each), statistics.median(whole)


def anchor(stack, partition, first, last, repeats):
    """boto3 making the month's one Query (the tenant's sum shards or the meter's meter-day items), against the same
    moto: its p50 in ms, and its items priced by the same rules."""
    arguments = {"KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                 "ExpressionAttributeValues": {":pk": {"S": partition}, ":from": {"S": first}, ":to": {"S": last}}}
    timings, items = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        items = query_all(stack.dynamodb, stack.table, **arguments)
        timings.append((time.perf_counter() - started) * 1000)
    size = sum(item_size(item) for item in items)
    return {"http": 0, "operations": {"Query": 1}, "readUnits": read_units(size), "readItems": len(items),
            "readBytes": size, "responseBytes": None, "largestPage": size, "onePage": size <= PAGE_BYTES,
            "p50": statistics.median(timings), "p50Whole": None}, items


def measure(moto, meters, repeats):
    stack, ingest_seconds, fold_seconds = ingest(moto, meters)
    proxy = FaultProxy(moto)
    query = stack.query_function()
    counting = stack.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
    rows, totals = [], {}
    try:
        for scope, name, calls in approaches():
            query.invoke(v2(calls[0][0], query=calls[0][1], tenant=TENANT))  # warm
            row, total, answers = counted(counting, proxy, calls)
            row["p50"], row["p50Whole"] = timed(query, calls, repeats)
            row.update(scope=scope, name=name, answers=answers)
            rows.append(row)
            totals.setdefault(scope, set()).add(total)
    finally:
        query.stop()
        counting.stop()
        proxy.stop()
    # The three ways give the same month, to the last digit.
    assert all(len(found) == 1 for found in totals.values()), totals
    tenant_anchor, shards = anchor(stack, f"T#{TENANT}#TOTALS", f"{FIRST}#", f"{LAST}#~", repeats)
    meter_anchor, _ = anchor(stack, f"T#{TENANT}#M#{METER}", f"C#{FIRST}", f"C#{LAST}", repeats)
    rows.insert(3, {**tenant_anchor, "scope": "tenant", "name": "anchor: boto3, the month's Query, same moto"})
    rows.append({**meter_anchor, "scope": "meter", "name": "anchor: boto3, the month's Query, same moto"})
    stack.close()
    return {"meters": meters, "ingest": ingest_seconds, "fold": fold_seconds, "rows": rows, "shards": shards,
            "totals": {scope: found.pop() for scope, found in totals.items()}}


def computed(measured, meters):
    """The rows for a tenant of `meters` meters, from the largest tenant measured: the same requests; each sum shard
    it read with its sums and counts scaled, sized by DynamoDB's rules and priced per request; the answers' bytes
    grown by as much as their scaled numbers; one meter's rows as measured (its items are its own)."""
    factor = Decimal(meters) / Decimal(measured["meters"])
    by_day = {}
    for item in measured["shards"]:
        by_day.setdefault(item["sk"]["S"][:10], []).append(item_size(scaled_item(item, factor)))
    month = sum(sum(sizes) for sizes in by_day.values())
    rows = []
    for row in measured["rows"]:
        if "answers" not in row:
            continue
        row = dict(row, p50=None, p50Whole=None)
        if row["scope"] == "tenant":
            row["responseBytes"] += sum(compact(scaled_json(a, factor)) - compact(a) for a in row["answers"])
            row["readItems"] = sum(len(sizes) for sizes in by_day.values())
            if row["http"] == 1:
                row["readBytes"] = row["largestPage"] = month
                row["readUnits"] = read_units(month)
            else:
                row["readBytes"] = month
                row["largestPage"] = max(sum(sizes) for sizes in by_day.values())
                row["readUnits"] = sum(read_units(sum(sizes)) for sizes in by_day.values())
            row["onePage"] = row["largestPage"] <= PAGE_BYTES
        rows.append(row)
    return rows


def print_rows(rows):
    print(f"  {'approach':56} {'HTTP':>4} {'DynamoDB requests':>18} {'RCU':>5} {'items':>6} {'item bytes':>10} "
          f"{'response B':>10} {'p50 ms call':>11} {'p50 ms all':>10} {'API pages':>9}  one Query page")
    for row in rows:
        operations = ", ".join(f"{n} {op}" for op, n in sorted(row["operations"].items()))
        page = ("n/a (GetItems)" if not row["largestPage"] else
                f"{'yes' if row['onePage'] else 'NO'} ({row['largestPage'] / 1024:.1f} KB of 1,024"
                f"{', each call' if row['http'] > 1 else ''})")
        response = "-" if row["responseBytes"] is None else f"{row['responseBytes']:,}"
        p50 = "-" if row["p50"] is None else f"{row['p50']:.1f}"
        # Every answer whole, with no nextToken to follow: one page of the API a call.
        pages = "-" if "nextToken" not in row else "MORE" if row["nextToken"] else f"{row['http']} x 1"
        whole = "-" if row["p50Whole"] is None else f"{row['p50Whole']:,.1f}"
        print(f"  {row['scope'] + ', ' + row['name']:56} {row['http'] or '-':>4} {operations:>18} "
              f"{row['readUnits']:5g} {row['readItems']:6,} {row['readBytes']:10,} {response:>10} {p50:>11} "
              f"{whole:>10} {pages:>9}  {page}")


def main():
    parser = argparse.ArgumentParser()
    # 300 meters x 31 days is about two minutes of moto's ingest here (and as long again to fold).
    parser.add_argument("--meters", default="100,300", help="the tenant sizes measured, comma-separated")
    parser.add_argument("--repeats", type=int, default=10, help="timed runs of each approach")
    args = parser.parse_args()
    sizes = [int(text) for text in args.meters.split(",")]
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        measured = [measure(moto, meters, args.repeats) for meters in sizes]
    finally:
        moto.stop()
    print(f"the cost of a month ({FIRST}..{LAST}), for a tenant and for one meter of it: the release query bootstrap "
          "under the emulator against moto, DynamoDB requests counted through the fault proxy and priced by "
          "DynamoDB's rules (tools/dynamodb_size.py: strongly consistent, 1 RCU per 4 KB of the items a request "
          "reads, summed then rounded up per request; a Query page holds at most 1 MB); item bytes as DynamoDB "
          f"sizes them; p50 of {args.repeats} runs, per call and for the approach's calls one after another")
    for run in measured:
        print(f"measured, a tenant of {run['meters']:,} meters x 31 days ({run['meters'] * 31:,} meter-days written by "
              f"the release ingest bootstrap in {run['ingest']:.1f} s, folded in {run['fold']:.1f} s; "
              f"the three ways agree: tenant {run['totals']['tenant']} kWh, meter {run['totals']['meter']} kWh):")
        print_rows(run["rows"])
    largest = measured[-1]
    factor = COMPUTED_METERS / largest["meters"]
    print(f"computed, a tenant of {COMPUTED_METERS:,} meters (not run: from the {len(largest['shards'])} sum shards "
          f"measured with {largest['meters']:,} meters, their sums and counts x{factor:.4g}, sized by the same rules "
          "and read units rounded up per request; one meter's rows as measured):")
    print_rows(computed(largest, COMPUTED_METERS))
    tenant_month = [next(row for row in run["rows"] if row.get("answers") and row["scope"] == "tenant")
                    for run in measured]
    month = computed(largest, COMPUTED_METERS)[0]
    print("  the tenant's month by=month: " + ", ".join(
        f"{row['readUnits']:g} RCU, {row['readBytes']:,} B at {run['meters']:,} meters"
        for row, run in zip(tenant_month, measured))
          + f" (measured); {month['readUnits']:g} RCU, {month['readBytes']:,} B at {COMPUTED_METERS:,} (computed): "
          "16 sum shards a day, whatever the meters")
    # A sum shard keeps the last record applied from each stream shard that folded into it (`lane:<shardId>`); moto's
    # stream has one shard, AWS's turn over every few hours, so a day folded over a longer time holds more of them.
    lane = item_size({name: value for name, value in largest["shards"][0].items() if name.startswith("lane:")})
    items = month["readItems"]
    room = (PAGE_BYTES // items - month["readBytes"] // items) // lane
    print(f"  each sum shard holds one lane: attribute here ({lane} B: moto's stream has one stream shard); on AWS "
          f"each further stream shard that folds into a day adds one, {items * lane / 4096:.1f} RCU to the month: "
          f"the month's Query stays within one 1 MB page with up to {room} more on each of its {items} items")


if __name__ == "__main__":
    main()
