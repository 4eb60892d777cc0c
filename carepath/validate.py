"""Validate stage: check loaded sources against the published schemas and each other."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import phonenumbers
from phonenumbers import shortnumberinfo

from carepath.load import Sources, YamlFile
from carepath.messages import problem
from carepath.problems import Problem

SCHEMAS = Path(__file__).parent / "schemas"
TYPE_NAMES = {
    "string": "text", "object": "a group of fields (key: value lines)", "array": "a list (lines starting with '- ')",
    "integer": "a whole number", "boolean": "true or false", "number": "a number", "null": "nothing",
}
ID_LISTS = {"signs": ("signs", "red_flags"), "steps": ("steps",), "pathways": ("pathways",), "services": ("services",)}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The published JSON Schema `name` (e.g. 'signs', 'signs-text')."""
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def _type_name(value: Any) -> str:
    """How a writer would call the type of a YAML value."""
    for name, kind in (("true or false", bool), ("a number", (int, float)), ("text", str),
                       ("a list", list), ("a group of fields", dict)):
        if isinstance(value, kind):
            return name
    return "nothing"


def _suggest(word: str, choices: list[str]) -> str:
    """A "did you mean ...?" hint, or a list of what is allowed."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"allowed here: {', '.join(choices)}" if choices else "remove it"


def _schema_problem(error: jsonschema.ValidationError, file: YamlFile) -> list[Problem]:
    """Explain one schema violation in a writer's words."""
    path = tuple(error.absolute_path)
    key = str(path[-1]) if path else "(file)"
    line, col = file.where(path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [
            problem("schema.unknown_key", file.path, *file.where((*path, k)), key=k,
                    suggestion=_suggest(k, allowed))
            for k in extra
        ]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return [problem("schema.missing_key", file.path, line, col, key=k) for k in missing]
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else expected[0]
        return [problem("schema.wrong_type", file.path, line, col, key=key,
                        expected=TYPE_NAMES.get(expected, expected), actual=_type_name(error.instance))]
    if kind in ("minLength", "minItems") or error.instance in ("", [], {}):
        return [problem("schema.empty", file.path, line, col, key=key)]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        return [problem("schema.invalid", file.path, line, col, key=key,
                        detail=f"'{error.instance}' is not allowed",
                        hint=_suggest(str(error.instance), choices))]
    if kind == "propertyNames":
        return [problem("schema.invalid", file.path, *file.where((*path, str(error.instance))),
                        key=str(error.instance), detail="this is not a valid id",
                        hint="ids use lower-case letters, digits and hyphens, e.g. crisis-line")]
    description = error.schema.get("description") or next(
        (s.get("description") for s in error.schema.get("oneOf", []) if s.get("description")), None)
    return [problem("schema.invalid", file.path, line, col, key=key,
                    detail=f"'{error.instance}' is not in the right form",
                    hint=description or error.message)]


def check_schema(file: YamlFile, schema_name: str) -> list[Problem]:
    """Validate one file against its published JSON Schema."""
    validator = jsonschema.Draft202012Validator(
        load_schema(schema_name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(file.data), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_schema_problem(error, file))
    return problems


def _ids(file: YamlFile, list_key: str) -> tuple[list[str], list[Problem]]:
    """The ids of a neutral list, reporting any used twice."""
    seen: dict[str, int] = {}
    problems = []
    items = file.data.get(list_key) if isinstance(file.data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        where = file.where((list_key, index, "id"))
        if item["id"] in seen:
            problems.append(problem("id.duplicate", file.path, *where, id=item["id"], first_line=seen[item["id"]]))
        else:
            seen[item["id"]] = where[0]
    return list(seen), problems


def check_references(sources: Sources) -> list[Problem]:
    """Check ids: duplicates, pathways to unknown services, texts keyed by unknown ids."""
    problems: list[Problem] = []
    known: dict[tuple[str, str], list[str]] = {}
    for topic, lists in ID_LISTS.items():
        file = sources.neutral.get(topic)
        if file is None:
            continue
        for list_key in lists:
            ids, found = _ids(file, list_key)
            problems.extend(found)
            known[(topic, list_key)] = ids
    services = known.get(("services", "services"), [])
    pathways = sources.neutral.get("pathways")
    if pathways is not None and isinstance(pathways.data, dict):
        for i, item in enumerate(pathways.data.get("pathways") or []):
            for j, sid in enumerate(item.get("services") or [] if isinstance(item, dict) else []):
                if sid not in services:
                    close = difflib.get_close_matches(str(sid), services, n=1)
                    problems.append(problem(
                        "id.unknown_service", pathways.path, *pathways.where(("pathways", i, "services", j)),
                        pathway=item.get("id"), id=sid,
                        suggestion=f" (did you mean '{close[0]}'?)" if close else ""))
    source_tag = sources.neutral["toolkit"].data.get("source_locale") if "toolkit" in sources.neutral else None
    for tag, files in sources.texts.items():
        for (topic, list_key), ids in known.items():
            file = files.get(topic)
            table = file.data.get(list_key) if file and isinstance(file.data, dict) else None
            if isinstance(table, dict):
                for key in table:
                    if key not in ids:
                        close = difflib.get_close_matches(key, ids, n=1)
                        problems.append(problem(
                            "id.unknown_text", file.path, *file.where((list_key, key)), id=key, topic=topic,
                            suggestion=f" (did you mean '{close[0]}'?)" if close else ""))
            if tag == source_tag:
                for sid in ids:
                    has = isinstance(table, dict) and table.get(sid)
                    if not has:
                        target = file.path if file else f"content/{tag}/{topic}.yml"
                        line = file.where((list_key,)) if file else (1, 1)
                        problems.append(problem("id.no_source_text", target, *line, id=sid, file=target))
    return problems


def check_locales(sources: Sources) -> list[Problem]:
    """Every language has both its locales/ entry and its content/ folder."""
    problems = []
    for tag in sources.content_locales:
        if tag not in sources.locales:
            problems.append(problem("locale.no_entry", f"content/{tag}", 1, 1, tag=tag))
    for tag, file in sources.locales.items():
        if tag not in sources.content_locales:
            problems.append(problem("locale.no_content", file.path, 1, 1, tag=tag))
    toolkit = sources.neutral.get("toolkit")
    if toolkit is not None and isinstance(toolkit.data, dict):
        tag = toolkit.data.get("source_locale")
        if isinstance(tag, str) and (tag not in sources.locales or tag not in sources.content_locales):
            problems.append(problem("locale.no_source", toolkit.path, *toolkit.where(("source_locale",)), tag=tag))
    return problems


def check_phone(number: str, region: str, file: YamlFile, where: tuple[str | int, ...]) -> list[Problem]:
    """A phone number must be a valid number of the community's region (or an emergency number)."""
    line, col = file.where(where)
    if shortnumberinfo.is_emergency_number(number, region):
        return []
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        return [problem("phone.unparsable", file.path, line, col, number=number, detail=str(error))]
    if not phonenumbers.is_valid_number(parsed) and not shortnumberinfo.is_valid_short_number(parsed):
        return [problem("phone.invalid", file.path, line, col, number=number, region=region)]
    return []


def check_contacts(sources: Sources, today: dt.date) -> list[Problem]:
    """Phone numbers parse for the region; verified dates are fresh and not in the future."""
    problems: list[Problem] = []
    toolkit, services = sources.neutral.get("toolkit"), sources.neutral.get("services")
    if toolkit is None or not isinstance(toolkit.data, dict):
        return problems
    region = str(toolkit.data.get("region") or "US")
    limit = int(toolkit.data.get("freshness_days") or 180)
    emergency = toolkit.data.get("emergency")
    if isinstance(emergency, dict) and isinstance(emergency.get("phone"), str):
        problems += check_phone(emergency["phone"], region, toolkit, ("emergency", "phone"))
    for key in ("reviewed",):
        problems += _check_date(toolkit, (key,), today, None, "")
    if services is None or not isinstance(services.data, dict):
        return problems
    for i, item in enumerate(services.data.get("services") or []):
        if not isinstance(item, dict):
            continue
        for field in ("phone", "sms"):
            if isinstance(item.get(field), str):
                problems += check_phone(item[field], region, services, ("services", i, field))
        problems += _check_date(services, ("services", i, "verified"), today, limit, str(item.get("id")))
    return problems


def _check_date(
    file: YamlFile, keys: tuple[str | int, ...], today: dt.date, limit: int | None, sid: str
) -> list[Problem]:
    """A date must not be in the future; with a limit, not older than `limit` days."""
    value: Any = file.data
    for key in keys:
        value = value[key] if isinstance(value, (dict, list)) and (isinstance(value, list) or key in value) else None
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        return []  # the schema reports malformed dates
    line, col = file.where(keys)
    if date > today:
        return [problem("freshness.future", file.path, line, col, date=date.isoformat())]
    age = (today - date).days
    if limit is not None and age > limit:
        return [problem("freshness.stale", file.path, line, col, id=sid, date=date.isoformat(), days=age, limit=limit)]
    return []


def validate(sources: Sources, today: dt.date | None = None) -> list[Problem]:
    """Run every check on the loaded sources and return what was found."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    for name, file in sources.neutral.items():
        problems += check_schema(file, name)
    for file in sources.locales.values():
        problems += check_schema(file, "locale")
    for files in sources.texts.values():
        for name, file in files.items():
            problems += check_schema(file, f"{name}-text")
    for pages in sources.pages.values():
        for page in pages.values():
            problems += check_schema(page.meta, "page")
    problems += check_locales(sources)
    problems += check_references(sources)
    problems += check_contacts(sources, today)
    return problems
