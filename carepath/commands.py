"""The operations build.py offers, in plain functions with no terminal I/O: each takes options, returns a result."""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.metadata
import json
import multiprocessing
import re
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from jinja2.exceptions import SecurityError, TemplateError

from carepath.checks import run_checks
from carepath.exchange.directory import Proposal
from carepath.files import OWN_FOLDER, cache_folder
from carepath.l10n.review import ReviewStatus, add_review_counts, review_status
from carepath.l10n.translation import LocaleStatus, all_status, outdated_keys
from carepath.layers import Layers, toolkit_layers
from carepath.load import PUBLISHED_FILE, Sources, load_sources
from carepath.messages import problem
from carepath.model import Model, build_model
from carepath.problems import Problem, Report, ToolkitError
from carepath.render.site import PdfFiles, SiteSources, render_site
from carepath.settings import site_settings
from carepath.write import WriteFailed
from carepath.write.fetch import ResourceRefused
from carepath.write.hooks import UnsafePage
from carepath.write.languages import (
    PART_SITE,
    LanguageChoiceError,
    MergeError,
    assemble,
    build_parts,
    part_entries,
    select_languages,
    shards_of,
    site_languages,
    write_manifest,
)
from carepath.write.lock import BuildBusy, OwnedFolder, build_lock, remove_stale
from carepath.write.site import move_file, publish, recover, write_extra_files, write_site_sources

if TYPE_CHECKING:
    from carepath.l10n.new_locale import NewLocale
    from carepath.l10n.po import ImportResult
    from carepath.render.print_kit import PrintJob

# Errors of the write stage that the command line catches by name, from here.
RE_EXPORTED = (LanguageChoiceError, MergeError)
Progress = Callable[[str], None]
# What serve watches: a change to any of these rebuilds the preview.
WATCHED = ("content", "locales", "templates", "print", "mkdocs.yml", "overrides.yml")
# The folders of the toolkit whose files a stage may be working on when it fails (see BuildFailed).
TOOLKIT_FOLDERS = ("content", "locales", "templates", "print")
SERVE_PREFIX = "carepath-serve-"  # serve's own folder in the system's temporary folder


class Refusable(Protocol):
    """A command's result that carries the toolkit's report and, when it wrote nothing, why."""

    report: Report
    refused: str | None


@dataclass
class BuildResult:
    """What a build wrote and how long each part took."""

    report: Report
    pages: int = 0
    pdfs: int = 0
    pdfs_reused: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    search_entries: dict[str, int] = field(default_factory=dict)
    languages_built: list[str] = field(default_factory=list)  # languages whose pages MkDocs built
    languages_reused: list[str] = field(default_factory=list)  # languages whose pages came from the cache
    languages_later: list[str] = field(default_factory=list)  # first_languages: shown as last built, for now
    deferred: list[PrintJob] = field(default_factory=list)  # PDFs left for later (defer_pdfs): not in the site


@dataclass(frozen=True)
class CheckOptions:
    """What `check` looks at, and how strictly."""

    root: Path
    today: dt.date | None = None  # the date freshness is judged on (tests pin it)
    release: bool = False  # publishing rules: stale services and example data are errors
    strict: bool = False  # warnings fail too


@dataclass(frozen=True)
class BuildOptions(CheckOptions):
    """What `build` makes, and where."""

    site_dir: Path | None = None  # default: ROOT/site
    workers: int | None = None  # processes for PDFs (None: one per core)
    wait: float = 600.0  # seconds to wait for another build of the same toolkit to finish, then BuildBusy
    locales: tuple[str, ...] | None = None  # build only these languages, as a shard for `merge`
    shard: tuple[int, int] | None = None  # (i, n): build the i-th of n shards of the languages, for `merge`
    defer_pdfs: bool = False  # serve: publish the site with the PDFs the cache has; report the others as deferred
    # serve: only these languages are built now; any other that needs building is published as last built and
    # reported in languages_later (None: every language that needs it is built)
    first_languages: tuple[str, ...] | None = None

    @property
    def part(self) -> bool:
        """Whether this build makes a shard (some languages, for `merge`) rather than the whole site."""
        return self.locales is not None or self.shard is not None


@dataclass(frozen=True)
class ServeOptions(BuildOptions):
    """What `serve` builds (site_dir is its own temporary folder) and where it listens."""

    host: str = "127.0.0.1"
    port: int = 8000


@dataclass
class CheckResult:
    """The sources that were read and every problem found in them."""

    sources: Sources
    report: Report

    def failed(self, strict: bool = False) -> bool:
        """Whether the problems stop a build (errors, or warnings too when `strict`)."""
        return self.report.failed(strict)


def check(options: CheckOptions) -> CheckResult:
    """Load a toolkit and run the one gate of checks on it; the report holds every problem found."""
    sources, problems = load_sources(options.root)
    found = [*problems, *run_checks(sources, options.today, options.release)]
    return CheckResult(sources, Report(list(dict.fromkeys(found))))  # a problem found at load and by a check: once


def load_model(options: CheckOptions) -> tuple[Sources, Model, list[LocaleStatus], Report]:
    """Check a toolkit and build its model and translation status, or raise ToolkitError."""
    checked = check(options)
    sources, report = checked.sources, checked.report
    if report.failed(options.strict):
        raise ToolkitError(report)
    root = options.root
    statuses = all_status(sources, root)
    source = sources.neutral["toolkit"].data["source_locale"]
    statuses = [add_review_counts(status, sources, source) for status in statuses]
    model = build_model(sources, {s.tag: outdated_keys(s) for s in statuses})
    return sources, model, statuses, report


def user_mkdocs_config(sources: Sources) -> dict[str, Any]:
    """The settings of mkdocs.yml that carepath passes on (the check refuses the others)."""
    data = sources.settings.data if sources.settings is not None else {}
    return site_settings(data if isinstance(data, dict) else {})


