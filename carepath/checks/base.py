"""What every check is given besides the sources, and small readers of data that may have any shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from carepath.fonts import FontCatalog
from carepath.load import Sources
from carepath.problems import Problem

# Paths of values the schema already found wrong, per file: later checks leave them alone.
Failed = set[tuple[str, tuple[str | int, ...]]]


@dataclass
class Run:
    """One run of the gate: the day freshness is judged on, the publishing rules, the fonts, what failed."""

    fonts: FontCatalog
    today: dt.date
    release: bool = False  # publishing rules: stale services and example data are errors
    failed: Failed = field(default_factory=set)  # filled by the schema check, which runs first


# A check: what it finds in the sources; it copes with files that are missing or of any shape.
Check = Callable[[Sources, Run], list[Problem]]


def as_dict(value: Any) -> dict[str, Any]:
    """A YAML value that should be a group of fields, or {} when it is anything else."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A YAML value that should be a list, or [] when it is anything else."""
    return value if isinstance(value, list) else []


def source_tag(sources: Sources) -> str | None:
    """The source language named in content/toolkit.yml, if it is readable."""
    toolkit = sources.neutral.get("toolkit")
    tag = as_dict(toolkit.data).get("source_locale") if toolkit else None
    return tag if isinstance(tag, str) else None


def region(sources: Sources) -> str:
    """The community's region for phone numbers (content/toolkit.yml), US when it cannot be read."""
    toolkit = sources.neutral.get("toolkit")
    value = as_dict(toolkit.data).get("region") if toolkit else None
    return value if isinstance(value, str) else "US"
