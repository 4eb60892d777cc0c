"""Text checks on the raw files: hidden characters and wording that harms people at risk of suicide."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from carepath.checks.paths import readable
from carepath.messages import fragment, problem
from carepath.problems import Problem, relative

DATA = Path(__file__).parents[1] / "data"

# Characters that change the direction text is shown in: embeddings, overrides and isolates.
BIDI = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
ZWNJ, ZWJ = 0x200C, 0x200D
# Characters that show nothing at all. ZWNJ and ZWJ are allowed between letters of scripts that need them.
INVISIBLE = frozenset([
    0x200B, ZWNJ, ZWJ, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E,
    0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2028, 0x2029, *range(0x206A, 0x2070),
])
# Control characters other than tab and the line ends.
CONTROL = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
# Lone surrogates: not characters at all; an escape like "\ud800" would crash any writer of the text.
SURROGATES = frozenset(range(0xD800, 0xE000))
HIDDEN = BIDI | INVISIBLE | CONTROL | SURROGATES
# Scripts in which ZWNJ/ZWJ between two letters change how the letters join (Arabic, Persian, Indic...).
JOINING_SCRIPTS = (
    "ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA",
    "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "KHMER", "MYANMAR", "TIBETAN",
)
CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x1B: "ESCAPE",
    0x7F: "DELETE", 0x85: "NEXT LINE",
}
ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|([0abvfeNLP]))")
# YAML's one-letter escapes in double-quoted strings, and the characters they stand for
NAMED_ESCAPES = {"0": 0, "a": 7, "b": 8, "v": 11, "f": 12, "e": 27, "N": 0x85, "L": 0x2028, "P": 0x2029}
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def char_name(code: int) -> str:
    """The Unicode name of a character, or a plain description of a control character."""
    name = unicodedata.name(chr(code), "")
    if code in SURROGATES:
        return "LONE SURROGATE (not a character)"
    return name or CONTROL_NAMES.get(code, "CONTROL CHARACTER")


def _script_letter(char: str) -> bool:
    """Whether `char` is a letter or mark of a script that needs ZWNJ/ZWJ."""
    if not char or unicodedata.category(char)[0] not in "LM":
        return False
    return unicodedata.name(char, "").startswith(JOINING_SCRIPTS)


def _emoji(char: str) -> bool:
    """Whether `char` takes part in an emoji ZWJ sequence (a symbol, a modifier or a variation selector)."""
    return bool(char) and (unicodedata.category(char) == "So" or 0x1F3FB <= ord(char) <= 0x1F3FF
                           or ord(char) == 0xFE0F)


def joiner_needed(code: int, before: str, after: str) -> bool:
    """Whether a ZWNJ/ZWJ between `before` and `after` is the writing itself, not a hidden trick."""
    if code not in (ZWNJ, ZWJ):
        return False
    if _script_letter(before) and _script_letter(after):
        return True
    return code == ZWJ and _emoji(before) and _emoji(after)


def hidden_problem(code: int, file: str, line: int, column: int, form: str = "") -> Problem:
    """The problem for one hidden character at a place (`form`: how it was written, if escaped)."""
    written = fragment("text.written_as", form=form) if form else ""
    if code in BIDI:
        return problem("text.bidi", file, line, column, name=char_name(code), codepoint=f"{code:04X}", form=written)
    note = fragment("text.joiner_note") if code in (ZWNJ, ZWJ) else ""
    return problem("text.invisible", file, line, column, name=char_name(code), codepoint=f"{code:04X}",
                   form=written, note=note)


class Lines:
    """Turns offsets in a text into 1-based line and column numbers (lines end at '\\n' only)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        """Note where each line of `text` starts."""
        self.starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        self.first_line = first_line

    def at(self, offset: int) -> tuple[int, int]:
        """The line and column of `offset`."""
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return self.first_line + low, offset - self.starts[low] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column."""
        index = min(max(line - self.first_line, 0), len(self.starts) - 1)
        return self.starts[index] + column - 1


# Hidden characters reported per file: a file full of them needs one look, not 600,000 lines.
MAX_HIDDEN_PER_FILE = 50


def hidden_characters(text: str, file: str, yaml_escapes: bool = False) -> list[Problem]:
    """The hidden characters of `text` (the first MAX_HIDDEN_PER_FILE), as themselves, entities or YAML escapes."""
    problems: list[Problem] = []
    lines = Lines(text)
    for offset, char in enumerate(text):
        code = ord(char)
        if code not in HIDDEN or (offset == 0 and code == 0xFEFF):
            continue
        before, after = text[offset - 1:offset], text[offset + 1:offset + 2]
        if not joiner_needed(code, before, after):
            problems.append(hidden_problem(code, file, *lines.at(offset)))
            if len(problems) >= MAX_HIDDEN_PER_FILE:
                return problems
    written = [ENTITY] + ([ESCAPE] if yaml_escapes else [])
    for pattern in written:
        for match in pattern.finditer(text):
            if pattern is ESCAPE:
                named = match.group(4)
                code = NAMED_ESCAPES[named] if named else int(next(g for g in match.groups() if g), 16)
            else:
                value = html.unescape(match.group(0))
                if len(value) != 1:
                    continue
                code = ord(value)
            if code not in HIDDEN:
                continue
            before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 1]
            if not joiner_needed(code, before, after):
                problems.append(hidden_problem(code, file, *lines.at(match.start()), form=match.group(0)))
                if len(problems) >= MAX_HIDDEN_PER_FILE:
                    return problems
    return problems


@dataclass(frozen=True)
class Wording:
    """A harmful phrasing about suicide, what to write instead, and why."""

    avoid: tuple[str, ...]
    instead: str
    why: str
    source: str


def _wordings(entries: Any, default_source: str) -> list[Wording]:
    """Wordings from a list of `avoid`/`instead`/`why`/`source` entries, skipping malformed ones."""
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("instead"), str):
            continue
        avoid = entry.get("avoid")
        avoid = [avoid] if isinstance(avoid, str) else avoid
        phrases = tuple(p for p in avoid or [] if isinstance(p, str) and p.strip()) if isinstance(avoid, list) else ()
        if phrases:
            found.append(Wording(phrases, entry["instead"], str(entry.get("why") or ""),
                                 str(entry.get("source") or default_source)))
    return found


@cache
def builtin_wordings() -> dict[str, list[Wording]]:
    """carepath's own list of harmful phrasings, by language (carepath/data/safe-messaging.yml)."""
    data = yaml.safe_load((DATA / "safe-messaging.yml").read_text(encoding="utf-8")) or {}
    return {tag: _wordings(entries, "carepath/data/safe-messaging.yml") for tag, entries in data.items()}


