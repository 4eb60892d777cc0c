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

import yaml

from carepath.load import Sources, load_sources
from carepath.model import Model, build_model
from carepath.problems import Report, ToolkitError
from carepath.render_site import render_site
from carepath.translation import LocaleStatus, all_status, outdated_keys
from carepath.validate import validate
from carepath.write import publish, run_mkdocs, split_search_index, write_site_sources

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


def check(root: Path, today: dt.date | None = None, release: bool = False) -> tuple[Sources, Report]:
    """Load and validate a toolkit; the report holds every problem found."""
    sources, problems = load_sources(root)
    report = Report(problems)
    report.extend(validate(sources, today, release))
    return sources, report


def load_model(
    root: Path, strict: bool = False, today: dt.date | None = None, release: bool = False
) -> tuple[Model, list[LocaleStatus], Report]:
    """Check a toolkit and build its model and translation status, or raise ToolkitError."""
    sources, report = check(root, today, release)
    if report.failed(strict):
        raise ToolkitError(report)
    statuses = all_status(sources, root)
    model = build_model(sources, {s.tag: outdated_keys(s) for s in statuses})
    return model, statuses, report


def user_mkdocs_config(root: Path) -> dict[str, object]:
    """The site settings of mkdocs.yml, read safely."""
    return yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8")) or {}


def build(
    root: Path, site_dir: Path, progress: Progress = lambda _: None, strict: bool = False,
    workers: int | None = None, today: dt.date | None = None, release: bool = False,
) -> BuildResult:
    """Check, render and write the whole site with its PDFs; `site_dir` changes only on success."""
    from carepath.pdf import write_pdfs
    from carepath.render_print import render_print

    started = time.perf_counter()
    progress("checking sources")
    model, statuses, report = load_model(root, strict, today, release)
    result = BuildResult(report)
    result.seconds["check"] = time.perf_counter() - started

    work = root / ".carepath" / "work"
    work.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.", dir=site_dir.parent))
    try:
        mark = time.perf_counter()
        progress(f"building the website in {len(model.toolkits)} languages")
        site = render_site(model, root / "templates", user_mkdocs_config(root), statuses)
        config_file = write_site_sources(site, work)
        run_mkdocs(config_file, staging)
        result.search_entries = split_search_index(model, staging)
        result.pages = sum(1 for _ in staging.rglob("*.html")) - sum(1 for _ in staging.rglob("404.html"))
        result.seconds["site"] = time.perf_counter() - mark

        mark = time.perf_counter()
        jobs = render_print(model, root)
        progress(f"making {len(jobs)} PDFs")
        cache = Path(os.environ.get("CAREPATH_CACHE_DIR") or root / ".carepath" / "cache") / "pdf"
        stats = write_pdfs(jobs, staging, cache, workers, progress)
        result.pdfs, result.pdfs_reused = len(jobs), stats.reused
        result.seconds["pdf"] = time.perf_counter() - mark

        publish(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.seconds["total"] = time.perf_counter() - started
    return result
