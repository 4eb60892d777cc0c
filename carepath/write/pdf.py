"""Write stage (print): turn print jobs into PDFs with a sandboxed WeasyPrint, in parallel, reusing cached ones."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import time
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urljoin

from carepath.files import write_whole
from carepath.render.jobs import PrintJob
from carepath.write import WriteFailed
from carepath.write.lock import die_with

if TYPE_CHECKING:  # WeasyPrint takes half a second to import: only workers import it
    from weasyprint import HTML

    from carepath.write.fetch import SandboxFetcher

# A cached PDF that no build used for this many days is removed (a build touches each one it reuses).
CACHE_DAYS = 30

# A fontconfig configuration without any font folder: WeasyPrint then sees only the @font-face fonts
# of the handout, so a PDF never depends on (nor silently falls back to) the fonts of this machine.
ISOLATED_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by carepath: no <dir>, so only the fonts each handout declares with @font-face exist. -->
<fontconfig></fontconfig>
"""


@dataclass
class PdfStats:
    """What write_pdfs did: PDFs rendered, PDFs copied from the cache, the time it took, and each PDF's size."""

    rendered: int
    reused: int
    seconds: float
    # site-relative path (PrintJob.path) -> (pages, bytes), for links such as "Handout, A4, 2 pages, 180 KB"
    files: dict[str, tuple[int, int]] = field(default_factory=dict)


def _fontconfig_file(cache_dir: Path) -> Path:
    """The isolated fontconfig configuration, kept beside the cached PDFs."""
    path = cache_dir / "fonts.conf"
    if not path.exists() or path.read_text(encoding="utf-8") != ISOLATED_FONTCONFIG:
        write_whole(path, ISOLATED_FONTCONFIG.encode("utf-8"))
    return path


class _SavedFont:
    """What fontTools' instancer returns, as WeasyPrint uses it (`.save(file)`), made from bytes saved before;
    anything else asked of it is asked of the font those bytes are."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def save(self, file: BinaryIO) -> None:
        """Write the font's bytes, as TTFont.save does."""
        file.write(self.data)

    def __getattr__(self, name: str) -> Any:
        from fontTools.ttLib import TTFont

        font = self.__dict__.get("_font")
        if font is None:
            font = self.__dict__["_font"] = TTFont(io.BytesIO(self.data))
        return getattr(font, name)


def _share_font_instances(folder: Path) -> None:
    """Have WeasyPrint turn a variable font into the static one of a document's weight once per build, not once
    per PDF: its fontTools instancer (a tenth of a PDF's time) is given a cache on disk, shared by the workers
    and builds, keyed by the sha256 of the subset font it is given, the axis values, fontTools' version and the
    font timestamp (SOURCE_DATE_EPOCH). The A4 and Letter versions of a document use the same glyphs, and so do
    most PDFs of a build after an edit. Any surprise: WeasyPrint's own instancer, as if nothing was done."""
    try:
        import fontTools
        from weasyprint.pdf import fonts
    except ImportError:
        return
    instancer = getattr(fonts, "instantiateVariableFont", None)
    if instancer is None or getattr(instancer, "carepath_cached", False):
        return
    stamp = f"fontTools {fontTools.version} SOURCE_DATE_EPOCH {os.environ.get('SOURCE_DATE_EPOCH')}"

    def cached(font: Any, variations: dict[str, float], **options: Any) -> Any:
        """The instancer, through the cache, for the one call WeasyPrint makes (a font read from bytes)."""
        reader = getattr(font, "reader", None)
        source = getattr(getattr(reader, "file", None), "getvalue", None)
        data = source() if callable(source) else None
        if options != {"static": True} or not isinstance(data, bytes) or data[:4] == b"ttcf":
            return instancer(font, variations, **options)  # a collection's bytes would not say which font
        digest = hashlib.sha256(data)
        digest.update(json.dumps([stamp, sorted(variations.items())]).encode())
        target = folder / f"{digest.hexdigest()}.ttf"
        try:
            return _SavedFont(target.read_bytes())
        except OSError:
            pass
        out = io.BytesIO()
        instancer(font, variations, **options).save(out)
        try:
            write_whole(target, out.getvalue())
        except OSError:
            pass  # a cache: the PDF does not need it
        return _SavedFont(out.getvalue())

    cached.carepath_cached = True  # type: ignore[attr-defined]
    fonts.instantiateVariableFont = cached


