"""The print kit: real PDFs of the example toolkit, rendered once and read back with poppler, zbar, pypdf and PDFium.

Per language and paper: three handouts, the booklet and a sheet of pocket cards.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import math
import os
import re
import shutil
import subprocess
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import fontpkg
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from conftest import SHARED_CACHE, private_cache, rendering_alone
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from carepath.formatting import language_name, list_of
from carepath.layout import CHANGELOG_PAGE, HANDOUTS, PAPERS, TOPIC_FILES, booklet_path, cards_path, handout_path
from carepath.load import load_sources
from carepath.model import LocalizedToolkit, Model, Page, Text, build_model
from carepath.render.print_kit import (
    NO_SITE_URL,
    FontNotFound,
    PrintJob,
    family_faces,
    key_services,
    page_body,
    quote_marks,
    render_print,
    smart_quotes,
)
from carepath.write.glyphs import missing_glyphs
from carepath.write.pdf import CACHE_DAYS, PdfStats, write_pdfs

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
# Page sizes in PDF points (1/72 in).
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MM = 72 / 25.4
# The pocket-card grid of print/templates/cards.html.j2: columns, rows; a card is 85.6 x 53.98 mm.
CARD_GRID = {"a4": (2, 5), "letter": (2, 4)}
CARD = (85.6 * MM, 53.98 * MM)
# Most pages a handout may have, on either paper, in any language of the example, with 12 pt text (was 2, 3, 4
# with 9 to 10 pt text). Recognizing distress stays on one sheet, both sides.
MOST_PAGES = {"signs": 2, "steps": 5, "pathways": 8}  # the referral guide holds the directory: 10 services
# Bidi controls pdftotext adds around right-to-left text, and soft hyphens.
INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"))
# The hyphen WeasyPrint adds where `hyphens: auto` breaks a word (U+2010), then the line break.
AUTO_HYPHEN = re.compile(r"\u2010\s+")
# Typographic quotation marks and apostrophes (print sets them) read back as the straight ones writers type.
STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2039": "'", "\u203a": "'",
                          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
# Where the greyscale pictures of the first pages go, for people to look at (as the browser tests' screenshots).
SCREENSHOTS = Path(os.environ.get("CAREPATH_SCREENSHOTS") or ROOT / ".carepath" / "screenshots") / "print"
# Page margins (mm) of print.css (A4) and letter.css: top, bottom. The running footer sits in the bottom one;
# an example toolkit's pages after the first have a taller top margin (its running header has the notice).
MARGINS = {"a4": (13, 21), "letter": (12, 19)}
EXAMPLE_TOP = 19
# Font files the PDFs may embed: the families the example's locales name.
EMBEDDED_FAMILIES = ("Noto-Sans", "Amiri")


@dataclass
class Printed:
    """The whole print kit of the example toolkit, written once for the session."""

    model: Model
    jobs: list[PrintJob]
    out: Path
    cache: Path
    stats: PdfStats

    def toolkit(self, tag: str) -> LocalizedToolkit:
        """The toolkit in language `tag`."""
        return next(t for t in self.model.toolkits if t.locale.tag == tag)

    def pdf(self, path: str) -> Path:
        """A written PDF by its site path."""
        return self.out / path


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """Render and write the whole print kit once (2 workers), with mkdocs.yml's site_url.

    The PDF cache is the session's shared one (conftest.py): a PDF is reused only when everything that decides
    its bytes is unchanged, and the tests that must render cold use a cache of their own.
    """
    sources, _problems = load_sources(ROOT)
    model = build_model(sources)
    jobs = render_print(model, ROOT, SITE_URL)
    assert jobs.warnings == []
    base = tmp_path_factory.mktemp("print")
    with rendering_alone():
        stats = write_pdfs(jobs, base / "out", SHARED_CACHE, workers=2)
    return Printed(model, jobs, base / "out", SHARED_CACHE, stats)


def run(*command: str) -> str:
    """Run a poppler or zbar tool and return what it printed.

    What poppler reads from a PDF (pdftotext, pdfinfo, pdffonts) is read once per session: the print kit's PDFs
    never change once written, and most tests read the same ones; every other path is a test's own new file.
    """
    if command[0] in ("pdftotext", "pdfinfo", "pdffonts"):
        return _read(command)
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


@functools.cache
def _read(command: tuple[str, ...]) -> str:
    """What a poppler tool read from a PDF."""
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


@functools.cache
def page_sizes(path: Path) -> list[tuple[float, float]]:
    """The width and height of each page of a PDF in points (its media box), as PDFium reads them: the page tree
    alone, where pypdf parses every page object (a quarter of a second a PDF)."""
    document = pdfium.PdfDocument(path)
    try:
        return [document.get_page_size(index) for index in range(len(document))]
    finally:
        document.close()


def catalog(path: Path) -> tuple[str, bool, str]:
    """A PDF's language (/Lang), whether it is tagged (a structure tree) and its creation date, through PDFium
    (pypdf parses the catalog's whole object stream: half a second a PDF)."""
    document = pdfium.PdfDocument(path)
    try:
        length = pdfium_c.FPDFCatalog_GetLanguage(document, None, 0)  # in bytes of UTF-16, with a NUL
        lang = ctypes.create_string_buffer(length)
        pdfium_c.FPDFCatalog_GetLanguage(document, ctypes.cast(lang, pdfium_c.FPDF_WIDESTRING), length)
        created = document.get_metadata_dict().get("CreationDate", "")
        return lang.raw[:length - 2].decode("utf-16-le"), bool(pdfium_c.FPDFCatalog_IsTagged(document)), created
    finally:
        document.close()


def page_count(path: Path) -> int:
    """How many pages a PDF has."""
    return len(page_sizes(path))


@functools.cache
def parsed_pdf(path: Path) -> PdfReader:
    """A PDF parsed by pypdf, once per session (pypdf keeps what it has read of it)."""
    return PdfReader(path)


def pdf_text(path: Path, page: int | None = None) -> str:
    """A PDF's text as pdftotext reads it: whitespace collapsed, bidi controls and automatic hyphens removed,
    quotation marks straight."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = AUTO_HYPHEN.sub("", run("pdftotext", *pages, str(path), "-").translate(INVISIBLE).translate(STRAIGHT))
    return " ".join(text.split())


def page_texts(path: Path) -> list[str]:
    """The text of every page of a PDF, in order (pdftotext separates pages with form feeds)."""
    raw = AUTO_HYPHEN.sub("", run("pdftotext", str(path), "-").translate(INVISIBLE).translate(STRAIGHT))
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """The words of one page with their boxes (xMin, yMin, xMax, yMax in points from the top left)."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"),
    )
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in found]


def qr_payloads(path: Path, page: int, tmp_path: Path, band: tuple[float, float] | None = None) -> list[str]:
    """Every QR code zbarimg decodes from a greyscale 200 dpi render of a page, as a photocopy would be.

    `band`: only the part of the page from `top` to `bottom` mm (rendering a whole page takes ten times longer).
    """
    image = tmp_path / f"{path.stem}-{page}"
    crop = []
    if band:
        dots = 200 / 25.4
        crop = ["-x", "0", "-y", str(int(band[0] * dots)), "-W", "2000", "-H", str(int((band[1] - band[0]) * dots))]
    pages = ["-f", str(page), "-l", str(page)]
    run("pdftoppm", "-gray", "-r", "200", *pages, *crop, "-png", "-singlefile", str(path), str(image))
    result = subprocess.run(["zbarimg", "--raw", "-q", f"{image}.png"], capture_output=True, text=True, timeout=60)
    return result.stdout.split()


