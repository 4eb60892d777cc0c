"""Places in a text (line and column) and the hidden characters that can change what a text says.

Shared by the load stage (a character YAML refuses) and the checks (every file's hidden characters).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata

from carepath.messages import fragment, problem
from carepath.problems import Problem

NEWLINE = re.compile("\n")
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
# The same characters as one pattern: a file is searched by the regular expression engine, not character by
# character in Python (a check runs after every edit in `serve`).
HIDDEN_CHARACTER = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(HIDDEN)) + "]")
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


@functools.lru_cache(maxsize=256)  # each check places its findings in the same files again (serve, tests)
def _line_starts(text: str) -> tuple[int, ...]:
    """The offset where each line of `text` starts."""
    return (0, *(match.end() for match in NEWLINE.finditer(text)))


class Lines:
    """Turns offsets in a text into 1-based line and column numbers (lines end at '\\n' only)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        """Note where each line of `text` starts."""
        self.starts = _line_starts(text)
        self.first_line = first_line

    def at(self, offset: int) -> tuple[int, int]:
        """The line and column of `offset`."""
        low = max(bisect.bisect_right(self.starts, offset) - 1, 0)
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
    for found in HIDDEN_CHARACTER.finditer(text):
        offset, code = found.start(), ord(found.group())
        if offset == 0 and code == 0xFEFF:
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
