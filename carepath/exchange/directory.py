"""Services proposed from outside (an HSDS feed, a volunteer's spreadsheet) written into the toolkit's own files.

An import never rewrites what it does not change: the facts go into content/services.yml and the names and
descriptions into the source language's content/<tag>/services.yml through a round-trip YAML editor, so every
comment, blank line and quote of the hand-written files stays where it was. The caller runs the gate on the
result before anything is written (`with_texts`), so a proposal that `check` would refuse is never written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from carepath.checks import run_checks
from carepath.load import Sources, parse_yaml
from carepath.problems import Problem, Severity
from carepath.roundtrip import dump, round_trip_yaml

# content/services.yml's fields in the order the example writes them: a new field goes where a reader expects it.
FACT_ORDER = ("id", "needs", "phone", "sms", "url", "email", "address", "location", "hours", "closed", "languages",
              "cost", "access", "ages", "interpretation", "accessibility", "status", "alert_until", "verified",
              "unverified")
TEXT_FIELDS = ("name", "description", "eligibility", "notes", "alert")
NEUTRAL_FILE, NEUTRAL_FILE_KEY = "content/services.yml", "services"


@dataclass
class Proposal:
    """One service as an import would write it: its facts (content/services.yml) and its source-language texts."""

    id: str
    facts: dict[str, Any]
    texts: dict[str, str]
    notes: list[str] = field(default_factory=list)  # what could not be carried over, for the report


def slug(name: str, taken: set[str]) -> str:
    """A service id from its name (lower case, hyphens, Latin letters), unique among `taken`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48].strip("-") or "service"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _styled(key: str, value: Any) -> Any:
    """A fact as the example writes it: short lists in brackets, dates and times in quotes, hours a line each."""
    if key == "hours" and isinstance(value, list):
        seq = CommentedSeq()
        for line in value:
            entry = CommentedMap([("days", _flow(line["days"])), ("opens", DoubleQuotedScalarString(line["opens"])),
                                  ("closes", DoubleQuotedScalarString(line["closes"]))])
            entry.fa.set_flow_style()
            seq.append(entry)
        return seq
    if isinstance(value, list):
        return _flow([DoubleQuotedScalarString(v) if key == "closed" else v for v in value])
    if isinstance(value, dict):
        mapping = CommentedMap(value.items())
        mapping.fa.set_flow_style()
        return mapping
    if key in ("verified", "alert_until") and isinstance(value, str):
        return DoubleQuotedScalarString(value)
    return value


def _flow(items: list[Any]) -> CommentedSeq:
    """A list written on one line, in brackets."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _set(mapping: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set or (value None) delete a key, a new key going before the first key that follows it in `order`."""
    if value is None:
        mapping.pop(key, None)
        return
    if key in mapping:
        mapping[key] = _styled(key, value)
        return
    later = order[order.index(key) + 1:] if key in order else ()
    keys = list(mapping.keys())
    position = next((i for i, k in enumerate(keys) if k in later), len(keys))
    mapping.insert(position, key, _styled(key, value))


def edit_directory(
    sources: Sources, changes: dict[str, dict[str, Any]], added: list[Proposal]
) -> dict[str, str]:
    """The new texts of the directory's files (path -> text) with `changes` (id -> field -> value, None deletes;
    text fields go to the source language's file) made and `added` appended; a file with nothing to change is
    left out."""
    rt = round_trip_yaml()
    source = sources.neutral["toolkit"].data["source_locale"]
    texts_file = f"content/{source}/services.yml"
    neutral = rt.load(sources.neutral[NEUTRAL_FILE_KEY].text)
    existing = sources.texts.get(source, {}).get("services")
    texts = rt.load(existing.text if existing is not None else
                    "# yaml-language-server: $schema=../../carepath/schemas/services-text.schema.json\n"
                    "services: {}\n")
    if not isinstance(texts.get("services"), dict) or not texts["services"]:
        texts["services"] = CommentedMap()
    items = {item["id"]: item for item in neutral["services"] if isinstance(item, dict)}
    new_ids: list[str] = []
    for sid, fields in changes.items():
        for key, value in fields.items():
            if key in TEXT_FIELDS:
                entry = texts["services"].setdefault(sid, CommentedMap())
                _set(entry, key, value, TEXT_FIELDS)
            else:
                _set(items[sid], key, value, FACT_ORDER)
    for proposal in added:
        entry = CommentedMap()
        for key in FACT_ORDER:
            if proposal.facts.get(key) is not None:
                entry[key] = _styled(key, proposal.facts[key])
        entry["id"] = proposal.id
        entry.move_to_end("id", last=False)
        neutral["services"].append(entry)
        texts["services"][proposal.id] = CommentedMap(
            (k, proposal.texts[k]) for k in TEXT_FIELDS if proposal.texts.get(k))
        new_ids.append(proposal.id)
    out: dict[str, str] = {}
    touched_facts = new_ids or any(k not in TEXT_FIELDS for fields in changes.values() for k in fields)
    touched_texts = new_ids or any(k in TEXT_FIELDS for fields in changes.values() for k in fields)
    if touched_facts:
        out[NEUTRAL_FILE] = _spaced(dump(rt, neutral), "  - id: ", new_ids)
    if touched_texts:
        out[texts_file] = dump(rt, texts)
    return out


