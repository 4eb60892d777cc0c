"""Published check: what the published site had stays reachable, and each printed version says what changed.

A printed QR code or a shared link leads to a page of a language's folder for years. content/published.yml
records every page and language the published site had (`carepath record-pages`); a page renamed or removed
since needs a redirect (redirects: in content/toolkit.yml), which the site turns into a page that sends the
reader on. The changelog page, if the toolkit has one, should say what the version on the handouts changed.
"""

from __future__ import annotations

import difflib
import re

from carepath.checks.base import Run, as_dict, as_list, source_tag
from carepath.layout import CHANGELOG_PAGE, NOT_FOUND_PAGE, site_pages
from carepath.load import PUBLISHED_FILE, Sources, YamlFile
from carepath.messages import fragment, problem
from carepath.problems import Problem

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$", re.M)


def check_published(sources: Sources, run: Run) -> list[Problem]:
    """Redirects lead from a page that is gone to one that exists; no published page or language is lost."""
    toolkit, tag = sources.neutral.get("toolkit"), source_tag(sources)
    if toolkit is None or tag is None:
        return []
    pages = site_pages(sources.page_names(tag))
    redirects = {old: new for old, new in as_dict(as_dict(toolkit.data).get("redirects")).items()
                 if (toolkit.path, ("redirects", old)) not in run.failed and isinstance(new, str)}
    problems: list[Problem] = []
    for old, new in redirects.items():
        where = toolkit.where(("redirects", old))
        if old in pages or old == NOT_FOUND_PAGE:
            problems.append(problem("redirects.still_a_page", toolkit.path, *where, old=old, new=new))
        elif new not in pages:
            close = difflib.get_close_matches(new, pages, n=1)
            problems.append(problem("redirects.no_page", toolkit.path, *where,
                                    old=old, new=new, tag=tag,
                                    suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else ""))
    record = sources.published
    if record is not None and (record.path, ()) not in run.failed:
        problems += _lost(record, set(pages) | set(redirects), set(sources.locales), tag)
    problems += _unrecorded(toolkit, record, run)
    return problems


def _lost(record: YamlFile, reachable: set[str], languages: set[str], tag: str) -> list[Problem]:
    """A recorded page with neither a page nor a redirect now, and a recorded language the site no longer has."""
    problems: list[Problem] = []
    data = as_dict(record.data)
    for index, name in enumerate(as_list(data.get("pages"))):
        if isinstance(name, str) and name not in reachable:
            problems.append(problem("published.page_lost", record.path, *record.where(("pages", index)),
                                    name=name, tag=tag))
    for index, language in enumerate(as_list(data.get("languages"))):
        if isinstance(language, str) and language not in languages:
            problems.append(problem("published.language_lost", record.path, *record.where(("languages", index)),
                                    tag=language))
    return problems


def _unrecorded(toolkit: YamlFile, record: YamlFile | None, run: Run) -> list[Problem]:
    """For a release: the version about to be published is recorded, so its pages are protected from now on."""
    version = as_dict(toolkit.data).get("version")
    if not run.release or not isinstance(version, str) or (toolkit.path, ("version",)) in run.failed:
        return []
    recorded = as_list(as_dict(record.data).get("versions")) if record is not None else []
    if version in recorded:
        return []
    return [problem("published.version_unrecorded", toolkit.path, *toolkit.where(("version",)),
                    version=version, record=PUBLISHED_FILE)]


def check_changelog(sources: Sources, run: Run) -> list[Problem]:
    """The changelog page, where there is one, has a heading for the version printed on the handouts."""
    toolkit, tag = sources.neutral.get("toolkit"), source_tag(sources)
    page = sources.pages.get(tag or "", {}).get(CHANGELOG_PAGE)
    version = as_dict(toolkit.data).get("version") if toolkit else None
    if toolkit is None or page is None or not isinstance(version, str) or (toolkit.path, ("version",)) in run.failed:
        return []
    if any(re.search(rf"(?<![\w.]){re.escape(version)}(?![\w]|\.\d)", h) for h in HEADING.findall(page.body)):
        return []
    return [problem("changelog.no_version", page.path, page.body_line, 1, version=version)]
