"""Every page of the example's website in every language, audited in real headless Chromium: privacy (requests,
scripts, storage, content security policy), accessibility (axe-core, phone links, reflow) and weight.

What a reader does on the site (keyboard, search, quick exit, screenshots) is in test_reader.py: two files, so that
the two test processes each drive browsers while the other works."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from browser import (
    BLOCKING,
    CHROMIUM,
    DESKTOP,
    OVERFLOW,
    PHONE,
    PHONE_LINKS,
    STORAGE,
    THEME_PREFERENCES,
    BrowserPool,
    StaticHost,
    axe_script,
    axe_version,
    is_own,
    locale_of,
    new_context,
    report,
    run_axe,
    set_text_size,
    skip_without_chromium,
)
from conftest import LOCALES, Built, site_pages

skip_without_chromium()

from playwright.sync_api import Browser, BrowserContext, Page  # noqa: E402

BUDGET = 100_000  # bytes a first visit of a content page may transfer, gzipped as a static host sends it
REPEAT_BUDGET = 5_000  # bytes a repeat visit may transfer: revalidation headers, no bodies
IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass
class PageAudit:
    """What one page did in the browser."""

    relative: str
    locale: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    first_bytes: int = 0
    first_requests: int = 0
    repeat_bytes: int = 0
    repeat_requests: int = 0
    overflow: dict[str, dict[str, int]] = field(default_factory=dict)
    storage: dict[str, Any] = field(default_factory=dict)
    cookies: list[Any] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    csp: str = ""
    phones: list[dict[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # what ran: own files by path, inline ones by first words
    foreign: list[str] = field(default_factory=list)  # scripts that ran and are not carepath's or the theme's


# Script files the site ships: the theme's bundle, carepath's script, and each language's offline search index.
OWN_SCRIPTS = re.compile(
    r"/(assets/javascripts/(bundle\.[0-9a-f]{8}\.min|carepath)|([a-z-]+/)?search/search_index)\.js$"
)


def record_scripts(context: BrowserContext, page: Page, url: str) -> list[dict[str, Any]]:
    """Every script V8 compiles in the page at `url`, as Chromium's debugger reports it (inline, file or handler)."""
    session = context.new_cdp_session(page)
    parsed: list[dict[str, Any]] = []

    def seen(event: dict[str, Any]) -> None:
        where = event.get("url", "")
        # the source of what the page itself holds (inline scripts, handlers); files are judged by their path
        inline = where.split("#")[0] == url
        source = session.send("Debugger.getScriptSource", {"scriptId": event["scriptId"]})["scriptSource"] if (
            inline) else ""
        parsed.append({"url": where, "source": source})

    session.on("Debugger.scriptParsed", seen)
    session.send("Debugger.enable")
    return parsed


def judge_scripts(parsed: list[dict[str, Any]], url: str, relative: str) -> tuple[list[str], list[str]]:
    """The scripts that ran on a page, and those among them that are neither carepath's nor the theme's."""
    from carepath.write.hooks import known_scripts

    depth = relative.count("/")
    known = known_scripts("/".join([".."] * depth) or ".")
    ran, foreign = [], []
    for script in parsed:
        where, source = script["url"], script["source"]
        if not where:
            continue  # evaluated by the test itself through DevTools (Playwright, axe-core)
        if where.split("#")[0] == url:
            name = f"inline: {source[:40]}"
            if source not in known:
                foreign.append(name)
        else:
            name = where
            origin = "/".join(url.split("/", 3)[:3]) + "/"
            if not (where.startswith(origin) and OWN_SCRIPTS.search(where.split("?")[0])):
                foreign.append(name)
        ran.append(name)
    return ran, foreign


# Languages whose pages axe also audits laid out for a desktop (every page is audited at 360 px): the source
# language and a right-to-left one. The others are laid out as the source is, their words aside, and axe's rules
# on words (names, contrast, language) are judged at 360 px on every page. The colours of the desktop layout (its
# navigation beside the page) are the same in every language: the right-to-left desktop pages are audited without
# color-contrast, axe's costliest rule (1.7 s of 2 s on the directory page).
DESKTOP_AUDITED = {"en": (), "ar": ("color-contrast",)}


# Pages visited a second time, as a returning reader would (one per language): every page is served alike (the same
# host, the same theme files), so what a repeat visit sends is the same for all.
REPEATED = {f"{prefix}index.html" for prefix in LOCALES.values()}


