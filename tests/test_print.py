"""The printable handouts: real PDFs of the example toolkit, rendered once and read back with poppler and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import fontpkg
import pytest
from pypdf import PdfReader

from carepath.load import load_sources
from carepath.model import HANDOUTS, PAPERS, LocalizedToolkit, Model, build_model, handout_path
from carepath.pdf import PdfStats, write_pdfs
from carepath.render_print import FontNotFound, PrintJob, family_faces, missing_glyphs, render_print

ROOT = Path(__file__).resolve().parents[1]
# Page sizes in PDF points (1/72 in).
SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
# Bidi controls pdftotext adds around right-to-left text, and soft hyphens.
INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"))
# Font files the handouts may embed: the families the example's locales name.
EMBEDDED_FAMILIES = ("Noto-Sans", "Amiri")


@dataclass
class Printed:
    """Every handout of the example toolkit, written once for the session."""

    model: Model
    jobs: list[PrintJob]
    out: Path
    cache: Path
    stats: PdfStats


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """Render and write all handouts of the example toolkit once (2 workers, an empty cache)."""
    sources, _problems = load_sources(ROOT)
    model = build_model(sources)
    jobs = render_print(model, ROOT)
    base = tmp_path_factory.mktemp("print")
    stats = write_pdfs(jobs, base / "out", base / "cache", workers=2)
    return Printed(model, jobs, base / "out", base / "cache", stats)


def run(*command: str) -> str:
    """Run a poppler tool and return what it printed."""
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    """A PDF's text as pdftotext reads it, whitespace collapsed and bidi controls removed."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = run("pdftotext", *pages, str(path), "-").translate(INVISIBLE)
    return " ".join(text.split())


def plain(value: object) -> str:
    """A text as it is printed: writers' inline Markdown (*, **, `) removed, whitespace collapsed."""
    return " ".join(re.sub(r"[*_`]", "", str(value)).split())


def unspaced(text: str) -> str:
    """A text without spaces or vowel marks: pdftotext splits RTL words at ligatures and reorders marks."""
    return "".join(c for c in "".join(text.split()) if unicodedata.category(c) != "Mn")


def handouts(printed: Printed) -> list[tuple[LocalizedToolkit, str, str, Path]]:
    """Every (toolkit, topic, paper, pdf file) of the session."""
    return [
        (toolkit, topic, paper, printed.out / handout_path(toolkit, topic, paper))
        for toolkit in printed.model.toolkits for topic in HANDOUTS for paper in PAPERS
    ]


def expected_texts(toolkit: LocalizedToolkit, topic: str) -> list[str]:
    """Texts a handout must show: the toolkit's title, the topic's first item and the emergency number."""
    first = {
        "signs": toolkit.signs[0].text,
        "steps": toolkit.steps[0].title,
        "pathways": toolkit.services[0].name,
    }[topic]
    return [plain(toolkit.title), plain(first), toolkit.emergency.phone.display]


def test_one_pdf_per_language_topic_and_paper(printed: Printed) -> None:
    """Every language x handout x paper has its PDF, all rendered on the first run."""
    expected = len(printed.model.toolkits) * len(HANDOUTS) * len(PAPERS)
    assert len(printed.jobs) == expected == 24
    assert printed.stats.rendered == expected and printed.stats.reused == 0
    assert len({job.path for job in printed.jobs}) == expected
    for _toolkit, _topic, _paper, pdf in handouts(printed):
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-"), pdf


def test_paper_size_of_every_page(printed: Printed) -> None:
    """A4 pages are 595 x 842 pt, Letter pages 612 x 792 pt."""
    for _toolkit, _topic, paper, pdf in handouts(printed):
        width, height = SIZES[paper]
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 1
        for page in reader.pages:
            box = page.mediabox
            assert abs(float(box.width) - width) < 1 and abs(float(box.height) - height) < 1, (pdf, box)


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


def test_every_page_has_the_footer(printed: Printed) -> None:
    """Every page shows 'page X of Y' and the emergency number."""
    for toolkit, _topic, _paper, pdf in handouts(printed):
        if toolkit.locale.direction == "rtl":
            continue  # its words do not read back letter for letter; the number is checked below
        pages = len(PdfReader(pdf).pages)
        for number in range(1, pages + 1):
            text = pdf_text(pdf, number)
            page_of = plain(toolkit.ui("footer.page", page=number, pages=pages))
            assert page_of in text, (pdf, number, page_of)
            assert toolkit.emergency.phone.display in text, (pdf, number)


def test_example_notice_on_example_handouts(printed: Printed) -> None:
    """Example toolkits say so on the first page of every handout."""
    for toolkit, _topic, _paper, pdf in handouts(printed):
        if toolkit.example and toolkit.locale.direction == "ltr":
            assert plain(toolkit.ui("example.notice")) in pdf_text(pdf, 1), pdf
    job = printed.jobs[0]
    assert 'class="cp-example"' in job.html


def test_only_noto_fonts_all_embedded(printed: Printed) -> None:
    """Every font is one the locales name (Noto Sans, Amiri), embedded, subset and mapped to Unicode."""
    for _toolkit, _topic, _paper, pdf in handouts(printed):
        rows = run("pdffonts", str(pdf)).splitlines()[2:]
        assert rows, pdf
        for row in rows:
            name = row.split()[0].split("+")[-1]
            columns = row.split()
            assert name.startswith(EMBEDDED_FAMILIES), (pdf, row)
            assert columns[-5:-2] == ["yes", "yes", "yes"], (pdf, row)  # emb, sub, uni


