"""Shared fixtures: the example toolkit built once per session, with the real CLI; helpers to run the CLI
in this process, compare folders and count the PDFs a session renders."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("content", "locales", "templates", "print", "mkdocs.yml")
LOCALES = {"en": "", "es": "es/", "ar": "ar/", "sw": "sw/"}
# One PDF cache for every build a test session runs (and the developer's own builds): it is content-addressed,
# so a PDF is reused only when everything that decides its bytes is the same. Tests that must render cold
# give write_pdfs a cache of their own (private_cache), which the session's count of renders takes in too.
os.environ.setdefault("CAREPATH_CACHE_DIR", str(ROOT / ".carepath" / "cache"))
SHARED_CACHE = Path(os.environ["CAREPATH_CACHE_DIR"]) / "pdf"
PRIVATE_CACHE = "private-pdf-cache"  # the folder name of a test's own PDF cache


@dataclass
class Built:
    """A toolkit copied to a temporary folder and built there."""

    root: Path
    site: Path
    stderr: str


class Tags(HTMLParser):
    """Collects every start tag of an HTML page with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Tags named `tag` whose attributes contain `attrs` (class matched by word)."""
        def matches(a: dict[str, str]) -> bool:
            return all(
                v in a.get("class", "").split() if k == "class_" else a.get(k) == v for k, v in attrs.items()
            )

        found = [a for name, a in self.tags if name == tag and matches(a)]
        return found


def parse(path: Path) -> Tags:
    """Parse one built page."""
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def copy_toolkit(target: Path) -> Path:
    """Copy the example toolkit's sources (not its build output) into `target`."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def fingerprint(root: Path, parts: tuple[str, ...] | None = None) -> dict[str, str]:
    """A hash of every file under `root` (symbolic links by where they lead), by path relative to it.

    `parts`: only the files under these top-level names (e.g. SOURCES, what a build must never write to).
    Two folders, or one folder before and after, are the same when their fingerprints are equal.
    """
    found = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if parts is not None and key.split("/")[0] not in parts:
            continue
        if path.is_symlink():
            found[key] = "link:" + os.readlink(path)
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS --root ROOT` as a user would: a new Python process, its exit status and output.

    A build holds the session's rendering lock (rendering_alone): with pytest-xdist, two builds of the example
    never render the same PDFs side by side; the second reuses what the first put in the shared cache.
    """
    building = not args or args[0] == "build"
    with rendering_alone() if building else contextlib.nullcontext():
        return subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *args, "--root", str(root)],
            capture_output=True, text=True, timeout=600,
        )


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`build.py ARGS --root ROOT` run in this process: the CLI's own code (carepath.cli.main) with its exact
    output and exit status, without the seconds a new Python process spends importing carepath.

    For the commands that only read and write toolkit files (check, status, new-locale, export-po, import-po);
    builds go through run_build (the CLI in its own process) or carepath.commands.build.
    """
    from carepath.cli import main

    assert args and args[0] not in ("build", "serve"), "builds run in their own process: run_build"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--root", str(root)])
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())


# Fixtures that render PDFs or drive a browser: a test that uses one is slow (deselected by -m "not slow").
# (`example` is not among them: with the session's PDF cache warm its build takes seconds; the tests that build the
# example again are marked slow one by one.)
SLOW_FIXTURES = {
    "printed", "new_languages", "browser", "browsers", "host", "audits", "exit_hosts", "attacked", "shards",
}


# The test files that take longest, longest first (measured with --durations on two cores). pytest-xdist hands out
# whole files in collection order (pyproject.toml: --dist loadfile --no-loadscope-reorder), each to the first process
# that is nearly done with its last: longest first, the two processes finish close together. A browser file waits on
# Chromium more than it computes, so each is paired with a file that computes.
LONGEST_FIRST = (
    "test_browser.py", "test_print.py", "test_reader.py", "test_check.py", "test_attacks.py", "test_localize.py",
    "test_write.py", "test_shard.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark slow every test that uses a slow fixture; put the longest files first."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file keeps its own order


_HOLDING = [0]  # how deep this process is in rendering_alone


@contextlib.contextmanager
def rendering_alone() -> Iterator[None]:
    """Hold the session's rendering lock: with pytest-xdist, the processes that need the example's PDFs (`example`,
    `printed`, builds by run_build) take turns, so that the first renders them into the shared cache and the others
    reuse them. A process already holding it goes on (a fixture that holds it may call run_build)."""
    if _HOLDING[0]:
        _HOLDING[0] += 1
        try:
            yield
        finally:
            _HOLDING[0] -= 1
        return
    SHARED_CACHE.mkdir(parents=True, exist_ok=True)
    with open(SHARED_CACHE.parent / "tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _HOLDING[0] = 1
        try:
            yield
        finally:
            _HOLDING[0] = 0
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example toolkit, built once for the whole session with the real CLI."""
    root = copy_toolkit(tmp_path_factory.mktemp("example"))
    with rendering_alone():
        result = run_build(root, "build")
    assert result.returncode == 0, result.stderr
    return Built(root, root / "site", result.stderr)


def copy_built(built: Path, target: Path) -> Path:
    """A private copy of a built toolkit (sources, site and work folders), to change and build again."""
    return Path(shutil.copytree(built, target, symlinks=True))


def site_pages(site: Path) -> list[Path]:
    """Every content page of a built site: not the 404 page, nor a renamed page's old address, which only sends the
    reader on to the new page (tests of its own in test_site.py and test_reader.py)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html" and "assets" not in p.parts
                  and '<meta http-equiv="refresh"' not in p.read_text(encoding="utf-8"))


def _write_site(sources: Any, model: Any, statuses: Any, root: Path, out: Path) -> Path:
    """The website of a loaded toolkit, written by MkDocs into out/site as `build` writes it (without PDFs)."""
    from carepath.commands import user_mkdocs_config
    from carepath.layers import toolkit_layers
    from carepath.render.site import render_site
    from carepath.write.languages import assemble, build_parts, site_languages
    from carepath.write.site import write_site_sources

    templates = toolkit_layers(root, "templates")
    site = render_site(model, templates, user_mkdocs_config(sources), statuses, {}, root / "content")
    config_file = write_site_sources(site, out / "work")
    tags = [t.locale.tag for t in model.toolkits]
    # the session's cache of built languages, as builds use it: a language whose pages did not change is reused
    parts = build_parts(config_file, site_languages(model), tags, out / "parts", cache=SHARED_CACHE.parent / "site",
                        workers=0)
    assemble(parts.parts, tags, out / "site", move=True)
    return out / "site"


def build_site(root: Path, out: Path) -> Path:
    """Build only the website of a toolkit, in-process: checked, with the model and translation status `build`
    makes (carepath.commands.load_model), but no PDF. Seconds, where a whole build renders the PDFs that changed."""
    from carepath.commands import CheckOptions, load_model

    sources, model, statuses, _report = load_model(CheckOptions(root))
    return _write_site(sources, model, statuses, root, out)


def build_site_unchecked(root: Path, out: Path) -> Path:
    """Build only the website of a toolkit, in-process and without the check (as if it had a hole): seconds."""
    from carepath.l10n.translation import all_status, outdated_keys
    from carepath.load import load_sources
    from carepath.model import build_model

    sources, _ = load_sources(root)
    statuses = all_status(sources, root)
    model = build_model(sources, {s.tag: outdated_keys(s) for s in statuses})
    return _write_site(sources, model, statuses, root, out)


# --- Browsers (tests/browser.py has the helpers; playwright is imported only by the tests that use one) ---------

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, started once for the module that asks for it."""
    from browser import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    assert executable, "no Chromium: `apt-get install chromium-headless-shell` (or set $CHROMIUM)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def host(example: Built) -> Iterator[Any]:
    """The example site served from 127.0.0.1."""
    from browser import StaticHost

    served = StaticHost(example.site)
    yield served
    served.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script."""
    from browser import axe_script

    return axe_script().read_text(encoding="utf-8")


# Browsers side by side for the tests that visit many pages (see browser.BrowserPool).
BROWSERS = int(os.environ.get("CAREPATH_BROWSERS") or 2)


@pytest.fixture(scope="module")
def browsers() -> Iterator[Any]:
    """BROWSERS headless Chromium browsers, each in a thread of its own, for the whole module."""
    from browser import CHROMIUM_ARGS, BrowserPool, chromium_path

    executable = chromium_path()
    assert executable, "no Chromium: `apt-get install chromium-headless-shell` (or set $CHROMIUM)"
    pool = BrowserPool(BROWSERS, executable, CHROMIUM_ARGS)
    yield pool
    pool.close()


# --- How many PDFs a session renders -------------------------------------------------------------------------
# Every PDF written through write_pdfs lands in a cache under its key: the shared one (builds, the print kit) or
# a test's private one. Tests that call render_pdf themselves use render_pdf below, which counts its calls.

DIRECT_RENDERS: list[str] = []
# Lines a test has for the terminal (the browser audit's figures, where the screenshots are): shown at the end of
# the run, also from pytest-xdist's workers, whose own output the terminal never shows.
NOTES: list[str] = []


def private_cache(tmp_path: Path) -> Path:
    """A PDF cache of one test's own (a cold render): counted in the session's renders."""
    return tmp_path / PRIVATE_CACHE


def render_pdf(job: Any, fetcher: Any = None) -> tuple[bytes, int]:
    """carepath.write.pdf.render_pdf, counted in the session's renders."""
    from carepath.write import pdf

    DIRECT_RENDERS.append(job.path)
    return pdf.render_pdf(job, fetcher)


def _cached_pdfs(folder: Path) -> set[str]:
    """The PDFs a cache folder holds."""
    return {p.name for p in folder.glob("*.pdf")} if folder.is_dir() else set()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Note what the shared cache holds before the session renders anything."""
    session.config.stash[_BEFORE] = _cached_pdfs(SHARED_CACHE)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A worker of pytest-xdist hands its count of render_pdf calls and its notes to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["carepath_direct_renders"] = len(DIRECT_RENDERS)
        workeroutput["carepath_notes"] = list(NOTES)


def _private_renders(config: pytest.Config) -> int:
    """PDFs in the private caches of the session's tests (pytest-xdist's workers keep theirs under the
    controller's temporary folder)."""
    factory = getattr(config, "_tmp_path_factory", None)
    try:
        base = factory.getbasetemp() if factory is not None else None
    except OSError:
        return 0
    return sum(1 for _ in base.rglob(f"{PRIVATE_CACHE}/*.pdf")) if base is not None else 0


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: add up the render_pdf calls of each worker, gather its notes."""
    output = getattr(node, "workeroutput", {})
    _WORKER_RENDERS.append(output.get("carepath_direct_renders", 0))
    NOTES.extend(output.get("carepath_notes", []))


_BEFORE = pytest.StashKey[set[str]]()
_WORKER_RENDERS: list[int] = []  # render_pdf calls of each of pytest-xdist's workers


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say how many PDFs the session rendered: the number to keep low."""
    if getattr(config, "workeroutput", None) is not None:
        return
    before = config.stash.get(_BEFORE, set())
    shared = len(_cached_pdfs(SHARED_CACHE) - before)
    private = _private_renders(config)
    direct = len(DIRECT_RENDERS) + sum(_WORKER_RENDERS)
    for line in NOTES:
        terminalreporter.write_line(line)
    terminalreporter.write_line(
        f"PDF renders: {shared + private + direct} ({shared} into the shared cache {SHARED_CACHE}, which held "
        f"{len(before)} before; {private} into tests' own caches; {direct} render_pdf calls by tests)"
    )
