"""Placeholder checks: every translation has exactly its source text's `{name}` placeholders, written plainly."""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from carepath.checks.base import Run, source_tag
from carepath.checks.markdown import strings
from carepath.lines import Lines
from carepath.load import Sources, YamlFile
from carepath.messages import fragment, problem
from carepath.placeholders import NAME, Field, Scan, scan
from carepath.problems import Problem

KeyPath = tuple[str | int, ...]  # keys and list indexes from a file's root to a value
# CLDR plural categories: a language may have forms the source language lacks (Arabic: zero, two, few, many).
PLURAL = re.compile(r"^(?P<base>.+)\.(?:zero|one|two|few|many|other)$")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
FIRST_WORD = re.compile(r"\s*([^\W\d]\w*)")
COLON = re.compile(r":(?=\s)")  # the end of a YAML key
BLANK = re.compile(r"\s*")


@dataclass(frozen=True)
class Finding:
    """One placeholder mistake in a text, at an offset of the text."""

    code: str
    offset: int
    values: dict[str, str] = field(default_factory=dict)


def _as_dict(value: Any) -> dict[str, Any]:
    """A YAML value that should be a group of fields, or {} when it is anything else."""
    return value if isinstance(value, dict) else {}


def _at(data: Any, path: KeyPath) -> Any:
    """The value at `path` of parsed YAML data, or None."""
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def _attribute_list(item: Field) -> bool:
    """Whether a field of a Markdown text is an attribute list such as `{ #id }` or `{: .note }`, not a placeholder."""
    inner = item.text[1:-1].strip()
    return inner.startswith(("#", ".", ":")) or "=" in inner


def _fields(found: Scan, markdown: bool) -> list[Field]:
    """The fields of a scanned text that are meant as placeholders."""
    return [f for f in found.fields if not (markdown and _attribute_list(f))]


def _names(fields: list[Field]) -> list[str]:
    """The names of the plain placeholders among `fields`, each once, in order."""
    return list(dict.fromkeys(f.name for f in fields if f.plain))


def _reason(item: Field) -> tuple[str, dict[str, str], str]:
    """Why a field is not a plain `{name}`: a fragment key, its values, and the name it was probably meant as."""
    inner = item.text[1:-1]
    first = FIRST_WORD.match(inner)
    base = first.group(1) if first else ""
    name = item.name
    if not item.readable:
        return "placeholder.malformed", {}, base
    if name == "" or name[0].isdigit():
        return "placeholder.positional", {}, ""
    access = re.search(r"[.\[]", name)
    if access:  # the most dangerous form first: what a reader of the secret would write
        rest = name[access.end():]
        if access.group() == ".":
            return "placeholder.attribute", {"part": re.split(r"[.\[]", rest)[0]}, base
        return "placeholder.index", {"part": rest.split("]")[0]}, base
    if item.conversion is not None:
        return "placeholder.conversion", {"part": item.conversion}, base
    if item.text != "{" + name + "}":
        return "placeholder.spec", {"part": item.spec}, base
    if name.strip() != name:
        return "placeholder.spaced", {}, base
    if not name.isascii():
        return "placeholder.non_ascii", {"name": name}, base
    return "placeholder.not_name", {"name": name}, base


def _braced(names: list[str]) -> str:
    """Names as they are written in a text: {a}, {b}."""
    return ", ".join("{" + n + "}" for n in names)


def _suggestion(base: str, expected: list[str], unused: list[str]) -> str:
    """The placeholder a wrong one was probably meant as: itself, a close spelling, or the only one left out."""
    if base in expected:
        choice = base
    else:
        close = difflib.get_close_matches(base, expected, n=1, cutoff=0.6) if base else []
        choice = close[0] if close else (unused[0] if len(unused) == 1 else "")
    return choice


def check_source(value: str, markdown: bool, always: bool) -> list[Finding]:
    """Placeholders of a source-language text: each must be a plain `{name}` (`always`: even in a text without one)."""
    found = scan(value)
    fields = _fields(found, markdown)
    if not always and not _names(fields):
        return []  # not a template: braces here are the writer's own text
    findings: list[Finding] = []
    for item in fields:
        if not item.plain:
            key, values, base = _reason(item)
            example = base if NAME.fullmatch(base) else "phone"
            findings.append(Finding("placeholder.source_form", item.offset, {
                "field": item.text, "reason": fragment(key, **values), "example": "{" + example + "}"}))
    if fields:  # a template: a brace on its own must be doubled
        findings += [Finding("placeholder.brace", o, {"brace": value[o], "expected": _braced(_names(fields))})
                     for o in found.strays]
    return findings


