"""Where everything carepath makes lives in the site: page files, handouts, language folders, heading ids.

The one place these names are kept: the model, the renderers, the writers and the checks all take them from
here, so that a link the check accepts is a page, a handout or a heading the site really has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

# lunr.js languages Material ships stemmers for; others search without stemming.
LUNR_LANGUAGES = frozenset(
    "ar da de du el es fi fr he hi hu hy it ja jp kn ko nl no pt ro ru sa sv ta te th tr vi zh".split()
)

# Each structured topic's web page, and the topics that have a printable handout.
TOPIC_FILES = {"signs": "signs", "steps": "first-support", "pathways": "referral", "services": "services"}
HANDOUTS = ("signs", "steps", "pathways")
PAPERS = ("a4", "letter")
HOME_PAGE = "index"
PRINT_KIT_PAGE = "print-kit"
STATUS_PAGE = "translation-status"  # for translators; published in every language, left out of the navigation
NOT_FOUND_PAGE = "404"
# The pages carepath makes from the structured files, which free pages may link to (as `signs.md#red-flags`).
GENERATED = (HOME_PAGE, *TOPIC_FILES.values())
# Every page name carepath writes itself: a free page may not take one.
RESERVED_PAGES = (*GENERATED, PRINT_KIT_PAGE, STATUS_PAGE, NOT_FOUND_PAGE)
PRINT_FOLDER = "print"
ABOUT_PAGE = "about"  # a free page that, when the toolkit has it, lists the sources (else the home page does)
CHANGELOG_PAGE = "changelog"  # a free page (content/<tag>/pages/changelog.md) the handouts' version line links to
PAGE_SUFFIX = ".md"  # a free page's text: what the site and the booklet are made from, never loaded by a PDF itself
# The name the translation records and PO files give the interface strings of locales/<tag>.yml.
UI_TEXTS = "ui"

# Heading ids the page templates (templates/site/) give their sections, whatever the language.
HOME_IDS = ("help-now", "tasks", "contents")
RED_FLAGS_ID = "red-flags"
SELF_HELP_ID = "struggling"  # the "If you are struggling yourself" box, on the home and signs pages
WHO_TO_CALL_ID = "who-to-call"
OTHER_NEED = "other"  # the services page's group of services that name no need of the toolkit's list


def loaded_by_print(name: str) -> bool:
    """Whether a PDF may load a file of the folders it is allowed (pictures beside the free pages, print/'s files):
    anything but a page's own Markdown text. An edit of a page's text then never changes the key of a PDF that
    does not print it (the booklet's HTML holds its text)."""
    return not name.endswith(PAGE_SUFFIX)


def site_pages(free_pages: Iterable[str]) -> list[str]:
    """Every page name the site has in each language: carepath's own (but the 404 page) and the free pages."""
    return sorted({*GENERATED, PRINT_KIT_PAGE, STATUS_PAGE, *free_pages})


class _Tagged(Protocol):
    """Anything with a language tag (a model Locale)."""

    @property
    def tag(self) -> str:
        """The BCP 47 tag."""
        ...


class Localized(Protocol):
    """Anything that is the toolkit in one language (a model LocalizedToolkit)."""

    @property
    def is_source(self) -> bool:
        """Whether this is the source language."""
        ...

    @property
    def locale(self) -> _Tagged:
        """The language."""
        ...


def prefix(tag: str, source_tag: str) -> str:
    """Where a language lives in the site: the source at the root, the others under <tag>/."""
    return "" if tag == source_tag else f"{tag}/"


def locale_prefix(toolkit: Localized) -> str:
    """Where a toolkit's language lives in the site: the source at the root, the others under <tag>/."""
    return "" if toolkit.is_source else f"{toolkit.locale.tag}/"


def page_file(name: str) -> str:
    """The Markdown file of a page in the site's sources, e.g. signs.md (what links in texts name)."""
    return f"{name}.md"


def page_url(name: str) -> str:
    """The published file of a page, e.g. signs.html (use_directory_urls is off: pages open from files too)."""
    return f"{name}.html"


def handout_file(topic: str, paper: str) -> str:
    """A handout PDF from its language's folder, e.g. print/signs-a4.pdf."""
    return f"{PRINT_FOLDER}/{TOPIC_FILES[topic]}-{paper}.pdf"


def booklet_file(paper: str) -> str:
    """The whole-toolkit booklet PDF from its language's folder, e.g. print/booklet-a4.pdf."""
    return f"{PRINT_FOLDER}/booklet-{paper}.pdf"


def cards_file(paper: str) -> str:
    """The sheet of pocket cards from its language's folder, e.g. print/cards-a4.pdf."""
    return f"{PRINT_FOLDER}/cards-{paper}.pdf"


def print_files() -> frozenset[str]:
    """Every PDF of a language's print kit, from its language's folder (links to them are valid)."""
    return frozenset({*(handout_file(t, p) for t in HANDOUTS for p in PAPERS),
                      *(booklet_file(p) for p in PAPERS), *(cards_file(p) for p in PAPERS)})


def handout_path(toolkit: Localized, topic: str, paper: str) -> str:
    """The site path of a handout PDF, e.g. es/print/signs-a4.pdf."""
    return f"{locale_prefix(toolkit)}{handout_file(topic, paper)}"


def booklet_path(toolkit: Localized, paper: str) -> str:
    """The site path of a language's whole-toolkit booklet PDF, e.g. es/print/booklet-a4.pdf."""
    return f"{locale_prefix(toolkit)}{booklet_file(paper)}"


def cards_path(toolkit: Localized, paper: str) -> str:
    """The site path of a language's sheet of pocket cards, e.g. es/print/cards-a4.pdf."""
    return f"{locale_prefix(toolkit)}{cards_file(paper)}"


def need_id(need: str) -> str:
    """The heading id of a group of the services page, e.g. need-crisis."""
    return f"need-{need}"


def heading_ids(
    kinds: Iterable[str], steps: Iterable[str], pathways: Iterable[str], services: Iterable[str],
    need_groups: Iterable[str], self_help: bool,
) -> dict[str, set[str]]:
    """The heading ids of each page carepath makes, as its templates write them.

    `kinds`: the kinds of signs that have signs (each a section of the signs page); `need_groups`: the needs
    the services page has a group for (OTHER_NEED included when some service names none of the list);
    `self_help`: whether the toolkit has its "If you are struggling yourself" box.
    """
    box = {SELF_HELP_ID} if self_help else set()
    return {
        HOME_PAGE: {*HOME_IDS, *box},
        TOPIC_FILES["signs"]: {RED_FLAGS_ID, *kinds, *box},
        TOPIC_FILES["steps"]: set(steps),
        TOPIC_FILES["pathways"]: set(pathways),
        TOPIC_FILES["services"]: {WHO_TO_CALL_ID, *(need_id(n) for n in need_groups), *services},
    }


def need_groups(needs: Iterable[str], first_needs: Iterable[str | None]) -> list[str]:
    """The groups of the services page: each listed need some service names first, then OTHER_NEED if any
    service names no need of the list first (each service stands under its first need)."""
    listed = list(needs)
    firsts = list(first_needs)
    groups = [need for need in listed if need in firsts]
    return groups + ([OTHER_NEED] if any(first not in listed for first in firsts) else [])


def sources_page(page_names: Iterable[str]) -> str:
    """The page that lists the toolkit's sources: the about page if the toolkit has one, else the home page."""
    return ABOUT_PAGE if ABOUT_PAGE in page_names else HOME_PAGE
