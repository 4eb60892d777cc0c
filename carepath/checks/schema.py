"""Validate stage: check loaded sources against the published schemas and each other."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import phonenumbers
from phonenumbers import shortnumberinfo

from carepath.checks.base import Failed, Run, as_dict, as_list, source_tag
from carepath.checks.links import Finding, email_findings, example_findings, tag_findings, url_findings
from carepath.load import Sources, YamlFile
from carepath.messages import fragment, problem
from carepath.problems import Problem
from carepath.resources import SCHEMAS, load_schema

__all__ = ["SCHEMAS", "load_schema", "validate"]
TYPE_NAMES = {
    "string": "text", "object": "a group of fields (key: value lines)", "array": "a list (lines starting with '- ')",
    "integer": "a whole number", "boolean": "true or false", "number": "a number", "null": "nothing",
}
ID_LISTS = {"signs": ("signs", "red_flags"), "steps": ("steps",), "pathways": ("pathways",), "services": ("services",)}


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
        return fragment("did_you_mean", choice=close[0])
    return fragment("allowed_here", choices=", ".join(choices)) if choices else fragment("remove_it")


def _description(root: dict[str, Any], schema_path: list[str | int]) -> str | None:
    """The description of the innermost schema on `schema_path` that has one."""
    found, node = None, root
    for step in schema_path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            break
        if isinstance(node, dict) and node.get("description"):
            found = node["description"]
    return found


def _schema_problem(error: jsonschema.ValidationError, file: YamlFile, root: dict[str, Any]) -> list[Problem]:
    """Explain one schema violation in a writer's words."""
    schema: dict[str, Any] = as_dict(error.schema)
    validator_value: Any = error.validator_value
    path = tuple(error.absolute_path)
    key = str(path[-1]) if path else "(file)"
    line, col = file.where(path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        return [
            problem("schema.unknown_key", file.path, *file.where((*path, k)), key=k,
                    suggestion=_suggest(k, allowed))
            for k in extra
        ]
    if kind == "required":
        instance: Any = error.instance
        missing = [k for k in validator_value if k not in instance]
        return [problem("schema.missing_key", file.path, line, col, key=k) for k in missing]
    if error.instance is None or (kind in ("minLength", "minItems") or error.instance in ("", [], {})):
        return [problem("schema.empty", file.path, line, col, key=key)]
    if kind == "type":
        expected = validator_value if isinstance(validator_value, str) else validator_value[0]
        return [problem("schema.wrong_type", file.path, line, col, key=key,
                        expected=TYPE_NAMES.get(expected, expected), actual=_type_name(error.instance))]
    if kind == "enum":
        choices = [str(c) for c in validator_value]
        return [problem("schema.invalid", file.path, line, col, key=key,
                        detail=fragment("not_allowed", value=error.instance),
                        hint=_suggest(str(error.instance), choices))]
    if kind == "propertyNames":
        return [problem("schema.invalid", file.path, *file.where((*path, str(error.instance))),
                        key=str(error.instance), detail=fragment("not_an_id"), hint=fragment("id_form"))]
    description = schema.get("description") or next(
        (s.get("description") for s in schema.get("oneOf", []) if s.get("description")), None)
    return [problem("schema.invalid", file.path, line, col, key=key,
                    detail=fragment("wrong_form", value=error.instance),
                    hint=description or _description(root, list(error.schema_path)) or
                    fragment("example_form"))]


# Data found valid, by schema: a hash of its content for each schema object. `serve` checks the whole toolkit
# again after every edit, and most files are unchanged: validating each again was a third of the check's time.
_VALID: dict[str, tuple[dict[str, Any], set[bytes]]] = {}
_VALID_MAX = 20_000  # hashes kept per schema before the set starts again (32 bytes each)


def _content_hash(data: Any) -> bytes | None:
    """A hash of plain data as JSON (keys sorted: validation never depends on their order), or None if not JSON."""
    try:
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def check_schema(file: YamlFile, schema_name: str, failed: Failed | None = None) -> list[Problem]:
    """Validate one file against its published JSON Schema; note in `failed` the paths found wrong."""
    schema = load_schema(schema_name)
    known, valid = _VALID.get(schema_name, (None, set()))
    if known is not schema or len(valid) > _VALID_MAX:  # the schema file was read again (tests swap them)
        valid = set()
        _VALID[schema_name] = (schema, valid)
    digest = _content_hash(file.data)
    if digest is not None and digest in valid:
        return []
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems: list[Problem] = []
    errors = sorted(validator.iter_errors(file.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        problems.extend(_schema_problem(error, file, schema))
        if failed is not None:
            failed.add((file.path, tuple(error.absolute_path)))
    if not errors and digest is not None:
        valid.add(digest)
    return problems


def _ids(file: YamlFile, list_key: str) -> tuple[list[str], list[Problem]]:
    """The ids of a neutral list, reporting any used twice."""
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(as_list(as_dict(file.data).get(list_key))):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        where = file.where((list_key, index, "id"))
        if item["id"] in seen:
            problems.append(problem("id.duplicate", file.path, *where, id=item["id"], first_line=seen[item["id"]]))
        else:
            seen[item["id"]] = where[0]
    return list(seen), problems


TOPIC_ONE = {"services": "service", "signs": "sign", "steps": "step", "pathways": "question"}
# What a field found at the top of a text file most likely belongs under, for the message.
PARENT_HINT = {"signs": "signs:", "steps": "steps: and the step's id", "pathways": "pathways: and the question's id",
               "services": "services: and the service's id", "toolkit": "emergency:"}


def check_schemas(sources: Sources, run: Run) -> list[Problem]:
    """Every file against its published JSON Schema; what is wrong is noted in `run.failed` for the later checks."""
    problems: list[Problem] = []
    for name, file in sources.neutral.items():
        problems += check_schema(file, name, run.failed)
    for file in sources.locales.values():
        problems += check_schema(file, "locale", run.failed)
    for files in sources.texts.values():
        for name, file in files.items():
            problems += check_schema(file, f"{name}-text", run.failed)
    for pages in sources.pages.values():
        for page in pages.values():
            problems += check_schema(page.meta, "page", run.failed)
    if sources.published is not None:
        problems += check_schema(sources.published, "published", run.failed)
    for file in sources.reviews.values():
        problems += check_schema(file, "reviews", run.failed)
    return problems


def check_structure(sources: Sources, run: Run) -> list[Problem]:
    """A top-level field written indented: its parent line is still commented out (new-locale's files)."""
    problems: list[Problem] = []
    for files in sources.texts.values():
        for name, file in files.items():
            for key in as_dict(file.data):
                line, column = file.where((key,))
                if column > 1:
                    problems.append(problem("text.indented_top", file.path, line, column, key=key,
                                            hint=PARENT_HINT.get(name, "the group above")))
    return problems


def check_references(sources: Sources, run: Run) -> list[Problem]:
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
    if pathways is not None and ("services", "services") in known:  # else services.yml could not be read
        for i, item in enumerate(as_list(as_dict(pathways.data).get("pathways"))):
            for j, sid in enumerate(as_list(as_dict(item).get("services"))):
                if isinstance(sid, str) and sid not in services:
                    close = difflib.get_close_matches(str(sid), services, n=1)
                    problems.append(problem(
                        "id.unknown_service", pathways.path, *pathways.where(("pathways", i, "services", j)),
                        pathway=item.get("id"), id=sid,
                        suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else ""))
    source = source_tag(sources)
    for tag, files in sources.texts.items():
        for (topic, list_key), ids in known.items():
            file = files.get(topic)
            table = as_dict(file.data).get(list_key) if file else None
            if file is not None and isinstance(table, dict):
                for key in table:
                    if key not in ids:
                        # only a near-certain typo gets a suggestion: a leftover text moved onto another
                        # service would describe the wrong place to a reader
                        close = difflib.get_close_matches(key, ids, n=1, cutoff=0.85)
                        problems.append(problem(
                            "id.unknown_text", file.path, *file.where((list_key, key)), id=key, topic=topic,
                            topic_one=TOPIC_ONE.get(topic, "entry"),
                            suggestion=fragment("typo_then", choice=close[0]) if close else ""))
            unreadable = file is None and f"content/{tag}/{topic}.yml" in sources.entries
            if tag == source and not unreadable:
                for sid in ids:
                    has = isinstance(table, dict) and table.get(sid)
                    if not has:
                        target = file.path if file else f"content/{tag}/{topic}.yml"
                        line = file.where((list_key,)) if file else (1, 1)
                        problems.append(problem("id.no_source_text", target, *line, id=sid, file=target))
    return problems


def check_locales(sources: Sources, run: Run) -> list[Problem]:
    """Every language has both its locales/ entry and its content/ folder, and a valid BCP 47 tag."""
    problems = []
    for tag, file in sources.locales.items():
        problems += _findings(tag_findings(tag), file.path, 1, 1)
    for tag in sources.content_locales:
        problems += _findings(tag_findings(tag), f"content/{tag}", 1, 1)
    for tag in sources.content_locales:
        if tag not in sources.locales:
            problems.append(problem("locale.no_entry", f"content/{tag}", 1, 1, tag=tag))
    for tag, file in sources.locales.items():
        if tag not in sources.content_locales:
            problems.append(problem("locale.no_content", file.path, 1, 1, tag=tag))
    toolkit = sources.neutral.get("toolkit")
    if toolkit is not None and isinstance(toolkit.data, dict):
        named = toolkit.data.get("source_locale")
        if isinstance(named, str) and (named not in sources.locales or named not in sources.content_locales):
            problems.append(problem("locale.no_source", toolkit.path, *toolkit.where(("source_locale",)), tag=named))
    return problems


def _findings(findings: list[Finding], file: str, line: int, column: int) -> list[Problem]:
    """Problems from address findings, all at one place."""
    return [problem(code, file, line, column, **values) for code, values in findings]


# What people dial: digits, spaces, + ( ) - . and an extension at the end. Letters are refused, because
# libphonenumber reads them as a keypad: '0711 OOO 100' (letter O for zero) would become +254711666100.
DIALLED = re.compile(r"^\+?[0-9 ()\-.\u00a0]+((\s*(ext\.?|x|#)\s*)[0-9]+)?$", re.I)


def _value_column(file: YamlFile, line: int, column: int, value: str) -> int:
    """The column where `value` is written on `line` (positions record a field's key), else `column`."""
    lines = file.text.split("\n")
    found = lines[line - 1].find(value, column - 1) if 0 < line <= len(lines) else -1
    return found + 1 if found >= 0 else column


def intended_hosts(sources: Sources) -> frozenset[str]:
    """Host names the toolkit says really mix scripts (intended_hosts: in content/toolkit.yml)."""
    toolkit = sources.neutral.get("toolkit")
    hosts = as_dict(toolkit.data).get("intended_hosts") if toolkit else None
    return frozenset(str(h).lower() for h in hosts) if isinstance(hosts, list) else frozenset()


def check_phone(number: str, region: str, file: YamlFile, where: tuple[str | int, ...]) -> list[Problem]:
    """A phone number must be digits people dial, and a valid number of the community's region (or emergency)."""
    line, col = file.where(where)
    if not DIALLED.match(number):
        odd = [(i, c) for i, c in enumerate(number) if not (c.isascii() and (c.isdigit() or c in " +()-."))]
        index, char = odd[0] if odd else (0, number[:1])
        column = _value_column(file, line, col, number) + index
        return [problem("phone.not_digits", file.path, line, column, number=number, char=char, position=index + 1)]
    if shortnumberinfo.is_emergency_number(number, region):
        return []
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        return [problem("phone.unparsable", file.path, line, col, number=number, detail=str(error))]
    if not phonenumbers.is_valid_number(parsed) and not shortnumberinfo.is_valid_short_number(parsed):
        return [problem("phone.invalid", file.path, line, col, number=number, region=region)]
    return []


def check_contacts(sources: Sources, run: Run) -> list[Problem]:
    """Phones for the region, web and e-mail addresses, language tags; dates fresh and not in the future."""
    problems: list[Problem] = []
    failed, today, release = run.failed, run.today, run.release
    toolkit, services = sources.neutral.get("toolkit"), sources.neutral.get("services")
    if toolkit is None or not isinstance(toolkit.data, dict):
        return problems
    facts = toolkit.data
    region: str = facts["region"] if isinstance(facts.get("region"), str) else "US"
    phones = region in phonenumbers.SUPPORTED_REGIONS
    if not phones and (toolkit.path, ("region",)) not in failed and "region" in facts:
        problems.append(problem("region.unknown", toolkit.path, *toolkit.where(("region",)), region=region))
    limit = facts.get("freshness_days")
    limit = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else 180
    if release and facts.get("example") is True:
        problems.append(problem("release.example", toolkit.path, *toolkit.where(("example",))))
    emergency = as_dict(facts.get("emergency"))
    if phones and isinstance(emergency.get("phone"), str) and (toolkit.path, ("emergency", "phone")) not in failed:
        problems += check_phone(emergency["phone"], region, toolkit, ("emergency", "phone"))
        if release:
            problems += _findings(example_findings(emergency["phone"], "phone", region), toolkit.path,
                                  *toolkit.where(("emergency", "phone")))
    problems += _check_date(toolkit, ("reviewed",), today, None, "")
    report = as_dict(facts.get("report"))  # where residents report a mistake: checked like a service's
    if phones and isinstance(report.get("sms"), str) and (toolkit.path, ("report", "sms")) not in failed:
        problems += check_phone(report["sms"], region, toolkit, ("report", "sms"))
    if isinstance(report.get("email"), str) and (toolkit.path, ("report", "email")) not in failed:
        problems += _findings(email_findings(report["email"], intended_hosts(sources)), toolkit.path,
                              *toolkit.where(("report", "email")))
    if release:
        for field, kind in (("sms", "phone"), ("email", "email")):
            if isinstance(report.get(field), str) and (kind != "phone" or phones):
                problems += _findings(example_findings(report[field], kind, region), toolkit.path,
                                      *toolkit.where(("report", field)))
    if services is None:
        return problems
    for i, item in enumerate(as_list(as_dict(services.data).get("services"))):
        if not isinstance(item, dict):
            continue
        for field in ("phone", "sms"):
            if phones and isinstance(item.get(field), str) and (services.path, ("services", i, field)) not in failed:
                problems += check_phone(item[field], region, services, ("services", i, field))
        checks: dict[str, Callable[[str, frozenset[str]], list[Finding]]] = {
            "url": url_findings, "email": email_findings}
        for field, check in checks.items():
            path: tuple[str | int, ...] = ("services", i, field)
            if isinstance(item.get(field), str) and (services.path, path) not in failed:
                problems += _findings(check(item[field], intended_hosts(sources)), services.path, *services.where(path))
        if release:  # example data left in: a reader in crisis would reach no one
            for field, kind in (("phone", "phone"), ("sms", "phone"), ("url", "url"), ("email", "email")):
                if isinstance(item.get(field), str) and (kind != "phone" or phones):
                    problems += _findings(example_findings(item[field], kind, region), services.path,
                                          *services.where(("services", i, field)))
        for j, tag in enumerate(as_list(item.get("languages"))):
            path = ("services", i, "languages", j)
            if isinstance(tag, str) and (services.path, path) not in failed:
                problems += _findings(tag_findings(tag), services.path, *services.where(path))
        problems += _check_date(services, ("services", i, "verified"), today, limit, str(item.get("id")), release)
    return problems


def _check_date(
    file: YamlFile, keys: tuple[str | int, ...], today: dt.date, limit: int | None, sid: str, release: bool = False
) -> list[Problem]:
    """A date must not be in the future; with a limit, not older than `limit` days (an error on release)."""
    value: Any = file.data
    for key in keys:
        if isinstance(value, dict):
            value = value.get(key) if isinstance(key, str) else None
        elif isinstance(value, list) and isinstance(key, int):
            value = value[key] if -len(value) <= key < len(value) else None
        else:
            value = None
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        return []  # the schema reports malformed dates
    line, col = file.where(keys)
    if date > today:
        return [problem("freshness.future", file.path, line, col, date=date.isoformat())]
    age = (today - date).days
    if limit is not None and age > limit:
        code = "freshness.stale_release" if release else "freshness.stale"
        return [problem(code, file.path, line, col, id=sid, date=date.isoformat(), days=age, limit=limit)]
    return []


# Hosts that never exist (RFC 2606, RFC 6761): a site published there cannot be reached from a QR code.
EXAMPLE_HOSTS = (".example", ".test", ".invalid", ".localhost")


def check_release(sources: Sources, run: Run) -> list[Problem]:
    """What a release may not publish besides example contacts: an example site_url, example pages."""
    problems: list[Problem] = []
    if not run.release:
        return problems
    settings = sources.settings
    site_url = as_dict(settings.data).get("site_url") if settings else None
    if settings is not None and isinstance(site_url, str):
        host = (urlsplit(site_url).hostname or "").lower()
        if host.endswith(EXAMPLE_HOSTS) or host in ("localhost", *(h.strip(".") for h in EXAMPLE_HOSTS)):
            problems.append(problem("release.site_url", settings.path, *settings.where(("site_url",)), url=site_url))
    examples = {name for name, page in sources.pages.get(source_tag(sources) or "", {}).items()
                if as_dict(page.meta.data).get("example") is True}
    for pages in sources.pages.values():
        for name, page in sorted(pages.items()):
            if name in examples or as_dict(page.meta.data).get("example") is True:
                problems.append(problem("release.example_page", page.path, *page.meta.where(("example",)), name=name))
    return problems


def validate(sources: Sources, today: dt.date | None = None, release: bool = False) -> list[Problem]:
    """Every check of the gate on the loaded sources (carepath.checks.run_checks, under its former name)."""
    from carepath.checks import run_checks  # imported here: the gate imports this module

    return run_checks(sources, today, release)
