"""Fonts check: every font a language prints with is installed (a package) or in print/fonts/, before any PDF."""

from __future__ import annotations

from carepath.checks.base import Run
from carepath.fonts import FAMILY_NAME, install_hint
from carepath.load import Sources
from carepath.messages import fragment, problem
from carepath.problems import Problem, relative


def check_fonts(sources: Sources, run: Run) -> list[Problem]:
    """A font file that cannot be read, or a locale naming a family no package or print/fonts/ file provides,
    fails here, not in the build."""
    problems: list[Problem] = []
    broken = {relative(path, sources.root): why for path, why in sorted(run.fonts.broken().items())}
    for path, why in broken.items():
        problems.append(problem("fonts.unreadable", path, 1, 1, detail=why))
    unread = fragment("fonts.unread", files=", ".join(broken)) if broken else ""
    for file in sources.locales.values():
        fonts = file.data.get("fonts") if isinstance(file.data, dict) else None
        for index, family in enumerate(fonts if isinstance(fonts, list) else []):
            if not isinstance(family, str) or not family:
                continue  # the schema check reports it
            where = file.where(("fonts", index))
            if not FAMILY_NAME.match(family):
                problems.append(problem("fonts.bad_name", file.path, *where, family=family))
            elif run.fonts.faces(family) is None:
                problems.append(problem("fonts.missing", file.path, *where, family=family,
                                        hint=install_hint(family) + unread))
    return problems