class BuildFailed(Exception):
    """An error that is not the toolkit's, met in a stage of a build: the stage, its input, the error itself."""

    def __init__(self, stage: str, subject: str, error: BaseException) -> None:
        super().__init__(stage, subject, error)
        self.stage = stage  # "making the PDFs"...
        self.subject = subject  # what it was working on: "the PDF es/print/signs-a4.pdf", a template and line
        self.error = error

    def __str__(self) -> str:
        """One line: the kind of error, the stage, the input and the error's own first line."""
        where = f" ({self.subject})" if self.subject else ""
        return f"{type(self.error).__name__} while {self.stage}{where}: {_first_line(self.error)}"

    def details(self) -> str:
        """The error's traceback, for carepath's developers."""
        return "".join(traceback.format_exception(self.error))


def _first_line(error: BaseException) -> str:
    """An error's message, on one line (a template error's without its location and source lines)."""
    message = (error.message if isinstance(error, TemplateError) else None) or str(error)
    lines = message.strip().splitlines()
    return lines[0] if lines else ""


def _toolkit_file(path: Path, root: Path, work: Path | None, site: SiteSources | None) -> str | None:
    """A file a traceback names, as the toolkit's own (a copy in the work folder stands for its source)."""
    path = path.resolve()
    if work is not None and path.is_relative_to(work):
        relative = path.relative_to(work).as_posix()
        source = site.copies.get(relative) if site is not None else None
        if source is None:
            return f"{relative} (generated)"
        path = Path(source).resolve()
    root = root.resolve()
    if path.is_relative_to(root) and path.relative_to(root).parts[:1] in [(f,) for f in TOOLKIT_FOLDERS]:
        return path.relative_to(root).as_posix()
    return None


def _subject(
    error: BaseException, root: Path, work: Path | None = None, site: SiteSources | None = None,
) -> tuple[str, BaseException]:
    """What a failed stage was working on (an output, the toolkit file and line), and the error to show."""
    parts: list[str] = []
    if isinstance(error, WriteFailed) and error.__cause__ is not None:
        parts.append(error.output)
        error = error.__cause__
    place: str | None = None
    chain: BaseException | None = error
    while chain is not None and place is None:  # a template's own line, where Jinja knows it
        filename, line = getattr(chain, "filename", None), getattr(chain, "lineno", None)
        if isinstance(chain, TemplateError) and isinstance(filename, str):
            name = _toolkit_file(Path(filename), root, work, site)
            place = f"{name}, line {line}" if name and line else name
        chain = chain.__cause__
    if place is None:  # else the last frame of the traceback in a file of the toolkit (templates are frames too)
        for frame, line in reversed(list(traceback.walk_tb(error.__traceback__))):
            name = _toolkit_file(Path(frame.f_code.co_filename), root, work, site)
            if name:
                place = f"{name}, line {line}"
                break
    if place:
        parts.append(place)
    return "; ".join(parts), error


def build(options: BuildOptions, progress: Progress = lambda _: None, pool: Executor | None = None) -> BuildResult:
    """Check, render and write the whole site with its PDFs; the site folder changes only on success, in one step.

    One build of a toolkit runs at a time: another waits up to options.wait seconds, then raises BuildBusy.
    A problem of the toolkit raises ToolkitError; any other error BuildFailed, naming the stage and its input.
    """
    site_dir = (options.site_dir or options.root / "site").resolve()
    with build_lock(options.root / OWN_FOLDER, options.wait, progress):
        recover(site_dir)  # a publish cut short between its two renames: the previous site comes back first
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{site_dir.name}."
        if remove_stale(site_dir.parent, prefix):
            progress(f"removed the staging folders of builds that were stopped ({site_dir.parent}/{prefix}*)")
        return _build(options, site_dir, progress, pool)