@functools.cache
def marked_texts(path: Path) -> dict[int, dict[int, str]]:
    """The text of each marked-content sequence (MCID) of each page (by the page's object number), in the order the
    content streams show it, once per session: each text object with its MCID as PDFium reads them (fifteen times
    faster than pypdf's content-stream parser in Python); a page with right-to-left text as pypdf decodes it,
    because PDFium hands such text back in visual order."""
    pages = parsed_pdf(path).pages
    document = pdfium.PdfDocument(path)
    texts: dict[int, dict[int, str]] = {}
    try:
        for index, page in enumerate(document):
            characters = page.get_textpage()
            shown = [(pdfium_c.FPDFPageObj_GetMarkedContentID(each), object_text(each, characters))
                     for each in text_objects(page)]
            characters.close()
            page.close()
            if any(unicodedata.bidirectional(c) in ("R", "AL") for _, text in shown for c in text):
                texts[pages[index].indirect_reference.idnum] = _marked_text(pages[index])
                continue
            mine = texts[pages[index].indirect_reference.idnum] = {}
            for mcid, text in shown:
                if mcid >= 0:
                    mine[mcid] = mine.get(mcid, "") + text.replace(PDFIUM_HYPHEN, "-")
    finally:
        document.close()
    return texts


def _marked_text(page: PageObject) -> dict[int, str]:
    """The text of each marked-content sequence (MCID) of a page, as pypdf decodes its content stream."""
    stack: list[int | None] = []
    texts: dict[int, str] = {}

    def before(operator: bytes, operands: list[object], _cm: object, _tm: object) -> None:
        """Track which marked-content sequence the following text belongs to."""
        if operator == b"BDC":
            properties = operands[1] if len(operands) > 1 else None
            stack.append(properties.get("/MCID") if isinstance(properties, DictionaryObject) else None)
        elif operator == b"BMC":
            stack.append(None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, _cm: object, _tm: object, _font: object, _size: float) -> None:
        """Add shown text to its sequence."""
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None:
            texts[mcid] = texts.get(mcid, "") + value

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


# what PDFium reads for a hyphen that ends a line ("walk-" / "in")
PDFIUM_HYPHEN = "\x02"


def text_objects(page: pdfium.PdfPage, forms: bool = True) -> Iterator[Any]:
    """A page's text objects, in the order its content stream shows them; with `forms`, those inside form objects
    too (whose matrices are then the form's, not the page's)."""
    def walk(count: int, get: Any) -> Iterator[Any]:
        for index in range(count):
            shown = get(index)
            kind = pdfium_c.FPDFPageObj_GetType(shown)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                yield shown
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and forms:
                yield from walk(pdfium_c.FPDFFormObj_CountObjects(shown),
                                functools.partial(pdfium_c.FPDFFormObj_GetObject, shown))

    yield from walk(pdfium_c.FPDFPage_CountObjects(page), functools.partial(pdfium_c.FPDFPage_GetObject, page))


def object_text(shown: Any, characters: pdfium.PdfTextPage) -> str:
    """The text a text object shows, as PDFium maps its glyphs to Unicode."""
    length = pdfium_c.FPDFTextObj_GetText(shown, characters, None, 0)  # in bytes of UTF-16, with a NUL
    text = ctypes.create_string_buffer(length)
    pdfium_c.FPDFTextObj_GetText(shown, characters, ctypes.cast(text, pdfium_c.FPDF_WIDESTRING), length)
    return text.raw[:length - 2].decode("utf-16-le")


def tagged_text(path: Path) -> str:
    """A PDF's text in the order of its structure tree: what a screen reader reads (no running header/footer)."""
    pages = marked_texts(path)
    parts: list[str] = []

    def walk(node: object, page: int | None) -> None:
        """Depth first through the structure elements; integers are marked content of the element's page."""
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, int):
            parts.append(pages.get(page, {}).get(node, ""))
        elif isinstance(node, list):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, DictionaryObject) and node.get("/Type") != "/OBJR":
            where = node.get("/Pg")
            walk(node.get("/K", []), where.idnum if isinstance(where, IndirectObject) else page)

    walk(parsed_pdf(path).trailer["/Root"]["/StructTreeRoot"], None)
    return " ".join(AUTO_HYPHEN.sub("", " ".join(parts)).translate(STRAIGHT).split())


def loose(text: str) -> str:
    """Letters only, repeats collapsed: right-to-left runs come back with marks, punctuation and lam-alef moved."""
    letters = [c for c in text if c.isalpha() and unicodedata.category(c) != "Mn"]
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])


def plain(value: object) -> str:
    """A text as it is printed: writers' inline Markdown (*, **, `) removed, whitespace collapsed, quotes straight."""
    return " ".join(re.sub(r"[*_`]", "", str(value)).translate(STRAIGHT).split())


def unspaced(text: str) -> str:
    """A text without spaces or vowel marks: pdftotext splits RTL words at ligatures and reorders marks."""
    return "".join(c for c in "".join(text.split()) if unicodedata.category(c) != "Mn")


def find(text: str, needle: str, rtl: bool, start: int = 0) -> int:
    """Where `needle` is in `text` (compared loosely for right-to-left text), or -1."""
    return loose(text).find(loose(needle), start) if rtl else text.find(needle, start)


def handouts(printed: Printed) -> Iterator[tuple[LocalizedToolkit, str, str, Path]]:
    """Every (toolkit, topic, paper, pdf file) of the session."""
    for toolkit in printed.model.toolkits:
        for topic in HANDOUTS:
            for paper in PAPERS:
                yield toolkit, topic, paper, printed.pdf(handout_path(toolkit, topic, paper))


def every_pdf(printed: Printed) -> Iterator[tuple[LocalizedToolkit, PrintJob, Path]]:
    """Every (toolkit, job, pdf file) of the session: handouts, booklets and cards."""
    for job in printed.jobs:
        yield printed.toolkit(job.lang), job, printed.pdf(job.path)


def expected_texts(toolkit: LocalizedToolkit, topic: str) -> list[str]:
    """Texts a handout must show: the toolkit's title, the topic's first item and the emergency number."""
    first = {
        "signs": toolkit.signs[0].text,
        "steps": toolkit.steps[0].title,
        "pathways": toolkit.services[0].name,
    }[topic]
    return [plain(toolkit.title), plain(first), toolkit.emergency.phone.display]


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in run("pdfinfo", str(path)).splitlines())
    }


# --- What is printed ------------------------------------------------------------------------------


def test_the_print_kit_of_every_language_and_paper(printed: Printed) -> None:
    """Handouts, booklet and cards per language and paper, all rendered on the first run."""
    source = printed.model.source
    expected = [
        *(handout_path(source, topic, paper) for topic in HANDOUTS for paper in PAPERS),
        *(booklet_path(source, paper) for paper in PAPERS),
        *(cards_path(source, paper) for paper in PAPERS),
    ]
    assert [job.path for job in printed.jobs[:len(expected)]] == expected
    assert expected[-4:] == ["print/booklet-a4.pdf", "print/booklet-letter.pdf",
                             "print/cards-a4.pdf", "print/cards-letter.pdf"]
    count = len(printed.model.toolkits) * (len(HANDOUTS) + 2) * len(PAPERS)
    assert len(printed.jobs) == len({job.path for job in printed.jobs}) == count == 40
    assert printed.stats.rendered + printed.stats.reused == count
    assert {job.kind for job in printed.jobs} == {"handout", "booklet", "cards"}
    assert booklet_path(printed.toolkit("es"), "letter") == "es/print/booklet-letter.pdf"
    assert cards_path(printed.toolkit("ar"), "a4") == "ar/print/cards-a4.pdf"
    for _toolkit, _job, pdf in every_pdf(printed):
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-"), pdf