def audit_page(browser: Browser, host: StaticHost, relative: str, axe_source: str) -> PageAudit:
    """Visit a page as a first-time reader and check it; visit it again if it is one of REPEATED."""
    result = PageAudit(relative, locale_of(relative))
    viewports = (DESKTOP, PHONE) if result.locale in DESKTOP_AUDITED else (PHONE,)
    context = new_context(browser, viewports[0])  # laid out once at the first width audited, not also at another
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    parsed = record_scripts(context, page, host.url(relative))
    mark = host.mark()
    page.goto(host.url(relative))
    host.settle(page)
    result.scripts, result.foreign = judge_scripts(parsed, host.url(relative), relative)
    first = host.since(mark)
    result.first_bytes, result.first_requests = sum(s.total for s in first), len(first)
    result.failed = [f"{s.status} {s.path}" for s in first if s.status >= 400]

    seen = set()
    for viewport in viewports:
        page.set_viewport_size(viewport)
        skip = DESKTOP_AUDITED[result.locale] if viewport is DESKTOP else ()
        for violation in run_axe(page, axe_source, skip):
            key = (violation["id"], tuple(violation["targets"]))
            if key not in seen:
                seen.add(key)
                result.violations.append(violation)
    result.overflow["360 px"] = page.evaluate(OVERFLOW)
    set_text_size(context, page, 200)
    page.wait_for_timeout(50)
    result.overflow["360 px, text 200%"] = page.evaluate(OVERFLOW)
    set_text_size(context, page, 100)

    result.storage = page.evaluate(STORAGE)
    result.csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content") or ""
    result.phones = page.evaluate(PHONE_LINKS)
    result.csp_violations = page.evaluate("window.__cp.csp")

    if relative in REPEATED:
        mark = host.mark()
        page.goto(host.url(relative))
        host.settle(page)
        again = host.since(mark)
        result.repeat_bytes, result.repeat_requests = sum(s.total for s in again), len(again)
        result.failed += [f"{s.status} {s.path}" for s in again if s.status >= 400]
        result.csp_violations += page.evaluate("window.__cp.csp")
    result.cookies = context.cookies()
    result.external = sorted({u for u in requests if not is_own(u, host.origin)})
    context.close()
    return result


def summary(audits: dict[str, PageAudit], seconds: float) -> list[str]:
    """The per-language figures the closing note of the issue asks for."""
    lines = [
        f"browser audit: Chromium {CHROMIUM}, axe-core {axe_version(axe_script())} (WCAG 2.2 A/AA rules), "
        f"{len(audits)} pages in {seconds:.0f} s; first visit gzipped as a static host sends it, budget {BUDGET:,} B",
        f"{'locale':<7}{'pages':>6}  {'axe critical/serious/moderate/minor':<36}{'external':>9}"
        f"{'largest first visit':>22}  {'largest repeat':>15}",
    ]
    for tag in LOCALES:
        mine = [a for a in audits.values() if a.locale == tag]
        if not mine:
            continue
        impacts = Counter(v["impact"] for a in mine for v in a.violations)
        heaviest = max(mine, key=lambda a: a.first_bytes)
        repeat = max(a.repeat_bytes for a in mine)
        lines.append(
            f"{tag:<7}{len(mine):>6}  {'/'.join(str(impacts.get(i, 0)) for i in IMPACTS):<36}"
            f"{sum(len(a.external) for a in mine):>9}{heaviest.first_bytes:>12,} B {heaviest.relative:<8}"
            f"{repeat:>8,} B"
        )
    return lines


@pytest.fixture(scope="module")
def audits(
    browsers: BrowserPool, example: Built, axe_source: str, request: pytest.FixtureRequest
) -> Iterator[dict[str, PageAudit]]:
    """Every page of every language of the example, audited once (the browsers side by side)."""
    started = time.perf_counter()
    pages = [p.relative_to(example.site).as_posix() for p in site_pages(example.site)]

    def audit(browser: Browser, relative: str) -> PageAudit:
        served = StaticHost(example.site)  # a host of the page's own: what it sent is this page's alone
        try:
            return audit_page(browser, served, relative, axe_source)
        finally:
            served.close()

    found = dict(zip(pages, browsers.map(audit, pages), strict=True))
    lines = summary(found, time.perf_counter() - started)
    yield found
    report(request, lines)


# -- privacy -------------------------------------------------------------------------------------------------


