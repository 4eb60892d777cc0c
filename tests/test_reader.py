"""The example's website in real headless Chromium, used as a reader uses it: the keyboard, the language switcher,
search (also from files), the call buttons on a phone, right-to-left pages, the quick exit, and screenshots."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import (
    BLOCKING,
    DESKTOP,
    FOCUS,
    PHONE,
    STORAGE,
    THEME_PREFERENCES,
    BrowserPool,
    StaticHost,
    fast_animations,
    new_context,
    report,
    run_axe,
    set_text_size,
    skip_without_chromium,
    ui,
)
from conftest import LOCALES, ROOT, Built, build_site, copy_toolkit, site_pages

skip_without_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402

SCREENSHOTS = Path(os.environ.get("CAREPATH_SCREENSHOTS", ROOT / ".carepath" / "screenshots"))
NEUTRAL = "https://neutral.example/"  # the exit URL of the second quick-exit build; answered by the test


def test_keyboard_reaches_everything_and_shows_focus(browsers: BrowserPool, host: StaticHost) -> None:
    def tab_through(browser: Browser, how: tuple[str, str, dict[str, int]]) -> None:
        """Tab through the signs page of one language at one viewport."""
        tag, prefix, viewport = how
        context = new_context(browser, viewport)
        page = context.new_page()
        fast_animations(context, page)
        page.goto(host.url(f"{prefix}signs.html"))
        stops = []
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS)
            if stop is None or (stops and stop == stops[0]):
                break
            stops.append(stop)
        where = f"{tag} at {viewport['width']} px"
        assert stops and "md-skip" in stops[0]["cls"], (where, stops[:1])
        assert stops[0]["onscreen"] and stops[0]["outline"], (where, stops[0])
        unseen = [s for s in stops if not (s["onscreen"] and s["outline"])]
        assert not unseen, f"{where}: focus lands where it cannot be seen: {unseen}"
        assert any((s["href"] or "").startswith("tel:") and "cp-banner__call" in s["cls"] for s in stops), where
        assert any(s["tag"] == "button" and s["text"] == ui_theme_language_label(page) for s in stops), where
        assert {s["hreflang"] for s in stops if "md-select__link" in s["cls"]} == set(LOCALES), where

        page.goto(host.url(f"{prefix}signs.html"))
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate(SKIPPED), f"{where}: the skip link does not move the keyboard past the menus"

        if viewport is PHONE:  # the menu is a drawer: it opens from the keyboard, then its links take focus
            assert any(s["tag"] == "label" and s["role"] == "button" and s["for"] == "__drawer" for s in stops)
            page.goto(host.url(f"{prefix}signs.html"))
            page.focus('.md-header label[for="__drawer"]')
            page.keyboard.press("Enter")
            stop = page.evaluate(FOCUS) or {"cls": "(nothing)"}
            assert "md-nav__link" in stop["cls"] and stop["onscreen"] and stop["outline"], (where, stop)
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS) or {"cls": "(nothing)"}
            assert "md-nav__link" in stop["cls"] and stop["onscreen"] and stop["outline"], (where, stop)
            page.keyboard.press("Escape")
            assert page.evaluate(FOCUS)["for"] == "__drawer", where
        context.close()

    # English and Arabic, each way of reading: Spanish and Swahili pages are laid out as the English ones are, their
    # words aside (their names and languages are judged on every page by the audit in test_browser.py)
    browsers.map(tab_through, [(tag, LOCALES[tag], viewport) for tag in ("en", "ar")
                               for viewport in (PHONE, DESKTOP)])


SKIPPED = """() => {
  const target = document.getElementById(location.hash.slice(1)), active = document.activeElement;
  return !!target && target.closest('.md-content') !== null && active !== document.body
    && !!(target.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING)
    && !active.closest('.md-header, .md-banner, .md-sidebar');
}"""


def ui_theme_language_label(page: Page) -> str:
    """The accessible name Material gives its language button on this page."""
    return page.get_attribute(".md-select > button", "aria-label") or ""


def test_language_switcher_works_by_keyboard(browser: Browser, host: StaticHost) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    fast_animations(context, page)
    page.goto(host.url("signs.html"))
    page.focus('.md-select__link[hreflang="ar"]')
    assert page.evaluate(FOCUS)["onscreen"]
    page.keyboard.press("Enter")
    page.wait_for_url(host.url("ar/signs.html"))
    context.close()


def test_emergency_banner_is_announced(browser: Browser, host: StaticHost) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    for tag, prefix in LOCALES.items():
        page.goto(host.url(f"{prefix}index.html"))
        tree = page.locator(".cp-banner").aria_snapshot()
        assert f'region "{ui(tag, "banner.label")}"' in tree, (tag, tree)
        assert re.search(r'link "[^"]*\w[^"]*911[^"]*"', tree), (tag, tree)
    context.close()


def test_a_printed_qr_code_for_a_renamed_page_opens_the_new_page(browser: Browser, host: StaticHost) -> None:
    """The old address of a renamed page (redirects: in toolkit.yml) goes on to the new page, in its language."""
    context = new_context(browser, PHONE)
    page = context.new_page()
    for tag in ("en", "ar"):
        page.goto(host.url(f"{LOCALES[tag]}looking-after-yourself.html"))
        page.wait_for_url(host.url(f"{LOCALES[tag]}self-care.html"), timeout=5000)
        assert page.locator("h1").first.inner_text() not in ("", ui(tag, "moved.title"))
    context.close()


def test_a_service_website_does_not_learn_where_the_reader_came_from(browser: Browser, host: StaticHost) -> None:
    context = new_context(browser)
    page = context.new_page()
    headers: list[dict[str, str]] = []

    def service(route: Any) -> None:
        headers.append(route.request.headers)
        route.fulfill(status=200, content_type="text/html", body="<title>A service</title>")

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), service)
    page.goto(host.url("es/services.html"))
    page.click('.md-content a[href^="https://"]')
    page.wait_for_load_state()
    assert headers and not any("referer" in h for h in headers), headers
    context.close()


def search_query(site: Path, prefix: str) -> str:
    """Words this language's own index has: the title of the signs page."""
    index = json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
    return next(d["title"] for d in index["docs"] if d["location"] == "signs.html")


