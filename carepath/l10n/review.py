"""Peer review: who checked each piece of the toolkit, in which role, when, and against which text.

A review unit is what a reviewer reads as one: a sign, a step, a referral question, a service's texts, a page,
a file's title and introduction. content/<tag>/reviewed.yml records, per unit and role (clinical, language,
community), the date and the fingerprints of the language's text and of the source text it was reviewed
against: a later change of either makes the review "changed since review". toolkit.yml says which files a
release needs reviewed (`reviews:`) and how often (`review_every:` days).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from carepath.l10n.translation import UI_FILE, LocaleStatus, Unit, fingerprint, units
from carepath.load import REVIEWS_FILE, Sources

ROLES = ("clinical", "language", "community")
# Roles and the languages they review: a clinician and a community reviewer read the source, a language
# reviewer each translation.
SOURCE_ROLES = ("clinical", "community")
# Keys of the text files that hold one item per id: a review unit is one item of these.
ITEM_GROUPS = frozenset({"signs", "steps", "pathways", "services", "red_flags", "kinds", "ages"})
REVIEWS_HEADER = (
    "# yaml-language-server: $schema=../../carepath/schemas/reviews.schema.json\n"
    "# Kept by carepath (`carepath review`): for each piece of this language, who reviewed it (a role, a name if\n"
    "# given), when, and the versions of its text and of the source text it was reviewed against. Do not edit.\n"
)
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class ReviewUnit:
    """A piece a reviewer reads as one, in one language: its texts' fingerprint and the line it starts on."""

    file: str  # relative to the language's folder: steps.yml, pages/about.md
    key: str  # e.g. steps.ask-directly; "" for a whole page
    text: str  # fingerprint of the language's texts of the unit
    source: str  # fingerprint of the source language's texts of the unit
    line: int = 1

    @property
    def ref(self) -> str:
        """The unit's name in records and reports, e.g. steps.yml:steps.ask-directly."""
        return f"{self.file}:{self.key}" if self.key else self.file


@dataclass
class UnitReview:
    """The review state of one unit for one role: reviewed, changed (since review) or missing; the last date."""

    unit: ReviewUnit
    role: str
    state: str
    date: dt.date | None = None
    by: str | None = None


@dataclass
class ReviewStatus:
    """The review state of one language, per unit and role."""

    tag: str
    reviews: list[UnitReview] = field(default_factory=list)

    def count(self, state: str) -> int:
        """How many unit reviews are in `state`."""
        return sum(1 for r in self.reviews if r.state == state)


def _group(unit: Unit) -> tuple[str, str]:
    """The review unit a translation unit belongs to: (file, key)."""
    if unit.file == UI_FILE or not unit.key:
        return unit.file, ""
    parts = unit.key.split(".")
    return unit.file, ".".join(parts[:2] if parts[0] in ITEM_GROUPS and len(parts) > 1 else parts[:1])


def review_units(sources: Sources, tag: str, source_tag: str) -> dict[str, ReviewUnit]:
    """The review units a language has written (interface strings left out: they are no content), by ref."""
    own, source = units(sources, tag), units(sources, source_tag)

    def grouped(found: dict[str, Unit]) -> dict[tuple[str, str], list[Unit]]:
        groups: dict[tuple[str, str], list[Unit]] = {}
        for unit in found.values():
            if unit.file != UI_FILE:
                groups.setdefault(_group(unit), []).append(unit)
        return groups

    mine, theirs = grouped(own), grouped(source)
    result = {}
    for (file, key), members in mine.items():
        if (file, key) not in theirs:
            continue  # a text for something the source no longer has: the records check names it
        unit = ReviewUnit(file, key, fingerprint(sorted((u.ref, u.value) for u in members)),
                            fingerprint(sorted((u.ref, u.value) for u in theirs[(file, key)])),
                            min(u.line for u in members))
        result[unit.ref] = unit
    return result


def records_of(sources: Sources, tag: str) -> dict[str, dict[str, dict[str, Any]]]:
    """A language's review records as read: unit ref -> role -> {date, text, source, by}."""
    file = sources.reviews.get(tag)
    data = file.data if file else None
    if not isinstance(data, dict):
        return {}
    return {str(ref): {str(role): dict(entry) for role, entry in roles.items() if isinstance(entry, dict)}
            for ref, roles in data.items() if isinstance(roles, dict)}


def roles_for(tag: str, source_tag: str) -> tuple[str, ...]:
    """The roles that review a language."""
    return SOURCE_ROLES if tag == source_tag else ("language",)


def review_status(sources: Sources, tag: str, source_tag: str) -> ReviewStatus:
    """Every unit of a language, for each role that reviews it: reviewed, changed since review, or missing."""
    records = records_of(sources, tag)
    status = ReviewStatus(tag)
    for ref, unit in review_units(sources, tag, source_tag).items():
        for role in roles_for(tag, source_tag):
            entry = records.get(ref, {}).get(role)
            if entry is None:
                status.reviews.append(UnitReview(unit, role, "missing"))
                continue
            current = entry.get("text") == unit.text and entry.get("source") == unit.source
            status.reviews.append(UnitReview(unit, role, "reviewed" if current else "changed",
                                             _date(entry.get("date")), entry.get("by")))
    return status


def _date(value: Any) -> dt.date | None:
    """A recorded date, or None if it is not one."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def record_review(
    sources: Sources, root: Path, tag: str, source_tag: str, files: list[str], role: str, by: str | None,
    today: dt.date, skip: set[str] | None = None,
) -> list[str]:
    """Record a review of the current text of every unit of `files` (all when empty); return the refs recorded.

    `skip`: refs not to record (a translation that is missing or outdated: it is translated first).
    """
    records = records_of(sources, tag)
    chosen = []
    for ref, unit in review_units(sources, tag, source_tag).items():
        if files and unit.file not in files and ref not in files:
            continue
        if skip and ref in skip:
            continue
        entry: dict[str, Any] = {"date": today.isoformat(), "text": unit.text, "source": unit.source}
        if by:
            entry["by"] = by
        records.setdefault(ref, {})[role] = entry
        chosen.append(ref)
    body = yaml.safe_dump(dict(sorted(records.items())), allow_unicode=True, sort_keys=True, width=1000)
    (root / "content" / tag / REVIEWS_FILE).write_text(REVIEWS_HEADER + body, encoding="utf-8")
    return chosen


def last_reviewed(status: ReviewStatus, file: str) -> dt.date | None:
    """The date by which every unit of a file had a current review: the oldest of their latest reviews."""
    latest: dict[str, dt.date] = {}
    for review in status.reviews:
        if review.unit.file == file and review.state == "reviewed" and review.date is not None:
            ref = review.unit.ref
            latest[ref] = max(latest.get(ref, review.date), review.date)
    refs = {r.unit.ref for r in status.reviews if r.unit.file == file}
    if not refs or set(latest) != refs:
        return None
    return min(latest.values())


def status_json(statuses: list[ReviewStatus]) -> str:
    """The review state of every language as JSON."""
    return json.dumps({s.tag: [{"unit": r.unit.ref, "role": r.role, "state": r.state,
                                "date": r.date.isoformat() if r.date else None} for r in s.reviews]
                       for s in statuses}, ensure_ascii=False, indent=2)


def add_review_counts(status: LocaleStatus, sources: Sources, source_tag: str) -> LocaleStatus:
    """Fill a translation status's review counts from the language's review records."""
    reviews = review_status(sources, status.tag, source_tag)
    status.reviewed, status.changed_since_review, status.not_reviewed = (
        reviews.count("reviewed"), reviews.count("changed"), reviews.count("missing"))
    return status
