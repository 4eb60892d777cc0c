"""Before any PDF is made: every character each language prints must have a glyph in its fonts.

A language prints with its own fonts (`fonts:` in locales/<tag>.yml), then the source language's for the text
that fell back; so each language's own texts, pages and interface strings are checked against those families.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import Any

from fontTools import unicodedata as font_unicodedata

from carepath.checks.base import Run, as_dict, source_tag
from carepath.checks.markdown import strings
from carepath.fonts import DEFAULT_FAMILIES, ignorable, language_families
from carepath.lines import Lines
from carepath.load import Sources, YamlFile
from carepath.messages import problem
from carepath.problems import Problem
from carepath.resources import scripts


def families_of(sources: Sources, tag: str) -> list[str]:
    """The font families language `tag` names in its locales/ file (the default when it names none)."""
    locale = sources.locales.get(tag)
    fonts = as_dict(locale.data).get("fonts") if locale else None
    named = [f for f in fonts if isinstance(f, str) and f] if isinstance(fonts, list) else []
    return named or list(DEFAULT_FAMILIES)


@cache
def suggestion(char: str) -> str:
    """A font that covers `char`, from the scripts carepath knows, for the fix line."""
    script = font_unicodedata.script(char)
    name = font_unicodedata.script_name(script)
    known = scripts().get(script)
    if known and known.get("packages"):
        return (f"{name} script: pip install {' '.join(known['packages'])} and write "
                f"fonts: [{', '.join(known['fonts'])}] in the language's locales/ file")
    family = known["fonts"][0] if known else f"Noto Sans {name}"
    return (f"{name} script: put the files of a font that covers it (e.g. {family}, OFL) in print/fonts/ "
            f"and name its family first in the language's fonts: list")


# A text to print: its file, the text, and where to look for its characters in the file (the offset, worked out only
# when asked: for a text with a character no font has).
Printed = tuple[str, str, Callable[[], int]]


def _printed(sources: Sources, tag: str) -> Iterator[Printed]:
    """Every text language `tag` prints."""
    def values(file: YamlFile, data: Any, keys: tuple[str | int, ...] = ()) -> Iterator[Printed]:
        """The strings of a YAML file's data, each with the offset of its place in the file."""
        lines = cache(lambda: Lines(sources.raw.get(file.path, file.text)))  # front matter: in the page
        for path, value in strings(data, keys):
            yield file.path, value, partial(lambda p: lines().offset(*file.where(p)), path)

    for file in sources.texts.get(tag, {}).values():
        yield from values(file, file.data)
    for page in sources.pages.get(tag, {}).values():
        yield from values(page.meta, page.meta.data)
        yield page.path, page.body, partial(lambda p: Lines(p.text).offset(p.body_line, 1), page)
    locale = sources.locales.get(tag)
    ui = as_dict(locale.data).get("ui") if locale else None
    if locale is not None and isinstance(ui, dict):
        yield from values(locale, ui, ("ui",))


def _place(text: str, char: str, start: int) -> tuple[int, int]:
    """The line and column of the first `char` in a file's text at or after `start` (else before it)."""
    index = text.find(char, start)
    if index < 0:
        index = text.find(char)
    return Lines(text).at(index if index >= 0 else start)  # written as an escape: the place of its text


def check_glyphs(sources: Sources, run: Run) -> list[Problem]:
    """Characters of each language's own text that none of its print fonts can draw, each once per file."""
    source = source_tag(sources)
    if source is None or source not in sources.locales:
        return []  # the languages check reports why
    problems: list[Problem] = []
    for tag in sources.locales:
        families = language_families(families_of(sources, tag), families_of(sources, source))
        coverages = [run.fonts.coverage(family) for family in families]
        if any(c is None for c in coverages):
            continue  # the fonts check names the family that is missing; the rest would only echo it
        covered = frozenset(map(chr, frozenset().union(*(c for c in coverages if c is not None))))
        seen: set[tuple[str, str]] = set()
        for file, value, offset in _printed(sources, tag):
            if covered.issuperset(value):
                continue  # nearly every text: each of its characters is drawn
            for char in dict.fromkeys(value):
                if char in covered or ignorable(char) or (file, char) in seen:
                    continue
                seen.add((file, char))
                line, column = _place(sources.raw.get(file, ""), char, offset())
                problems.append(problem(
                    "print.missing_glyph", file, line, column, char=char, codepoint=f"{ord(char):04X}",
                    name=font_unicodedata.name(char, "unnamed character"), fonts=", ".join(families),
                    suggestion=suggestion(char),
                ))
    return problems