def _init_worker(fontconfig_file: str, parent: int, font_cache: str | None = None) -> None:
    """Prepare a worker process: tie it to its build, isolate fontconfig before WeasyPrint first loads it;
    `font_cache`: the folder of static fonts made from variable ones (_share_font_instances)."""
    die_with(parent)
    # Ctrl-C reaches the whole process group: the build stops its workers itself, without a traceback from each
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["FONTCONFIG_FILE"] = fontconfig_file
    # fontTools stamps the fonts WeasyPrint subsets with the current time unless this is set:
    # a fixed stamp keeps two builds of the same handout byte-identical.
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    # Expected with the isolated configuration: the handout's own @font-face fonts are added later.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
    warnings.filterwarnings("ignore", message="FontConfig cannot load default config file")
    import weasyprint  # noqa: F401  (import once per worker, not once per PDF)

    if font_cache:
        _share_font_instances(Path(font_cache))


def _attachment_links(html: HTML) -> list[str]:
    """The targets of every <a> and <link> with rel="attachment": WeasyPrint would embed them in the PDF."""
    from weasyprint.html import element_has_link_type

    return [
        urljoin(html.base_url or "", element.get("href") or "")
        for element in html.etree_element.iter()
        if element.tag in ("a", "link") and element_has_link_type(element, "attachment")
    ]


def render_pdf(job: PrintJob, fetcher: SandboxFetcher | None = None) -> tuple[bytes, int]:
    """Render one job, loading only what job.allowed lists: tagged PDF/UA-1; the bytes and the page count.

    Raises ResourceRefused, naming the PDF and each URL, when the document asks for anything else or
    for a PDF attachment. `fetcher`: the sandbox to use (tests read what it served), else a new one.
    """
    from weasyprint import HTML

    from carepath.write.fetch import ResourceRefused, SandboxFetcher

    fetcher = fetcher or SandboxFetcher(job.allowed, job.path, fallbacks=job.fallbacks)
    html = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
    # An attachment would copy a file into the PDF as is: refused before anything is loaded.
    for url in _attachment_links(html):
        fetcher.refusals.append((url, "PDF attachments are not allowed (rel=\"attachment\")"))
    fetcher.check()
    try:
        document = html.render()
        # Belt and braces: nothing may reach the PDF's /EmbeddedFiles, whatever WeasyPrint found.
        document.metadata.attachments = []
        for page in document.pages:
            page.links = [link for link in page.links if link[0] != "attachment"]
        fetcher.check()  # before spending the time to write a PDF that will not be published
        data = document.write_pdf(pdf_variant="pdf/ua-1")
    except ResourceRefused:
        raise
    except Exception as error:
        # A refusal can surface as another error (an unreadable @color-profile...): report the refusal.
        if fetcher.refusals:
            raise ResourceRefused(job.path, tuple(fetcher.refusals)) from error
        raise
    # Images inside SVG are fetched while drawing, where WeasyPrint logs any error and goes on.
    fetcher.check()
    return data, len(document.pages)


def _pages_file(cache_dir: Path, key: str) -> Path:
    """Where the cache keeps a PDF's page count, beside the PDF (reading it back needs no PDF parser)."""
    return cache_dir / f"{key}.json"


def _cached(cache_dir: Path, key: str) -> tuple[Path, int] | None:
    """A cached PDF and its page count, or None if either is missing or unreadable."""
    pdf, pages = cache_dir / f"{key}.pdf", _pages_file(cache_dir, key)
    try:
        count = json.loads(pages.read_text(encoding="utf-8"))["pages"]
        os.utime(pdf)  # used now: kept by _prune for CACHE_DAYS more
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pdf, int(count)


def _prune(cache_dir: Path, keep: set[str]) -> int:
    """Remove the cached PDFs no build used for CACHE_DAYS days (but those in `keep`); how many were removed."""
    old = time.time() - CACHE_DAYS * 86400
    removed = 0
    for pdf in cache_dir.glob("*.pdf"):
        try:
            if pdf.stem in keep or pdf.stat().st_mtime >= old:
                continue
            _pages_file(cache_dir, pdf.stem).unlink(missing_ok=True)  # first: without it the PDF is not used
            pdf.unlink()
            removed += 1
        except OSError:
            continue  # another build's, being replaced: left for the next prune
    return removed