def test_stats_give_pages_and_bytes_of_each_pdf(printed: Printed) -> None:
    """write_pdfs reports each PDF's page count and size, for links like "Handout, A4, 2 pages, 180 KB"."""
    assert list(printed.stats.files) == [job.path for job in printed.jobs]
    for path, (pages, size) in printed.stats.files.items():
        pdf = printed.pdf(path)
        assert pages == page_count(pdf) and size == pdf.stat().st_size, path


def test_paper_size_of_every_page(printed: Printed) -> None:
    """A4 pages are 595 x 842 pt, Letter pages 612 x 792 pt, in every PDF."""
    for _toolkit, job, pdf in every_pdf(printed):
        width, height = SIZES[job.paper]
        assert page_sizes(pdf), pdf
        for box in page_sizes(pdf):
            assert abs(box[0] - width) < 1 and abs(box[1] - height) < 1, (pdf, box)


def test_handouts_are_compact(printed: Printed) -> None:
    """Recognizing distress on one sheet (both sides); first support and the referral guide within MOST_PAGES."""
    for toolkit, topic, paper, pdf in handouts(printed):
        pages = page_count(pdf)
        assert 1 <= pages <= MOST_PAGES[topic], (pdf, pages)
        if toolkit.locale.direction == "ltr" and paper == "a4" and toolkit.is_source:
            assert pages == {"signs": 2, "steps": 5, "pathways": 6}[topic], (pdf, pages)


def test_text_reads_back_in_its_language(printed: Printed) -> None:
    """The title, a first item and the emergency number read back in the handout's language."""
    for toolkit, topic, _paper, pdf in handouts(printed):
        text = pdf_text(pdf)
        title, first, phone = expected_texts(toolkit, topic)
        assert phone in text, pdf
        if toolkit.locale.direction == "rtl":
            letters = [c for c in text if c.isalpha()]
            arabic = [c for c in letters if unicodedata.name(c, "").startswith("ARABIC")]
            assert len(arabic) > 0.6 * len(letters), pdf
            assert unspaced(title) in unspaced(text), (pdf, title)
            assert unspaced(first) in unspaced(text), (pdf, first)
        else:
            assert title in text, (pdf, title)
            assert first in text, (pdf, first)


def test_text_comes_back_in_reading_order(printed: Printed) -> None:
    """The tagged text reads title, signs, steps, decisions and services in order, right-to-left included."""
    for toolkit, topic, paper, pdf in handouts(printed):
        if paper != "a4" and not toolkit.is_source:
            continue  # the structure tree follows the document, not the paper: the source's letter PDFs suffice
        rtl = toolkit.locale.direction == "rtl"
        if not (toolkit.is_source or rtl or topic == "pathways"):
            continue  # every topic in the source and right to left; the others' words in the longest handout
        text = tagged_text(pdf)
        title = find(text, plain(toolkit.topics[topic].title), rtl)
        assert 0 <= title < find(text.casefold(), plain(toolkit.ui("banner.label")).casefold(), rtl), pdf
        items = {
            "signs": [toolkit.red_flags_title, *(f.text for f in toolkit.red_flags), *toolkit.kinds.values()],
            "steps": [step.title for step in toolkit.steps],
            "pathways": [*(p.question for p in toolkit.pathways), *(s.name for s in toolkit.services)],
        }[topic]
        position = 0
        for item in items:
            found = find(text, plain(item), rtl, position)
            assert found >= position, (pdf, item)
            position = found + 1


def test_every_page_has_the_footer(printed: Printed) -> None:
    """Every page of handouts and booklets (but the cover) shows the emergency number and 'page X of Y'."""
    for toolkit, job, pdf in every_pdf(printed):
        if job.kind == "cards":
            continue
        pages = page_texts(pdf)
        for number, text in enumerate(pages, start=1):
            if job.kind == "booklet" and number == 1:
                continue  # the cover shows the same facts in its own layout
            assert toolkit.emergency.phone.display in text, (pdf, number)
            assert toolkit.version and toolkit.version in text, (pdf, number)  # a paper copy says its version
            if toolkit.locale.direction == "ltr":  # Arabic words do not read back letter for letter
                assert plain(toolkit.ui("footer.version", version=toolkit.version)) in text, (pdf, number)
                page_of = plain(toolkit.ui("footer.page", page=number, pages=len(pages)))
                assert page_of in text, (pdf, number, page_of)


def test_example_notice_on_every_first_page(printed: Printed) -> None:
    """Example toolkits say so on the first page of every handout and booklet, and on the cards."""
    for toolkit, job, pdf in every_pdf(printed):
        if toolkit.example and toolkit.locale.direction == "ltr":
            page = 2 if job.kind == "cards" else 1  # a card says it on its back
            assert plain(toolkit.ui("example.notice")) in pdf_text(pdf, page), pdf
    assert 'class="cp-example"' in printed.jobs[0].html


# --- The booklet ----------------------------------------------------------------------------------


def chapters(toolkit: LocalizedToolkit) -> list[str]:
    """The booklet's chapter titles, in order: the topics, then the free pages (not the changelog: a web page)."""
    topics = [toolkit.topics[name].title for name in ("signs", "steps", "pathways", "services")]
    pages = [page.title for page in toolkit.pages if page.name != CHANGELOG_PAGE]
    return [plain(title) for title in [*topics, *pages]]


def test_booklet_contents_give_the_page_of_each_chapter(printed: Printed) -> None:
    """The contents list every chapter with its page (target-counter); that page starts with it."""
    for toolkit in printed.model.toolkits:
        if toolkit.locale.direction == "rtl":
            continue  # checked loosely below
        for paper in PAPERS:
            pdf = printed.pdf(booklet_path(toolkit, paper))
            pages = page_texts(pdf)
            assert len(pages) >= 12, pdf
            contents = pages[1]
            previous = 2
            for title in chapters(toolkit):
                match = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
                assert match, (pdf, title, contents[:300])
                number = int(match.group(1))
                assert number > previous, (pdf, title, number)
                previous = number
                # the chapter's first page: its title in the running header and as the heading
                assert pages[number - 1].count(title) >= 2, (pdf, title, number)


def test_booklet_has_every_chapter_in_order_in_every_language(printed: Printed) -> None:
    """Cover, contents, then each topic and free page, in the website's order; RTL compared loosely."""
    for toolkit in printed.model.toolkits:
        rtl = toolkit.locale.direction == "rtl"
        pdf = printed.pdf(booklet_path(toolkit, "a4"))
        pages = page_texts(pdf)
        body = " ".join(pages[2:])
        position = 0
        for title in chapters(toolkit):
            assert find(pages[1], title, rtl) >= 0, (pdf, "contents", title)
            found = find(body, title, rtl, position)
            assert found >= position, (pdf, title)
            position = found + 1
        cover = pages[0]
        assert find(cover, plain(toolkit.title), rtl) >= 0 and toolkit.emergency.phone.display in cover
        crisis_line = key_services(toolkit)[0].phone.display.split(" ")[-1]  # e.g. 555-0100 (RTL moves brackets)
        assert crisis_line in cover, (pdf, "the crisis line is on the cover")


def test_booklet_pages_keep_their_language(printed: Printed) -> None:
    """A free page that is not translated is printed in its own language, and says so."""
    swahili = printed.toolkit("sw")
    job = next(j for j in printed.jobs if j.path == booklet_path(swahili, "a4"))
    printed_pages = [page for page in swahili.pages if page.name != CHANGELOG_PAGE]  # the changelog: web only
    untranslated = [page for page in printed_pages if page.untranslated]
    assert untranslated, "the example leaves some Swahili pages untranslated"
    for page in printed_pages:  # Swahili and English both run left to right
        assert f'<div class="cp-page-body" lang="{page.lang}" dir="ltr">' in job.html, page.name
    text = pdf_text(printed.pdf(job.path))
    for page in untranslated:
        assert plain(page.title) in text
    arabic = printed.toolkit("ar")
    html = next(j for j in printed.jobs if j.path == booklet_path(arabic, "a4")).html
    assert '<div class="cp-page-body" lang="ar" dir="rtl">' in html


