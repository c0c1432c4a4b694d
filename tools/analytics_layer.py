"""The analytics layer as the tests read it: a run until every marked day is written, the layer copied out of the
bucket, and DuckDB's sums of it per day (standing in for Athena)."""
import time

import duckdb


def marks_left(stack):
    """The analytics marks not yet written (the table-wide `ANALYTICS` partition)."""
    return stack.dynamodb.query(TableName=stack.settings.table, KeyConditionExpression="pk = :pk",
                                ExpressionAttributeValues={":pk": {"S": "ANALYTICS"}}, ConsistentRead=True)["Items"]


def settle(stack, timeout=300):
    """Until every file is ingested, the sums have caught up, and a run has written every marked day."""
    assert stack.wait_until_idle(timeout=timeout)
    for _ in range(30):
        answer = stack.run_analytics()
        assert answer["outcome"] == "ok", answer
        if not marks_left(stack):
            return answer["json"]
        time.sleep(1)
    raise AssertionError(f"marks never written: {marks_left(stack)}")


def download(stack, prefix, into):
    """Every object under `prefix` of the bucket, into the directory `into` (keys as paths)."""
    paginator = stack.s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=stack.settings.bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            path = into / item["Key"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stack.s3.get_object(Bucket=stack.settings.bucket, Key=item["Key"])["Body"].read())
    return into / prefix


METER_DAY_TYPES = {"meter": "VARCHAR", "date": "DATE", "value": "DECIMAL(38,6)", "unit": "VARCHAR",
                   "flow": "VARCHAR", "not_actual": "DECIMAL(38,6)", "missing_intervals": "INTEGER",
                   "source_key": "VARCHAR", "source_version": "VARCHAR", "line": "BIGINT"}
INTERVAL_TYPES = {"meter": "VARCHAR", "date": "DATE", "interval_number": "INTEGER", "start_local": "VARCHAR",
                  "start_utc": "VARCHAR", "minutes": "INTEGER", "value": "DECIMAL(38,6)", "unit": "VARCHAR",
                  "quality": "VARCHAR", "flow": "VARCHAR", "source_key": "VARCHAR", "source_version": "VARCHAR"}
DAILY_TYPES = {"total": "DECIMAL(38,6)", "meters": "BIGINT", "average": "DECIMAL(38,6)", "unit": "VARCHAR",
               "not_actual": "DECIMAL(38,6)", "complete_meters": "BIGINT", "exported": "DECIMAL(38,6)",
               "export_meters": "BIGINT", "updated_at": "VARCHAR"}


def duckdb_days(layer, tenant):
    """Per day, from the meter-day rows: consumption, meters, estimated share, complete meters, export, export
    meters; and the daily rows as written."""
    db = duckdb.connect()
    source = (f"read_csv('{layer}/{tenant}/meter_days/*/*.tsv.gz', delim='\t', header=true, quote='', "
              f"escape='', hive_partitioning=true, columns={METER_DAY_TYPES})")
    rows = db.execute(f"""
        SELECT strftime(date, '%Y-%m-%d'),
               coalesce(SUM(value) FILTER (WHERE flow = 'consumption'), 0),
               COUNT(*) FILTER (WHERE flow = 'consumption'),
               coalesce(SUM(not_actual) FILTER (WHERE flow = 'consumption'), 0),
               COUNT(*) FILTER (WHERE flow = 'consumption' AND missing_intervals = 0),
               coalesce(SUM(value) FILTER (WHERE flow = 'export'), 0),
               COUNT(*) FILTER (WHERE flow = 'export')
        FROM {source} GROUP BY date ORDER BY date""").fetchall()
    summed = {row[0]: row[1:] for row in rows}
    daily = db.execute(f"""
        SELECT date, total, meters, not_actual, complete_meters, exported, average
        FROM read_csv('{layer}/{tenant}/daily/*/*.tsv.gz', delim='\t', header=true, quote='', escape='',
                      hive_partitioning=true, columns={DAILY_TYPES}) ORDER BY date""").fetchall()
    return summed, {str(row[0]): row[1:] for row in daily}


def duckdb_intervals(layer, tenant):
    """(meter, date, interval_number) -> the rest of the row, every interval the layer holds for the tenant."""
    rows = duckdb.connect().execute(f"""
        SELECT meter, strftime(date, '%Y-%m-%d'), interval_number, start_local, coalesce(start_utc, ''), minutes,
               value, unit, quality, flow, source_key, source_version, month
        FROM read_csv('{layer}/{tenant}/intervals/*/*.tsv.gz', delim='\t', header=true, quote='', escape='',
                      hive_partitioning=true, columns={INTERVAL_TYPES})""").fetchall()
    return {row[:3]: row[3:] for row in rows}