def test_tagged_with_title_author_language_and_review_date(printed: Printed) -> None:
    """PDF/UA tagging and metadata: title, author, language, review date."""
    for toolkit, topic, _paper, pdf in handouts(printed):
        info = dict(
            (key.strip(), value.strip()) for key, _, value in
            (line.partition(":") for line in run("pdfinfo", str(pdf)).splitlines())
        )
        assert info["Tagged"] == "yes", pdf
        assert info["Title"] == f"{plain(toolkit.topics[topic].title)} – {plain(toolkit.title)}", pdf
        assert info["Author"] == plain(toolkit.community), pdf
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == toolkit.locale.tag, pdf
        created = reader.metadata["/CreationDate"]
        assert created.startswith("D:" + toolkit.reviewed.strftime("%Y%m%d")), (pdf, created)


def test_html_carries_language_direction_and_fallback(printed: Printed) -> None:
    """lang/dir on <html>, isolated phone numbers, fallback text marked English."""
    for job in printed.jobs:
        toolkit = next(t for t in printed.model.toolkits if t.locale.tag == job.lang)
        assert f'<html lang="{job.lang}" dir="{toolkit.locale.direction}"' in job.html
        # the emergency number is isolated left-to-right wherever it appears
        assert f'<bdi dir="ltr">{toolkit.emergency.phone.display}</bdi>' in job.html
        if toolkit.fallback_keys and not toolkit.is_source:
            assert f'lang="{toolkit.source.tag}" dir="{toolkit.source.direction}"' in job.html, job.path


def test_phone_numbers_keep_their_order_in_arabic(printed: Printed) -> None:
    """In Arabic, '(413)' is still printed left of '555-0100'."""
    toolkit = next(t for t in printed.model.toolkits if t.locale.direction == "rtl")
    pdf = printed.out / handout_path(toolkit, "pathways", "a4")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', run("pdftotext", "-bbox", str(pdf), "-")
    )
    checked = 0
    for service in toolkit.services:
        if not service.phone or " " not in service.phone.display:
            continue
        area, rest = service.phone.display.split(" ", 1)  # e.g. "(413)" and "555-0100"
        for x, y, word in words:
            if word == rest:
                left = [float(x2) for x2, y2, w2 in words if y2 == y and w2.strip("()") == area.strip("()")]
                assert left and max(left) < float(x), (service.id, "area code must stay left of the number")
                checked += 1
    assert checked >= 3


def test_no_missing_glyphs_in_any_handout(printed: Printed) -> None:
    """The fonts of every example handout cover all of its text."""
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


def test_second_run_reuses_every_pdf_and_a_change_renders_again(printed: Printed, tmp_path: Path) -> None:
    """The cache serves unchanged handouts byte for byte; a changed one renders."""
    again = write_pdfs(printed.jobs, tmp_path / "again", printed.cache, workers=2)
    assert again.reused == len(printed.jobs) and again.rendered == 0
    for job in printed.jobs:
        assert (tmp_path / "again" / job.path).read_bytes() == (printed.out / job.path).read_bytes()
    job = printed.jobs[0]
    changed = replace(job, html=job.html.replace("</main>", "<p>One more line.</p></main>"))
    changed = replace(changed, key=f"{job.key[:-4]}beef")
    seen: list[str] = []
    stats = write_pdfs([job, changed], tmp_path / "changed", printed.cache, workers=1, progress=seen.append)
    assert (stats.rendered, stats.reused) == (1, 1)
    assert len(seen) == 2


def test_key_follows_css_and_templates(printed: Printed, tmp_path: Path) -> None:
    """A designer's CSS change changes every key; the same inputs keep them."""
    shutil.copytree(ROOT / "print", tmp_path / "print")
    css = tmp_path / "print" / "css" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a designer's change */\n", encoding="utf-8")
    jobs = render_print(printed.model, tmp_path)
    assert [j.path for j in jobs] == [j.path for j in printed.jobs]
    assert [j.html for j in jobs] == [j.html for j in printed.jobs]  # stylesheets are linked, not inlined
    assert not {j.key for j in jobs} & {j.key for j in printed.jobs}
    # the same inputs give the same keys
    assert [j.key for j in render_print(printed.model, ROOT)] == [j.key for j in printed.jobs]


def test_two_renders_are_byte_identical(printed: Printed, tmp_path: Path) -> None:
    """Rendering again from an empty cache gives the very same bytes."""
    some = [job for job in printed.jobs if job.path in ("print/signs-a4.pdf", "ar/print/referral-letter.pdf")]
    assert len(some) == 2
    write_pdfs(some, tmp_path / "out", tmp_path / "cache", workers=2)
    for job in some:
        assert (tmp_path / "out" / job.path).read_bytes() == (printed.out / job.path).read_bytes(), job.path


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


def test_uncovered_text_never_pulls_in_a_system_font(printed: Printed, tmp_path: Path) -> None:
    """Text no Noto font covers stays in Noto (as empty boxes), never a system font."""
    # this machine has fonts for some of these (DejaVu, Droid Sans Fallback...): they must not be used
    job = next(job for job in printed.jobs if job.path == "print/signs-a4.pdf")
    html = job.html.replace("</main>", "<p>你好 ሰላም Ωμέγα</p></main>")
    odd = replace(job, html=html, key="0" * 64, path="odd.pdf")
    write_pdfs([odd], tmp_path / "out", tmp_path / "cache", workers=1)
    rows = run("pdffonts", str(tmp_path / "out" / "odd.pdf")).splitlines()[2:]
    assert rows and all(row.split()[0].split("+")[-1].startswith("Noto-Sans") for row in rows), rows
