"""Sources and licences: what a toolkit adapts or cites, listed on the about page and in the booklet, and
the licence questions check raises (warnings: people settle them)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import Built, copy_toolkit
from selectolax.lexbor import LexborHTMLParser

from carepath.checks.sources import read_licence
from carepath.commands import CheckOptions, check

WHO = "Psychological First Aid: Guide for Field Workers"


def test_the_about_page_lists_the_sources_in_every_language(example: Built) -> None:
    for page, said in (("about.html", "A reference: no text of it is copied here."),
                       ("ar/about.html", "مرجع: لم يُنسخ منه أي نص هنا.")):
        html = LexborHTMLParser((example.site / page).read_text(encoding="utf-8"))
        section = html.css_first("h2#sources")
        assert section is not None, page
        item = html.css_first("h2#sources + ul li")
        assert item.css_first("bdi").attributes["dir"] == "ltr"  # the English citation stays one run in Arabic
        link = item.css_first("a")
        assert link.attributes["href"] == "https://www.who.int/publications/i/item/9789241548205"
        assert link.text() == WHO and said in item.text()
    home = LexborHTMLParser((example.site / "index.html").read_text(encoding="utf-8"))
    assert home.css_first("h2#sources") is None  # the home page does not repeat them


def test_the_booklet_lists_the_sources_at_the_end_of_its_about_chapter(example: Built) -> None:
    for pdf, said in (("print/booklet-a4.pdf", "A reference: no text of it is copied here."),
                      ("ar/print/booklet-letter.pdf", "مرجع")):
        text = subprocess.run(["pdftotext", str(example.site / pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        last = " ".join(text.split("\f")[-2].split())  # the last page: the about chapter's end
        assert WHO in last and said in last and "9789241548205" in last, pdf


@pytest.mark.parametrize(("source", "toolkit", "problem"), [
    ("CC BY-NC-SA 3.0 IGO", "CC BY-SA 4.0", "for non-commercial use only"),
    ("CC BY-SA 3.0", "CC BY 4.0", "share-alike: what is adapted from it must carry that licence, not CC BY 4.0"),
    ("CC BY-ND 4.0", "CC BY-SA 4.0", "allows no adapted versions"),
    ("© 2011, all rights reserved", "CC BY-SA 4.0", "cannot tell whether its licence"),
    ("CC BY-NC-SA 3.0 IGO", "CC BY-NC-SA 4.0", None),  # a later version of the same licence: allowed
    ("CC BY-SA 3.0", "CC BY-SA 4.0", None),
    ("CC0", "CC BY 4.0", None),
])
def test_an_adapted_source_s_licence_against_the_toolkit_s(tmp_path: Path, source: str, toolkit: str,
                                                           problem: str | None) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    path = root / "content/toolkit.yml"
    text = path.read_text(encoding="utf-8").replace("license: CC BY-SA 4.0", f"license: {toolkit}")
    text = text.replace("    use: reference\n", f"    use: adapted\n    license: \"{source}\"\n"
                        "    notice: Adapted from the WHO guide, under its licence. Changes were made.\n")
    path.write_text(text, encoding="utf-8")
    found = [p for p in check(CheckOptions(root, dt.date(2026, 12, 3))).report.problems
             if p.code.startswith("sources.")]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0].message and found[0].path == "content/toolkit.yml"
        line = text.splitlines()[found[0].line - 1]
        assert line.strip().startswith("license:") and WHO in found[0].message


def test_an_adapted_cc_by_source_needs_its_notice(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    path = root / "content/toolkit.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    use: reference\n", "    use: adapted\n    license: CC BY 4.0\n"), encoding="utf-8")
    found = [p.format() for p in check(CheckOptions(root, dt.date(2026, 12, 3))).report.problems
             if p.code.startswith("sources.")]
    assert len(found) == 1 and "asks for credit" in found[0] and "write notice:" in found[0]


def test_licences_are_read_as_people_write_them() -> None:
    assert read_licence("CC-BY-NC-SA-3.0-IGO") == read_licence("CC BY-NC-SA 3.0 IGO")
    licence = read_licence("cc by-sa 4.0")
    assert licence is not None and licence.name == "CC BY-SA 4" and licence.elements == {"BY", "SA"}
    assert read_licence("Public domain") is not None and read_licence("GPL-3.0") is None