def test_every_page_of_every_language_is_audited(audits: dict[str, PageAudit]) -> None:
    assert {a.locale for a in audits.values()} == set(LOCALES)
    assert all(len([a for a in audits.values() if a.locale == tag]) >= 8 for tag in LOCALES)


def test_no_request_leaves_the_site(audits: dict[str, PageAudit]) -> None:
    leaks = {r: a.external for r, a in audits.items() if a.external}
    assert not leaks, f"requests to other hosts: {leaks}"
    broken = {r: a.failed for r, a in audits.items() if a.failed}
    assert not broken, f"requests that failed: {broken}"


def test_content_security_policy_forbids_other_hosts(audits: dict[str, PageAudit]) -> None:
    own = ("'none'", "'self'", "data:")
    for relative, audit in audits.items():
        directives = dict([*d.strip().split(" ", 1), ""][:2] for d in audit.csp.split(";") if d.strip())
        assert directives.get("default-src") == "'none'", (relative, audit.csp)
        assert directives.get("frame-src") == "'none'", (relative, audit.csp)
        assert "'unsafe-inline'" not in audit.csp and "'unsafe-eval'" not in audit.csp, (relative, audit.csp)
        for name in ("script-src", "style-src", "connect-src", "frame-src", "font-src", "img-src", "worker-src"):
            sources = directives.get(name, "").split()
            assert sources, (relative, name)
            others = [s for s in sources if s not in own and not s.startswith("'sha256-")]
            assert not others, (relative, name, sources)
        assert audit.csp_violations == [], (relative, audit.csp_violations)


def test_no_script_runs_but_carepaths_own(audits: dict[str, PageAudit]) -> None:
    for relative, audit in audits.items():
        assert audit.scripts, f"{relative}: the debugger saw no script at all"
        assert any("carepath.js" in s for s in audit.scripts), (relative, audit.scripts)
        assert any(s.startswith("inline: __md_scope") for s in audit.scripts), (relative, audit.scripts)
        assert audit.foreign == [], (relative, audit.foreign)


def test_nothing_read_is_stored(audits: dict[str, PageAudit]) -> None:
    for relative, audit in audits.items():
        stored = audit.storage
        assert audit.cookies == [] and stored["cookie"] == "", relative
        assert all(THEME_PREFERENCES.search(k) for k in stored["local"] + stored["session"]), (relative, stored)
        assert stored["caches"] == [] and stored["workers"] == 0 and stored["databases"] == [], (relative, stored)


# -- accessibility -------------------------------------------------------------------------------------------


def test_axe_finds_nothing_serious(audits: dict[str, PageAudit]) -> None:
    problems = [
        f"{relative}: {v['id']} ({v['impact']}) {v['help']} at {', '.join(v['targets'][:3])}"
        for relative, audit in audits.items() for v in audit.violations if v["impact"] in BLOCKING
    ]
    assert not problems, "axe-core, WCAG 2.2 A/AA:\n" + "\n".join(problems)


def test_phone_links_have_readable_labels(audits: dict[str, PageAudit]) -> None:
    checked = 0
    for relative, audit in audits.items():
        for link in audit.phones:
            name = link["label"] or link["text"]
            assert re.search(r"[^\W\d_]", name), (relative, link)  # words, not only digits
            assert link["text"] in name, (relative, link)  # what is read contains what is seen
            checked += 1
    assert checked >= len(audits)  # at least the banner's on every page


def test_no_horizontal_scrolling_on_a_phone(audits: dict[str, PageAudit]) -> None:
    wide = {
        (relative, how): size for relative, audit in audits.items()
        for how, size in audit.overflow.items() if size["scroll"] > size["client"]
    }
    assert not wide, f"wider than the screen (scrollWidth > clientWidth): {wide}"


# -- weight and offline --------------------------------------------------------------------------------------


def test_first_visit_within_budget_and_repeat_visit_near_nothing(audits: dict[str, PageAudit]) -> None:
    heavy = {r: a.first_bytes for r, a in audits.items() if a.first_bytes > BUDGET}
    assert not heavy, f"first visit over {BUDGET:,} B: {heavy}"
    assert all(audits[r].repeat_requests > 0 for r in REPEATED), "every language's home page is visited again"
    again = {r: a.repeat_bytes for r, a in audits.items() if a.repeat_bytes > REPEAT_BUDGET}
    assert not again, f"repeat visit over {REPEAT_BUDGET:,} B: {again}"
