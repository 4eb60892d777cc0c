"""Plain language: the source language's files and sentences against the reading age the toolkit aims for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import copy_toolkit

from carepath.commands import CheckOptions, check

TODAY = dt.date(2026, 12, 3)
JARGON = ("Psychological intervention necessitates considerable emotional expenditure, particularly for "
          "inexperienced practitioners. Practitioners frequently experience cumulative psychological exhaustion. "
          "Organizational accountability mechanisms facilitate sustainable professional functioning. "
          "Comprehensive supervisory consultation is indispensable for preventing compassion fatigue.")


def _plain(root: Path) -> list[str]:
    """The plain-language warnings of a toolkit, formatted."""
    return [p.format() for p in check(CheckOptions(root, TODAY)).report.problems if p.code.startswith("plain.")]


def test_the_example_reads_at_its_reading_age_and_jargon_does_not(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    assert _plain(root) == []  # the example passes: every file at grade 6 or below, no sentence over 25 words
    page = root / "content/en/pages/self-care.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Helping someone through a hard time matters.",
                                                             JARGON), encoding="utf-8")
    found = _plain(root)
    assert len(found) == 1 and found[0].startswith("content/en/pages/self-care.md:6:")  # that sentence
    assert "'accountability'" in found[0] and "reading_age:" in found[0]
    toolkit = root / "content/toolkit.yml"
    toolkit.write_text(toolkit.read_text(encoding="utf-8") + "reading_age: 14\n", encoding="utf-8")
    assert _plain(root) == []  # a community whose readers read more easily says so


def test_only_the_english_source_is_scored(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    steps = root / "content/es/steps.yml"  # a translation follows its source's sentences: it is not judged
    long = " ".join(["Pregunta con calma"] + ["y con cariño"] * 12) + "."
    steps.write_text(steps.read_text(encoding="utf-8").replace(
        'Pregunta con voz tranquila y cariñosa.', long), encoding="utf-8")
    assert _plain(root) == []
    en = root / "content/en/steps.yml"
    en.write_text(en.read_text(encoding="utf-8").replace("Ask in a calm, caring voice.", " ".join(
        ["Ask calmly"] + ["and kindly"] * 12) + "."), encoding="utf-8")
    found = _plain(root)
    assert len(found) == 1 and "this sentence has 26 words" in found[0] and found[0].startswith("content/en/steps.yml:")
