"""The crisis contact and the needs the services page is grouped by: named once, and pointing at real services."""

from __future__ import annotations

import difflib
from typing import Any

from carepath.checks.base import Run, source_tag
from carepath.load import Sources, YamlFile
from carepath.messages import fragment, problem
from carepath.problems import Problem


def _dict(value: Any) -> dict[str, Any]:
    """A mapping, or an empty one for anything else (the schema check reports wrong shapes)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """A list, or an empty one for anything else."""
    return value if isinstance(value, list) else []


def _services(sources: Sources) -> dict[str, dict[str, Any]]:
    """The services of content/services.yml by id (those with an id)."""
    file = sources.neutral.get("services")
    items = _dict(file.data).get("services") if file else None
    return {str(s["id"]): s for s in _list(items) if isinstance(s, dict) and isinstance(s.get("id"), str)}


def _unknown(file: YamlFile, keys: tuple[str | int, ...], sid: str, known: list[str], code: str) -> Problem:
    """A problem naming an id that is not a service, with the closest one."""
    close = difflib.get_close_matches(sid, known, n=1)
    return problem(code, file.path, *file.where(keys), id=sid,
                   suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else "")


def check_crisis(sources: Sources, run: Run) -> list[Problem]:
    """The crisis contact names a service with a phone; the walk-in one a service with an address."""
    toolkit = sources.neutral.get("toolkit")
    if toolkit is None or "services" not in sources.neutral:
        return []
    crisis = _dict(_dict(toolkit.data).get("crisis"))
    services = _services(sources)
    problems: list[Problem] = []
    sid = crisis.get("service")
    if isinstance(sid, str):
        if sid not in services:
            problems.append(_unknown(toolkit, ("crisis", "service"), sid, sorted(services), "crisis.unknown"))
        elif not services[sid].get("phone"):
            problems.append(problem("crisis.no_phone", toolkit.path, *toolkit.where(("crisis", "service")), id=sid))
        elif services[sid].get("hours") != "24/7":
            problems.append(problem("crisis.not_always", toolkit.path, *toolkit.where(("crisis", "service")), id=sid))
    walk_in = crisis.get("walk_in")
    if isinstance(walk_in, str):
        if walk_in not in services:
            problems.append(_unknown(toolkit, ("crisis", "walk_in"), walk_in, sorted(services), "crisis.unknown"))
        elif not _address(services[walk_in]):
            problems.append(problem("crisis.no_address", toolkit.path, *toolkit.where(("crisis", "walk_in")),
                                    id=walk_in))
    return problems


def _address(service: dict[str, Any]) -> str | None:
    """A service's published address: its own, or its location's unless the place is confidential."""
    location = _dict(service.get("location"))
    if location.get("confidential") is True:
        return None
    return service.get("address") or location.get("address")


def check_needs(sources: Sources, run: Run) -> list[Problem]:
    """Every need a service names is listed in content/toolkit.yml, and every listed need has a label."""
    toolkit, file = sources.neutral.get("toolkit"), sources.neutral.get("services")
    if toolkit is None or file is None:
        return []
    needs = [n for n in _list(_dict(toolkit.data).get("needs")) if isinstance(n, str)]
    problems: list[Problem] = []
    for i, item in enumerate(_list(_dict(file.data).get("services"))):
        for j, need in enumerate(_list(_dict(item).get("needs"))):
            if isinstance(need, str) and need not in needs:
                close = difflib.get_close_matches(need, needs, n=1)
                problems.append(problem(
                    "needs.unknown", file.path, *file.where(("services", i, "needs", j)), need=need,
                    choices=", ".join(needs) or fragment("nothing"),
                    suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else ""))
    locale = sources.locales.get(source_tag(sources) or "")
    labels = _dict(_dict(locale.data).get("ui")) if locale else {}
    if locale is not None:
        for i, need in enumerate(needs):
            if f"needs.{need}" not in labels:
                problems.append(problem("needs.no_label", toolkit.path, *toolkit.where(("needs", i)), need=need,
                                        file=locale.path))
    return problems