def check_translation(
    value: str, expected: list[str], source: str, markdown: bool = False, may_omit: bool = False
) -> list[Finding]:
    """Placeholders of a translation against its source text's `expected` names (`may_omit`: a plural form)."""
    found = scan(value)
    fields = _fields(found, markdown)
    used = set(_names(fields))
    unused = [n for n in expected if n not in used]
    listed = _braced(expected)
    findings: list[Finding] = []
    meant: set[str] = set()  # names a wrong placeholder stands in for: reported with it, not again as missing
    for item in fields:
        if item.plain and item.name in expected:
            continue
        if item.plain:
            code, reason, base = "placeholder.unknown", "", item.name
        else:
            key, values, base = _reason(item)
            code, reason = "placeholder.form", fragment(key, **values)
        choice = _suggestion(base, expected, [n for n in unused if n not in meant])
        meant.add(choice)
        suggestion = fragment("placeholder.suggest", choice="{" + choice + "}") if choice else ""
        todo = (fragment("placeholder.todo", source=source, expected=listed, suggestion=suggestion) if expected
                else fragment("placeholder.todo_none", source=source))
        known = (fragment("placeholder.known", source=source, expected=listed) if expected
                 else fragment("placeholder.known_none", source=source))
        findings.append(Finding(code, item.offset, {"field": item.text, "reason": reason, "todo": todo,
                                                    "known": known}))
    if expected:  # a template: a brace on its own must be doubled
        findings += [Finding("placeholder.brace", o, {"brace": value[o], "expected": listed}) for o in found.strays]
    missing = [n for n in unused if n not in meant] if not may_omit else []
    number = PHONE_LIKE.search(value)
    if missing and number:
        # the number typed in place of the placeholder: it would no longer follow content/*.yml
        findings.append(Finding("placeholder.number", number.start(), {
            "number": number.group(0).strip(), "field": "{" + missing[0] + "}", "source": source}))
        missing = missing[1:]
    findings += [Finding("placeholder.missing", 0, {"field": "{" + n + "}", "source": source, "expected": listed})
                 for n in missing]
    return findings


# Three or more digits, in any script's digits, possibly spaced or dashed: a number written out by hand.
PHONE_LIKE = re.compile(r"(?<!\w)[+(]?\d[\d\s().\-]{1,}\d(?!\w)")


def _skip_blank(text: str, offset: int) -> int:
    """The offset of the first character at or after `offset` that is not a space or a line end."""
    match = BLANK.match(text, offset)
    return match.end() if match else offset


class Places:
    """Turns offsets inside the texts of a YAML file into the line and column where they are written."""

    def __init__(self, file: YamlFile) -> None:
        """Index the file's text and where each of its keys and values starts."""
        self.file, self.text, self.lines = file, file.text, Lines(file.text)
        self.starts = sorted({self.lines.offset(*where) for where in file.positions.values()})

    def _value_start(self, path: KeyPath) -> tuple[int, int]:
        """Where the text at `path` starts (after its key, its quote or its `|`/`>` line) and where it must end."""
        begin = self.lines.offset(*self.file.where(path))
        after = bisect.bisect_right(self.starts, begin)
        end = self.starts[after] if after < len(self.starts) else len(self.text)
        start = begin
        if path and not isinstance(path[-1], int):  # a field's position is its key's: move past 'key:'
            colon = COLON.search(self.text, begin, end)
            start = colon.end() if colon else begin
        start = _skip_blank(self.text, start)
        if self.text[start:start + 1] in ("|", ">"):
            newline = self.text.find("\n", start, end)
            start = _skip_blank(self.text, newline + 1) if newline >= 0 else start
        elif self.text[start:start + 1] in ("'", '"'):
            start += 1
        return min(start, end), end

    def locate(self, path: KeyPath, value: str) -> dict[int, tuple[int, int]]:
        """The line and column of each brace-bearing token of the text at `path` (its offset -> place).

        Each token is looked for as written, in order, between the text's start and the next value: where a
        token is not written as itself (a YAML escape such as '\\u0442'), it is placed at the text's start.
        """
        start, end = self._value_start(path)
        places = {0: self.lines.at(start)}
        cursor = start
        for offset, written in scan(value).tokens(value):
            index = self.text.find(written, cursor, end)
            if index >= 0:
                places[offset] = self.lines.at(index)
                cursor = index + len(written)
        return places


