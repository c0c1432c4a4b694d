"""The dashboard in a real browser: Debian's headless Chromium, driven with Selenium (PyPI) through Debian's
chromedriver, against the local stack's API gateway. The bars and the table say what the API says, a day drills
down to a meter's intervals, the CSV download holds the rows shown, a wrong key and an empty range say so, the page
works by keyboard and at a phone's width, its Content-Security-Policy lets nothing else run. Screenshots go to
.build/screenshots/."""
import json
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from oracle import INTERVALS

from browser import chromium
from local_stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]

SCREENSHOTS = ROOT / ".build" / "screenshots"
DAYS = [f"2024-05-{day:02d}" for day in range(1, 8)]
STATUS = "document.getElementById('status')"


def nem12_day(nmi, suffix, unit, date, values, quality):
    return "\n".join([f"200,{nmi},E1B1,1,{suffix},N1,M1,{unit},30,", f"300,{date.replace('-', '')},"
                      + ",".join(values) + f",{quality},,,20240510120000,20240510120000"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with LocalStack(stage="dashboard", work_dir=tmp_path_factory.mktemp("dashboard"), tenant="acme",
                    max_seconds=900) as stack:
        rows = ["Meter,Date," + ",".join(INTERVALS)]
        for meter in ("M1", "M2"):
            for index, day in enumerate(DAYS):
                values = [f"{index + 1}.{slot:03d}" for slot in range(48)]
                if meter == "M2" and day == DAYS[2]:
                    values[5] = ""  # a gap: the day is incomplete
                rows.append(",".join([meter, day] + values))
        nem12 = "\n".join(["100,NEM12,202405101200,MDP1,RETAILER",
                           nem12_day("NMI0000001", "E1", "kWh", DAYS[1], ["0.5"] * 48, "E52"),
                           nem12_day("NMI0000001", "B1", "kWh", DAYS[1], ["0.25"] * 48, "A"), "900"])
        for key, body in [("incoming/acme/week.csv", "\n".join(rows) + "\n"), ("incoming/acme/solar.csv", nem12 + "\n"),
                          ("incoming/acme/bad.csv", "Meter,Date,Value\nM1,2024-05-01,x\n")]:
            stack.s3.put_object(Bucket=stack.settings.bucket, Key=key, Body=body.encode())
        assert stack.wait_until_idle(timeout=300)
        yield stack


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    with chromium(downloads) as driver:
        driver.downloads = downloads
        yield driver


def api(stack, path):
    request = urllib.request.Request(stack.api_url + path, headers={"x-api-key": stack.api_key})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def wait(driver, condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = driver.execute_script(condition)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never true: {condition}; status: {driver.execute_script(f'return {STATUS}.textContent')}")


def open_with_key(driver, stack, key, first=DAYS[0], last=DAYS[-1]):
    """A fresh load of the page (no key remembered) for the range, then the key typed in and Show pressed."""
    driver.get(f"{stack.api_url}/dashboard")
    driver.execute_script("sessionStorage.clear()")
    driver.get("about:blank")
    driver.get(f"{stack.api_url}/dashboard#from={first}&to={last}")
    field = driver.find_element("id", "key")
    field.clear()
    field.send_keys(key)
    driver.find_element("id", "show").click()


def test_the_page_is_self_contained_small_and_locked_down(stack):
    with urllib.request.urlopen(stack.api_url + "/", timeout=60) as answer:
        page = answer.read()
        policy = answer.headers["Content-Security-Policy"]
    assert len(page) < 50_000
    assert b"http://" not in page.replace(b"http://www.w3.org/2000/svg", b"") and b"https://" not in page
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_bars_and_table_say_what_the_api_says_and_a_day_drills_down_to_a_meters_intervals(stack, browser):
    open_with_key(browser, stack, stack.api_key)
    wait(browser, "return document.querySelectorAll('#days tbody tr').length > 0")
    expected = api(stack, f"/consumption?from={DAYS[0]}&to={DAYS[-1]}")["items"]
    rows = browser.execute_script(
        "return [...document.querySelectorAll('#days tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    assert rows == [[d["date"], d["total"], str(d["meters"]), d["average"], d["notActual"],
                     f"{d['completeMeters']}/{d['meters']}", d["exported"]] for d in expected]
    heights = browser.execute_script(
        "return [...document.querySelectorAll('rect.total')].map(r => [r.dataset.date, r.getBBox().height])")
    scale = max(float(d["total"]) + float(d["exported"]) for d in expected)
    tallest = 280 - 28 - 14
    for (date, height), day in zip(heights, expected):
        assert date == day["date"] and height == pytest.approx(float(day["total"]) / scale * tallest, abs=0.01)
    # The estimated share, the export and the gap are drawn where the API reports them.
    assert browser.execute_script("return document.querySelectorAll('rect.estimated').length") == \
        sum(1 for d in expected if float(d["notActual"]) > 0) == 1
    assert browser.execute_script("return document.querySelectorAll('rect.export').length") == 1
    assert browser.execute_script("return document.querySelectorAll('text.gap').length") == 1
    # The ingestions are fetched after the days are drawn.
    assert wait(browser, "return document.querySelector('tr.rejected td')?.textContent") == "incoming/acme/bad.csv"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "dashboard.png"))

    # A day lists its meters as the API does; picking one shows its day, and its intervals when it has them all.
    browser.find_element("css selector", f"rect.total[data-date='{DAYS[2]}']").click()
    wait(browser, "return !document.getElementById('day').hidden")
    wait(browser, "return document.querySelectorAll('#day-meters tbody tr').length > 0")
    listed = browser.execute_script(
        "return [...document.querySelectorAll('#day-meters tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    meters = api(stack, f"/consumption/{DAYS[2]}/meters")["items"]
    assert listed == [[m["meter"], m["value"], m["flow"], m["notActual"], str(m["missingIntervals"])] for m in meters]
    assert sorted(m["meter"] for m in meters) == ["M1", "M2"]
    browser.find_element("css selector", "#day-meters tr[data-meter='M2']").click()
    wait(browser, "return document.getElementById('meter-summary')?.textContent.startsWith('M2')")
    reading = api(stack, f"/meters/M2/consumption/{DAYS[2]}")
    assert f": {reading['value']} kWh" in browser.find_element("id", "meter-summary").text
    assert reading["intervals"] is None  # the day with a gap keeps no intervals: no line is drawn
    # A meter id typed in works as well.
    browser.find_element("id", "meter").clear()
    browser.find_element("id", "meter").send_keys("M1")
    browser.find_element("css selector", "#meter-form button").click()
    wait(browser, "return document.getElementById('intervals') !== null")
    points = browser.execute_script("return document.querySelector('#intervals polyline').points.numberOfItems")
    assert points == len(api(stack, f"/meters/M1/consumption/{DAYS[2]}")["intervals"]) == 48
    browser.save_screenshot(str(SCREENSHOTS / "dashboard-drill-down.png"))


def test_months_add_up_the_days_and_a_meter_shows_its_load_profile_with_its_peak(stack, browser):
    open_with_key(browser, stack, stack.api_key)
    wait(browser, "return document.querySelectorAll('#months tbody tr').length > 0")
    months = browser.execute_script(
        "return [...document.querySelectorAll('#months tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    days = api(stack, f"/consumption?from={DAYS[0]}&to={DAYS[-1]}")["items"]
    total = sum(Decimal(day["total"]) for day in days)
    exported = sum(Decimal(day["exported"]) for day in days)
    [[period, count, shown_total, shown_exported, net, _]] = months
    assert (period, int(count)) == ("2024-05", len(days))
    assert (Decimal(shown_total), Decimal(shown_exported), Decimal(net)) == (total, exported, total - exported)
    # M1's load profile over the week: 48 half-hours a day; the file's largest value is the last day's last slot,
    # 7.047 kWh in half an hour, 14.094 kW (the tenant has no zone: local times without an offset).
    browser.find_element("css selector", f"rect.total[data-date='{DAYS[0]}']").click()
    wait(browser, "return !document.getElementById('day').hidden")
    browser.find_element("id", "meter").clear()
    browser.find_element("id", "meter").send_keys("M1")
    browser.find_element("css selector", "#meter-form button").click()
    wait(browser, "return document.getElementById('profile') !== null")
    points = browser.execute_script("return document.querySelector('#profile polyline').points.numberOfItems")
    assert points == 48 * len(DAYS)
    assert browser.find_element("id", "profile-summary").text == \
        f"{48 * len(DAYS)} intervals; peak 14.094 kW at {DAYS[-1]}T23:30:00."
    assert browser.execute_script("return document.querySelectorAll('#profile circle.peak').length") == 1
    browser.save_screenshot(str(SCREENSHOTS / "dashboard-load-profile.png"))


def test_the_csv_download_holds_the_rows_shown(stack, browser):
    open_with_key(browser, stack, stack.api_key)
    wait(browser, "return document.querySelectorAll('#days tbody tr').length > 0")
    browser.find_element("id", "download").click()
    target = browser.downloads / f"consumption-{DAYS[0]}-{DAYS[-1]}.csv"
    for _ in range(100):
        if target.exists() and target.stat().st_size > 0:
            break
        time.sleep(0.1)
    lines = target.read_bytes().decode().strip().split("\r\n")
    expected = api(stack, f"/consumption?from={DAYS[0]}&to={DAYS[-1]}")["items"]
    assert lines[0] == "date,total,meters,average,notActual,completeMeters,exported"
    assert lines[1:] == [",".join([d["date"], d["total"], str(d["meters"]), d["average"], d["notActual"],
                                   str(d["completeMeters"]), d["exported"]]) for d in expected]


def test_a_wrong_key_and_an_empty_range_say_so(stack, browser):
    open_with_key(browser, stack, "not-a-key")
    assert "refused" in wait(browser, f"return {STATUS}.className === 'error' && {STATUS}.textContent")
    assert browser.find_element("id", "results").get_attribute("hidden")
    open_with_key(browser, stack, stack.api_key, "2020-01-01", "2020-01-31")
    assert wait(browser, f"return {STATUS}.textContent.startsWith('No data') && {STATUS}.textContent") == \
        "No data between 2020-01-01 and 2020-01-31."


def test_it_works_by_keyboard_and_at_a_phones_width_and_its_policy_blocks_nothing_of_its_own(stack, browser):
    browser.set_window_size(390, 844)
    try:
        open_with_key(browser, stack, stack.api_key)
        wait(browser, "return document.querySelectorAll('rect.total').length > 0")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        browser.execute_script("document.querySelector('rect.total').focus()")
        browser.switch_to.active_element.send_keys("\n")
        wait(browser, "return !document.getElementById('day').hidden")
        assert browser.switch_to.active_element.get_attribute("id") == "meter"
        browser.save_screenshot(str(SCREENSHOTS / "dashboard-phone.png"))
    finally:
        browser.set_window_size(1200, 900)
    refused = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert refused == []