def _build(options: BuildOptions, site_dir: Path, progress: Progress, pool: Executor | None) -> BuildResult:
    """The build itself, under the build lock."""
    from carepath.render.print_kit import PrintJobs, render_print
    from carepath.write.pdf import in_cache, write_pdfs

    root, workers = options.root, options.workers
    started = time.perf_counter()
    progress("checking sources")
    try:
        sources, model, statuses, report = load_model(options)
    except ToolkitError:
        raise
    except Exception as error:  # a crash in a check, or in building the model
        raise BuildFailed("checking the sources", *_subject(error, root)) from error
    result = BuildResult(report)
    result.seconds["check"] = time.perf_counter() - started

    # Everything a build writes goes into a folder of its own beside the site folder (its MkDocs sources under
    # work/): removed at the end, whatever happens, or by the next build if this one is killed.
    owned = OwnedFolder(site_dir.parent, f".{site_dir.name}.")
    staging = owned.path
    work = staging / "work"
    site: SiteSources | None = None
    stage = "preparing the handouts"
    try:
        # PDFs first: the site's print links say how many pages and bytes each one has
        mark = time.perf_counter()
        config = user_mkdocs_config(sources)
        all_tags = [t.locale.tag for t in model.toolkits]
        tags = select_languages(all_tags, options.locales, options.shard)
        printed = model
        if options.first_languages:  # serve: the PDFs of the languages built now (and the source's, which they
            # may show); the others' are made with the rebuild that follows
            first = {model.source.locale.tag, *options.first_languages}
            printed = replace(model, toolkits=[t for t in model.toolkits if t.locale.tag in first])
        every = render_print(printed, root, config.get("site_url"), config)
        jobs = PrintJobs((j for j in every if j.lang in tags), every.warnings)
        for warning in jobs.warnings:  # "path: what" for a page's picture; site_url otherwise
            where, _, what = warning.partition(": ")
            if where.startswith("content/") and what:
                report.add(problem("print.image_left_out", where, 1, 1, detail=what))
            else:
                report.add(problem("print.no_qr", "mkdocs.yml", 1, 1, detail=warning))
        stage = "making the PDFs"
        progress(f"making {len(jobs)} PDFs")
        cache = cache_folder(root)
        pdfs = staging / ".pdf"
        if options.defer_pdfs:  # serve: the site first, with the PDFs the cache has; the others after it
            ready = {job.path for job in in_cache(jobs, cache / "pdf")}
            result.deferred = [job for job in jobs if job.path not in ready]
            jobs = PrintJobs((job for job in jobs if job.path in ready), jobs.warnings)
        try:
            stats = write_pdfs(jobs, pdfs, cache / "pdf", workers, progress)
        except ResourceRefused as refused:  # the sandbox held: say what was refused, as a problem, not a crash
            raise ToolkitError(Report([
                problem("unsafe.print", refused.document, 1, 1, url=url, reason=reason)
                for url, reason in refused.refusals
            ])) from None
        result.pdfs, result.pdfs_reused = len(jobs), stats.reused
        result.seconds["pdf"] = time.perf_counter() - mark

        mark = time.perf_counter()
        stage = "writing the website's pages"
        files: PdfFiles = {**stats.files, **{job.path: None for job in result.deferred}}
        site = render_site(model, toolkit_layers(root, "templates"), config, statuses, files, root / "content")
        config_file = write_site_sources(site, work)
        stage = "building the website with MkDocs"
        try:
            later = frozenset(tags) - set(options.first_languages) if options.first_languages else frozenset()
            parts = build_parts(
                config_file, site_languages(model, tags), all_tags, staging / "parts", cache / "site", workers,
                progress, pool, later,
            )
        except UnsafePage as unsafe:  # the last gate held: report it like any problem
            raise ToolkitError(Report([problem("unsafe.page", unsafe.page, 1, 1, detail=unsafe.detail)])) from None
        result.languages_built, result.languages_reused = parts.built, parts.reused
        result.languages_later = parts.stale
        stage = "finishing the website"
        for job in jobs:  # each PDF into its language's part
            move_file(pdfs / job.path, parts.parts[job.lang] / PART_SITE / job.path)
        if model.source.locale.tag in tags:  # mkdocs.yml's extra_files, with the source language's pages
            write_extra_files(sources.extra_files, parts.parts[model.source.locale.tag] / PART_SITE)
        if options.part:
            write_manifest(staging / "parts", all_tags, tags)
            result.search_entries = {tag: part_entries(parts.parts[tag]) for tag in tags}
            output = staging / "parts"
        else:
            result.search_entries = assemble(parts.parts, all_tags, staging / "site", move=True)
            output = staging / "site"
        result.pages = sum(1 for p in output.rglob("*.html") if p.name != "404.html")
        result.seconds["site"] = time.perf_counter() - mark

        stage = f"publishing the site into {site_dir}"
        progress("publishing the site")
        publish(output, site_dir)
    except SecurityError as error:  # a template override reached for Python internals: the sandbox said no
        raise ToolkitError(Report([problem("unsafe.template", "templates/", 1, 1, detail=str(error))])) from None
    except (ToolkitError, LanguageChoiceError):
        raise
    except Exception as error:  # not the toolkit's fault as far as carepath knows: say where it happened
        raise BuildFailed(stage, *_subject(error, root, work, site)) from error
    finally:
        owned.remove()
    result.seconds["total"] = time.perf_counter() - started
    return result


# --- merge ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeOptions:
    """Shards built with `build --shard` or `--locales`, and the site folder to assemble them into."""

    shards: tuple[Path, ...]
    site_dir: Path


@dataclass
class MergeResult:
    """What merge assembled."""

    languages: list[str]
    pages: int
    search_entries: dict[str, int]


def merge(options: MergeOptions) -> MergeResult:
    """Assemble shards into one site, the same bytes as one build of every language; the site changes in one step.

    Raises MergeError when the shards do not make one whole site (a language missing or in two shards).
    """
    all_tags, parts = shards_of(list(options.shards))
    site_dir = options.site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(site_dir)
    with OwnedFolder(site_dir.parent, f".{site_dir.name}.") as staging:
        counts = assemble(parts, all_tags, staging / "site")
        pages = sum(1 for p in (staging / "site").rglob("*.html") if p.name != "404.html")
        publish(staging / "site", site_dir)
    return MergeResult(all_tags, pages, counts)


# --- serve ------------------------------------------------------------------------------------------------

Outcome = BuildResult | ToolkitError | BuildFailed | BuildBusy


@dataclass
class ServeResult:
    """What a preview server did until it was stopped."""

    url: str
    builds: int = 0  # builds that succeeded, the first one included
    failures: int = 0  # builds that stopped on a problem or an error


def language_stamps(root: Path) -> dict[str, tuple[tuple[str, int, int], ...]]:
    """Per language, the name, time and size of each of its own files (content/<tag>/, locales/<tag>.yml): what
    serve compares to tell which languages an edit touched."""
    stamps: dict[str, tuple[tuple[str, int, int], ...]] = {}
    for locale in sorted((root / "locales").glob("*.yml")):
        files = [locale, *sorted(p for p in (root / "content" / locale.stem).rglob("*") if p.is_file())]
        stamps[locale.stem] = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return stamps