def _problems(file: YamlFile, places: Places, path: KeyPath, value: str, findings: list[Finding]) -> list[Problem]:
    """Problems for the findings in one text of one file."""
    if not findings:
        return []
    where = places.locate(path, value)
    for finding in findings:  # a finding at other text than a brace (a number typed in): look for it as written
        if finding.offset not in where:
            start, end = places._value_start(path)
            snippet = value[finding.offset:finding.offset + 12].split("\n")[0]
            index = places.text.find(snippet, start, end) if snippet else -1
            if index >= 0:
                where[finding.offset] = places.lines.at(index)
    return [problem(f.code, file.path, *where.get(f.offset, where[0]), **f.values) for f in findings]


def _plural_group(table: dict[str, Any], key: str) -> tuple[list[str], bool] | None:
    """For a plural form `base.few`: the placeholders of the source's forms of `base`, and whether it may omit them."""
    match = PLURAL.match(key)
    if not match:
        return None
    forms = [table.get(f"{match.group('base')}.{c}") for c in PLURAL_CATEGORIES]
    if not any(isinstance(v, str) for v in forms):
        return None
    names = _names(list(scan("".join(v for v in forms if isinstance(v, str))).fields))
    # "one", "two"... may say the number in words ("صفحتان", two pages); "other" is used for any count
    return names, not key.endswith(".other")


def _expected(source_table: dict[str, Any], key: str, ui: bool) -> tuple[list[str], bool] | None:
    """What a translation of `key` must hold: the source's placeholder names, and whether it may omit them.

    None when there is nothing to compare with: no source text, a source text that is itself wrong (reported
    there, to be fixed first), or a theme string without placeholders.
    """
    plural = _plural_group(source_table, key) if ui else None
    if plural is not None:
        return plural
    original = source_table.get(key)
    if not isinstance(original, str):
        return None
    fields = list(scan(original).fields)
    if not all(f.plain for f in fields):
        return None
    names = _names(fields)
    return (names, False) if ui or names else None


def _check_locale(file: YamlFile, source: YamlFile, is_source: bool) -> list[Problem]:
    """The `ui:` and `theme:` strings of one locale file."""
    problems: list[Problem] = []
    places = Places(file)
    data, source_data = _as_dict(file.data), _as_dict(source.data)
    for section in ("ui", "theme"):
        table, source_table = _as_dict(data.get(section)), _as_dict(source_data.get(section))
        ui = section == "ui"  # carepath fills ui strings; theme strings are Material's and never filled
        for key, value in table.items():
            if not isinstance(value, str):
                continue  # the schema reports it
            expected = None if is_source else _expected(source_table, key, ui)
            if is_source:
                findings = check_source(value, markdown=False, always=ui)
            elif expected is not None:
                findings = check_translation(value, expected[0], source.path, may_omit=expected[1])
            elif ui and key not in source_table:  # a string the source lacks: still no field str.format would read
                findings = [f for f in check_source(value, markdown=False, always=True)
                            if f.code != "placeholder.brace"]
            else:
                findings = []
            problems += _problems(file, places, (section, key), value, findings)
    return problems


def _check_texts(file: YamlFile, source: YamlFile | None) -> list[Problem]:
    """The texts of one content/<tag>/*.yml file (Markdown: attribute lists such as `{ #id }` are not placeholders)."""
    problems: list[Problem] = []
    places = Places(file)
    for path, value in strings(file.data):
        if source is None:
            findings = check_source(value, markdown=True, always=False)
        else:
            original = _at(source.data, path)
            fields = _fields(scan(original), markdown=True) if isinstance(original, str) else []
            # compared only with a source text that is a template, and a correct one (else it is reported itself)
            expected = _names(fields) if all(f.plain for f in fields) else []
            findings = check_translation(value, expected, source.path, markdown=True) if expected else []
        problems += _problems(file, places, path, value, findings)
    return problems


def check_placeholders(sources: Sources, run: Run) -> list[Problem]:
    """Placeholders in every locale's strings and every language's texts, against the source language's."""
    source = source_tag(sources)
    if source is None:
        return []  # without a source language there is nothing to compare with; check_locales reports why
    problems: list[Problem] = []
    source_locale = sources.locales.get(source)
    for tag, file in sources.locales.items():
        if source_locale is not None:  # else check_locales reports the missing source language
            problems += _check_locale(file, source_locale, tag == source)
    source_texts = sources.texts.get(source, {})
    for tag, files in sources.texts.items():
        for topic, file in files.items():
            if tag == source:
                problems += _check_texts(file, None)
            elif topic in source_texts:
                problems += _check_texts(file, source_texts[topic])
    return problems
