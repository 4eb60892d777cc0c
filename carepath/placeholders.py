"""Placeholders in translators' texts: `{name}` only, filled without ever evaluating what they say."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

# A placeholder is a plain ASCII name: Python's str.format would also follow `.attr` and `[key]`
# into the program's objects (and from there to os.environ), so translators' text never goes through it.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FORMATTER = string.Formatter()
_BRACE = re.compile(r"[{}]")


class PlaceholderError(ValueError):
    """A text asks for a placeholder that `fill` cannot or may not fill (a bug once the check passed)."""


@dataclass(frozen=True)
class Field:
    """One `{...}` of a text: as written (braces included), where it starts, and its parts."""

    text: str
    offset: int
    name: str  # what comes before any '!' or ':' (Formatter's field name), '' when unreadable
    conversion: str | None = None
    spec: str = ""
    readable: bool = True  # False when Formatter cannot read it, e.g. '{a[}' or '{a!}'

    @property
    def plain(self) -> bool:
        """Whether this is a placeholder `fill` fills: exactly `{name}`."""
        return self.readable and self.text == "{" + self.name + "}" and bool(NAME.fullmatch(self.name))


@dataclass(frozen=True)
class Scan:
    """A text read as a template: its fields, escaped braces and single braces, in order."""

    fields: tuple[Field, ...]
    escapes: tuple[int, ...]  # offsets of '{{' and '}}'
    strays: tuple[int, ...]  # offsets of a '{' or '}' that neither escapes nor opens a field

    def tokens(self, template: str) -> list[tuple[int, str]]:
        """Every brace-bearing token of `template` (the text scanned) with its offset, in order."""
        found = [(f.offset, f.text) for f in self.fields]
        found += [(o, template[o:o + 2]) for o in self.escapes] + [(o, template[o]) for o in self.strays]
        return sorted(found)


def _read_field(text: str, offset: int) -> Field:
    """One field, its parts read by string.Formatter itself, so the check sees what str.format would."""
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError:
        return Field(text, offset, "", readable=False)
    if len(parsed) != 1 or parsed[0][0] or parsed[0][1] is None:
        return Field(text, offset, "", readable=False)
    _, name, spec, conversion = parsed[0]
    return Field(text, offset, name or "", conversion, spec or "")


@functools.lru_cache(maxsize=65536)  # every check reads every text again (serve, build after check): read once
def scan(template: str) -> Scan:
    """Read `template` the way str.format does (a field runs to its matching '}'), never failing.

    Unlike str.format, a single brace does not stop the reading: it is noted and reading goes on.
    """
    fields: list[Field] = []
    escapes: list[int] = []
    strays: list[int] = []
    i, end = 0, len(template)
    while (brace := _BRACE.search(template, i)) is not None:  # most texts have no brace: skip to the next one
        i = brace.start()
        char = template[i]
        if template[i + 1:i + 2] == char:
            escapes.append(i)
            i += 2
            continue
        if char == "}":
            strays.append(i)
            i += 1
            continue
        depth, j = 1, i + 1
        while j < end and depth:  # as CPython's MarkupIterator: nested braces belong to the field
            depth += {"{": 1, "}": -1}.get(template[j], 0)
            j += 1
        if depth:
            strays.append(i)
            i += 1
        else:
            fields.append(_read_field(template[i:j], i))
            i = j
    return Scan(tuple(fields), tuple(escapes), tuple(strays))


def placeholders(template: str) -> list[tuple[str, int]]:
    """Every `{...}` field of `template` as (what is inside the braces, offset of its '{')."""
    return [(field.text[1:-1], field.offset) for field in scan(template).fields]


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with each `{name}` replaced by str(values[name]); '{{' and '}}' give braces.

    Attribute and index access, conversions and format specs are refused, never evaluated. A text with a
    single brace is not a template (the check allows it only where the source text has no placeholders):
    it is returned as written.
    """
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError:
        return template
    out: list[str] = []
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is None:
            continue
        if not NAME.fullmatch(name) or conversion is not None or spec:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise PlaceholderError(f"'{{{written}}}' is not a plain placeholder {{name}}; it is not filled")
        if name not in values:
            given = ", ".join(sorted(values)) or "none"
            raise PlaceholderError(f"the placeholder '{{{name}}}' has no value (values given: {given})")
        out.append(str(values[name]))
    return "".join(out)
