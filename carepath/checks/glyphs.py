"""Before any PDF is made: every character each language prints must have a glyph in its fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fontTools import unicodedata as font_unicodedata

from carepath.l10n.new_locale import scripts
from carepath.l10n.translation import UI_FILE, units
from carepath.load import Sources
from carepath.messages import problem
from carepath.model import Model
from carepath.problems import Problem
from carepath.render.print_kit import family_faces, font_coverage, ignorable, job_families


def _strings(value: Any) -> list[str]:
    """Every string inside a text value (a string, a list, or a page's front matter and body)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _position(path: Path, char: str, from_line: int) -> tuple[int, int]:
    """The line and column of the first `char` in a file at or after `from_line`."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for number in range(max(from_line, 1), len(lines) + 1):
        column = lines[number - 1].find(char)
        if column >= 0:
            return number, column + 1
    return from_line, 1


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


def check_glyphs(sources: Sources, model: Model, root: Path) -> list[Problem]:
    """Characters of each language's own text that none of its print fonts can draw."""
    problems: list[Problem] = []
    for toolkit in model.toolkits:
        tag = toolkit.locale.tag
        covered: set[int] = set()
        for family in job_families(toolkit):
            for face in family_faces(family, root / "print" / "fonts"):
                covered |= font_coverage(str(face.path))
        fonts = ", ".join(job_families(toolkit))
        for unit in units(sources, tag).values():
            missing = sorted({c for s in _strings(unit.value) for c in s if ord(c) not in covered and not ignorable(c)})
            file = f"locales/{tag}.yml" if unit.file == UI_FILE else f"content/{tag}/{unit.file}"
            for char in missing:
                line, column = _position(root / file, char, unit.line)
                problems.append(problem(
                    "print.missing_glyph", file, line, column, char=char, codepoint=f"{ord(char):04X}",
                    name=font_unicodedata.name(char, "unnamed character"), fonts=fonts,
                    suggestion=suggestion(char),
                ))
    return problems
