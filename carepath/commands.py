"""The operations build.py offers: check a toolkit, build it, in plain functions with no terminal I/O."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2.exceptions import SecurityError

from carepath.checks import run_checks
from carepath.checks.glyphs import check_glyphs
from carepath.l10n.translation import LocaleStatus, all_status, outdated_keys
from carepath.load import Sources, load_sources
from carepath.messages import problem
from carepath.model import Model, build_model
from carepath.problems import Report, ToolkitError
from carepath.render.site import render_site
from carepath.settings import site_settings
from carepath.write.fetch import ResourceRefused
from carepath.write.hooks import UnsafePage
from carepath.write.site import move_tree, publish, recover, run_mkdocs, split_search_index, write_site_sources

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build wrote and how long each part took."""

    report: Report
    pages: int = 0
    pdfs: int = 0
    pdfs_reused: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    search_entries: dict[str, int] = field(default_factory=dict)


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
    model = build_model(sources, {s.tag: outdated_keys(s) for s in statuses})
    return sources, model, statuses, report


def user_mkdocs_config(sources: Sources) -> dict[str, Any]:
    """The settings of mkdocs.yml that carepath passes on (the check refuses the others)."""
    data = sources.settings.data if sources.settings is not None else {}
    return site_settings(data if isinstance(data, dict) else {})


def build(options: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    """Check, render and write the whole site with its PDFs; the site folder changes only on success."""
    from carepath.render.print_kit import render_print
    from carepath.write.pdf import write_pdfs

    root, workers = options.root, options.workers
    site_dir = (options.site_dir or root / "site").resolve()
    started = time.perf_counter()
    recover(site_dir)
    progress("checking sources")
    sources, model, statuses, report = load_model(options)
    result = BuildResult(report)
    result.seconds["check"] = time.perf_counter() - started

    work = root / ".carepath" / "work"
    work.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.", dir=site_dir.parent))
    try:
        # PDFs first: the site's print links say how many pages and bytes each one has
        mark = time.perf_counter()
        config = user_mkdocs_config(sources)
        jobs = render_print(model, root, config.get("site_url"), config)
        for warning in jobs.warnings:  # "path: what" for a page's picture; site_url otherwise
            where, _, what = warning.partition(": ")
            if where.startswith("content/") and what:
                report.add(problem("print.image_left_out", where, 1, 1, detail=what))
            else:
                report.add(problem("print.no_qr", "mkdocs.yml", 1, 1, detail=warning))
        glyphs = Report(check_glyphs(sources, model, root))
        if glyphs.errors:
            raise ToolkitError(glyphs)
        progress(f"making {len(jobs)} PDFs")
        cache = Path(os.environ.get("CAREPATH_CACHE_DIR") or root / ".carepath" / "cache") / "pdf"
        pdfs = staging / ".pdf"
        try:
            stats = write_pdfs(jobs, pdfs, cache, workers, progress)
        except ResourceRefused as refused:  # the sandbox held: say what was refused, as a problem, not a crash
            raise ToolkitError(Report([
                problem("unsafe.print", refused.document, 1, 1, url=url, reason=reason)
                for url, reason in refused.refusals
            ])) from None
        result.pdfs, result.pdfs_reused = len(jobs), stats.reused
        result.seconds["pdf"] = time.perf_counter() - mark

        mark = time.perf_counter()
        progress(f"building the website in {len(model.toolkits)} languages")
        site = render_site(model, root / "templates", config, statuses, stats.files, root / "content")
        config_file = write_site_sources(site, work)
        try:
            run_mkdocs(config_file, staging / "site")
        except UnsafePage as unsafe:  # the last gate held: report it like any problem
            raise ToolkitError(Report([problem("unsafe.page", unsafe.page, 1, 1, detail=unsafe.detail)])) from None
        result.search_entries = split_search_index(model, staging / "site")
        result.pages = sum(1 for p in (staging / "site").rglob("*.html") if p.name != "404.html")
        move_tree(pdfs, staging / "site")
        result.seconds["site"] = time.perf_counter() - mark

        publish(staging / "site", site_dir)
    except SecurityError as error:  # a template override reached for Python internals: the sandbox said no
        raise ToolkitError(Report([problem("unsafe.template", "templates/", 1, 1, detail=str(error))])) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds["total"] = time.perf_counter() - started
    return result