def search(page: Page, query: str) -> list[str]:
    """Type a query into the theme's search box and return the result links."""
    page.click(".md-search__input") if page.is_visible(".md-search__input") else page.click('label[for="__search"]')
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def test_search_loads_only_when_used_and_searches_the_page_language(
    browser: Browser, host: StaticHost, example: Built
) -> None:
    for tag, prefix in LOCALES.items():
        context = new_context(browser)
        page = context.new_page()
        mark = host.mark()
        page.goto(host.url(f"{prefix}index.html"))
        host.settle(page)
        assert not [s.path for s in host.since(mark) if "search" in s.path], tag
        links = search(page, search_query(example.site, prefix))
        paths = [s.path for s in host.since(mark)]
        assert f"/{prefix}search/search_index.json" in paths, (tag, paths)
        assert links and all(link.startswith(host.url(prefix)) for link in links), (tag, links)
        others = [p for p in LOCALES.values() if p and p != prefix]
        assert not any(link.startswith(host.url(o)) for link in links for o in others), (tag, links)
        assert page.evaluate("window.__cp.csp") == [], tag
        storage = page.evaluate(STORAGE)
        assert all(THEME_PREFERENCES.search(k) for k in storage["local"] + storage["session"]), (tag, storage)
        context.close()


def search_from_files(browser: Browser, site: Path, prefix: str) -> tuple[list[str], list[str], list[str]]:
    """Open a page straight from the built files and search it: result links, requests, errors."""
    context = new_context(browser)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / prefix / "signs.html").as_uri())
    assert page.is_visible(".cp-banner"), prefix
    links = search(page, search_query(site, prefix))
    errors += page.evaluate("window.__cp.csp")
    context.close()
    return links, requests, errors


