"""Fonts check: every font a language prints with is installed (a package) or in print/fonts/, before any PDF."""

from __future__ import annotations

from carepath.fonts import FontCatalog, install_hint
from carepath.load import Sources
from carepath.messages import problem
from carepath.problems import Problem


def check_fonts(sources: Sources, catalog: FontCatalog) -> list[Problem]:
    """A locale naming a font family that no package or print/fonts/ file provides fails here, not in the build."""
    problems: list[Problem] = []
    for file in sources.locales.values():
        fonts = file.data.get("fonts") if isinstance(file.data, dict) else None
        for index, family in enumerate(fonts if isinstance(fonts, list) else []):
            if isinstance(family, str) and family and catalog.faces(family) is None:
                problems.append(problem("fonts.missing", file.path, *file.where(("fonts", index)), family=family,
                                        hint=install_hint(family)))
    return problems
