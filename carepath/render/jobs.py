"""What the render stage hands the PDF writer: print jobs, plain data (the PDF workers import this module alone)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PrintJob:
    """One PDF to render: the HTML document and everything that decides its PDF's bytes."""

    path: str  # site-relative output path, e.g. "es/print/signs-a4.pdf"
    html: str  # the complete HTML document
    base_url: str  # the print/ folder, for resolving CSS and relative URLs
    lang: str
    fonts: tuple[str, ...]  # absolute paths of the font files this job uses
    key: str  # sha256 over html, every file the renderer may load, font files and the PDF engine (job_key)
    kind: str = "handout"  # handout | booklet | cards
    paper: str = "a4"
    url: str | None = None  # the web page its QR code opens (None: no QR code)
    # What the PDF renderer may load (carepath.write.fetch): absolute paths, a folder ends with "/". Empty: nothing.
    allowed: tuple[str, ...] = ()
    # (folder, fallback folder): a file missing in the toolkit's print/ is loaded from carepath's (carepath.layers)
    fallbacks: tuple[tuple[str, str], ...] = ()


class PrintJobs(list[PrintJob]):
    """The jobs of render_print, with what the build should tell its user (e.g. QR codes left out)."""

    def __init__(self, jobs: Iterable[PrintJob] = (), warnings: Iterable[str] = ()) -> None:
        super().__init__(jobs)
        self.warnings: list[str] = list(warnings)