def test_site_works_opened_from_files_search_included(browser: Browser, example: Built) -> None:
    for tag, prefix in LOCALES.items():
        links, requests, errors = search_from_files(browser, example.site, prefix)
        folder = (example.site / prefix).as_uri().rstrip("/") + "/"
        assert links and all(link.startswith(folder) for link in links), (tag, links)
        assert not [u for u in requests if not u.startswith(("file:", "data:", "about:"))], (tag, requests)
        assert not errors, (tag, errors)


# -- what a person looks at ----------------------------------------------------------------------------------

SCREENSHOT_PAGES = ("index", "signs", "first-support", "referral", "services")
# On a desktop the page's own part is laid out as on a phone, only wider, beside the same navigation: the home page
# and one page of content show it (a full-page picture of a long page at 1280 px is the costliest of them all).
DESKTOP_SCREENSHOT_PAGES = ("index", "signs")


def test_screenshots(browsers: BrowserPool, host: StaticHost, request: pytest.FixtureRequest) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(browser: Browser, how: tuple[dict[str, int], str]) -> list[Path]:
        """The screenshots of one language at one viewport."""
        viewport, tag = how
        shots = []
        context = new_context(browser, viewport, device_scale_factor=1)
        page = context.new_page()
        for name in SCREENSHOT_PAGES if viewport is PHONE else DESKTOP_SCREENSHOT_PAGES:
            page.goto(host.url(f"{LOCALES[tag]}{name}.html"))
            target = SCREENSHOTS / f"{tag}-{viewport['width']}px-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            shots.append(target)
        if viewport is PHONE:
            page.goto(host.url(f"{LOCALES[tag]}signs.html"))
            set_text_size(context, page, 200)  # after loading: a new page starts at the default size
            target = SCREENSHOTS / f"{tag}-360px-text200-signs.png"
            page.screenshot(path=str(target))
            shots.append(target)
        context.close()
        return shots

    written = [shot for shots in browsers.map(shoot, [(viewport, tag) for viewport in (PHONE, DESKTOP)
                                                      for tag in ("en", "ar")]) for shot in shots]
    assert all(p.stat().st_size > 5_000 for p in written)
    report(request, [f"screenshots at 360 and 1280 px ({len(written)}):", *(f"  {p}" for p in written)])


BOX = "el => { const b = el.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; }"


def front_pages(browser: Browser, host: StaticHost) -> Iterator[tuple[str, dict[str, int], Page]]:
    """The home page in English and Arabic, on a phone and on a desktop: (language, viewport, page)."""
    for tag in ("en", "ar"):
        for viewport in (PHONE, DESKTOP):
            context = new_context(browser, viewport)
            page = context.new_page()
            page.goto(host.url(f"{LOCALES[tag]}index.html"))
            yield tag, viewport, page
            context.close()


def test_call_buttons_on_the_first_screen_of_a_phone(browser: Browser, host: StaticHost) -> None:
    crisis = next(s for s in yaml.safe_load((ROOT / "content/services.yml").read_text(encoding="utf-8"))["services"]
                  if s["id"] == yaml.safe_load((ROOT / "content/toolkit.yml").read_text())["crisis"]["service"])
    for tag, viewport, page in front_pages(browser, host):
        where = f"{tag} at {viewport['width']} px"
        kinds = ["emergency", "crisis", *(["text"] if crisis.get("sms") else [])]
        for kind in kinds:
            button = page.locator(f".cp-help-now a.cp-call--{kind}")
            assert button.count() == 1, (where, kind)
            box = button.evaluate(BOX)
            # on the first screen, without scrolling, whole; big enough for any thumb
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (where, kind, box)
            assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], (where, kind, box)
            assert box["height"] >= (48 if kind != "text" else 44) and box["width"] >= 48, (where, kind, box)
        scheme = {"emergency": "tel:911", "crisis": "tel:+1", "text": "sms:+1"}
        for kind, href in scheme.items():
            if kind in kinds:
                assert page.get_attribute(f".cp-help-now a.cp-call--{kind}", "href").startswith(href), where
        hours = page.locator(".cp-help-now a.cp-call--crisis .cp-call__open").text_content() or ""
        assert hours.strip() == ui(tag, "hours.short_always"), (where, hours)  # when it answers, beside it


