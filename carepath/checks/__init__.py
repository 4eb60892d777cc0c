"""Check stage: the one gate every toolkit passes, run by `check` and `build` alike before anything renders."""

from __future__ import annotations

import datetime as dt

from carepath.checks.schema import validate
from carepath.load import Sources
from carepath.problems import Problem


def run_checks(sources: Sources, today: dt.date | None = None, release: bool = False) -> list[Problem]:
    """Every check on the loaded sources (`release`: publishing rules); each problem once."""
    return validate(sources, today, release)
