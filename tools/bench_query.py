#!/usr/bin/env python3
"""`make bench` for the query function, against moto (signatures checked): per endpoint, the invocation time of
the release `query` bootstrap under the project's emulator (handler plus runtime, p50 and p99) and the DynamoDB
requests each API call makes; next to the anchor of the same run: boto3 making the one request a day's total
needs (a Query of the tenant's bucket sums) against the same moto, so what is left is the function's own cost. Data: 20 meters over 62 days, written by the real ingest function."""
import datetime
import statistics
import tempfile
import time
from pathlib import Path

from apigw import Response, v2
from oracle import wide_file
from rig import FaultProxy, Moto, Stack, s3_event

ROOT = Path(__file__).resolve().parents[1]

CALLS = 200


def main():
    moto = Moto(Path(tempfile.mkdtemp()))
    try:
        stack = Stack(moto)
        days = [(datetime.date(2024, 1, 1) + datetime.timedelta(days=n)).isoformat() for n in range(62)]
        rows = [(f"m{meter}", day, [f"{meter}.{slot:03d}" for slot in range(48)]) for meter in range(20) for day in days]
        stack.put("incoming/bench/year.csv", wide_file(rows))
        ingest = stack.function(timeout_ms=900_000)
        try:
            ingest.invoke(s3_event(stack.bucket, "incoming/bench/year.csv"), timeout=900)
        finally:
            ingest.stop()
        stack.fold()
        proxy = FaultProxy(moto)
        # Timed straight against moto; requests counted through the proxy, which adds its own latency.
        query = stack.query_function()
        counted = stack.query_function(AWS_ENDPOINT_URL=proxy.endpoint)
        endpoints = [
            ("GET /consumption/{date}", "/consumption/2024-01-15", {}),
            ("GET /consumption/{date}/meters", "/consumption/2024-01-15/meters", {}),
            ("GET /consumption (31 days)", "/consumption", {"from": ["2024-01-01"], "to": ["2024-01-31"]}),
            ("GET /consumption (62 days, csv)", "/consumption", {"from": ["2024-01-01"], "to": ["2024-03-02"], "format": ["csv"]}),
            ("GET /meters/{id}/consumption (31 days)", "/meters/m7/consumption", {"from": ["2024-01-01"], "to": ["2024-01-31"]}),
            ("GET /meters/{id}/consumption/{date}", "/meters/m7/consumption/2024-01-15", {}),
            ("GET /ingestions", "/ingestions", {}),
        ]
        try:
            print(f"query function against moto, {CALLS} calls each (release bootstrap under the emulator):")
            print(f"  {'endpoint':42} {'p50 ms':>8} {'p99 ms':>8} {'DynamoDB requests/call':>24}")
            for name, path, query_string in endpoints:
                query.invoke(v2(path, query=query_string, tenant="bench"))
                durations = []
                for _ in range(CALLS):
                    response = Response(query.invoke(v2(path, query=query_string, tenant="bench")))
                    assert response.status == 200, (name, response.text)
                    durations.append(response.duration_ms)
                proxy.configure()
                for _ in range(10):
                    assert Response(counted.invoke(v2(path, query=query_string, tenant="bench"))).status == 200
                operations = proxy.stats()["operations"]
                requests = sum(n for op, n in operations.items() if op.startswith("DynamoDB")) / 10
                durations.sort()
                print(f"  {name:42} {statistics.median(durations):8.2f} {durations[int(len(durations) * 0.99) - 1]:8.2f} "
                      f"{requests:24.2f}")
        finally:
            query.stop()
            counted.stop()
            proxy.stop()
            stack.close()
        client = moto.client("dynamodb")
        timings = []
        for _ in range(CALLS):
            started = time.perf_counter()
            client.query(TableName=stack.table, ConsistentRead=True,
                         KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
                         ExpressionAttributeValues={":pk": {"S": "T#bench#TOTALS"}, ":from": {"S": "2024-01-15#"},
                                                    ":to": {"S": "2024-01-15#~"}})
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"  {'anchor: boto3, the same Query as one day':42} {statistics.median(timings):8.2f} "
              f"{timings[int(len(timings) * 0.99) - 1]:8.2f} {1:24.2f}")
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