def _spaced(text: str, prefix: str, ids: list[str]) -> str:
    """A blank line before each new entry, as between the hand-written ones."""
    for sid in ids:
        text = text.replace(f"\n{prefix}{sid}\n", f"\n\n{prefix}{sid}\n", 1)
    return text.replace("\n\n\n", "\n\n")


def with_texts(sources: Sources, files: dict[str, str]) -> Sources:
    """The sources as they would be with the directory's files replaced by `files` (for the gate to judge)."""
    neutral, texts = dict(sources.neutral), {tag: dict(found) for tag, found in sources.texts.items()}
    source = sources.neutral["toolkit"].data["source_locale"]
    for path, text in files.items():
        parsed, _problems = parse_yaml(text, path)
        if parsed is None:
            continue
        if path == NEUTRAL_FILE:
            neutral[NEUTRAL_FILE_KEY] = parsed
        else:
            texts.setdefault(source, {})["services"] = parsed
    raw = dict(sources.raw, **files)
    return replace(sources, neutral=neutral, texts=texts, raw=raw)


def place_of(problem: Problem, files: dict[str, str]) -> tuple[str, tuple[str | int, ...]] | None:
    """The service a problem in the directory's new files points into, and the keys within its entry (a field,
    or a field and a part of it), if any."""
    if problem.path not in files:
        return None
    parsed, _problems = parse_yaml(files[problem.path], problem.path)
    if parsed is None or not isinstance(parsed.data, dict):
        return None
    services = parsed.data.get("services")
    ids: dict[str | int, str] = {}
    if isinstance(services, list):
        ids = {i: item["id"] for i, item in enumerate(services)
               if isinstance(item, dict) and isinstance(item.get("id"), str)}
    elif isinstance(services, dict):
        ids = {sid: sid for sid in services if isinstance(sid, str)}
    found: tuple[tuple[int, int], tuple[str | int, ...]] | None = None
    for keys, where in parsed.positions.items():
        if len(keys) >= 2 and keys[0] == "services" and keys[1] in ids and where[0] <= problem.line:
            if found is None or where > found[0] or (where == found[0] and len(keys) > len(found[1])):
                found = (where, keys)
    return (ids[found[1][1]], found[1][2:]) if found else None


@dataclass
class Gated:
    """What an import may write once the gate has judged it: the files, and what the gate refused, by service."""

    files: dict[str, str]
    refused: dict[str, list[Problem]] = field(default_factory=dict)
    unplaced: list[Problem] = field(default_factory=list)  # new errors no single service caused


def gate_import(sources: Sources, changes: dict[str, dict[str, Any]], added: list[Proposal],
                today: dt.date, known: list[Problem]) -> Gated:
    """The directory's files with the changes and the new services that pass every check `check` runs; a service
    the gate refuses is left out with its problems. `known`: what the caller's own check of the toolkit found
    (errors it already had are not counted; checking it again would find the same)."""
    before = set(known)
    refused: dict[str, list[Problem]] = {}
    while True:
        files = edit_directory(sources, changes, added)
        errors = [p for p in run_checks(with_texts(sources, files), today)
                  if p not in before and p.severity is Severity.ERROR]
        if not errors:
            return Gated(files, refused)
        placed = {p: (place_of(p, files) or (None, ()))[0] for p in errors}
        for p, sid in placed.items():
            if sid is not None:
                refused.setdefault(sid, []).append(p)
        proposed = set(changes) | {p.id for p in added}
        unplaced = [p for p, sid in placed.items() if sid not in proposed]
        if unplaced:  # an error in what the import does not change: nothing is written
            return Gated({}, refused, unplaced)
        changes = {sid: fields for sid, fields in changes.items() if sid not in refused}
        added = [p for p in added if p.id not in refused]
