"""Overrides check: a toolkit's own file in templates/ or print/ is current with carepath's file it replaces.

A toolkit holds only the templates and print files it changes (carepath.layers). When carepath's file changes in
an upgrade, the toolkit's copy keeps the old one: overrides.yml records the version of carepath's file each copy
was made from (`carepath override`), and this check says when it is not the current one.
"""

from __future__ import annotations

import re

from carepath.checks.base import Run
from carepath.layers import OVERRIDES_FILE
from carepath.load import Sources
from carepath.messages import problem
from carepath.problems import Problem

VERSION = re.compile(r"^[0-9a-f]{12}$")


def check_overrides(sources: Sources, run: Run) -> list[Problem]:
    """Every toolkit file that differs from carepath's file at its path is recorded, from the current version.

    A file the same as carepath's current one needs no record: it changes nothing.
    """
    problems: list[Problem] = []
    records = sources.override_records
    data = records.data if records is not None else None
    if records is not None and data is not None and not isinstance(data, dict):
        problems.append(problem("overrides.not_mapping", OVERRIDES_FILE, *records.where(())))
        data = None
    recorded: dict[str, object] = {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}
    for path, override in sources.overrides.items():
        if override.version == override.builtin:
            continue
        version = recorded.get(path)
        if version is None:
            problems.append(problem("overrides.unrecorded", path, 1, 1, path=path))
        elif isinstance(version, str) and VERSION.match(version) and version != override.builtin:
            problems.append(problem("overrides.outdated", path, 1, 1, path=path, recorded=version,
                                    current=override.builtin, carepath=_carepath_version()))
    for path, version in recorded.items():
        where = records.where((path,)) if records is not None else (1, 1)
        if not isinstance(version, str) or not VERSION.match(version):
            problems.append(problem("overrides.bad_version", OVERRIDES_FILE, *where, path=path))
        elif path not in sources.overrides:
            why = ("carepath has no file of that name" if path in sources.entries
                   else "the toolkit has no such file")
            problems.append(problem("overrides.no_file", OVERRIDES_FILE, *where, path=path, why=why))
    return problems


def _carepath_version() -> str:
    """This carepath's version, for the message."""
    from carepath import __version__

    return __version__