def serve(
    options: ServeOptions, progress: Progress = lambda _: None,
    built: Callable[[Outcome], None] = lambda _: None, ready: Callable[[str], None] = lambda _: None,
) -> ServeResult:
    """Build into a temporary folder, serve it and rebuild on every change to the sources, until interrupted.

    The site comes first: PDFs the cache does not have are made after it, in the background (their links say
    so), and the site is rebuilt once they are done. Open pages reload themselves after each rebuild.
    `built` hears each build's result or the error that stopped it (the preview then keeps the last good
    build, or shows the problems until there is one), `ready` the address once the first build is done.
    Ctrl-C (KeyboardInterrupt) stops the server; its folder is removed, and a later serve removes one left by a
    serve that was killed.
    """
    from carepath.write.languages import language_pool
    from carepath.write.pdf import write_pdfs
    from carepath.write.preview import PreviewServer, problems_page

    root = options.root
    with build_lock(root / OWN_FOLDER, options.wait, progress):
        recover(root / "site")  # a build cut short while publishing: put site/ back before anything else
    temp = Path(tempfile.gettempdir())
    remove_stale(temp, SERVE_PREFIX)
    result = ServeResult(f"http://{options.host}:{options.port}/")
    with OwnedFolder(temp, SERVE_PREFIX) as folder:
        site_dir = folder / "site"
        site_dir.mkdir()
        each = replace(options, site_dir=site_dir, defer_pdfs=True)
        server: PreviewServer | None = None
        making: list[threading.Thread] = []  # the one background PDF run, while it runs
        stopping = threading.Event()

        def make_pdfs(jobs: list[PrintJob]) -> None:
            """Render PDFs into the cache, then have the site rebuilt with them (in a thread of its own)."""
            started = time.perf_counter()
            out = folder / f"pdfs-{threading.get_ident()}"
            try:
                write_pdfs(jobs, out, cache_folder(root) / "pdf", options.workers)
            except Exception as error:  # reported like a build's; the next edit tries again
                if not stopping.is_set():  # not the workers that serve stopped on its way out
                    result.failures += 1
                    built(BuildFailed("making the PDFs", *_subject(error, root)))
                return
            finally:
                shutil.rmtree(out, ignore_errors=True)
            progress(f"made {len(jobs)} PDF{'s' if len(jobs) != 1 else ''} in {time.perf_counter() - started:.1f} s")
            if server is not None:
                server.request_rebuild()

        stamps: list[dict[str, tuple[tuple[str, int, int], ...]]] = []  # the languages' files at the last build

        def rebuild() -> None:
            """Build once; a failure of any kind is reported, never raised, so that the server goes on serving."""
            now = language_stamps(root)
            edited = tuple(tag for tag in now if stamps and now[tag] != stamps[-1].get(tag))
            stamps[:] = [now]
            try:
                # the languages whose own files changed first, when the edit touched only those: the page being
                # edited shows in a second or two, the others (their "outdated" notices) a moment later
                outcome = build(replace(each, first_languages=edited or None), progress, pool)
            except (ToolkitError, BuildFailed, BuildBusy) as error:
                failed(error)
                return
            except Exception as error:  # never let one escape: MkDocs' server would hang every request after it
                failed(BuildFailed("building the preview", *_subject(error, root)))
                return
            result.builds += 1
            if server is not None:
                server.problems = None
            built(outcome)
            if outcome.languages_later and server is not None:
                server.request_rebuild()
            if outcome.deferred and not any(t.is_alive() for t in making):
                making[:] = [threading.Thread(target=make_pdfs, args=(outcome.deferred,), daemon=True)]
                making[0].start()

        def failed(error: ToolkitError | BuildFailed | BuildBusy) -> None:
            """Report a failed build; while none has succeeded yet, every page shows the problems."""
            result.failures += 1
            built(error)
            if result.builds == 0 and server is not None:
                if isinstance(error, ToolkitError):
                    lines = [p.format() for p in error.report.sorted()]
                    summary = f"The toolkit has problems: {error.report.summary()}."
                else:
                    lines, summary = [str(error)], "The build stopped."
                server.problems = problems_page(summary, lines)

        # MkDocs processes kept for every rebuild: an edit does not wait for one to start and import MkDocs
        pool = language_pool(options.workers, len(list((root / "locales").glob("*.yml"))) or 1)
        try:
            server = PreviewServer(builder=rebuild, host=options.host, port=options.port, root=str(site_dir))
            rebuild()
            for name in WATCHED:
                if (root / name).exists():
                    server.watch(str(root / name))
            ready(result.url)
            try:
                server.serve()
            finally:
                server.shutdown()  # returns once the server has stopped serving
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM as the command line turns it
            pass
        finally:
            # PDFs still being made in the background are not waited for: their workers stop now (Python would
            # otherwise wait for their pool at exit), and what they had finished is in the cache already.
            stopping.set()
            for child in multiprocessing.active_children():
                child.kill()
            pool.shutdown(wait=True, cancel_futures=True)
    return result


# --- init -------------------------------------------------------------------------------------------------

# The toolkit's own parts, copied from the built-in toolkit (resources.BUILTIN_TOOLKIT); its templates/ and print/
# are not: they come from carepath, and a toolkit adds a file there only to replace carepath's (carepath.layers).
TOOLKIT_PARTS = ("content", "locales", "mkdocs.yml")
# What init writes besides them: (file in carepath/data/init/, path in the new repository).
REPOSITORY_FILES = (
    ("publish.yml", ".github/workflows/publish.yml"),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
    ("gitignore", ".gitignore"),
    ("README.md", "README.md"),
    ("requirements.txt", "requirements.txt"),
)


@dataclass(frozen=True)
class InitOptions:
    """Where to start a toolkit repository, and from what."""

    target: Path
    from_example: bool = False
    requirement: str | None = None  # the line requirements.txt pins carepath with (default carepath==VERSION)


@dataclass
class InitResult:
    """What init wrote, as paths inside the new repository."""

    target: Path
    written: list[str]


class InitRefused(Exception):
    """init wrote nothing: the reason, in one sentence with its fix."""


SITE_URL_LINE = re.compile(r"^site_url:.*$", re.M)


