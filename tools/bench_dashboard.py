#!/usr/bin/env python3
"""`make bench`: how long the dashboard takes to draw a year in Debian's headless Chromium, next to the same page
drawing a month in the same run (the anchor). The local stack holds 366 days of one tenant (3 meters a day); the
time is the page's own measure (`renderMilliseconds`: the chart and the table built from days already fetched),
the median of 7 draws. Also the page's weight as served."""
import datetime
import statistics
import tempfile
import time
import urllib.request


from browser import chromium
from local_stack import LocalStack
from meterfiles import interval_labels


def days(count):
    return [(datetime.date(2023, 5, 1) + datetime.timedelta(days=n)).isoformat() for n in range(count)]


def median_render(driver, stack, first, last, draws=7):
    driver.get("about:blank")
    driver.get(f"{stack.api_url}/dashboard#from={first}&to={last}")
    field = driver.find_element("id", "key")
    field.clear()
    field.send_keys(stack.api_key)
    times = []
    for _ in range(draws):
        driver.execute_script("window.renderMilliseconds = undefined; document.getElementById('show').click()")
        for _ in range(600):
            value = driver.execute_script("return window.renderMilliseconds")
            if value is not None:
                times.append(value)
                break
            time.sleep(0.05)
    return statistics.median(times), len(times)


def main():
    year = days(366)
    rows = ["Meter,Date," + ",".join(interval_labels(48))] + [
        ",".join([f"M{meter}", day] + [f"{meter}.{slot:03d}" for slot in range(48)]) for meter in range(3) for day in year]
    with LocalStack(stage="bench-dashboard", work_dir=tempfile.mkdtemp(), tenant="acme", max_seconds=900) as stack:
        stack.s3.put_object(Bucket=stack.settings.bucket, Key="incoming/acme/year.csv", Body="\n".join(rows).encode())
        assert stack.wait_until_idle(timeout=600), "the year was not ingested"
        with urllib.request.urlopen(stack.api_url + "/dashboard", timeout=60) as answer:
            weight = len(answer.read())
        with chromium() as driver:
            month, month_draws = median_render(driver, stack, year[0], year[30])
            whole, year_draws = median_render(driver, stack, year[0], year[-1])
    print("== The dashboard in headless Chromium (tools/bench_dashboard.py)")
    print(f"   page as served: {weight:,} bytes (goal: under 50 KB)")
    print(f"   anchor: 31 days drawn in {month:.1f} ms (median of {month_draws})")
    print(f"   366 days drawn in {whole:.1f} ms (median of {year_draws}; goal: under 200 ms)")


if __name__ == "__main__":
    main()