def wordings_for(tag: str, locale_data: Any) -> list[Wording]:
    """The harmful phrasings to look for in language `tag`: carepath's own and the locale file's."""
    builtin = builtin_wordings()
    primary = tag.split("-")[0].lower()
    found = list(builtin.get(tag, [])) + (list(builtin.get(primary, [])) if primary != tag else [])
    extra = locale_data.get("safe_messaging") if isinstance(locale_data, dict) else None
    return found + _wordings(extra, f"locales/{tag}.yml")


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: whole words, any run of spaces or line breaks between them."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def harmful_wording(text: str, file: str, wordings: Iterable[Wording]) -> list[Problem]:
    """Every harmful phrasing in `text`, matched without regard to case on whole words."""
    lines = Lines(text)
    hits: dict[int, tuple[int, Wording]] = {}
    for wording in wordings:
        alternatives = sorted(wording.avoid, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(_phrase_pattern, alternatives)) + r")(?!\w)",
                             re.IGNORECASE)
        for match in pattern.finditer(text):
            if match.start() not in hits or hits[match.start()][0] < match.end():
                hits[match.start()] = (match.end(), wording)
    problems = []
    for start, (end, wording) in sorted(hits.items()):
        found = " ".join(text[start:end].split())
        problems.append(problem("safe.wording", file, *lines.at(start), found=found,
                                why=fragment("safe.why", why=wording.why) if wording.why else "",
                                instead=wording.instead, source=wording.source))
    return problems


def text_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Every YAML and Markdown file of content/ and locales/, with the language it is written in."""
    content, locales = root / "content", root / "locales"
    if content.is_dir():
        for path in sorted(content.rglob("*")):
            if path.suffix in (".yml", ".yaml", ".md") and path.is_file():
                parts = path.relative_to(content).parts
                yield path, parts[0] if len(parts) > 1 else None
    if locales.is_dir():
        for path in sorted(locales.glob("*.yml")):
            if path.is_file():
                yield path, path.stem


def check_text(root: Path, locale_data: dict[str, Any]) -> list[Problem]:
    """Hidden characters in every file; harmful wording in every file written in a language."""
    problems: list[Problem] = []
    for path, tag in text_files(root):
        if not readable(path, root):
            continue  # check_paths and load report links and oversized files; what a link leads to is never read
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the load stage reports unreadable files
        file = relative(path, root)
        problems += hidden_characters(text, file, yaml_escapes=path.suffix != ".md")
        if tag is not None and not file.startswith("locales/"):
            problems += harmful_wording(text, file, wordings_for(tag, locale_data.get(tag)))
    return problems
