"""Helpers for the browser tests: Debian's Chromium through Playwright, axe-core, and a local static host."""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import queue
import re
import shutil
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from conftest import LOCALES, NOTES, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
    # without these Chromium calls home (updates, field trials, sync) on a network that has no home
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--metrics-recording-only", "--no-pings",
    # less work per page, the same page: every page the tests visit is of one origin (no site isolation to keep),
    # and the browser's own services a page never uses (translation, optimization hints, media routing) stay off;
    # no paint held back on a same-origin navigation. A tenth less Chromium CPU in the audit (84 -> 77, 78 -> 65 s)
    "--disable-site-isolation-trials", "--disable-extensions",
    "--disable-features=site-per-process,IsolateOrigins,Translate,OptimizationHints,MediaRouter,PaintHolding",
]
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe-core tags with these
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# what a static host compresses before sending; images and PDFs go as they are
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
# a phone: 360 CSS pixels wide
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# axe-core impacts that fail a test
BLOCKING = ("serious", "critical")
# what Material for MkDocs keeps in the browser: the reader's own theme preferences, nothing read
THEME_PREFERENCES = re.compile(r"\.(__palette|__tabs|__consent|__announce)$")


class BrowserPool:
    """Headless Chromium browsers side by side, each driven from a thread of its own (Playwright's objects belong to
    the thread that made them): map(function, items) calls function(browser, item) for every item, each on the
    first browser that is free, and returns the results in the order of the items (or raises the first error).

    A page spends much of its time waiting (for the network to settle, for axe-core, for a transition), so two
    browsers get through a list of pages in little more than half the time, even on two cores.
    """

    def __init__(self, size: int, executable: str, args: list[str]) -> None:
        self.tasks: queue.SimpleQueue[tuple[Callable[[Any, Any], Any], Any, Future[Any]] | None] = queue.SimpleQueue()
        started: list[Future[None]] = [Future() for _ in range(size)]
        self.threads = [threading.Thread(target=self._drive, args=(executable, args, ready), daemon=True)
                        for ready in started]
        for thread in self.threads:
            thread.start()
        for ready in started:
            ready.result(timeout=120)  # a browser that cannot start fails here, with its error

    def _drive(self, executable: str, args: list[str], ready: Future[None]) -> None:
        """Start a browser and run the tasks this thread takes, until told to stop."""
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=args)
                ready.set_result(None)
                while (task := self.tasks.get()) is not None:
                    function, item, future = task
                    if future.set_running_or_notify_cancel():
                        try:
                            future.set_result(function(browser, item))
                        except BaseException as error:  # an assertion in the test's function: the test's to report
                            future.set_exception(error)
                browser.close()
        except BaseException as error:
            if not ready.done():
                ready.set_exception(error)
            raise

    def map(self, function: Callable[[Any, Any], Any], items: list[Any]) -> list[Any]:
        """function(browser, item) for every item, spread over the browsers."""
        futures: list[Future[Any]] = [Future() for _ in items]
        for item, future in zip(items, futures, strict=True):
            self.tasks.put((function, item, future))
        wait(futures)  # all of them, so that none is still running when the test ends
        return [future.result() for future in futures]

    def close(self) -> None:
        """Stop every browser."""
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join(timeout=60)


def chromium_path() -> str | None:
    """Debian's Chromium headless shell, else its Chromium (or $CHROMIUM): Playwright cannot download its own."""
    # the headless shell first: the same Blink and V8 without the browser's own interface, at half the CPU of the
    # full browser (measured on the audit of 40 pages: 127 s of CPU, not 239 s)
    names = ("chromium-headless-shell", "chromium")
    for candidate in (os.environ.get("CHROMIUM"), *(f"/usr/bin/{n}" for n in names), *map(shutil.which, names)):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def axe_script() -> Path:
    """axe-core's axe.min.js, as the axe-playwright-python package ships it."""
    path = Path(str(resources.files("axe_playwright_python") / "axe.min.js"))
    assert path.is_file(), f"axe.min.js missing from axe-playwright-python: {path}"
    return path


