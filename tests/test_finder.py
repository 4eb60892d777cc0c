"""The services page's finder in Chromium: filters, the announced count, "Open now" on a clock the test sets.

"Open now" is worked out by carepath.js in the toolkit's time zone. The test sets the browser's clock to UTC
instants and its own time zone to Tokyo, so that a script reading the device's zone or a fixed offset fails;
the expected services come from content/services.yml through Python's zoneinfo, a second implementation.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import yaml
from browser import BLOCKING, PHONE, StaticHost, new_context, run_axe, skip_without_chromium, ui
from conftest import LOCALES, ROOT
from test_reader import SCREENSHOTS

skip_without_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

FACTS = yaml.safe_load((ROOT / "content/services.yml").read_text(encoding="utf-8"))["services"]
ZONE = zoneinfo.ZoneInfo(yaml.safe_load((ROOT / "content/toolkit.yml").read_text(encoding="utf-8"))["timezone"])
DAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"]
PUBLISHED = [s for s in FACTS if s.get("status") != "inactive"]


def open_at(service: dict[str, Any], moment: dt.datetime) -> bool:
    """Whether a service is open at a moment, by its facts: Python's reading of the same rules."""
    if service.get("status", "active") != "active" or "hours" not in service:
        return False
    local = moment.astimezone(ZONE)
    closed = {str(d) for d in service.get("closed", [])}
    today, minute = local.date(), local.hour * 60 + local.minute
    if service["hours"] == "24/7":
        return today.isoformat() not in closed
    yesterday = today - dt.timedelta(days=1)
    for line in service["hours"]:
        opens, closes = (int(t[:2]) * 60 + int(t[3:]) for t in (line["opens"], line["closes"]))
        on = DAYS[today.weekday()] in line["days"] and today.isoformat() not in closed
        if closes > opens and on and opens <= minute < closes:
            return True
        if closes <= opens and ((on and minute >= opens) or (
                DAYS[yesterday.weekday()] in line["days"] and yesterday.isoformat() not in closed and minute < closes)):
            return True
    return False


def shown(page: Page) -> list[str]:
    """The ids of the services the finder shows."""
    return [h.get_attribute("id") or "" for h in page.locator(".cp-service:not([hidden]) h3").all()]


def count_text(tag: str, count: int) -> str:
    """The announced count, as the language's string says it."""
    return ui(tag, "finder.count").replace("{count}", str(count)).replace("{total}", str(len(PUBLISHED)))


@pytest.fixture(scope="module")
def services_page(browser: Browser, host: StaticHost) -> Any:
    """A phone in Tokyo, with the services page's requests recorded."""
    context = new_context(browser, PHONE, timezone_id="Asia/Tokyo")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page, requests
    context.close()


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_a_language_filter_hides_the_services_that_do_not_speak_it(
    services_page: Any, host: StaticHost, tag: str
) -> None:
    page, requests = services_page
    page.goto(host.url(f"{LOCALES[tag]}services.html"))
    finder = page.locator("#cp-finder")
    assert finder.is_visible()
    # above the first group of services, below the numbers to call
    assert page.evaluate("document.querySelector('#cp-finder').nextElementSibling.id.startsWith('need-')")
    for language in ("ar", "sw"):
        page.select_option("#cp-finder select[name=language]", language)
        expected = [s["id"] for s in PUBLISHED if language in s.get("languages", [])]
        assert sorted(shown(page)) == sorted(expected), language
        status = page.locator("#cp-finder [role=status]")
        assert status.inner_text() == count_text(tag, len(expected))
        # announced: a status region (quoted in the snapshot when it holds a colon)
        tree = page.locator("#cp-finder").aria_snapshot()
        said = count_text(tag, len(expected))
        assert f"status: {said}" in tree or f'status: "{said}"' in tree, tree
    # a group with nothing left to show hides its heading
    assert page.locator("h2#need-older-adults").is_hidden()
    finder.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{tag}-360px-finder.png"))
    page.click("#cp-finder button[type=reset]")
    # waited for by Playwright's selector engine: a string for wait_for_function is evaluated in the page, which the
    # page's policy (no 'unsafe-eval') refuses whenever the first look finds the filter not yet reset
    expect(page.locator(".cp-service:not([hidden])")).to_have_count(len(PUBLISHED))
    page.fill("#cp-finder input[name=age]", "15")
    assert sorted(shown(page)) == sorted(
        s["id"] for s in PUBLISHED if s.get("ages", {}).get("min", 0) <= 15 <= s.get("ages", {}).get("max", 120))
    assert all(url.startswith(host.origin) for url in requests), requests  # no request leaves the site


MOMENTS = {  # UTC instants, and what each proves
    "Saturday 13:30": dt.datetime(2026, 11, 14, 18, 30, tzinfo=dt.UTC),
    "Sunday 01:30, after a Saturday evening that runs past midnight": dt.datetime(2026, 11, 15, 6, 30, tzinfo=dt.UTC),
    "Sunday 03:00": dt.datetime(2026, 11, 15, 8, 0, tzinfo=dt.UTC),
    "a closed date (Friday 25 December, 10:00)": dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC),
    "the Friday before, 10:00": dt.datetime(2026, 12, 18, 15, 0, tzinfo=dt.UTC),
    "01:30 on the night the clocks go back (EST, not EDT)": dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_open_now_follows_the_hours_in_the_toolkit_s_time_zone(browser: Browser, host: StaticHost, moment: str) -> None:
    context = new_context(browser, PHONE, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.clock.set_fixed_time(MOMENTS[moment])
    page.goto(host.url("ar/services.html"))
    page.check("#cp-finder input[name=open]")
    expected = sorted(s["id"] for s in PUBLISHED if open_at(s, MOMENTS[moment]))
    assert sorted(shown(page)) == expected, moment
    assert page.locator("#cp-finder [role=status]").inner_text() == count_text("ar", len(expected))
    context.close()


def test_open_now_examples_read_by_a_person() -> None:
    """The rules of open_at on the example, pinned by hand: the browser tests compare against these rules."""
    def ids(moment: str) -> set[str]:
        return {s["id"] for s in PUBLISHED if open_at(s, MOMENTS[moment])}
    always = {"riverside-crisis-line", "riverside-crisis-center", "riverside-safe-house"}
    assert ids("Saturday 13:30") == always | {"riverside-counseling-center"}  # the youth center is closed for repairs
    assert ids("Sunday 01:30, after a Saturday evening that runs past midnight") == always | {"riverside-warmline"}
    assert ids("Sunday 03:00") == always
    assert ids("a closed date (Friday 25 December, 10:00)") == always
    assert ids("the Friday before, 10:00") == always | {
        "riverside-counseling-center", "riverside-family-clinic", "riverside-older-adults-center",
        "riverside-help-desk"}
    assert ids("01:30 on the night the clocks go back (EST, not EDT)") == always | {"riverside-warmline"}


def test_the_finder_is_usable_by_keyboard_and_axe_clean_right_to_left(
    browser: Browser, host: StaticHost, axe_source: str
) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    page.goto(host.url("ar/services.html"))
    page.focus("#cp-finder select[name=language]")
    page.keyboard.press("ArrowDown")  # the first language after "any", chosen from the keyboard alone
    assert page.locator("#cp-finder [role=status]").inner_text() != ""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#cp-finder') !== null")
    violations = [v for v in run_axe(page, axe_source) if v["impact"] in BLOCKING]
    assert violations == [], violations
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    context.close()