def _store(cache_dir: Path, key: str, data: bytes, pages: int) -> Path:
    """Store a rendered PDF, then its page count, in the cache under its key; the PDF's path there."""
    target = cache_dir / f"{key}.pdf"
    write_whole(target, data)
    write_whole(_pages_file(cache_dir, key), json.dumps({"pages": pages}).encode("utf-8"))
    return target


def _stop(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """End a pool now: its workers are killed mid-PDF rather than waited for.

    `before`: the child processes there were before the pool. Any other is one of its workers, even one that
    Ctrl-C caught half started, which the pool does not know yet (it would wait for work, and the exit for it).
    """
    started = [p for p in multiprocessing.active_children() if p.pid not in before]
    for process in {*(pool._processes or {}).values(), *started}:
        process.terminate()
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except RuntimeError:
        pass  # Ctrl-C came while the pool was still starting its manager thread


def _publish(cached: Path, out_dir: Path, job: PrintJob) -> int:
    """Copy a cached PDF to its place in the output folder; its size in bytes."""
    target = out_dir / job.path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    return target.stat().st_size


def write_pdfs(
    jobs: list[PrintJob], out_dir: Path, cache_dir: Path, workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> PdfStats:
    """Write every job's PDF under out_dir, rendering in parallel only those not in cache_dir.

    A worker's ResourceRefused comes through as it is; any other error as WriteFailed naming the PDF.
    """
    from carepath.write.fetch import ResourceRefused

    started = time.perf_counter()
    report = progress or (lambda _message: None)
    cache_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[int, int]] = {}
    reused = 0
    todo: dict[str, list[PrintJob]] = {}  # key -> jobs; identical jobs are rendered once
    for job in jobs:
        cached = _cached(cache_dir, job.key)
        if cached:
            files[job.path] = (cached[1], _publish(cached[0], out_dir, job))
            reused += 1
            report(f"{job.path} (unchanged)")
        else:
            todo.setdefault(job.key, []).append(job)
    if todo:
        count = min(workers or os.cpu_count() or 1, len(todo))
        # Longest documents first (booklets), so that no worker starts one when the others are done.
        order = sorted(todo.values(), key=lambda same: len(same[0].html), reverse=True)
        # spawn: a fresh interpreter per worker, so fontconfig starts from the isolated configuration
        context = multiprocessing.get_context("spawn")
        before = {process.pid for process in multiprocessing.active_children() if process.pid is not None}
        # Workers only render and hand the bytes back: one killed mid-PDF leaves nothing behind.
        pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context,
            initializer=_init_worker,
            initargs=(str(_fontconfig_file(cache_dir)), os.getpid(), str(cache_dir / "font-instances")),
        )
        futures: dict[Future[tuple[bytes, int]], list[PrintJob]] = {}
        try:
            for same in order:
                futures[pool.submit(render_pdf, same[0])] = same
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    same = futures[future]
                    try:
                        data, pages = future.result()  # re-raises a worker's error here
                        cached_pdf = _store(cache_dir, same[0].key, data, pages)
                    except ResourceRefused:
                        raise  # names its PDF already; the build reports it as a problem
                    except Exception as error:
                        raise WriteFailed(f"the PDF {same[0].path}") from error
                    for job in same:
                        files[job.path] = (pages, _publish(cached_pdf, out_dir, job))
                        report(f"{job.path} (rendered)")
        except BaseException:
            _stop(pool, before)  # do not render the rest for nothing
            raise
        pool.shutdown(wait=True)
    _prune(cache_dir, {job.key for job in jobs})
    rendered = sum(len(same) for same in todo.values())
    files = {job.path: files[job.path] for job in jobs}  # in the order of the jobs
    return PdfStats(rendered=rendered, reused=reused, seconds=time.perf_counter() - started, files=files)


def in_cache(jobs: list[PrintJob], cache_dir: Path) -> list[PrintJob]:
    """The jobs whose PDF the cache already holds (serve shows the site before it renders the others)."""
    return [job for job in jobs if _cached(cache_dir, job.key) is not None]