def axe_version(script: Path) -> str:
    """The axe-core version named in the script's first line, e.g. `4.12.1`."""
    first = script.read_text(encoding="utf-8")[:200]
    return first.split("axe v", 1)[1].split()[0] if "axe v" in first else "unknown"


def run_axe(page: Any, script_source: str, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core on the page's document with the WCAG 2.2 A/AA rules (but the rules in `skip`); return its
    violations."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")  # let resizes land
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(script_source + "\n;0")  # evaluated by DevTools, so the page's CSP allows it
    return page.evaluate(
        """async ([tags, skip]) => {
            const rules = Object.fromEntries(skip.map(id => [id, {enabled: false}]));
            const result = await axe.run(document,
                {runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' '))}));
        }""",
        [WCAG_TAGS, list(skip)],
    )


def fast_animations(context: Any, page: Any) -> None:
    """Run the page's CSS transitions 50 times faster, so focus checks need not wait for them."""
    session = context.new_cdp_session(page)
    session.send("Animation.enable")
    session.send("Animation.setPlaybackRate", {"playbackRate": 50})


@functools.lru_cache(maxsize=1024)
def gzip_size(data: bytes) -> int:
    """Bytes of `data` gzipped at the level static hosts commonly use (once per content: every page of a site
    sends the same theme files)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@dataclass
class Served:
    """One response the static host sent: path, status, header bytes and body bytes as sent over gzip."""

    path: str
    status: int
    header_bytes: int
    body_bytes: int

    @property
    def total(self) -> int:
        """Bytes on the wire for this response, near enough."""
        return self.header_bytes + self.body_bytes


@dataclass
class StaticHost:
    """The built site served from 127.0.0.1 like a plain static host: revalidate with Last-Modified, gzip."""

    root: Path
    log: list[Served] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Start serving on a free port in a background thread."""
        host = self
        lock = threading.Lock()

        class Handler(http.server.SimpleHTTPRequestHandler):
            """Serves files, tells caches to revalidate, and records what it sent."""

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def end_headers(self) -> None:
                """Ask caches to revalidate every time, as many static hosts do."""
                self.send_header("Cache-Control", "no-cache")
                super().end_headers()

            def send_response(self, code: int, message: str | None = None) -> None:
                """Remember the status of this response."""
                self.cp_status = code
                super().send_response(code, message)

            def flush_headers(self) -> None:
                """Count the header bytes, then send them."""
                self.cp_headers = sum(len(h) for h in getattr(self, "_headers_buffer", []))
                super().flush_headers()

            def copyfile(self, source: Any, outputfile: Any) -> None:
                """Send a file and count it as gzipped when a host would compress its type."""
                data = source.read()
                kind = self.guess_type(self.path.split("?")[0])
                self.cp_body = gzip_size(data) if kind.startswith(COMPRESSED_TYPES) else len(data)
                outputfile.write(data)

            def do_GET(self) -> None:
                """Serve, then log what was sent."""
                self.cp_status, self.cp_headers, self.cp_body = 0, 0, 0
                super().do_GET()
                with lock:
                    host.log.append(Served(self.path, self.cp_status, self.cp_headers, self.cp_body))

        class Server(http.server.ThreadingHTTPServer):
            """A threading server that does not print a traceback when the browser drops a connection."""

            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                """Ignore dropped connections; report anything else."""
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        handler = functools.partial(Handler, directory=str(self.root))
        self.server = Server(("127.0.0.1", 0), handler)
        # shutdown() waits for the serving loop's next look at its flag: every 50 ms, not the default 500
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, relative: str) -> str:
        """The URL of a file of the site."""
        return f"{self.origin}/{relative}"

    def mark(self) -> int:
        """A point in the log to count from."""
        return len(self.log)

    def since(self, mark: int) -> list[Served]:
        """Responses sent after `mark`."""
        return self.log[mark:]

    def settle(self, page: Any, quiet_ms: int = 100, limit_ms: int = 5_000) -> None:
        """Wait until the page has asked for nothing more for `quiet_ms` (faster than Playwright's networkidle)."""
        waited, count = 0, -1
        while count != len(self.log) and waited < limit_ms:
            count = len(self.log)
            page.wait_for_timeout(quiet_ms)
            waited += quiet_ms

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def is_own(url: str, origin: str) -> bool:
    """Whether a request stays on the site: its own origin, or data held in the page itself."""
    return url.startswith((origin + "/", "data:", "blob:", "about:"))


