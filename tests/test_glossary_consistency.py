"""A glossary term says the same thing in every translated piece: forms, stems and attached prefixes count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import copy_toolkit

from carepath.commands import CheckOptions, check


def _inconsistent(root: Path) -> list[str]:
    """The glossary-consistency warnings of a toolkit, formatted."""
    report = check(CheckOptions(root, dt.date(2026, 12, 3))).report
    return [p.format() for p in report.problems if p.code == "glossary.inconsistent"]


def _replace(path: Path, old: str, new: str) -> None:
    """Edit a file of the toolkit."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_plural_a_form_and_an_arabic_prefix_count_and_another_word_does_not(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    assert _inconsistent(root) == []  # the example is consistent in es, ar and sw
    steps = root / "content/es/steps.yml"
    _replace(steps, "guarda el número de la línea de crisis", "guarda el número de las líneas de crisis")
    _replace(root / "content/ar/steps.yml", "اتصلا معاً بخط الأزمات", "اتصلا معاً وبخط الأزمات")
    assert _inconsistent(root) == []  # a plural (by its stem) and an attached prefix still say it
    _replace(steps, "guarda el número de las líneas de crisis", "guarda el número del teléfono de ayuda")
    found = _inconsistent(root)
    assert len(found) == 1 and found[0].startswith("content/es/steps.yml:")
    assert "'crisis line'" in found[0] and "'línea de crisis'" in found[0] and "forms: in locales/es.yml" in found[0]
    _replace(root / "locales/es.yml", "    use: línea de crisis\n", "    use: línea de crisis\n"
             "    forms: [teléfono de ayuda]\n")
    assert _inconsistent(root) == []  # a form the language's reviewers accept
