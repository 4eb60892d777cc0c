"""Translation state: which source version each translation was made from, and what is missing or outdated."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from carepath.layout import UI_TEXTS
from carepath.load import RECORDS_FILE, Sources, read_yaml

RECORDS_HEADER = (
    "# Kept by carepath (status --mark-current, import-po): the version of the source text each\n"
    "# translation in this folder was made from. Do not edit by hand.\n"
)
UI_FILE = UI_TEXTS


@dataclass(frozen=True)
class Unit:
    """One translatable piece: a YAML field, a page, or an interface string."""

    file: str  # relative to the language's folder: signs.yml, pages/about.md, or "ui"
    key: str  # dotted path inside the file ("" for a whole page)
    value: Any
    line: int = 1

    @property
    def ref(self) -> str:
        """The unit's name in reports and records, e.g. signs.yml:signs.sad-or-hopeless."""
        return f"{self.file}:{self.key}" if self.key else self.file


@dataclass
class UnitState:
    """One unit of one language: translated, missing or outdated, with the current source text."""

    file: str
    key: str
    state: str
    source: str
    new: bool = False  # translated, with no record yet of the source it was made from


@dataclass
class LocaleStatus:
    """The translation state of one language."""

    tag: str
    total: int = 0
    translated: int = 0
    missing: int = 0
    outdated: int = 0
    units: list[UnitState] = field(default_factory=list)
    # language reviews of the pieces it has translated (carepath.l10n.review): current, changed since, none
    reviewed: int = 0
    changed_since_review: int = 0
    not_reviewed: int = 0

    @property
    def percent(self) -> float:
        """Share of units translated from the current source, 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def whole_percent(self) -> int:
        """The share as people read it: rounded down, so 100% means nothing is left to translate."""
        return math.floor(self.percent)


def fingerprint(value: Any) -> str:
    """A short hash of a source text, stable across runs and machines."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    # a lone surrogate (a YAML escape the check refuses) must not stop the gate that names it
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _leaves(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Every text (string or list of strings) in a YAML structure, with its dotted path."""
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*path, str(k)))]
    if data in (None, "", []):
        return []
    return [(".".join(path), data)]


# While a run of the checks holds it: units() of each language, made once (the checks read the sources, never change
# them; the reviews and glossary checks read each language's units, and the source's again for each language).
# Keyed by the Sources object, alive for the whole run.
_UNITS: ContextVar[dict[tuple[int, str], dict[str, Unit]] | None] = ContextVar("carepath_units", default=None)


@contextlib.contextmanager
def units_once() -> Iterator[None]:
    """While held (by a run of read-only checks), units() of the same sources and language is worked out once."""
    token = _UNITS.set({})
    try:
        yield
    finally:
        _UNITS.reset(token)


def units(sources: Sources, tag: str) -> dict[str, Unit]:
    """Every translatable unit a language has written, keyed by ref (not to be changed: it may be shared)."""
    memo = _UNITS.get()
    if memo is None:
        return _units(sources, tag)
    key = (id(sources), tag)
    if key not in memo:
        memo[key] = _units(sources, tag)
    return memo[key]


def _units(sources: Sources, tag: str) -> dict[str, Unit]:
    """Every translatable unit a language has written, keyed by ref, worked out."""
    found: list[Unit] = []
    for topic, file in sources.texts.get(tag, {}).items():
        found += [
            Unit(f"{topic}.yml", key, value, file.where(tuple(key.split(".")))[0])
            for key, value in _leaves(file.data)
        ]
    for name, page in sources.pages.get(tag, {}).items():
        found.append(Unit(f"pages/{name}.md", "", {"meta": page.meta.data, "body": page.body}))
    locale = sources.locales.get(tag)
    ui = locale.data.get("ui") if locale and isinstance(locale.data, dict) else None
    if locale is not None and isinstance(ui, dict):
        found += [Unit(UI_FILE, key, value, locale.where(("ui", key))[0]) for key, value in ui.items() if value]
    return {u.ref: u for u in found}


def records_path(root: Path, tag: str) -> Path:
    """Where a language's translation records live."""
    return root / "content" / tag / RECORDS_FILE


def _as_records(data: Any) -> dict[str, str]:
    """Records as read (any shape: the check names a malformed file): unit ref -> fingerprint."""
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def records_of(sources: Sources, tag: str) -> dict[str, str]:
    """A language's records as the load stage read them: unit ref -> fingerprint of the source it was made from."""
    file = sources.records.get(tag)
    return _as_records(file.data if file else None)


def read_records(root: Path, tag: str) -> dict[str, str]:
    """A language's records read now, for a command about to rewrite them (import-po), by the load stage's reader."""
    path = records_path(root, tag)
    if not (path.exists() or path.is_symlink()):
        return {}
    file, _ = read_yaml(path, root)  # within the limits, never through a link; the check names its problems
    return _as_records(file.data if file else None)


def write_records(root: Path, tag: str, records: dict[str, str]) -> None:
    """Write a language's records, sorted so that diffs stay small."""
    body = yaml.safe_dump(dict(sorted(records.items())), allow_unicode=True, sort_keys=False, width=1000)
    records_path(root, tag).write_text(RECORDS_HEADER + body, encoding="utf-8")


def _source_text(unit: Unit) -> str:
    """The source text of a unit as a reader of the report sees it."""
    if isinstance(unit.value, dict):
        return str(unit.value.get("meta", {}).get("title", ""))
    if isinstance(unit.value, list):
        return " / ".join(map(str, unit.value))
    return str(unit.value)


def locale_status(sources: Sources, tag: str, records: dict[str, str]) -> LocaleStatus:
    """Compare one language with the source: what is translated, missing or outdated."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    source, own = units(sources, source_tag), units(sources, tag)
    status = LocaleStatus(tag)
    for ref, unit in source.items():
        new = False
        if ref not in own:
            state = "missing"
        elif ref not in records:  # translated for the first time: from today's source, by definition
            state, new = "translated", True
        elif records[ref] == fingerprint(unit.value):
            state = "translated"
        else:  # the source changed after this text was translated
            state = "outdated"
        status.total += 1
        setattr(status, state, getattr(status, state) + 1)
        status.units.append(UnitState(unit.file, unit.key, state, _source_text(unit), new))
    return status


def record_new(sources: Sources, root: Path, status: LocaleStatus) -> int:
    """Record first-time translations against today's source, so a later change of it shows as outdated."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    source = units(sources, source_tag)
    fresh = {f"{u.file}:{u.key}" if u.key else u.file for u in status.units if u.new}
    refs = [ref for ref in source if ref in fresh]
    if not refs:
        return 0
    records = records_of(sources, status.tag)
    records.update({ref: fingerprint(source[ref].value) for ref in refs})
    write_records(root, status.tag, records)
    return len(refs)


def all_status(sources: Sources, root: Path | None = None) -> list[LocaleStatus]:
    """The translation state of every language but the source, from the records the load stage read."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    tags = sorted(t for t in sources.locales if t != source_tag)
    return [locale_status(sources, tag, records_of(sources, tag)) for tag in tags]


def outdated_keys(status: LocaleStatus) -> set[str]:
    """Outdated units as the model names texts: 'signs.signs.sad' for YAML, 'pages/x.md' for pages."""
    found = set()
    for unit in status.units:
        if unit.state == "outdated":
            found.add(unit.file if not unit.key else f"{unit.file.removesuffix('.yml')}.{unit.key}")
    return found


def mark_current(sources: Sources, root: Path, tag: str, target: str) -> list[str]:
    """Record the translated units of `target` (a file, file:key, or 'all') as made from today's source."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    source, own = units(sources, source_tag), units(sources, tag)
    prefix = f"content/{tag}/"
    target = target.removeprefix(prefix)
    if target == f"locales/{tag}.yml":
        target = UI_FILE
    chosen = [
        ref for ref, unit in own.items()
        if ref in source and (target == "all" or target in (unit.file, ref))
    ]
    records = records_of(sources, tag)
    for ref in chosen:
        records[ref] = fingerprint(source[ref].value)
    write_records(root, tag, records)
    return chosen


def status_json(statuses: list[LocaleStatus]) -> str:
    """The status of every language as JSON for scripts."""
    return json.dumps(
        {s.tag: {**asdict(s), "percent": round(s.percent, 1)} for s in statuses},
        ensure_ascii=False, indent=2,
    )
