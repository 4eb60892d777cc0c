"""The services directory as one flat sheet (CSV) for volunteers who edit in a spreadsheet, and back.

A row is a service, a column one fact or one text of the source language. Reading the sheet back compares
each cell's value (not its text: a spreadsheet that writes 9:00 for 09:00 changes nothing) with the directory's,
so a sheet saved without edits changes no file, and an edited cell changes only its own line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from carepath.exchange.directory import TEXT_FIELDS, Proposal
from carepath.load import Sources
from carepath.problems import Problem, Severity

SHEET_FILE = "services.csv"
COLUMNS = ("id", "name", "description", "eligibility", "notes", "needs", "phone", "sms", "url", "email", "address",
           "confidential", "latitude", "longitude", "hours", "closed", "languages", "cost", "access", "min_age",
           "max_age", "interpretation", "accessibility", "status", "alert", "alert_until", "verified", "unverified")
LISTS = ("needs", "closed", "languages", "access", "accessibility")
PLACE = ("address", "confidential", "latitude", "longitude")
DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
YES, NO = ("yes", "y", "true"), ("no", "n", "false")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class CellError(ValueError):
    """A cell that cannot be read: what is wrong, and how to write it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def value_of(item: dict[str, Any], texts: dict[str, Any], column: str) -> Any:
    """The value of one column for a service of the directory, in the form `parse_cell` gives (None: no value)."""
    location: dict[str, Any] = item["location"] if isinstance(item.get("location"), dict) else {}
    ages: dict[str, Any] = item["ages"] if isinstance(item.get("ages"), dict) else {}
    if column in TEXT_FIELDS:
        found = texts.get(column)
        return str(found).strip() if found else None
    if column == "address":
        return item.get("address") or location.get("address")
    if column == "confidential":
        return True if location.get("confidential") is True else None
    if column in ("latitude", "longitude"):
        return location.get(column)
    if column in ("min_age", "max_age"):
        return ages.get(column.removesuffix("_age"))
    if column in LISTS:
        return [str(v) for v in item[column]] if item.get(column) else None
    if column == "hours":
        hours = item.get("hours")
        if isinstance(hours, list):
            return [{"days": list(h["days"]), "opens": h["opens"], "closes": h["closes"]} for h in hours]
        return hours
    found = item.get(column)
    return None if found is None or found == "" else found