RECORDER = """
window.__cp = {csp: []};
document.addEventListener('securitypolicyviolation', e => window.__cp.csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`));
"""
STORAGE = """async () => ({
  local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie,
  caches: 'caches' in window ? await caches.keys() : [],
  workers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
  databases: indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [],
})"""
OVERFLOW = """() => {
  const root = document.documentElement;
  return {scroll: root.scrollWidth, client: root.clientWidth};
}"""
FOCUS = """async () => {
  const el = document.activeElement;
  const moving = document.getAnimations().filter(a => a.effect && a.effect.target && a.effect.target.contains(el));
  const settled = Promise.all(moving.map(a => a.finished.catch(() => null)));
  await Promise.race([settled, new Promise(resolve => setTimeout(resolve, 1000))]);  // let transitions end
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  const hidden = el.closest('[hidden], [aria-hidden=true]') !== null;
  let opacity = 1;
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    opacity *= +getComputedStyle(node).opacity;
  }
  return {
    tag: el.tagName.toLowerCase(), cls: el.className && el.className.baseVal === undefined ? el.className : '',
    text: (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
    href: el.getAttribute('href'), hreflang: el.getAttribute('hreflang'),
    role: el.getAttribute('role'), for: el.getAttribute('for'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onscreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight && opacity > 0.5
      && style.visibility !== 'hidden' && !hidden,
  };
}"""
PHONE_LINKS = """() => [...document.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].map(a => ({
  href: a.getAttribute('href'), text: a.textContent.trim(), label: a.getAttribute('aria-label') || '',
}))"""


def locale_of(relative: str) -> str:
    """The language of a built page from its path (the source language lives at the root)."""
    first = relative.split("/", 1)[0] + "/"
    return next((tag for tag, prefix in LOCALES.items() if prefix and prefix == first), "en")


def ui(tag: str, key: str) -> str:
    """An interface string of a language as locales/ has it, or English's."""
    for source in (tag, "en"):
        value = (yaml.safe_load((ROOT / f"locales/{source}.yml").read_text(encoding="utf-8"))["ui"] or {}).get(key)
        if value:
            return str(value)
    raise KeyError(key)


def report(request: pytest.FixtureRequest, lines: list[str]) -> None:
    """Lines for the terminal, shown at the end of the run whatever pytest captures (conftest.NOTES)."""
    NOTES.extend(lines)


def new_context(browser: Browser, viewport: dict[str, int] = DESKTOP, **options: Any) -> BrowserContext:
    """A fresh browser profile (empty cache) that records CSP violations on every page."""
    context = browser.new_context(viewport=viewport, **options)
    context.add_init_script(RECORDER)
    return context


def set_text_size(context: BrowserContext, page: Page, percent: int) -> None:
    """Set the browser's text size, as a reader's text-zoom setting does (100 = 16 px)."""
    session = context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100, "fixed": 13 * percent // 100}})
    session.detach()


CHROMIUM = chromium_path()


def skip_without_chromium() -> None:
    """Skip the calling test module on a machine without Chromium (never on CI, where a missing one fails)."""
    if CHROMIUM is None and not os.environ.get("CI"):
        pytest.skip("no Chromium: apt-get install chromium-headless-shell (or set $CHROMIUM)", allow_module_level=True)