TARGETS = """() => [...document.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].map(a => {
  const b = a.getBoundingClientRect();
  return {href: a.getAttribute('href'), height: b.height, width: b.width, banner: !!a.closest('.cp-banner'),
          where: (a.closest('[class*="cp-"]:not(.cp-call)') || a).className,
          summary: !!a.closest('.cp-summary'), report: !!a.closest('.cp-report'),
          hours: !!(a.closest('.cp-calls') || a).querySelector('.cp-hours, .cp-call__open')};
})"""


def test_numbers_to_call_are_buttons_with_their_hours(browser: Browser, host: StaticHost) -> None:
    for tag in ("en", "ar"):
        context = new_context(browser, PHONE)
        page = context.new_page()
        for name in ("index", "signs", "first-support", "referral", "services"):
            page.goto(host.url(f"{LOCALES[tag]}{name}.html"))
            where = f"{tag}/{name}"
            for target in page.evaluate(TARGETS):
                # WCAG 2.5.8 asks 24 px at least; a number to call in the page is a 44 px button
                assert target["height"] >= (24 if target["banner"] else 44), (where, target)
                assert target["width"] >= (24 if target["banner"] else 44), (where, target)
                # every service's number says when it answers (a message to the maintainers is no service)
                exempt = target["banner"] or target["summary"] or target["report"]
                if not (exempt or target["href"].startswith("tel:911")):
                    assert target["hours"], (where, target)
        page.goto(host.url(f"{LOCALES[tag]}signs.html"))
        flags = page.eval_on_selector_all(".cp-red-flags a.cp-call", "links => links.map(a => a.getAttribute('href'))")
        assert "tel:911" in flags and any(h.startswith("tel:+1") for h in flags), (tag, flags)
        page.goto(host.url(f"{LOCALES[tag]}first-support.html"))
        step = page.eval_on_selector_all(".cp-step:has(#ask-about-suicide) a.cp-call",
                                         "links => links.map(a => a.getAttribute('href'))")
        assert any(h.startswith("tel:+1") for h in step), (tag, step)
        context.close()


def test_quick_exit_at_the_top_never_over_the_page(browser: Browser, host: StaticHost) -> None:
    for tag, viewport, page in front_pages(browser, host):
        where = f"{tag} at {viewport['width']} px"
        exit_link = page.locator(".md-header .cp-exit__link")
        assert exit_link.count() == 1, where
        box = exit_link.evaluate(BOX)
        header = page.locator(".md-header").evaluate(BOX)
        assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"], where
        assert box["y"] + box["height"] <= 200 and box["height"] >= 24, (where, box)  # at the top, tappable
        overlaps = page.evaluate(OVERLAPS, ".md-header .cp-exit__link")
        assert not overlaps, (where, overlaps)
        # visibly not the emergency call: another colour, another shape, no number
        looks = page.evaluate(LOOKS)
        assert looks["exit"] != looks["call"], (where, looks)
        assert not (page.get_attribute(".cp-exit__link", "href") or "").startswith(("tel:", "sms:")), where
        # still there, on top of nothing, when the reader has scrolled down
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        page.wait_for_timeout(50)
        box = exit_link.evaluate(BOX)
        assert 0 <= box["y"] and box["y"] + box["height"] <= 200, (where, box)
        assert page.evaluate(ON_TOP, ".md-header .cp-exit__link"), where


OVERLAPS = """(selector) => {
  const a = document.querySelector(selector).getBoundingClientRect();
  const hit = el => {
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  };
  const others = '.md-content *, .cp-banner *, .md-header__title, .md-header__button, .md-search';
  return [...document.querySelectorAll(others)]
    .filter(el => !el.closest('.cp-exit') && hit(el)).map(el => el.tagName + '.' + el.className);
}"""
ON_TOP = """(selector) => {
  const el = document.querySelector(selector), b = el.getBoundingClientRect();
  const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
  return !!top && el.contains(top);
}"""
LOOKS = """() => {
  const style = sel => { const s = getComputedStyle(document.querySelector(sel));
    return [s.backgroundColor, s.color, s.borderRadius].join(' '); };
  return {exit: style('.cp-exit__link'), call: style('a.cp-call--emergency')};
}"""


