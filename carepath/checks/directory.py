"""Directory check: the facts residents filter on and act on (hours, location, alerts, status) make sense together.

The schema checks each field's shape; this check what no single field can say: an address written twice, a
confidential shelter whose location would be published, a time that opens and closes at once, an alert with no
end or past it, an inactive service still named where people are sent, a time zone that does not exist.
"""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo
from functools import cache
from typing import Any

from carepath.checks.base import Run, as_dict, as_list, source_tag
from carepath.load import Sources, YamlFile
from carepath.messages import fragment, problem
from carepath.problems import Problem

PLACE_FIELDS = ("address", "latitude", "longitude")


@cache
def _zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows (tzdata)."""
    return frozenset(zoneinfo.available_timezones())


def check_directory(sources: Sources, run: Run) -> list[Problem]:
    """Every service's location, hours, ages, alert and status; the toolkit's time zone."""
    toolkit, services = sources.neutral.get("toolkit"), sources.neutral.get("services")
    problems: list[Problem] = []
    if toolkit is not None:
        problems += _timezone(toolkit, services, run)
    if services is None:
        return problems
    texts = sources.texts.get(source_tag(sources) or "", {}).get("services")
    alerts = as_dict(as_dict(texts.data if texts else None).get("services"))
    unpublished: dict[str, str] = {}  # id -> why it is not published
    for i, item in enumerate(as_list(as_dict(services.data).get("services"))):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        sid = item["id"]
        if item.get("status") == "inactive":
            unpublished[sid] = fragment("unpublished.inactive")
        problems += _verified(services, i, item, run)
        if "verified" not in item:
            unpublished[sid] = fragment("unpublished.unverified")
        problems += _location(services, i, item, run)
        problems += _hours(services, i, item, run)
        problems += _ages(services, i, item, run)
        problems += _alert(services, i, item, as_dict(alerts.get(sid)).get("alert"), texts, run)
    if unpublished:
        problems += _inactive_used(sources, unpublished)
    return problems


def _verified(file: YamlFile, i: int, item: dict[str, Any], run: Run) -> list[Problem]:
    """Each service says when a person last checked it, or that nobody has yet (then it is not published)."""
    sid, where = item["id"], file.where(("services", i))
    if "verified" in item and "unverified" in item:
        return [problem("service.verified_twice", file.path, *file.where(("services", i, "unverified")), id=sid)]
    if "unverified" in item:
        code = "service.unverified_release" if run.release else "service.unverified"
        return [problem(code, file.path, *file.where(("services", i, "unverified")), id=sid,
                        why=str(item["unverified"]))]
    if "verified" not in item:
        return [problem("service.no_verified", file.path, *where, id=sid)]
    return []


def _failed(file: YamlFile, run: Run, *keys: str | int) -> bool:
    """Whether the schema already reported the value at `keys` (or its service)."""
    return any((file.path, keys[:n]) in run.failed for n in range(2, len(keys) + 1))


def _location(file: YamlFile, i: int, item: dict[str, Any], run: Run) -> list[Problem]:
    """One address; nothing of a confidential place's whereabouts."""
    location = as_dict(item.get("location"))
    sid = item["id"]
    if "address" in item and location and not _failed(file, run, "services", i, "location"):
        return [problem("location.address_twice", file.path, *file.where(("services", i, "address")), id=sid)]
    if location.get("confidential") is True:
        given = [f for f in PLACE_FIELDS if f in location]
        if given:
            return [problem("location.confidential_place", file.path,
                            *file.where(("services", i, "location", given[0])), id=sid, what=", ".join(given))]
    return []


def _hours(file: YamlFile, i: int, item: dict[str, Any], run: Run) -> list[Problem]:
    """No line of hours opens and closes at the same minute (is that all day, or never?)."""
    problems: list[Problem] = []
    for j, line in enumerate(as_list(item.get("hours"))):
        line = as_dict(line)
        opens, closes = line.get("opens"), line.get("closes")
        if isinstance(opens, str) and opens == closes and not _failed(file, run, "services", i, "hours", j):
            problems.append(problem("hours.no_time", file.path, *file.where(("services", i, "hours", j, "closes")),
                                    id=item["id"], time=opens))
    return problems


def _ages(file: YamlFile, i: int, item: dict[str, Any], run: Run) -> list[Problem]:
    """The youngest age served is not above the oldest."""
    ages = as_dict(item.get("ages"))
    low, high = ages.get("min"), ages.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high and not _failed(file, run, "services", i, "ages"):
        return [problem("ages.reversed", file.path, *file.where(("services", i, "ages", "min")), id=item["id"],
                        min=low, max=high)]
    return []


def _alert(
    file: YamlFile, i: int, item: dict[str, Any], text: Any, texts: YamlFile | None, run: Run
) -> list[Problem]:
    """An alert has an end date and words; once past its end, a release may not publish it."""
    sid, until = item["id"], item.get("alert_until")
    if until is None:
        if isinstance(text, str) and texts is not None:
            return [problem("alert.no_end", texts.path, *texts.where(("services", sid, "alert")), id=sid)]
        return []
    if _failed(file, run, "services", i, "alert_until"):
        return []
    where = file.where(("services", i, "alert_until"))
    problems: list[Problem] = []
    if not isinstance(text, str) and texts is not None:
        problems.append(problem("alert.no_text", file.path, *where, id=sid, path=texts.path))
    try:
        ended = dt.date.fromisoformat(str(until)) < run.today
    except ValueError:
        return problems
    if ended:
        code = "release.alert_expired" if run.release else "alert.expired"
        problems.append(problem(code, file.path, *where, id=sid, date=str(until)))
    return problems


def _inactive_used(sources: Sources, inactive: dict[str, str]) -> list[Problem]:
    """An inactive or unverified service is not published: nothing may send people to it."""
    problems: list[Problem] = []
    toolkit, pathways = sources.neutral.get("toolkit"), sources.neutral.get("pathways")
    crisis = as_dict(as_dict(toolkit.data if toolkit else None).get("crisis"))
    for key in ("service", "walk_in"):
        if toolkit is not None and crisis.get(key) in inactive:
            problems.append(problem("service.inactive_used", toolkit.path, *toolkit.where(("crisis", key)),
                                    id=crisis[key], why=inactive[crisis[key]], where=fragment("inactive.crisis")))
    for i, step in enumerate(as_list(as_dict(pathways.data if pathways else None).get("pathways"))):
        for j, sid in enumerate(as_list(as_dict(step).get("services"))):
            if pathways is not None and sid in inactive:
                problems.append(problem("service.inactive_used", pathways.path,
                                        *pathways.where(("pathways", i, "services", j)), id=sid, why=inactive[sid],
                                        where=fragment("inactive.pathway", step=as_dict(step).get("id"))))
    return problems


def _timezone(toolkit: YamlFile, services: YamlFile | None, run: Run) -> list[Problem]:
    """The time zone exists; without one, services with hours cannot say whether they are open now."""
    zone = as_dict(toolkit.data).get("timezone")
    if isinstance(zone, str):
        if zone in _zones() or (toolkit.path, ("timezone",)) in run.failed:
            return []
        close = difflib.get_close_matches(zone, sorted(_zones()), n=1)
        return [problem("timezone.unknown", toolkit.path, *toolkit.where(("timezone",)), zone=zone,
                        suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else "")]
    timed = any(isinstance(as_dict(s).get("hours"), list)
                for s in as_list(as_dict(services.data if services else None).get("services")))
    if zone is None and timed:
        return [problem("timezone.missing", toolkit.path, 1, 1)]
    return []
