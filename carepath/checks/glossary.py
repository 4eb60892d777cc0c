"""Consistent words: where the source says a glossary term, its translation says the glossary's word for it.

A language's glossary (locales/<tag>.yml, glossary:) gives, for a source term ("crisis line"), the word to use
("línea de crisis") and optionally the other forms of it that count (`forms:` plurals, genders, cases). A
translated piece (a sign, a step, a page...) whose source text has the term but whose translation has none of
those forms gets a warning: the reader of that piece may think it names something else. Forms match without
word boundaries and words of five letters or more by their stem, so that a plural or an attached Arabic
prefix (وخط، بخط) still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from carepath.checks.base import Run, as_dict, as_list, source_tag
from carepath.checks.markdown import strings
from carepath.l10n.translation import UI_FILE, Unit, units
from carepath.load import Sources
from carepath.messages import problem
from carepath.problems import Problem


@dataclass(frozen=True)
class Term:
    """A glossary entry: the source term, the word to use, and the forms of it that count."""

    term: str
    use: str
    forms: tuple[str, ...]


def terms_of(locale_data: Any) -> list[Term]:
    """A language's glossary entries that name a term and the word to use (any shape of file copes)."""
    found = []
    for entry in as_list(as_dict(locale_data).get("glossary")):
        entry = as_dict(entry)
        term, use = entry.get("term"), entry.get("use")
        if isinstance(term, str) and term.strip() and isinstance(use, str) and use.strip():
            forms = tuple(f for f in as_list(entry.get("forms")) if isinstance(f, str) and f.strip())
            found.append(Term(term, use, (use, *forms)))
    return found


@lru_cache(maxsize=256)
def _source_pattern(term: str) -> re.Pattern[str]:
    """A source term as whole words, any case, any run of spaces between them."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=256)
def _form_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the forms, each word of five letters or more by its stem (all but its last two letters)."""
    def word(w: str) -> str:
        return re.escape(w[:-2]) + r"\w*" if len(w) >= 5 else re.escape(w)
    return re.compile("|".join(r"\s+".join(map(word, f.split())) for f in forms), re.IGNORECASE)


def _text(value: Any) -> str:
    """The words of a unit: a string, a list of strings, or a page's front matter and body."""
    if isinstance(value, dict):
        return " ".join(t for _path, t in strings(value.get("meta"))) + "\n" + str(value.get("body") or "")
    return " ".join(t for _path, t in strings(value))


def check_glossary_consistency(sources: Sources, run: Run) -> list[Problem]:
    """Each translated piece whose source has a glossary term uses the glossary's word for it."""
    source = source_tag(sources)
    if not source:
        return []
    source_units = units(sources, source)
    problems: list[Problem] = []
    for tag, locale in sorted(sources.locales.items()):
        glossary = terms_of(locale.data)
        if tag == source or not glossary:
            continue
        own = units(sources, tag)
        for ref, unit in source_units.items():
            translated = own.get(ref)
            if translated is None:
                continue
            for term in _missing(_text(unit.value), _text(translated.value), tuple(glossary)):
                problems.append(problem("glossary.inconsistent", *_where(sources, tag, translated), term=term.term,
                                        use=term.use, piece=ref, tag=tag))
    return problems


@lru_cache(maxsize=16384)  # the same pieces are compared again in every check of a process (serve, tests)
def _missing(source: str, translation: str, glossary: tuple[Term, ...]) -> tuple[Term, ...]:
    """The glossary terms the source text has and the translation does not say in any of their forms."""
    return tuple(term for term in glossary
                 if _source_pattern(term.term).search(source) and not _form_pattern(term.forms).search(translation))


def _where(sources: Sources, tag: str, unit: Unit) -> tuple[str, int, int]:
    """The file, line and column of a translated piece."""
    if unit.file.startswith("pages/"):
        page = sources.pages[tag][unit.file[len("pages/"):-len(".md")]]
        return page.path, page.body_line, 1
    if unit.file == UI_FILE:
        locale = sources.locales[tag]
        return (locale.path, *locale.where(("ui", unit.key)))
    file = sources.texts[tag][unit.file.removesuffix(".yml")]
    line, column = file.where(tuple(unit.key.split(".")))
    return file.path, line, column