def ltr_values() -> list[str]:
    """What a right-to-left page must keep left to right: numbers, web and e-mail addresses, street addresses."""
    from carepath.model import parse_phone

    toolkit = yaml.safe_load((ROOT / "content/toolkit.yml").read_text(encoding="utf-8"))
    services = yaml.safe_load((ROOT / "content/services.yml").read_text(encoding="utf-8"))["services"]
    values = {parse_phone(str(toolkit["emergency"]["phone"]), toolkit["region"]).display}
    for service in services:
        values |= {parse_phone(service[k], toolkit["region"]).display for k in ("phone", "sms") if service.get(k)}
        values |= {service[k] for k in ("email", "address") if service.get(k)}
        if service.get("url"):
            values.add(re.sub(r"^https?://", "", service["url"]).rstrip("/"))
    return sorted(values, key=len, reverse=True)


NOT_ISOLATED = """([values, papers]) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent, parent = node.parentElement;
    if (!parent || parent.closest('script, style, .md-search, .md-nav, .md-footer, [hidden]')) continue;
    const isolated = !!parent.closest('bdi, [dir=ltr]');
    if (isolated) continue;
    for (const value of values) if (text.includes(value)) found.push(value + ' in ' + parent.outerHTML.slice(0, 120));
    if (parent.closest('.cp-print__link') && papers.some(p => text.includes(p))) found.push('paper: ' + text);
  }
  return found;
}"""


def test_left_to_right_values_are_isolated_on_right_to_left_pages(
    browser: Browser, host: StaticHost, example: Built
) -> None:
    values = ltr_values()
    papers = ["A4", "Letter"]
    context = new_context(browser, PHONE)
    page = context.new_page()
    checked = 0
    for path in site_pages(example.site / "ar"):
        relative = path.relative_to(example.site).as_posix()
        page.goto(host.url(relative))
        assert page.get_attribute("html", "dir") == "rtl", relative
        problems = page.evaluate(NOT_ISOLATED, [values, papers])
        assert not problems, (relative, problems[:5])
        text = page.locator("body").inner_text()
        assert "/https://" not in text and not re.search(r"/[a-z0-9.-]+\.example\b", text), relative
        checked += sum(text.count(v) for v in values)
    context.close()
    assert checked >= 40  # the banner's numbers on every page, the services page's addresses and more


# -- quick exit ----------------------------------------------------------------------------------------------


# The languages the quick-exit variants keep: the switch is the same for every language, so two suffice (the pages
# of four languages, built twice over, were a quarter of this file's time with nothing built yet)
EXIT_LANGUAGES = ("en", "es")


def build_with_quick_exit(target: Path, enabled: bool, url: str | None) -> Path:
    """A copy of the example in EXIT_LANGUAGES with `extra.carepath_quick_exit` on or off (and an exit URL): its
    website, checked and built as `build` builds it (the PDFs, which the switch does not touch, left out)."""
    root = copy_toolkit(target / "toolkit")
    for locale in (root / "locales").glob("*.yml"):
        if locale.stem not in EXIT_LANGUAGES:
            locale.unlink()
            shutil.rmtree(root / "content" / locale.stem)
            published = root / "content/published.yml"  # as if the toolkit had never published it
            published.write_text(published.read_text(encoding="utf-8").replace(f'  - "{locale.stem}"\n', ""),
                                 encoding="utf-8")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config.setdefault("extra", {})["carepath_quick_exit"] = enabled
    if url:
        config["extra"]["carepath_quick_exit_url"] = url
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return build_site(root, target)


@pytest.fixture(scope="module")
def exit_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, StaticHost]]:
    """The example with the quick exit switched off, and with it leaving for a configured site."""
    variants = {"off": (False, None), "url": (True, NEUTRAL)}
    sites = {name: build_with_quick_exit(tmp_path_factory.mktemp(f"exit-{name}"), *how)
             for name, how in variants.items()}
    hosts = {name: StaticHost(site) for name, site in sites.items()}
    yield hosts
    for served in hosts.values():
        served.close()