def cell_of(value: Any, column: str) -> str:
    """A value as the sheet shows it."""
    if value is None:
        return ""
    if column == "hours" and isinstance(value, list):
        return "; ".join(f"{' '.join(line['days'])} {line['opens']}-{line['closes']}" for line in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def _time(text: str) -> str:
    """HH:MM from H:MM or HH:MM (a spreadsheet drops the leading zero)."""
    match = TIME.match(text.strip())
    if not match or int(match[1]) > 24 or int(match[2]) > 59:
        raise CellError(f"'{text.strip()}' is not a time", "write times as HH:MM on a 24-hour clock, e.g. 09:00-17:30")
    return f"{int(match[1]):02d}:{match[2]}"


def _days(text: str) -> list[str]:
    """Day names (mo tu we...) with ranges (mo-fr) as the list of days."""
    days: list[str] = []
    for token in text.replace(",", " ").split():
        first, _, last = token.lower().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise CellError(f"'{token}' is not a day", "write days as mo tu we th fr sa su, or a range such as mo-fr")
        span = DAYS[DAYS.index(first):DAYS.index(last) + 1] if last else (first,)
        days += [d for d in span if d not in days]
    return days


def _hours(text: str) -> str | list[dict[str, Any]]:
    """'24/7', or lines such as 'mo-fr 09:00-17:00; sa 10:00-14:00'."""
    if text.strip().lower() == "24/7":
        return "24/7"
    lines = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        days, _, times = part.rpartition(" ")
        opens, dash, closes = times.partition("-")
        if not days or not dash:
            raise CellError(f"'{part}' is not days and times",
                            "write each line as days then times, lines separated by ';', e.g. mo-fr 09:00-17:00; "
                            "sa 10:00-14:00, or 24/7")
        lines.append({"days": _days(days), "opens": _time(opens), "closes": _time(closes)})
    return lines


def parse_cell(text: str, column: str) -> Any:
    """A cell as the value content/services.yml holds (None: empty), or CellError."""
    text = text.strip()
    if not text:
        return None
    if column in LISTS:
        items = [v.strip() for v in text.split(",") if v.strip()]
        if column == "closed":
            for item in items:
                _date(item)
        return items
    if column in ("confidential", "interpretation"):
        if text.lower() in YES + NO:
            return text.lower() in YES
        raise CellError(f"'{text}' is not yes or no", "write yes, no, or leave the cell empty")
    if column in ("latitude", "longitude"):
        try:
            return float(text)
        except ValueError:
            raise CellError(f"'{text}' is not a number", "write decimal degrees, e.g. 42.1015 or -72.5898") from None
    if column in ("min_age", "max_age"):
        if not text.isdigit():
            raise CellError(f"'{text}' is not a whole number of years", "write the age in years, e.g. 16")
        return int(text)
    if column == "hours":
        return _hours(text)
    if column in ("verified", "alert_until"):
        return _date(text)
    return text


def _date(text: str) -> str:
    """A YYYY-MM-DD date (a spreadsheet may rewrite dates in its own order: that is refused, not guessed)."""
    if not DATE.match(text):
        raise CellError(f"'{text}' is not a date written YYYY-MM-DD",
                        "write the date as YYYY-MM-DD, e.g. 2026-10-15 (format the column as text in your "
                        "spreadsheet so it keeps that form)")
    return text


def export_sheet(sources: Sources) -> str:
    """The directory as CSV text: a row per service, its facts and its source-language texts."""
    source = sources.neutral["toolkit"].data["source_locale"]
    texts_file = sources.texts.get(source, {}).get("services")
    texts = texts_file.data.get("services") or {} if texts_file is not None else {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in sources.neutral["services"].data["services"]:
        own = texts.get(item["id"]) or {}
        writer.writerow([cell_of(value_of(item, own, c), c) for c in COLUMNS])
    return out.getvalue()


@dataclass
class SheetChanges:
    """What a sheet changes in the directory: fields per service, new services, and the cells that say where."""

    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> YAML key -> value (None deletes)
    added: list[Proposal] = field(default_factory=list)
    cells: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (id, column) -> (row, column)
    problems: list[Problem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # services the sheet does not have: left as they are


def _place(values: dict[str, Any]) -> dict[str, Any]:
    """The YAML keys of a service's place from its four columns: one address, or a location."""
    if values.get("confidential"):
        return {"address": None, "location": {"confidential": True}}
    if values.get("latitude") is not None or values.get("longitude") is not None:
        location = {k: values[k] for k in ("address", "latitude", "longitude") if values.get(k) is not None}
        return {"address": None, "location": location}
    return {"address": values.get("address"), "location": None}


def _ages(values: dict[str, Any]) -> dict[str, Any] | None:
    """The ages key from the two columns."""
    ages = {k: values[f"{k}_age"] for k in ("min", "max") if values.get(f"{k}_age") is not None}
    return ages or None


def read_sheet(text: str, sources: Sources, new_id: Callable[[str], str]) -> SheetChanges:
    """The changes a sheet makes to the directory; cell errors as services.csv:ROW:COLUMN problems."""
    result = SheetChanges()
    source = sources.neutral["toolkit"].data["source_locale"]
    texts_file = sources.texts.get(source, {}).get("services")
    texts = texts_file.data.get("services") or {} if texts_file is not None else {}
    items = {item["id"]: item for item in sources.neutral["services"].data["services"]}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    for col, name in enumerate(header, 1):
        if name.strip() not in COLUMNS:
            result.problems.append(_problem(1, col, f"'{name}' is not a column carepath knows",
                                            f"use the columns export-services-csv writes: {', '.join(COLUMNS)}"))
    if "id" not in [h.strip() for h in header]:
        result.problems.append(_problem(1, 1, "the sheet has no id column", "keep the id column: it says which "
                                        "service each row is"))
    if result.problems:
        return result
    columns = [h.strip() for h in header]
    seen: set[str] = set()
    line = 1
    for row in reader:
        row_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(columns, row, strict=False))
        values: dict[str, Any] = {}
        errors = len(result.problems)
        for col, name in enumerate(columns, 1):
            try:
                values[name] = parse_cell(cells.get(name, ""), name)
            except CellError as error:
                result.problems.append(_problem(row_line, col, f"{name}: {error}", error.fix))
        if len(result.problems) > errors:
            continue  # nothing is written when a cell is wrong: its row is not compared
        sid = values.get("id") or ""
        if not sid:
            sid = new_id(values.get("name") or "service")
        if sid in seen:
            result.problems.append(_problem(row_line, columns.index("id") + 1, f"id: '{sid}' is on an earlier row too",
                                            "give each service one row; delete or rename this one"))
            continue
        seen.add(sid)
        for col, name in enumerate(columns, 1):
            result.cells[(sid, name)] = (row_line, col)
        if sid in items:
            _changes(result, sid, items[sid], texts.get(sid) or {}, values, columns)
        else:
            facts = {k: v for k, v in values.items() if k not in TEXT_FIELDS and k not in PLACE
                     and k not in ("id", "min_age", "max_age") and v is not None}
            facts.update({k: v for k, v in _place(values).items() if v is not None})
            facts["ages"] = _ages(values)
            if "verified" not in facts and "unverified" not in facts:
                facts["unverified"] = f"added in {SHEET_FILE}"
            result.added.append(Proposal(sid, {k: v for k, v in facts.items() if v is not None},
                                         {k: v for k, v in values.items() if k in TEXT_FIELDS and v}))
    result.kept = [sid for sid in items if sid not in seen]
    return result


def _changes(result: SheetChanges, sid: str, item: dict[str, Any], own: dict[str, Any], values: dict[str, Any],
             columns: list[str]) -> None:
    """The fields of an existing service whose value in the sheet differs from the directory's."""
    current = {c: value_of(item, own, c) for c in COLUMNS}
    merged = {c: values[c] if c in columns else current[c] for c in COLUMNS}
    fields: dict[str, Any] = {}
    for name in columns:
        if name == "id" or merged[name] == current[name]:
            continue
        if name in PLACE:
            fields.update(_place(merged))
        elif name in ("min_age", "max_age"):
            fields["ages"] = _ages(merged)
        else:
            fields[name] = merged[name]
    if fields:
        result.changes[sid] = fields


def _problem(line: int, column: int, message: str, fix: str) -> Problem:
    """A mistake in a cell of the sheet."""
    return Problem(SHEET_FILE, line, column, Severity.ERROR, message, fix, "sheet.cell")


def column_of(keys: tuple[str | int, ...]) -> str:
    """The sheet's column for a field of a service's entry (ages -> min_age, location.latitude -> latitude)."""
    if not keys:
        return "id"
    if keys[0] == "ages":
        return "max_age" if keys[1:2] == ("max",) else "min_age"
    if keys[0] == "location":
        part = keys[1] if len(keys) > 1 else "address"
        return "address" if part not in ("confidential", "latitude", "longitude") else str(part)
    return str(keys[0])