def test_booklet_links_between_pages_stay_inside_the_booklet(printed: Printed) -> None:
    """Markdown links to other pages point at chapters; the PDF has internal links for them."""
    job = next(j for j in printed.jobs if j.path == "print/booklet-a4.pdf")
    assert 'href="#chapter-self-care"' in job.html and 'href="#chapter-about"' in job.html
    assert 'href="self-care.md"' not in job.html
    assert 'id="about-example-data"' in job.html  # heading ids carry their page's name
    reader = parsed_pdf(printed.pdf(job.path))
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                internal += 1
    assert internal >= len(chapters(printed.model.source)) + 4, internal  # contents and text links


# --- Pocket cards ---------------------------------------------------------------------------------


def test_cards_front_and_back_fit_inside_each_card(printed: Printed) -> None:
    """Fronts then backs, each card's words inside its own card: none cut off at an edge.

    Only the printing instructions lie outside the cards: in the sheet's top margin, above the fronts.
    """
    for toolkit in printed.model.toolkits:
        for paper in PAPERS:
            pdf = printed.pdf(cards_path(toolkit, paper))
            assert page_count(pdf) == 2, pdf
            width, height = SIZES[paper]
            columns, rows = CARD_GRID[paper]
            left, top = (width - columns * CARD[0]) / 2, (height - rows * CARD[1]) / 2
            for page in (1, 2):
                cards: dict[tuple[int, int], list[str]] = {}
                margin: list[str] = []
                for x0, y0, x1, y1, word in words(pdf, page):
                    if page == 1 and y1 < top - 1 * MM and left <= x0 and x1 <= width - left:
                        # where printers print (pdftotext's word boxes take in the font's whole ascent: Amiri's is tall)
                        assert y0 > 3 * MM, (pdf, word, "the instructions stay where printers print")
                        margin.append(word)  # the printing instructions, between the cut marks
                        continue
                    column, row = int(((x0 + x1) / 2 - left) // CARD[0]), int(((y0 + y1) / 2 - top) // CARD[1])
                    assert 0 <= column < columns and 0 <= row < rows, (pdf, page, word)
                    cell_x, cell_y = left + column * CARD[0], top + row * CARD[1]
                    inside = (cell_x + 2 * MM <= x0 and x1 <= cell_x + CARD[0] - 2 * MM
                              and cell_y + 1.5 * MM <= y0 and y1 <= cell_y + CARD[1] - 1.5 * MM)
                    assert inside, (pdf, page, word, "outside its card's safe area")
                    cards.setdefault((column, row), []).append(word)
                assert len(cards) == columns * rows, (pdf, page)
                assert len({" ".join(sorted(w)) for w in cards.values()}) == 1, (pdf, page, "every card is the same")
                if page == 1 and toolkit.locale.direction == "ltr":
                    notes = " ".join(margin)
                    for key in ("print.cards.both_sides", "print.cards.cut"):
                        assert plain(toolkit.ui(key)) in notes, (pdf, key, notes)
            front, back = pdf_text(pdf, 1), pdf_text(pdf, 2)
            count = columns * rows
            crisis, walk_in = toolkit.crisis.service, toolkit.crisis.walk_in
            assert front.count(toolkit.emergency.phone.display) == count
            assert front.count(toolkit.crisis.phone.display) == count  # the crisis line, on the front
            assert crisis.sms and front.count(crisis.sms.display) == count
            assert walk_in and walk_in.address and front.count(walk_in.address) == count  # where to walk in
            others = [s for s in key_services(toolkit) if s.id not in (crisis.id, walk_in.id)]
            for service in others[:3]:
                assert back.count(service.phone.display) == count, (pdf, service.id)


def test_key_services_come_in_the_order_of_the_pathway() -> None:
    """The crisis line first, then the other services the referral questions name, then the rest."""
    sources, _problems = load_sources(ROOT)
    toolkit = build_model(sources).source
    ids = [service.id for service in key_services(toolkit)]
    assert ids[:2] == ["riverside-crisis-line", "riverside-crisis-center"]
    assert sorted(ids) == sorted(s.id for s in toolkit.services if s.phone)


# --- QR codes -------------------------------------------------------------------------------------


# The kind of PDF whose code is decoded in each translation (the source's are all decoded): each kind once, the
# cards (a sheet of codes) in the right-to-left language.
TRANSLATION_DECODED = {"es": "handout", "ar": "cards", "sw": "booklet"}


def test_qr_codes_open_the_same_page_in_the_same_language(printed: Printed, tmp_path: Path) -> None:
    """Decoded from a greyscale render: handouts open their page, booklet and cards the language's home."""
    assert shutil.which("zbarimg"), "the QR codes are read back with zbarimg: apt-get install zbar-tools"
    base = SITE_URL.rstrip("/")
    for toolkit, job, pdf in every_pdf(printed):
        prefix = "" if toolkit.is_source else f"/{toolkit.locale.tag}"
        if job.kind == "handout":
            topic = next(t for t in HANDOUTS if job.path.endswith(f"/{TOPIC_FILES[t]}-{job.paper}.pdf"))
            expected = f"{base}{prefix}/{TOPIC_FILES[topic]}.html"
        else:
            expected = f"{base}{prefix}/"
        assert job.url == expected, job.path
        if toolkit.is_source and job.paper == "letter" and job.kind == "handout" and "/signs-" not in job.path:
            continue  # a handout's code is placed alike on both papers: the source's A4 ones are all decoded
        if not toolkit.is_source and (job.paper == "letter" or job.kind != TRANSLATION_DECODED[toolkit.locale.tag]):
            continue  # the same template on the other paper, or for another language: one kind each suffices
        height = SIZES[job.paper][1] / MM
        # where the code is: the handout's title block, the foot of the booklet's cover, all over the cards
        band = {"handout": (0.0, 60.0), "booklet": (height - 60, height), "cards": None}[job.kind]
        found = qr_payloads(pdf, 1, tmp_path, band)
        count = CARD_GRID[job.paper][0] * CARD_GRID[job.paper][1] if job.kind == "cards" else 1
        assert found == [expected] * count, (job.path, found)
    assert "https://toolkit.riverside.example/es/signs.html" in {job.url for job in printed.jobs}


def test_no_site_url_no_qr_code_and_a_warning(printed: Printed) -> None:
    """Without site_url the PDFs have no QR code, and render_print says so as data for the build to show."""
    jobs = render_print(printed.model, ROOT)
    assert jobs.warnings == [NO_SITE_URL]
    assert len(jobs) == len(printed.jobs)
    assert all(job.url is None and "cp-qr" not in job.html for job in jobs)
    bad = render_print(printed.model, ROOT, "toolkit.riverside.example")
    assert len(bad.warnings) == 1 and "not an http(s) address" in bad.warnings[0]
    assert all(job.url is None for job in bad)


# --- Quality --------------------------------------------------------------------------------------


def test_only_noto_and_amiri_fonts_all_embedded_and_subset(printed: Printed) -> None:
    """Every font is one the locales name (Noto Sans, Amiri), embedded, subset and mapped to Unicode."""
    for _toolkit, _job, pdf in every_pdf(printed):
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, pdf
        for row in rows:
            name = row.split()[0].split("+")[-1]
            columns = row.split()
            assert name.startswith(EMBEDDED_FAMILIES), (pdf, row)
            assert columns[-5:-2] == ["yes", "yes", "yes"], (pdf, row)  # emb, sub, uni


def document_title(toolkit: LocalizedToolkit, job: PrintJob) -> str:
    """The PDF title a job should have: the topic's, the toolkit's, or the emergency label's."""
    if job.kind == "booklet":
        return plain(toolkit.title)
    if job.kind == "cards":
        return f"{plain(toolkit.emergency.label)} – {plain(toolkit.title)}"
    topic = next(t for t in HANDOUTS if handout_path(toolkit, t, job.paper) == job.path)
    return f"{plain(toolkit.topics[topic].title)} – {plain(toolkit.title)}"


def test_tagged_with_title_author_subject_language_and_review_date(printed: Printed) -> None:
    """PDF/UA tagging and metadata: title, author, subject, language, review date."""
    for toolkit, job, pdf in every_pdf(printed):
        info = pdf_info(pdf)
        assert info["Tagged"] == "yes", pdf
        title = document_title(toolkit, job)
        assert info["Title"] == title, pdf
        assert info["Author"] == plain(toolkit.community), pdf
        assert info.get("Subject"), pdf
        lang, tagged, created = catalog(pdf)
        assert lang == toolkit.locale.tag and tagged, (pdf, lang, tagged)  # /Lang, and a /StructTreeRoot
        assert created.startswith("D:" + toolkit.reviewed.strftime("%Y%m%d")), (pdf, created)


def test_qr_code_has_alternative_text(printed: Printed) -> None:
    """The QR code is a tagged figure whose alternative text is the address it opens."""
    job = next(j for j in printed.jobs if j.path == "es/print/signs-a4.pdf")
    reader = parsed_pdf(printed.pdf(job.path))
    figures: list[str] = []

    def walk(element: object) -> None:
        """Collect the /Alt of every /Figure of the structure tree."""
        element = element.get_object() if hasattr(element, "get_object") else element
        if isinstance(element, list):
            for kid in element:
                walk(kid)
        elif isinstance(element, dict):
            if element.get("/S") == "/Figure":
                figures.append(str(element.get("/Alt")))
            if "/K" in element:
                walk(element["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert figures == [job.url]


def test_html_carries_language_direction_and_fallback(printed: Printed) -> None:
    """lang/dir on <html>, isolated phone numbers, fallback text marked English."""
    marked: dict[str, bool] = {}
    for job in printed.jobs:
        toolkit = printed.toolkit(job.lang)
        assert f'<html lang="{job.lang}" dir="{toolkit.locale.direction}"' in job.html
        # the emergency number is isolated left-to-right wherever it appears
        assert f'<bdi dir="ltr">{toolkit.emergency.phone.display}</bdi>' in job.html
        if toolkit.fallback_keys and not toolkit.is_source:  # some document of the language shows it marked
            mark = f'lang="{toolkit.source.tag}" dir="{toolkit.source.direction}"' in job.html
            marked[job.lang] = marked.get(job.lang, False) or mark
    assert all(marked.values()), marked


def test_phone_numbers_keep_their_order_in_arabic(printed: Printed) -> None:
    """In Arabic, '(413)' is still printed left of '555-0100'."""
    toolkit = printed.toolkit("ar")
    pdf = printed.pdf(handout_path(toolkit, "pathways", "a4"))
    checked = 0
    for page in range(1, page_count(pdf) + 1):
        page_words = words(pdf, page)
        for service in toolkit.services:
            if not service.phone or " " not in service.phone.display:
                continue
            area, rest = service.phone.display.split(" ", 1)  # e.g. "(413)" and "555-0100"
            for x, y, _x1, _y1, word in page_words:
                if word == rest:
                    # the area code on the same line just before it (another column's number may share the line)
                    left = [x2 for x2, y2, x3, _b, w2 in page_words
                            if y2 == y and w2.strip("()") == area.strip("()") and 0 < x - x3 < 12]
                    assert left, (service.id, page, "area code must stay left of the number")
                    checked += 1
    assert checked >= 3


def test_directory_columns_run_in_the_direction_of_the_language(printed: Printed) -> None:
    """A service's facts (its phone first) come after what it is: on the right in English, on the left in Arabic."""
    for tag in ("en", "ar"):
        toolkit = printed.toolkit(tag)
        pdf = printed.pdf(handout_path(toolkit, "pathways", "a4"))
        width = SIZES["a4"][0]
        first = toolkit.services[0].phone.display.split(" ")[-1]  # e.g. 555-0100
        checked = 0
        for page in range(1, page_count(pdf) + 1):
            text = pdf_text(pdf, page)
            title = plain(toolkit.topics["services"].title)
            if find(text, title, tag == "ar") < 0:
                continue
            page_words = words(pdf, page)
            # the directory's title is its page's largest text: the services come below it
            heading_y = max(page_words, key=lambda w: w[3] - w[1])[1] if tag == "ar" else next(
                w[1] for w in page_words if w[4] == title.split()[0])
            for x0, y0, x1, _y1, word in page_words:
                if word == first and y0 > heading_y:
                    assert ((x0 + x1) / 2 > width / 2) == (tag == "en"), (pdf, page, x0)
                    checked += 1
        assert checked >= 1, pdf


def line_ends(pdf: Path) -> list[tuple[str, str]]:
    """Each line of a PDF as pdftotext -layout sets it, with the line after it (words of columns side by side
    are on one layout line, so a line's last word is the one at the right of the page)."""
    lines = [line.strip() for line in run("pdftotext", "-layout", str(pdf), "-").translate(INVISIBLE).splitlines()]
    lines = [line for line in lines if line]
    return list(zip(lines, [*lines[1:], ""], strict=True))


def test_no_word_is_split_across_lines(printed: Printed) -> None:
    """No hyphenation in handouts, booklets and cards: no line ends with an inserted hyphen, in any language.

    A line may end with a hyphen a word has anyway (walk-in, self-harm): then the words on both sides are
    written with that hyphen in the document. Phone numbers never break at their hyphen.
    """
    for toolkit, job, pdf in every_pdf(printed):
        raw = run("pdftotext", str(pdf), "-")
        assert "\u2010\n" not in raw and "\u00ad" not in raw, pdf  # WeasyPrint's hyphen, a soft hyphen
        source = " ".join(re.sub(r"<[^>]+>", " ", job.html).split())
        for line, after in line_ends(pdf):
            end = re.search(r"(\w+)[-\u2010]$", line)
            if end:
                start = re.match(r"\w+", after)
                word = f"{end.group(1)}-{start.group(0) if start else ''}"
                assert word in source, (pdf, line, after)
        for service in toolkit.services:
            if service.phone:
                assert not re.search(re.escape(service.phone.display.split("-")[0]) + r"-?\n", raw), pdf


def test_no_missing_glyphs_in_any_pdf(printed: Printed) -> None:
    """The fonts of every example PDF cover all of its text."""
    for job in printed.jobs:
        assert job.fonts and all(Path(font).is_file() for font in job.fonts)
        assert missing_glyphs(job) == {}, job.path


def test_missing_glyphs_reports_uncovered_characters(printed: Printed) -> None:
    """Ethiopic, Chinese and a CSS-generated check mark are reported, with context."""
    job = printed.jobs[0]
    html = job.html.replace("</main>", "<p>Greeting: ሰላም and 你好 \u2066x\u2069</p></main>")
    html = html.replace("</head>", '<style>.done::before { content: "\\2713  "; }</style></head>')
    missing = missing_glyphs(replace(job, html=html))
    assert {"ሰ", "ላ", "ም", "你", "好", "✓"} <= set(missing)
    assert any("ሰላም" in context for context in missing["ሰ"])
    assert " " not in missing and "\u2066" not in missing
    assert set(missing) == {"ሰ", "ላ", "ም", "你", "好", "✓"}


# --- Black and white -------------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb or #rgb colour (WCAG 2): what greyscale printing keeps."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    """The WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_keep_their_contrast_in_greyscale() -> None:
    """Text colours read on white and on the tints they sit on (luminance is what a grey print keeps)."""
    css = (ROOT / "print" / "css" / "print.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--cp-([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    tints = ("#ffffff", colours["accent-tint"], colours["alert-tint"], colours["today-tint"], colours["week-tint"])
    for text in ("ink", "muted", "accent", "alert", "now", "today", "week"):
        for background in tints:
            assert contrast(colours[text], background) >= 4.5, (text, background)
    assert contrast("#ffffff", colours["now"]) >= 4.5  # the NOW tag: white words on dark red


def test_urgency_is_a_labelled_tag_with_an_icon(printed: Printed) -> None:
    """Each question's urgency is a tag with its word (NOW, TODAY, THIS WEEK) and an icon; red flags in words."""
    for toolkit, topic, _paper, pdf in handouts(printed):
        if toolkit.locale.direction == "rtl":
            continue
        text = pdf_text(pdf)
        if topic == "pathways":
            for point in toolkit.pathways:
                assert plain(toolkit.ui(f"urgency.tag.{point.urgency}")).upper() in text, (pdf, point.id)
        if topic == "signs":
            assert plain(toolkit.red_flags_title).casefold() in text.casefold()
    job = next(j for j in printed.jobs if j.path == "print/referral-a4.pdf")
    points = printed.model.source.pathways
    assert job.html.count('class="cp-urgency-icon"') == len(points)
    for point in points:
        assert f'cp-urgency-tag cp-urgency-tag-{point.urgency}"' in job.html
    for icon in ("alert", "alert-white", "clock", "calendar", "phone"):
        assert (ROOT / "print" / "css" / "icons" / f"{icon}.svg").is_file()


def test_referral_questions_have_short_headings_and_keep_their_if_not_line(printed: Printed) -> None:
    """A question's short heading comes before its examples; "If not, go on" is never apart from its question."""
    for toolkit in printed.model.toolkits:
        for paper in PAPERS:
            pdf = printed.pdf(handout_path(toolkit, "pathways", paper))
            rtl = toolkit.locale.direction == "rtl"
            text = tagged_text(pdf)
            for point in toolkit.pathways:
                assert point.title is not None
                heading = find(text, plain(point.title), rtl)
                assert 0 <= heading < find(text, plain(point.question), rtl, heading), (pdf, point.id)
            if rtl:
                continue
            if_not = plain(toolkit.ui("pathways.if_not"))
            for number, page in enumerate(page_texts(pdf), start=1):
                if if_not in page:  # the question it ends is on the same page, above it
                    titles = [page.find(plain(p.title)) for p in toolkit.pathways if plain(p.title) in page]
                    assert titles and min(titles) < page.find(if_not), (pdf, number)


# --- Reproducible and cached -------------------------------------------------------------------------


def test_the_cache_forgets_what_no_build_used_for_a_month(tmp_path: Path) -> None:
    """PDFs no build reused for CACHE_DAYS days are removed after a build; recent ones and this build's stay."""
    cache = tmp_path / "cache"
    cache.mkdir()
    month_ago = time.time() - (CACHE_DAYS + 1) * 86400
    for key, stamp in (("old", month_ago), ("recent", time.time()), ("mine", month_ago)):
        for suffix in (".pdf", ".json"):
            (cache / f"{key}{suffix}").write_text('{"pages": 1}')
            os.utime(cache / f"{key}{suffix}", (stamp, stamp))
    job = PrintJob(path="print/x.pdf", html="", base_url="", lang="en", fonts=(), key="mine", kind="handout",
                   paper="a4", url=None, allowed=())
    stats = write_pdfs([job], tmp_path / "out", cache)  # "mine" is in the cache: reused, nothing rendered
    assert stats.reused == 1
    assert sorted(p.name for p in cache.iterdir()) == ["mine.json", "mine.pdf", "recent.json", "recent.pdf"]
    assert (cache / "mine.pdf").stat().st_mtime > month_ago + 86400  # reused: its month starts again


def test_second_run_reuses_every_pdf_and_a_change_renders_again(printed: Printed, tmp_path: Path) -> None:
    """The cache serves unchanged PDFs byte for byte, with their page counts; a changed one renders."""
    again = write_pdfs(printed.jobs, tmp_path / "again", printed.cache, workers=2)
    assert again.reused == len(printed.jobs) and again.rendered == 0
    assert again.files == printed.stats.files
    for job in printed.jobs:
        assert (tmp_path / "again" / job.path).read_bytes() == printed.pdf(job.path).read_bytes()
    job = printed.jobs[0]
    changed = replace(job, html=job.html.replace("</main>", "<p>One more line.</p></main>"))
    # a key no run has used before: the cache is shared between runs
    changed = replace(changed, key=hashlib.sha256(f"{job.key} {tmp_path}".encode()).hexdigest())
    seen: list[str] = []
    stats = write_pdfs([job, changed], tmp_path / "changed", printed.cache, workers=1, progress=seen.append)
    assert (stats.rendered, stats.reused) == (1, 1)
    assert len(seen) == 2


def test_key_follows_the_pdf_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another WeasyPrint, fontTools or HarfBuzz (or HarfBuzz-Subset installed) makes other bytes: other keys."""
    from carepath.render import print_kit
    from carepath.versions import pdf_engine

    engine = pdf_engine()
    assert all(f"{name}=" in engine for name in ("weasyprint", "fonttools", "pydyf", "pango", "harfbuzz-subset"))
    before = print_kit.job_key("<p>x</p>", [], [])
    monkeypatch.setattr(print_kit, "pdf_engine", lambda: engine.replace("harfbuzz-subset=", "harfbuzz-subset=not "))
    assert print_kit.job_key("<p>x</p>", [], []) != before


def test_key_follows_css_and_templates(printed: Printed, tmp_path: Path) -> None:
    """A designer's CSS or icon change changes every key; the same inputs keep them."""
    shutil.copytree(ROOT / "print", tmp_path / "print")
    css = tmp_path / "print" / "css" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a designer's change */\n", encoding="utf-8")
    jobs = render_print(printed.model, tmp_path, SITE_URL)
    assert [j.path for j in jobs] == [j.path for j in printed.jobs]
    assert [j.html for j in jobs] == [j.html for j in printed.jobs]  # stylesheets are linked, not inlined
    assert not {j.key for j in jobs} & {j.key for j in printed.jobs}
    icon = tmp_path / "print" / "css" / "icons" / "alert.svg"
    icon.write_text(icon.read_text(encoding="utf-8").replace("#8a1c1c", "#000000"), encoding="utf-8")
    assert not {j.key for j in render_print(printed.model, tmp_path, SITE_URL)} & {j.key for j in jobs}
    # the same inputs give the same keys
    assert [j.key for j in render_print(printed.model, ROOT, SITE_URL)] == [j.key for j in printed.jobs]


@pytest.mark.slow
def test_two_renders_are_byte_identical(printed: Printed, tmp_path: Path) -> None:
    """Rendering again from an empty cache gives the very same bytes."""
    # right-to-left text and a QR code on A4, a sheet of codes on Letter (the Arabic booklet, 25 pages, took 15 s
    # more: its pictures are what these two lack)
    chosen = ("ar/print/signs-a4.pdf", "es/print/cards-letter.pdf")
    some = [job for job in printed.jobs if job.path in chosen]
    assert len(some) == len(chosen)
    write_pdfs(some, tmp_path / "out", private_cache(tmp_path), workers=2)  # cold: its own, empty cache
    for job in some:
        assert (tmp_path / "out" / job.path).read_bytes() == printed.pdf(job.path).read_bytes(), job.path


# --- Fonts ------------------------------------------------------------------------------------------


def test_font_files_in_print_fonts_come_before_packages(tmp_path: Path) -> None:
    """Fonts in print/fonts/ are found by family name, before fontpkg packages."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copyfile(fontpkg.path("Amiri"), folder / "Arabic.ttf")
    faces = family_faces("Amiri", folder)
    expected = [((folder / "Arabic.ttf").resolve(), "normal", 400)]  # a static font names its weight
    assert [(face.path, face.style, face.weight) for face in faces] == expected
    assert {face.style for face in family_faces("Noto Sans", folder)} == {"normal", "italic"}  # from fontpkg
    with pytest.raises(FontNotFound, match="not installed"):
        family_faces("No Such Sans", folder)


@pytest.mark.slow
def test_uncovered_text_never_pulls_in_a_system_font(printed: Printed, tmp_path: Path) -> None:
    """Text no Noto font covers stays in Noto (as empty boxes), never a system font."""
    # this machine has fonts for some of these (DejaVu, Droid Sans Fallback...): they must not be used
    job = next(job for job in printed.jobs if job.path == "print/signs-a4.pdf")
    html = job.html.replace("</main>", "<p>你好 ሰላም Ωμέγα</p></main>")
    odd = replace(job, html=html, key="0" * 64, path="odd.pdf")
    write_pdfs([odd], tmp_path / "out", private_cache(tmp_path), workers=1)  # its key is made up: not shared
    rows = run("pdffonts", str(tmp_path / "out" / "odd.pdf")).splitlines()[2:]
    assert rows and all(row.split()[0].split("+")[-1].startswith("Noto-Sans") for row in rows), rows


def test_free_page_links_point_at_chapters_or_the_website() -> None:
    """A free page's links: other pages become chapters, anchors get the page's prefix, the rest go online."""
    page = Page("about", Text("About", "en"), None, (
        "See [a](self-care.md#know-your-limits), [b](#who-made-it), [c](other.md) and [d](https://x.example/).\n\n"
        "## Who made it\n\n!!! note \"Note\"\n    Kept as an admonition.\n"
    ), "en", False)
    settings = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # the example's extensions
    online = page_body(page, {"self-care", "about"}, "https://toolkit.riverside.example/es/", settings)
    assert 'href="#self-care-know-your-limits"' in online and 'href="#about-who-made-it"' in online
    assert 'href="https://toolkit.riverside.example/es/other.html"' in online
    assert 'href="https://x.example/"' in online and '<h2 id="about-who-made-it">' in online
    assert '<div class="admonition note">' in online
    offline = page_body(page, {"self-care", "about"}, None, settings)
    assert re.search(r"<a( [^>]*)?>c</a>", offline) and "other" not in offline  # no website: the words stay


# --- The crisis line, sizes, flow and pictures ------------------------------------------------------


def test_crisis_line_in_every_footer_and_where_the_toolkit_says_to_call(printed: Printed) -> None:
    """Every handout and booklet page's footer has the emergency number and the crisis line (call and text);
    so do the red flags, the suicide step and the referral guide, in every language."""
    for toolkit, job, pdf in every_pdf(printed):
        crisis = toolkit.crisis.service
        numbers = [toolkit.emergency.phone.display, crisis.phone.display, crisis.sms.display]
        if job.kind == "cards":
            continue  # test_cards_front_and_back_fit_inside_each_card counts them on every card
        for number, text in enumerate(page_texts(pdf), start=1):
            if job.kind == "booklet" and number == 1:
                continue
            for phone in numbers:  # right to left, pdftotext turns "(413)" round: compare "555-0100"
                assert phone.split(" ")[-1] in text, (pdf, number, phone)
        if job.kind == "handout":
            calls = re.findall(r'<div class="cp-calls">.*?</div>', job.html, re.S)
            topic = next(t for t in HANDOUTS if handout_path(toolkit, t, job.paper) == job.path)
            assert len(calls) == 1, job.path  # the red flags; the suicide step; the referral guide
            for box in calls:
                assert all(f'<bdi dir="ltr">{phone}</bdi>' in box for phone in numbers), (job.path, box)
            if topic == "signs":  # "If you are struggling yourself" gives the crisis line too
                help_box = job.html[job.html.index('<aside class="cp-self-help">'):]
                assert all(f'<bdi dir="ltr">{phone}</bdi>' in help_box for phone in numbers[1:]), job.path
    steps = next(j for j in printed.jobs if j.path == "print/first-support-a4.pdf").html
    suicide = steps[steps.index("Step 5"):steps.index("Step 6")]
    assert '<div class="cp-calls">' in suicide


def test_footer_line_reads_like_the_banner(printed: Printed) -> None:
    """The footer says "Emergency: 911 · Crisis line, 24/7: call (413) 555-0100 or text (413) 555-0101"."""
    toolkit = printed.model.source
    crisis = toolkit.crisis.service
    emergency = plain(toolkit.ui("footer.emergency", phone=toolkit.emergency.phone.display))
    call = plain(toolkit.ui("banner.call_and_text", phone=crisis.phone.display, sms=crisis.sms.display))
    expected = f"{emergency} · {plain(toolkit.ui('banner.crisis_line_always'))} {call}"
    for paper in PAPERS:
        pdf = printed.pdf(handout_path(toolkit, "signs", paper))
        assert all(expected in page for page in page_texts(pdf)), (pdf, expected)
        assert f"{plain(toolkit.ui('footer.page', page=1, pages=2))}" in page_texts(pdf)[0]


def text_sizes(pdf: Path) -> Counter[float]:
    """How many characters a PDF prints at each text size (points, to 0.1; spaces not counted): each text object's
    font size times its matrix, as PDFium reads them (ten times faster than pypdf's content-stream parser)."""
    sizes: Counter[float] = Counter()
    document = pdfium.PdfDocument(pdf)
    matrix, size = pdfium_c.FS_MATRIX(), ctypes.c_float()
    try:
        for page in document:
            characters = page.get_textpage()
            for shown in text_objects(page, forms=False):  # a matrix of the page's own
                pdfium_c.FPDFTextObj_GetFontSize(shown, size)
                pdfium_c.FPDFPageObj_GetMatrix(shown, matrix)
                printed = len("".join(object_text(shown, characters).split()))
                sizes[round(size.value * math.hypot(matrix.a, matrix.b), 1)] += printed
            characters.close()
            page.close()
    finally:
        document.close()
    return sizes


def test_text_sizes_for_clear_print(printed: Printed) -> None:
    """Handouts and booklets: body text 12 pt (Arabic 15 pt, as Amiri draws small), nothing under 10.5 pt;
    pocket cards: nothing under 9 pt."""
    for toolkit, job, pdf in every_pdf(printed):
        sizes = text_sizes(pdf)
        arabic = toolkit.locale.tag == "ar"
        if job.kind == "cards":
            assert min(sizes) >= 9, (pdf, sorted(sizes)[:3])
            continue
        body = sizes.most_common(1)[0][0]
        assert body >= (15 if arabic else 12), (pdf, body)
        assert min(sizes) >= 10.5, (pdf, sorted(sizes)[:3])
        # under 12 pt: only captions (the directory's labels, dates, tags, running header and footer), a third of
        # the printed characters at most (the referral handout, with the directory, has the most: 30 %)
        smaller = sum(count for size, count in sizes.items() if size < 12)
        assert smaller < sum(sizes.values()) / 3, (pdf, "most text is 12 pt or more")


def body_reach(pdf: Path, paper: str, page: int, example: bool = True) -> float:
    """How far down its text area a page's content reaches, 0 to 1 (the running footer left out)."""
    top, bottom = MARGINS[paper]
    top = EXAMPLE_TOP if example and page > 1 else top
    height = SIZES[paper][1]
    lowest = [y1 for _x0, _y0, _x1, y1, _w in words(pdf, page) if y1 < height - (bottom - 2) * MM]
    return (max(lowest) - top * MM) / (height - (top + bottom) * MM) if lowest else 0.0


def test_page_flow(printed: Printed) -> None:
    """No handout ends with a page under a quarter full; recognizing distress keeps each kind of signs on one page."""
    for toolkit, topic, paper, pdf in handouts(printed):
        pages = page_count(pdf)
        if pages > 1:
            assert body_reach(pdf, paper, pages, toolkit.example) >= 0.25, (pdf, "last page under a quarter full")
        if topic == "signs" and toolkit.locale.direction == "ltr":
            texts = page_texts(pdf)
            for kind, title in toolkit.kinds.items():
                last = [s for s in toolkit.signs if s.kind == kind][-1]
                assert any(plain(title) in t and plain(last.text) in t for t in texts), (pdf, kind)


def test_booklet_cover_and_contents_use_their_space(printed: Printed) -> None:
    """The cover has the crisis line and the walk-in centre; the contents page also says who to call for what."""
    for toolkit in printed.model.toolkits:
        for paper in PAPERS:
            pdf = printed.pdf(booklet_path(toolkit, paper))
            cover, contents = page_texts(pdf)[:2]
            walk_in = toolkit.crisis.walk_in
            number = toolkit.crisis.phone.display.split(" ")[-1]  # e.g. 555-0100: right to left moves the brackets
            assert walk_in and walk_in.address in cover and number in cover, pdf
            for service in key_services(toolkit):
                if service.needs:
                    assert service.phone.display.split(" ")[-1] in contents, (pdf, service.id)
            assert body_reach(pdf, paper, 2, toolkit.example) > 0.6, (pdf, "contents page")


def test_quotes_are_typographic_in_each_language(printed: Printed) -> None:
    """"You could say" lines stand between the language's own quotation marks (CLDR); straight quotes and
    apostrophes in the text become typographic ones."""
    for tag, marks in (("en", "“”"), ("es", "«»"), ("ar", "”“")):
        assert quote_marks(tag)[:2] == tuple(marks)
        toolkit = printed.toolkit(tag)
        job = next(j for j in printed.jobs if j.path == handout_path(toolkit, "steps", "a4"))
        says = re.findall(r"<blockquote><p>(.*?)</p></blockquote>", job.html, re.S)
        assert len(says) == sum(len(step.say.value) for step in toolkit.steps if step.say), tag
        assert all(say.startswith(marks[0]) and say.endswith(marks[1]) for say in says), (tag, says[:2])
        body = job.html[job.html.index("<body"):]
        assert not re.search(r">[^<]*[\"'][^<]*<", re.sub(r"<(style|svg)\b.*?</\1>", "", body, flags=re.S)), tag
    assert quote_marks("de") == ("„", "“", "‚", "‘") and quote_marks("sw") == ("“", "”", "‘", "’")
    assert smart_quotes('<p>She said "don\'t" & left</p>', "en") == "<p>She said “don’t” &amp; left</p>"
    assert smart_quotes('<style>a { content: "x" }</style><code>"x"</code>', "en").count('"') == 4


def test_right_to_left_values_are_isolated_and_lists_are_the_languages_own(printed: Printed) -> None:
    """In Arabic every phone number, web and email address, street address and site address is isolated left to
    right; languages spoken and ages are joined with the language's own list pattern, never ", "."""
    toolkit = printed.toolkit("ar")
    for job in (j for j in printed.jobs if j.lang == "ar"):
        html = job.html
        for service in toolkit.services:
            for number in (service.phone, service.sms):
                if number:
                    assert html.count(number.display) == html.count(f'<bdi dir="ltr">{number.display}</bdi>'), (
                        job.path, number.display)
            if service.address:
                isolated = len(re.findall(r'<bdi[^>]* dir="ltr">' + re.escape(service.address) + "</bdi>", html))
                assert html.count(service.address) == isolated, (job.path, service.address)
    referral = next(j for j in printed.jobs if j.path == handout_path(toolkit, "pathways", "a4")).html
    referral = referral.replace("<wbr>", "")  # where a long address may break
    for service in toolkit.services:
        for value in (service.url, service.email):
            if value:
                shown = value.removeprefix("https://").rstrip("/")
                assert f'<bdi dir="ltr">{shown}</bdi>' in referral, value
        if len(service.languages) > 1:
            names = [language_name(code, "ar") for code in service.languages]
            assert list_of(names, "ar") in referral and ", ".join(names) not in referral, service.id
    signs = next(j for j in printed.jobs if j.path == handout_path(toolkit, "signs", "a4")).html
    several = next(s for s in toolkit.signs if len(s.ages) > 1)
    assert list_of([str(toolkit.ages[a].value) for a in several.ages], "ar") in signs


@pytest.mark.slow
def test_free_page_picture_is_printed_in_the_booklet(tmp_path: Path) -> None:
    """A picture beside a free page is printed in the booklet from its page's folder; a file a PDF cannot show is
    left out with a warning naming it, and the booklet prints its description."""
    from conftest import copy_toolkit
    from PIL import Image

    root = copy_toolkit(tmp_path / "toolkit")
    pages = root / "content" / "en" / "pages"
    (pages / "images").mkdir()
    Image.new("RGB", (120, 80), (30, 90, 140)).save(pages / "images" / "circle.png")
    (pages / "leaflet.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    about = pages / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n![A circle of helpers](images/circle.png)\n\n"
                     "![The leaflet](leaflet.pdf)\n", encoding="utf-8")
    sources, _problems = load_sources(root)
    jobs = render_print(build_model(sources), root, SITE_URL)
    assert len(jobs.warnings) == 1 and "content/en/pages/about.md" in jobs.warnings[0], jobs.warnings
    assert "'leaflet.pdf'" in jobs.warnings[0] and "PDF" in jobs.warnings[0]
    job = next(j for j in jobs if j.path == "print/booklet-a4.pdf")
    assert 'src="../content/en/pages/images/circle.png"' in job.html and "<em>The leaflet</em>" in job.html
    spanish = next(j for j in jobs if j.path == "es/print/booklet-a4.pdf")
    assert 'src="../content/en/pages/images/circle.png"' not in spanish.html  # es has its own about page
    write_pdfs([job], tmp_path / "out", SHARED_CACHE, workers=1)
    listed = run("pdfimages", "-list", str(tmp_path / "out" / job.path)).splitlines()[2:]
    assert any(row.split()[3:5] == ["120", "80"] for row in listed), listed


def test_greyscale_pictures_of_the_first_pages(printed: Printed) -> None:
    """The first page of every handout and the card sheet (both sides), English and Arabic, A4 and Letter, as a
    black-and-white copy prints them: written to .carepath/screenshots/print/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()  # only this run's pictures: a renamed PDF leaves none behind
    written = []
    for tag in ("en", "ar"):
        toolkit = printed.toolkit(tag)
        for paper in PAPERS:
            chosen = [(handout_path(toolkit, topic, paper), 1, "") for topic in HANDOUTS]
            chosen += [(cards_path(toolkit, paper), 1, ""), (cards_path(toolkit, paper), 2, "-back")]
            for path, page, suffix in chosen:  # e.g. en-first-support-a4.png, ar-cards-letter-back.png
                target = SCREENSHOTS / f"{tag}-{Path(path).stem}{suffix}"
                run("pdftoppm", "-gray", "-r", "72", "-f", str(page), "-l", str(page), "-png", "-singlefile",
                    str(printed.pdf(path)), str(target))
                written.append(target.with_suffix(".png"))
    assert len(written) == 2 * 2 * (len(HANDOUTS) + 2)
    for png in written:
        assert png.read_bytes().startswith(b"\x89PNG"), png
    print("greyscale first pages:", ", ".join(p.name for p in written))
