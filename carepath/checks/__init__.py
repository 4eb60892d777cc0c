"""Check stage: the one gate every toolkit passes, run by `check` and `build` alike before anything renders.

Every check is registered in CHECKS, and only there. A check takes the loaded sources and the run (the day,
the publishing rules, the font catalog) and returns the problems it finds; it never opens a file of the
toolkit (carepath.load read them all), never imports a renderer, a writer, a command or the model, and copes
with files that are missing or of any shape, so that every problem is reported in one run.
"""

from __future__ import annotations

import datetime as dt

from carepath.checks.base import Check, Run
from carepath.checks.crisis import check_crisis, check_needs
from carepath.checks.directory import check_directory
from carepath.checks.fonts import check_fonts
from carepath.checks.glossary import check_glossary_consistency
from carepath.checks.glyphs import check_glyphs
from carepath.checks.markdown import check_markdown
from carepath.checks.overrides import check_overrides
from carepath.checks.paths import check_links, check_pages_folders, check_tracked_cache
from carepath.checks.placeholders import check_placeholders
from carepath.checks.plain import check_plain_language
from carepath.checks.published import check_changelog, check_published
from carepath.checks.records import check_records
from carepath.checks.reviews import check_reviews
from carepath.checks.schema import (
    check_contacts,
    check_locales,
    check_references,
    check_release,
    check_schemas,
    check_structure,
)
from carepath.checks.settings import check_settings
from carepath.checks.sources import check_sources
from carepath.checks.text import check_text
from carepath.fonts import FontCatalog
from carepath.l10n.translation import units_once
from carepath.load import Sources
from carepath.problems import Problem

# The gate, in the order the checks run. The schema check comes first: it notes the values it found wrong
# (Run.failed), which the later checks leave alone instead of reporting them a second time.
CHECKS: tuple[Check, ...] = (
    check_schemas,
    check_locales,
    check_references,
    check_contacts,
    check_markdown,
    check_text,
    check_plain_language,
    check_glossary_consistency,
    check_sources,
    check_links,
    check_tracked_cache,
    check_pages_folders,
    check_placeholders,
    check_settings,
    check_structure,
    check_fonts,
    check_glyphs,
    check_records,
    check_reviews,
    check_overrides,
    check_published,
    check_changelog,
    check_release,
    check_crisis,
    check_needs,
    check_directory,
)


def run_checks(
    sources: Sources, today: dt.date | None = None, release: bool = False, fonts: FontCatalog | None = None,
) -> list[Problem]:
    """Every check of the gate on the loaded sources (`release`: publishing rules); each problem once.

    `fonts`: the build's font catalog; by default one over the toolkit's print/fonts/, made for this run.
    """
    run = Run(fonts or FontCatalog(sources.root / "print" / "fonts"), today or dt.date.today(), release)
    problems: list[Problem] = []
    with units_once():
        for check in CHECKS:
            problems += check(sources, run)
    return list(dict.fromkeys(problems))  # the same problem found by two checks is reported once