def _skeleton(builtin: Path) -> dict[str, bytes]:
    """An empty toolkit with comments: carepath/data/skeleton/, English interface strings, the site settings."""
    from carepath.resources import SKELETON

    planned = {path.relative_to(SKELETON).as_posix(): path.read_bytes()
               for path in sorted(SKELETON.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}
    planned["locales/en.yml"] = (builtin / "locales" / "en.yml").read_bytes()
    settings = (builtin / "mkdocs.yml").read_text(encoding="utf-8")
    planned["mkdocs.yml"] = SITE_URL_LINE.sub(
        "# site_url: https://...  # where the site is published: the handouts' QR codes open it", settings, count=1,
    ).encode("utf-8")
    return planned


def init(options: InitOptions) -> InitResult:
    """Start a toolkit repository in options.target, from the example or empty; nothing existing is overwritten."""
    from carepath import __version__
    from carepath.resources import BUILTIN_TOOLKIT, INIT_FILES

    planned: dict[str, bytes] = {}
    if options.from_example:
        for part in TOOLKIT_PARTS:
            source = BUILTIN_TOOLKIT / part
            files = {"": source} if source.is_file() else Layers((source,)).files()  # hidden files left out
            for relative, path in files.items():
                planned["/".join(filter(None, (part, relative)))] = path.read_bytes()
        # what the example published is not the new toolkit's: its record starts with its own first publication
        planned.pop(PUBLISHED_FILE, None)
    else:
        planned.update(_skeleton(BUILTIN_TOOLKIT))
    requirement = options.requirement or f"carepath=={__version__}"
    for name, target in REPOSITORY_FILES:
        text = (INIT_FILES / name).read_text(encoding="utf-8")
        planned[target] = text.replace("{requirement}", requirement).encode("utf-8")
    existing = sorted(path for path in planned if (options.target / path).exists())
    if existing:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise InitRefused(f"{options.target} already has {shown}: init never overwrites a file; "
                          "choose a new folder, or move these away first")
    for name, data in planned.items():
        (options.target / name).parent.mkdir(parents=True, exist_ok=True)
        (options.target / name).write_bytes(data)
    return InitResult(options.target, sorted(planned))


# --- override ---------------------------------------------------------------------------------------------

OVERRIDES_HEADER = """\
# Written by carepath (`carepath override`): each file of templates/ or print/ that replaces carepath's, and
# the version of carepath's file it was made from. `carepath check` says when carepath's file has changed since.
"""


@dataclass(frozen=True)
class OverrideOptions:
    """A file of carepath's templates/ or print/ to replace in a toolkit, and what to do with it."""

    root: Path
    path: str | None  # e.g. print/css/print.css; None with `action` "list"
    action: str = "copy"  # copy | mark-current | diff | list


@dataclass
class OverrideResult:
    """What override did: the file it wrote or recorded, the difference it found, or carepath's files."""

    path: str | None = None
    version: str | None = None  # the version of carepath's file now recorded
    diff: str = ""
    files: list[str] = field(default_factory=list)


class OverrideRefused(Exception):
    """override wrote nothing: the reason, in one sentence with its fix."""


def override(options: OverrideOptions) -> OverrideResult:
    """Copy carepath's file into the toolkit, record the version it was made from, or show how the two differ."""
    from carepath.layers import OVERRIDABLE, OVERRIDES_FILE, file_version
    from carepath.resources import BUILTIN_TOOLKIT

    root = options.root
    if options.action == "list":
        return OverrideResult(files=[f"{name}/{path}" for name in OVERRIDABLE
                                     for path in Layers((BUILTIN_TOOLKIT / name,)).files()])
    path = (options.path or "").strip("/")
    theirs = BUILTIN_TOOLKIT / path
    if path.split("/")[0] not in OVERRIDABLE or ".." in path.split("/") or not theirs.is_file():
        raise OverrideRefused(f"carepath has no file {path}: `carepath override --list` lists the files of its "
                              "templates/ and print/ that a toolkit may replace")
    if toolkit_layers(root, path.split("/")[0]).builtin is None:
        raise OverrideRefused("this is carepath's own toolkit: its templates/ and print/ are carepath's files")
    mine = root / path
    if options.action == "diff":
        if not mine.is_file():
            raise OverrideRefused(f"the toolkit has no {path}: it uses carepath's file as it is")
        lines = difflib.unified_diff(
            theirs.read_text(encoding="utf-8").splitlines(keepends=True),
            mine.read_text(encoding="utf-8").splitlines(keepends=True),
            fromfile=f"carepath's {path}", tofile=f"the toolkit's {path}",
        )
        return OverrideResult(path, diff="".join(lines))
    if options.action == "copy":
        if mine.exists() or mine.is_symlink():
            raise OverrideRefused(f"the toolkit already has {path}: --diff shows how it differs from carepath's, "
                                  "--mark-current records it as made from carepath's current file")
        mine.parent.mkdir(parents=True, exist_ok=True)
        mine.write_bytes(theirs.read_bytes())
    elif not mine.is_file():
        raise OverrideRefused(f"the toolkit has no {path} to record: `carepath override {path}` copies carepath's")
    sources, _ = load_sources(root)
    data = sources.override_records.data if sources.override_records is not None else None
    records = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    records[path] = version = file_version(theirs.read_bytes())
    text = OVERRIDES_HEADER + "".join(f"{name}: '{value}'\n" for name, value in sorted(records.items()))
    (root / OVERRIDES_FILE).write_text(text, encoding="utf-8")
    return OverrideResult(path, version)


# --- published pages --------------------------------------------------------------------------------------

PUBLISHED_HEADER = """\
# yaml-language-server: $schema=../carepath/schemas/published.schema.json
# Written by carepath (`carepath record-pages`): every version, language and page the published site has had.
# Printed QR codes and shared links lead to these pages for years: `carepath check` refuses to lose one without
# a redirect (redirects: in content/toolkit.yml). Keep this file in the repository; do not edit it by hand.
"""


@dataclass
class RecordResult:
    """What record-pages found: the problems that kept it from recording, or what the record holds now."""

    report: Report
    version: str | None = None
    new_pages: list[str] = field(default_factory=list)  # recorded for the first time
    new_languages: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def record_pages(options: ToolkitOptions) -> RecordResult:
    """Add the site's pages, languages and version to content/published.yml; earlier ones are kept."""
    from carepath.checks.base import source_tag
    from carepath.layout import site_pages

    checked = _usable(options.root)
    result = RecordResult(checked.report)
    if checked.report.errors:
        return result
    sources = checked.sources
    data = sources.published.data if sources.published is not None else {}
    old = {key: [str(v) for v in data.get(key) or []] for key in ("versions", "languages", "pages")}
    facts = sources.neutral["toolkit"].data
    result.version = str(facts["version"]) if facts.get("version") is not None else None
    now = {
        "versions": [result.version] if result.version else [],
        "languages": list(sources.locales),
        # the old addresses of renamed pages are published too: their redirect must stay
        "pages": site_pages([*sources.page_names(source_tag(sources) or ""), *(facts.get("redirects") or {})]),
    }
    merged = {key: list(dict.fromkeys([*old[key], *now[key]])) for key in old}
    merged["languages"].sort()
    merged["pages"].sort()
    result.new_pages = [name for name in now["pages"] if name not in old["pages"]]
    result.new_languages = [tag for tag in now["languages"] if tag not in old["languages"]]
    result.pages, result.languages = merged["pages"], merged["languages"]
    # one value a line, quoted ('no' is a language, not false): each later record adds lines to the diff
    text = PUBLISHED_HEADER + "".join(
        f"{key}:\n" + "".join(f"  - {json.dumps(value)}\n" for value in merged[key]) for key in merged
    )
    (options.root / PUBLISHED_FILE).write_text(text, encoding="utf-8")
    return result


# --- translation ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolkitOptions:
    """The toolkit a command works on."""

    root: Path


def _usable(root: Path) -> CheckResult:
    """The toolkit's sources and the problems found in them (commands that edit them need no errors)."""
    return check(CheckOptions(root))


@dataclass(frozen=True)
class StatusOptions(ToolkitOptions):
    """What `status` reports, or records."""

    mark_current: tuple[str, str] | None = None  # (language, file or file:key or 'all') reviewed as up to date


@dataclass
class StatusResult:
    """Per language, what is translated, missing and outdated; or what --mark-current recorded."""

    report: Report  # errors here kept the command from reading the toolkit
    statuses: list[LocaleStatus] = field(default_factory=list)
    recorded: dict[str, int] = field(default_factory=dict)  # language -> first translations recorded now
    marked: list[str] | None = None  # --mark-current: the texts recorded as up to date
    unknown_locale: str | None = None  # --mark-current named a language the toolkit does not have
    reviews: list[ReviewStatus] = field(default_factory=list)  # every language's, the source first

    def below(self, percent: float) -> list[str]:
        """The languages translated less than `percent`."""
        return [s.tag for s in self.statuses if s.percent < percent]


def status(options: StatusOptions) -> StatusResult:
    """Each language's translation status; first translations are recorded against today's source text."""
    from carepath.l10n.translation import mark_current, record_new

    checked = _usable(options.root)
    result = StatusResult(checked.report)
    if checked.report.errors:
        return result
    sources = checked.sources
    if options.mark_current:
        tag, target = options.mark_current
        if tag not in sources.locales:
            result.unknown_locale = tag
        else:
            result.marked = mark_current(sources, options.root, tag, target)
        return result
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    result.statuses = [add_review_counts(s, sources, source_tag) for s in all_status(sources, options.root)]
    for locale in result.statuses:
        recorded = record_new(sources, options.root, locale)
        if recorded:
            result.recorded[locale.tag] = recorded
    source = sources.neutral["toolkit"].data["source_locale"]
    result.reviews = [review_status(sources, tag, source) for tag in [source, *(s.tag for s in result.statuses)]]
    return result


@dataclass(frozen=True)
class ReviewOptions(ToolkitOptions):
    """A review to record: of which language, which files or units (all when empty), in which role, by whom."""

    tag: str = ""
    targets: tuple[str, ...] = ()
    role: str = "language"
    by: str | None = None
    today: dt.date | None = None


@dataclass
class ReviewResult:
    """What review recorded, or why it recorded nothing."""

    report: Report
    recorded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # translations missing or outdated: translate them first
    refused: str | None = None  # one sentence with its fix


def review(options: ReviewOptions) -> ReviewResult:
    """Record a review of what is current in a language: the units of the files named, or all of them."""
    from carepath.l10n.review import SOURCE_ROLES, record_review, review_units

    checked = _usable(options.root)
    result = ReviewResult(checked.report)
    if checked.report.errors:
        return result
    sources = checked.sources
    source = sources.neutral["toolkit"].data["source_locale"]
    tag = options.tag
    if tag not in sources.locales:
        result.refused = f"no language '{tag}' (locales/{tag}.yml is missing)"
        return result
    if (options.role in SOURCE_ROLES) != (tag == source):
        result.refused = (
            f"a {options.role} review is of the source language ({source})" if options.role in SOURCE_ROLES
            else f"a language review is of a translation; {source} is the source language: "
                 "review it --as clinical or --as community")
        return result
    targets = [t.removeprefix(f"content/{tag}/") for t in options.targets]
    units = review_units(sources, tag, source)
    unknown = [t for t in targets if t not in units and not any(u.file == t for u in units.values())]
    if unknown:
        result.refused = (f"content/{tag}/ has no {', '.join(unknown)} to review: name files such as steps.yml or "
                          "pages/about.md, or units such as steps.yml:steps.ask-directly")
        return result
    stale = set()
    if tag != source:  # only a translation of today's source can be reviewed as current
        status = next(s for s in all_status(sources) if s.tag == tag)
        bad = {u.file if not u.key else f"{u.file}:{u.key}" for u in status.units if u.state != "translated"}
        stale = {ref for ref in units if any(b == ref or b.startswith(f"{ref}.") for b in bad)}
    result.skipped = sorted(ref for ref in stale if not targets or ref in targets or units[ref].file in targets)
    result.recorded = record_review(sources, options.root, tag, source, targets, options.role, options.by,
                                    options.today or dt.date.today(), stale)
    return result


@dataclass(frozen=True)
class NewLocaleOptions(ToolkitOptions):
    """The language `new-locale` starts."""

    tag: str = ""
    direction: str | None = None  # "ltr" or "rtl" instead of the one derived from the script
    name: str | None = None  # the language's name in its own script, instead of the derived one


@dataclass
class NewLocaleResult:
    """What new-locale wrote, or why it wrote nothing."""

    report: Report
    valid_tag: bool = True
    made: NewLocale | None = None
    missing_packages: list[str] = field(default_factory=list)  # font packages to install for its script


def _installed(package: str) -> bool:
    """Whether a Python package (a font package) is installed."""
    try:
        importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def new_locale(options: NewLocaleOptions) -> NewLocaleResult:
    """Create a new language's locales/ entry and translator files; nothing existing is overwritten."""
    from carepath.l10n.new_locale import create_locale, valid_tag

    if not valid_tag(options.tag):
        return NewLocaleResult(Report(), valid_tag=False)
    checked = _usable(options.root)
    result = NewLocaleResult(checked.report)
    if "toolkit" not in checked.sources.neutral:
        return result
    made = create_locale(checked.sources, options.root, options.tag, options.direction, options.name)
    result.made = made
    result.missing_packages = [p for p in dict.fromkeys(made.packages) if p and not _installed(p)]
    return result


@dataclass(frozen=True)
class ExportPoOptions(ToolkitOptions):
    """The language `export-po` writes, and where."""

    tag: str = ""
    out: Path | None = None  # default: ROOT/translations/TAG


@dataclass
class ExportPoResult:
    """The PO files written, or the errors that kept them from being written."""

    report: Report
    files: list[Path] = field(default_factory=list)


def export_po(options: ExportPoOptions) -> ExportPoResult:
    """Write one PO file per source file for a language."""
    from carepath.l10n.po import export_po as write_po

    checked = _usable(options.root)
    result = ExportPoResult(checked.report)
    if not checked.report.errors:
        out = options.out or options.root / "translations" / options.tag
        result.files = write_po(checked.sources, options.root, options.tag, out)
    return result


@dataclass(frozen=True)
class ImportPoOptions(ToolkitOptions):
    """The language `import-po` reads back, and from where."""

    tag: str = ""
    po_dir: Path | None = None  # default: ROOT/translations/TAG


@dataclass
class ImportPoResult:
    """What an import wrote, and the toolkit's problems before and after it."""

    report: Report  # errors here kept the import from starting
    imported: ImportResult | None = None
    after: Report | None = None  # the check after the import: errors mean a translation broke something


def import_po(options: ImportPoOptions) -> ImportPoResult:
    """Write the translations of PO files back into a language's files, then check the toolkit again."""
    from carepath.l10n.po import import_po as read_po

    checked = _usable(options.root)
    result = ImportPoResult(checked.report)
    if checked.report.errors:
        return result
    po_dir = options.po_dir or options.root / "translations" / options.tag
    result.imported = read_po(checked.sources, options.root, options.tag, po_dir)
    result.after = _usable(options.root).report
    return result


# --- glossary ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryOptions(ToolkitOptions):
    """The language whose glossary to export, and where to."""

    tag: str = ""
    out: Path | None = None  # default translations/<tag>/


@dataclass
class GlossaryResult:
    """The files export-glossary wrote, or why it wrote none."""

    report: Report
    files: list[Path] = field(default_factory=list)
    terms: int = 0
    refused: str | None = None


def export_glossary(options: GlossaryOptions) -> GlossaryResult:
    """Write a language's glossary as CSV and TBX for Weblate, Crowdin and other translation platforms."""
    from carepath.l10n import glossary

    checked = _usable(options.root)
    result = GlossaryResult(checked.report)
    if checked.report.errors:
        return result
    sources = checked.sources
    locale = sources.locales.get(options.tag)
    if locale is None:
        result.refused = f"no language '{options.tag}' (locales/{options.tag}.yml is missing)"
        return result
    found = glossary.entries(locale.data)
    if not found:
        result.refused = f"locales/{options.tag}.yml has no glossary: entries to export"
        return result
    source = sources.neutral["toolkit"].data["source_locale"]
    folder = options.out or options.root / "translations" / options.tag
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((f"glossary-{options.tag}.csv", glossary.to_csv(found)),
                       (f"glossary-{options.tag}.tbx", glossary.to_tbx(found, source, options.tag))):
        (folder / name).write_text(text, encoding="utf-8")
        result.files.append(folder / name)
    result.terms = len(found)
    return result


# --- HSDS ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HsdsOptions(ToolkitOptions):
    """The language of the directory to export (default the source), and where to."""

    tag: str | None = None
    out: Path | None = None  # default hsds/


@dataclass
class HsdsResult:
    """The file export-hsds wrote, or why it wrote none."""

    report: Report
    path: Path | None = None
    services: int = 0
    refused: str | None = None
    package: Path | None = None  # the tabular data package's folder


def export_hsds(options: HsdsOptions) -> HsdsResult:
    """Write the services directory of one language as Open Referral HSDS 3.0 JSON (a list of services)."""
    from carepath.exchange.hsds import export_services, tabular_package

    try:
        _sources, model, _statuses, report = load_model(CheckOptions(options.root))
    except ToolkitError as error:
        return HsdsResult(error.report)
    tag = options.tag or model.source.locale.tag
    toolkit = next((t for t in model.toolkits if t.locale.tag == tag), None)
    if toolkit is None:
        return HsdsResult(report, refused=f"no language '{tag}' in this toolkit")
    records = export_services(toolkit)
    folder = options.out or options.root / "hsds"
    (folder / tag).mkdir(parents=True, exist_ok=True)
    path = folder / f"services-{tag}.json"
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name, text in tabular_package(records).items():
        (folder / tag / name).write_text(text, encoding="utf-8")
    return HsdsResult(report, path, len(records), package=folder / tag)


@dataclass(frozen=True)
class ImportHsdsOptions(ToolkitOptions):
    """The HSDS file (JSON) or tabular package (a folder with datapackage.json) to propose services from."""

    path: Path = Path()
    today: dt.date | None = None


@dataclass
class DirectoryImport:
    """What an import wrote and why it left the rest: added, changed (not applied), skipped, refused by check."""

    report: Report
    refused: str | None = None
    added: list[Proposal] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # service id -> the fields that differ
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (the service, why)
    rejected: dict[str, list[Problem]] = field(default_factory=dict)  # service id -> what check said
    unplaced: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _hsds_records(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """The services of an HSDS JSON file (a list, one service, or an API page's `contents`) or tabular package."""
    from carepath.exchange.hsds import read_tabular

    package = path / "datapackage.json" if path.is_dir() else path
    if package.name == "datapackage.json":
        if not package.is_file():
            return [], f"{path} has no datapackage.json: give an HSDS JSON file or a tabular package's folder"
        return read_tabular({f.name: f.read_text(encoding="utf-8-sig") for f in package.parent.glob("*.csv")}), None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [], f"{path} cannot be read as JSON: {error}"
    if isinstance(data, dict):
        data = data.get("contents", [data])
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return [], f"{path} is not a list of HSDS services"
    return data, None


def _same_details(incoming: Proposal, ours: list[Proposal]) -> list[str]:
    """The fields a feed's service gives that differ from the directory's (a field it leaves out says nothing).

    `ours`: the service in each language, the source first: a feed's texts may be of any of them (one HSDS
    export is of one language); its facts are the same in all."""
    differ = [k for k in sorted(set(incoming.facts) - {"unverified"}) if incoming.facts[k] != ours[0].facts.get(k)]
    language = next((own for own in ours if all(own.texts.get(k) == v for k, v in incoming.texts.items())), None)
    return differ + ([] if language else sorted(k for k, v in incoming.texts.items() if v != ours[0].texts.get(k)))


def import_hsds(options: ImportHsdsOptions) -> DirectoryImport:
    """Propose the services of an HSDS feed as new, unverified entries; list the ones already in the directory."""
    from carepath.exchange import hsds
    from carepath.exchange.directory import gate_import, slug

    try:
        sources, model, _statuses, report = load_model(CheckOptions(options.root, options.today))
    except ToolkitError as error:
        return DirectoryImport(error.report)
    records, why = _hsds_records(options.path)
    if why:
        return DirectoryImport(report, refused=why)
    today = options.today or dt.date.today()
    toolkit = next(t for t in model.toolkits if t.is_source)
    current = {s.id: s for s in toolkit.services}
    ids = [item["id"] for item in sources.neutral["services"].data["services"]]
    by_uuid = {hsds.stable_id("service", sid): sid for sid in ids}
    by_name = {str(s.name.value).casefold(): s.id for s in toolkit.services}
    result, taken, origin = DirectoryImport(report), set(ids), f"{options.path.name} on {today.isoformat()}"
    organization = hsds.organization_record(toolkit)
    for record in records:
        name = str(record.get("name") or "").strip()
        if not name:
            result.skipped.append((str(record.get("id") or "a service"), "it has no name"))
            continue
        if record.get("status") == "defunct":
            result.skipped.append((name, "the feed says it is defunct"))
            continue
        sid = by_uuid.get(str(record.get("id"))) or by_name.get(name.casefold())
        if sid is None:
            own = hsds.carepath_id(record)
            sid = own if own and own not in taken else slug(name, taken)
            taken.add(sid)
            result.added.append(hsds.proposal_from_hsds(record, sid, origin))
        elif sid in current:
            ours = [hsds.proposal_from_hsds(hsds.service_record(t, s, organization), sid, origin)
                    for t in (toolkit, *(t for t in model.toolkits if t is not toolkit))
                    for s in t.services if s.id == sid]
            differ = _same_details(hsds.proposal_from_hsds(record, sid, origin), ours)
            if differ:
                result.changed[sid] = differ
            else:
                result.skipped.append((sid, "already in the directory with the same details"))
        else:
            result.skipped.append((sid, "already in content/services.yml, not published (inactive or unverified)"))
    gated = gate_import(sources, {}, result.added, today, report.problems)
    result.rejected, result.unplaced = gated.refused, gated.unplaced
    result.added = [p for p in result.added if p.id not in gated.refused]
    if result.unplaced:
        result.added = []
    for name, text in gated.files.items():
        (options.root / name).write_text(text, encoding="utf-8")
        result.files.append(name)
    return result


@dataclass(frozen=True)
class SheetOptions(ToolkitOptions):
    """The sheet to write or read (default services.csv in the toolkit's folder)."""

    path: Path | None = None
    today: dt.date | None = None


@dataclass
class SheetResult:
    """What export-services-csv wrote, or what import-services-csv changed and why it changed nothing."""

    report: Report
    refused: str | None = None
    path: Path | None = None
    rows: int = 0
    changed: dict[str, list[str]] = field(default_factory=dict)  # service id -> the columns changed
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # services the sheet does not have, left as they are
    problems: list[Problem] = field(default_factory=list)  # cell errors and what the gate says of the cells
    files: list[str] = field(default_factory=list)


def export_services_csv(options: SheetOptions) -> SheetResult:
    """Write the directory as one sheet: a row per service, its facts and its source-language texts."""
    from carepath.exchange.sheet import SHEET_FILE, export_sheet

    try:
        sources, _model, _statuses, report = load_model(CheckOptions(options.root, options.today))
    except ToolkitError as error:
        return SheetResult(error.report)
    path = options.path or options.root / SHEET_FILE
    text = export_sheet(sources)
    path.write_text(text, encoding="utf-8-sig")  # the mark that makes a spreadsheet read it as UTF-8
    return SheetResult(report, path=path, rows=text.count("\r\n") - 1)


def import_services_csv(options: SheetOptions) -> SheetResult:
    """Apply a sheet's edits to the directory's files, each in place; no edit, no file written."""
    from carepath.exchange.directory import edit_directory, gate_import, place_of, slug
    from carepath.exchange.sheet import SHEET_FILE, column_of, read_sheet

    try:
        sources, _model, _statuses, report = load_model(CheckOptions(options.root, options.today))
    except ToolkitError as error:
        return SheetResult(error.report)
    path = options.path or options.root / SHEET_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return SheetResult(report, refused=f"{path} cannot be read as UTF-8 text: {error}")
    taken = {item["id"] for item in sources.neutral["services"].data["services"]}

    def new_id(name: str) -> str:
        """An id for a row that has none, from its name."""
        sid = slug(name, taken)
        taken.add(sid)
        return sid

    sheet = read_sheet(text, sources, new_id)
    result = SheetResult(report, path=path, kept=sheet.kept, problems=sheet.problems)
    if sheet.problems:
        return result
    gated = gate_import(sources, sheet.changes, sheet.added, options.today or dt.date.today(), report.problems)
    if gated.refused or gated.unplaced:
        files = edit_directory(sources, sheet.changes, sheet.added)
        for problem in [p for found in gated.refused.values() for p in found] + gated.unplaced:
            place = place_of(problem, files)
            row, col = sheet.cells.get((place[0], column_of(place[1])), (0, 0)) if place else (0, 0)
            result.problems.append(replace(problem, path=SHEET_FILE, line=row, column=col) if row else problem)
        return result
    result.changed = {sid: sorted(fields) for sid, fields in sheet.changes.items()}
    result.added = [p.id for p in sheet.added]
    for name, new in gated.files.items():
        (options.root / name).write_text(new, encoding="utf-8")
        result.files.append(name)
    return result
