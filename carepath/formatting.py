"""Dates, days, times and language names written the way each language writes them (Babel/CLDR)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal

import langcodes
from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.units import format_unit

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")


@cache
def babel_locale(tag: str) -> BabelLocale:
    """The CLDR locale for a BCP 47 tag, or English when CLDR does not know it."""
    try:
        return BabelLocale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return BabelLocale("en")


def long_date(date: dt.date, tag: str) -> str:
    """A date as readers of `tag` write it in full, e.g. 1 de noviembre de 2026."""
    return format_date(date, format="long", locale=babel_locale(tag))


def medium_date(date: dt.date, tag: str) -> str:
    """A date in the reader's shorter form, e.g. 1 nov 2026: for a page footer, where room is short."""
    return format_date(date, format="medium", locale=babel_locale(tag))


def time_of_day(value: str, tag: str) -> str:
    """A 24-hour HH:MM time in the reader's own short form."""
    hours, minutes = (int(p) for p in value.split(":"))
    if hours == 24:
        hours, minutes = 23, 59
    return format_time(dt.time(hours, minutes), format="short", locale=babel_locale(tag))


def day_names(days: tuple[str, ...], tag: str) -> str:
    """Days of the week as a short list; a run of three or more days becomes a range."""
    names = babel_locale(tag).days["format"]["wide"]
    indexes = sorted(DAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[i] for i in run)
    return list_of(parts, tag)


# A language's own semicolon, by script (CLDR has no list pattern with one): Arabic script writes '؛'.
SEMICOLONS = {"Arab": "؛ ", "Grek": "· ", "Ethi": "፤ ", "Hans": "；", "Hant": "；", "Jpan": "；"}


@cache
def script_of(tag: str) -> str:
    """The script a language is written in (ISO 15924), from CLDR's likely subtags (langcodes)."""
    try:
        return langcodes.Language.get(tag).maximize().script or "Latn"
    except (ValueError, LookupError):
        return "Latn"


ListStyle = Literal["standard", "standard-short", "or", "or-short", "unit", "unit-short", "unit-narrow"]


def list_of(items: list[str], tag: str, style: ListStyle = "standard") -> str:
    """Items joined the reader's way (CLDR list patterns): 'English, Spanish and Arabic', 'الإنجليزية والعربية'."""
    if not items:
        return ""
    try:
        return format_list(list(items), style=style, locale=babel_locale(tag))
    except ValueError:  # a style this locale lacks
        return format_list(list(items), locale=babel_locale(tag))


def semicolon_list(items: list[str], tag: str) -> str:
    """Items that hold commas of their own (opening hours), separated by the language's own semicolon."""
    return SEMICOLONS.get(script_of(tag), "; ").join(items)


def language_name(code: str, tag: str) -> str:
    """The name of language `code` in the reader's language `tag`, e.g. 'árabe' for ar in es."""
    try:
        name = BabelLocale.parse(code, sep="-").get_display_name(babel_locale(tag))
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def plural_category(count: int, tag: str) -> str:
    """The CLDR plural category of `count` in language `tag`: one, two, few, many, other..."""
    return babel_locale(tag).plural_form(count)


def file_size(size: int, tag: str) -> str:
    """A file size in kilobytes (or megabytes), written the reader's way, e.g. 42 kB."""
    if size >= 1_000_000:
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=babel_locale(tag))
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=babel_locale(tag))