def test_quick_exit_is_on_in_the_example_and_a_fork_can_switch_it_off(
    example: Built, exit_hosts: dict[str, StaticHost]
) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["extra"]["carepath_quick_exit"] is True
    assert all("data-cp-exit" in p.read_text(encoding="utf-8") for p in site_pages(example.site))
    off = exit_hosts["off"].root
    assert {p.relative_to(off).parts[0] for p in site_pages(off)} >= {"es", "index.html"}
    assert not any("data-cp-exit" in p.read_text(encoding="utf-8") for p in site_pages(off))


def test_quick_exit_one_tap_leaves_and_back_does_not_return(browser: Browser, host: StaticHost) -> None:
    for tag, prefix in LOCALES.items():
        context = new_context(browser, PHONE, has_touch=True)
        page = context.new_page()
        page.goto("data:text/html,<title>before</title><p>before")
        page.goto(host.url(f"{prefix}signs.html"))
        length = page.evaluate("history.length")
        page.click(".md-footer__link--next")  # moving on inside the site adds no history entry
        page.wait_for_url(host.url(f"{prefix}first-support.html"))
        assert page.evaluate("history.length") == length, tag
        exit_link = page.locator(".cp-exit__link")
        assert exit_link.text_content().strip() == ui(tag, "exit.label"), tag
        box = exit_link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (tag, box)
        assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 24, (tag, box)  # on screen, tappable
        exit_link.tap()
        page.wait_for_url("about:blank")
        page.go_back()
        assert page.url.startswith("data:"), (tag, page.url)  # Back skips the whole visit
        context.close()


def test_quick_exit_escape_key(browser: Browser, host: StaticHost) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.goto(host.url("ar/services.html"))
    page.click(".md-search__input")
    page.keyboard.press("Escape")  # closes the search first
    assert page.url == host.url("ar/services.html")
    page.keyboard.press("Escape")
    page.wait_for_url("about:blank")
    context.close()


def test_quick_exit_escape_closes_an_open_menu_first(browser: Browser, host: StaticHost) -> None:
    context = new_context(browser, PHONE)
    page = context.new_page()
    page.goto(host.url("signs.html"))
    page.focus('.md-header label[for="__drawer"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.keyboard.press("Escape")  # closes the menu, like the search
    assert page.url == host.url("signs.html") and not page.evaluate("document.getElementById('__drawer').checked")
    page.keyboard.press("Escape")
    page.wait_for_url("about:blank")
    context.close()


def test_quick_exit_to_a_configured_site_sends_no_referrer(
    browser: Browser, exit_hosts: dict[str, StaticHost]
) -> None:
    served = exit_hosts["url"]
    context = new_context(browser, PHONE)
    page = context.new_page()
    headers: list[dict[str, str]] = []

    def neutral(route: Any) -> None:
        headers.append(route.request.headers)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Sunny")

    page.route(NEUTRAL + "**", neutral)
    page.goto(served.url("es/referral.html"))
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    assert headers and not any("referer" in h for h in headers), headers
    context.close()


def test_quick_exit_is_accessible(
    browser: Browser, host: StaticHost, axe_source: str, request: pytest.FixtureRequest
) -> None:
    for tag in ("en", "ar"):
        context = new_context(browser, PHONE)
        page = context.new_page()
        fast_animations(context, page)
        page.goto(host.url(f"{LOCALES[tag]}signs.html"))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{tag}-360px-quick-exit.png"
        page.screenshot(path=str(target))
        report(request, [f"  {target}"])
        serious = [v for v in run_axe(page, axe_source) if v["impact"] in BLOCKING]
        assert not serious, (tag, serious)
        stops = []
        for _ in range(10):  # the skip link, the banner's numbers, the menu, then the exit
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS))
        exit_stop = next((s for s in stops if s and "cp-exit__link" in s["cls"]), None)
        assert exit_stop and exit_stop["onscreen"] and exit_stop["outline"], (tag, stops)
        assert page.get_attribute(".cp-exit__link", "aria-keyshortcuts") == "Escape"
        context.close()
