"""Path checks: nothing a toolkit uses may lie outside its folder, be a symbolic link, or be published by mistake.

They judge what the load stage found (Sources.entries: every file, folder and link under the toolkit's
folders); the rule on files beside the pages is carepath.files.asset_issue, which the renderer applies too.
"""

from __future__ import annotations

from carepath.checks.base import Run
from carepath.files import FOLDER, LINK, SITE_FOLDERS, Entry, asset_issue
from carepath.layout import RESERVED_PAGES
from carepath.load import Sources
from carepath.messages import fragment, problem
from carepath.problems import Problem

# The problems of a pages folder reported by check_pages_folders (links are check_links' to report).
ASSET_CODES = ("asset.not_allowed", "asset.mismatch", "asset.site_folder")


def _link_problem(entry: Entry) -> Problem:
    """The problem for one symbolic link: the stronger message when it leads out of the repository."""
    what = fragment("symlink.folder" if entry.to_folder else "symlink.file")
    code = "path.symlink_out" if entry.leads_out else "path.symlink"
    return problem(code, entry.path, 1, 1, what=what, target=entry.target)


def check_links(sources: Sources, run: Run) -> list[Problem]:
    """No symbolic link under content/, locales/, templates/ or print/, nor as mkdocs.yml: links are never followed.

    A link that leads inside the repository is refused too: it could publish .git/config or .env.
    """
    return [_link_problem(entry) for entry in sources.entries.values() if entry.kind == LINK]


def check_tracked_cache(sources: Sources, run: Run) -> list[Problem]:
    """None of carepath's own files (.carepath/: the caches a build trusts) is part of the toolkit's repository."""
    tracked = sources.tracked_own
    if not tracked:
        return []
    what = (fragment("tracked.one", first=tracked[0]) if len(tracked) == 1 else
            fragment("tracked.many", count=len(tracked), first=tracked[0], more=len(tracked) - 1))
    return [problem("path.tracked_cache", tracked[0], 1, 1, what=what)]


def reserved_page_names() -> dict[str, str]:
    """Page names taken by the site itself (case-folded), each with what takes it, as words."""
    names = {name.casefold(): fragment("reserved.page", name=name) for name in RESERVED_PAGES}
    names.update({name: fragment("reserved.folder", name=name) for name in SITE_FOLDERS})
    return names


def check_pages_folders(sources: Sources, run: Run) -> list[Problem]:
    """Free pages do not take a name of the site's own, and only images and PDFs lie beside them."""
    problems: list[Problem] = []
    reserved = reserved_page_names()
    for tag in sources.content_locales:
        folder = f"content/{tag}/pages"
        if sources.entries.get(folder, Entry("", LINK)).kind != FOLDER:
            continue  # no pages, or a link the link check reports
        for name in sources.page_names(tag):
            entry = sources.entries[f"{folder}/{name}.md"]
            if name.casefold() in reserved and entry.kind != LINK:
                problems.append(problem("page.reserved_name", entry.path, 1, 1, name=name,
                                        what=reserved[name.casefold()]))
        refused: list[str] = []  # folders already reported: one problem per folder, not one per file in it
        for path in sorted(p for p in sources.entries if p.startswith(f"{folder}/")):
            if any(path.startswith(f"{parent}/") for parent in refused):
                continue
            entry = sources.entries[path]
            issue = asset_issue(entry, folder)
            if issue is not None and entry.kind == FOLDER:
                refused.append(path)
            if issue is not None and issue[0] in ASSET_CODES:
                problems.append(problem(issue[0], path, 1, 1, **issue[1]))
    return problems
