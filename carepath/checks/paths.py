"""Path checks: nothing a toolkit uses may lie outside its folder, be a symbolic link, or be published by mistake."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from carepath.messages import FRAGMENTS, fragment, problem
from carepath.problems import Problem

# Folders and files of a toolkit that carepath reads; a symbolic link in any of them is refused.
WATCHED = ("content", "locales", "templates", "print")
WATCHED_FILES = ("mkdocs.yml",)
# What may be published beside the free pages: suffix -> the kind of file its first bytes must show.
ASSET_KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp", ".avif": "avif",
               ".pdf": "pdf"}
# Folders of the built site that carepath and the theme write; pages and asset folders may not take their names.
SITE_FOLDERS = ("assets", "search", "print")
MAX_FILE_BYTES = 2_000_000  # a YAML or Markdown file; a real one is under 200 KB (the load stage's limit)
HEAD_BYTES = 64  # enough for every signature below (an AVIF file names its brand within its first box)
# The problems of a pages folder reported by check_pages_folders (links are check_symlinks' to report).
ASSET_CODES = ("asset.not_allowed", "asset.mismatch", "asset.site_folder")
MARKUP_START = re.compile(rb"\A(\xef\xbb\xbf)?\s*<", re.S)


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, once every symbolic link is followed, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def lexically_inside(path: Path, root: Path) -> bool:
    """Whether `path`, with its '..' parts worked out but links not followed, lies inside `root`."""
    normal = Path(os.path.normpath(path if path.is_absolute() else Path.cwd() / path))
    try:
        normal.relative_to(Path(os.path.normpath(root.absolute())))
    except ValueError:
        return False
    return True


def linked(path: Path, root: Path) -> bool:
    """Whether `path`, or a folder between `root` and it, is a symbolic link (or `path` is not under `root`)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return True
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def readable(path: Path, root: Path) -> bool:
    """Whether a text file may be read: a regular file within MAX_FILE_BYTES, with no link from `root` to it."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES and not linked(path, root)


def shown(path: Path, root: Path) -> str:
    """Where a path leads, as a writer can read it: relative to the root when inside, else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.resolve().as_posix() if path.is_absolute() else os.path.normpath(path)


def check_symlinks(root: Path) -> list[Problem]:
    """No symbolic link under content/, locales/, templates/ or print/, nor as mkdocs.yml: links are never followed.

    A link that leads inside the repository is refused too: it could publish .git/config or .env.
    """
    problems = []
    for name in WATCHED:
        folder = root / name
        if not (folder.exists() or folder.is_symlink()):
            continue
        # os.walk does not enter linked folders: each link is reported once, and what it leads to is never listed
        candidates = [folder] + [
            Path(base) / entry for base, dirs, files in os.walk(folder) for entry in [*dirs, *files]
        ]
        problems += [_link_problem(path, root) for path in candidates if path.is_symlink()]
    problems += [_link_problem(root / name, root) for name in WATCHED_FILES if (root / name).is_symlink()]
    return problems


def _link_problem(path: Path, root: Path) -> Problem:
    """The problem for one symbolic link: the stronger message when it leads out of the repository."""
    file = Path(os.path.relpath(path, root)).as_posix()
    what = fragment("symlink.folder" if path.is_dir() else "symlink.file")
    if not inside(path, root):
        return problem("path.symlink_out", file, 1, 1, what=what, target=os.path.realpath(path))
    return problem("path.symlink", file, 1, 1, what=what, target=shown(path, root))


def content_kind(head: bytes) -> str | None:
    """The kind of image or document the first bytes of a file show (a value of ASSET_KINDS), if any."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and any(brand in head[8:min(int.from_bytes(head[:4], "big"), HEAD_BYTES)]
                                    for brand in (b"avif", b"avis")):
        return "avif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _read_head(path: Path) -> bytes:
    """The first bytes of a regular file, read without following a link."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as file:
        return file.read(HEAD_BYTES)


def asset_issue(path: Path, folder: Path) -> tuple[str, dict[str, object]] | None:
    """Why a file or folder under a pages folder may not be published (a message code and its values), or None.

    Only regular files that are not links, outside hidden and site-named folders, with an image or PDF suffix
    and the content that suffix promises, are published; Markdown files are pages, never assets.
    """
    relative = path.relative_to(folder)
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "asset.gone", {}
    if stat.S_ISLNK(mode) or linked(path, folder):
        return "path.symlink", {}  # check_symlinks names the link itself
    hidden = next((part for part in relative.parts if part.startswith(".")), None)
    if hidden is not None:
        return "asset.not_allowed", {"name": hidden, "why": fragment("asset.why.hidden"),
                                     "hint": fragment("asset.hint.hidden")}
    if relative.parts[0].casefold() in SITE_FOLDERS and (len(relative.parts) > 1 or stat.S_ISDIR(mode)):
        return "asset.site_folder", {"name": relative.parts[0]}
    if stat.S_ISDIR(mode):
        return None
    suffix = path.suffix.lower()
    if suffix == ".md":
        return "asset.page", {}  # a page, read by the load stage
    if suffix not in ASSET_KINDS or not stat.S_ISREG(mode):
        kind = suffix.removeprefix(".") or "none"
        why = f"asset.why.{kind}"
        hint = f"asset.hint.{kind}" if f"asset.hint.{kind}" in FRAGMENTS else "asset.hint.other"
        return "asset.not_allowed", {"name": relative.parts[-1], "why": fragment(why) if why in FRAGMENTS else "",
                                     "hint": fragment(hint)}
    expected = ASSET_KINDS[suffix]
    try:
        head = _read_head(path)
    except OSError:
        head = b""
    found = content_kind(head)
    if found == expected:
        return None
    if found is not None:
        actual = fragment("asset.is_kind", kind=fragment(f"asset.kind.{found}"))
    elif not head:
        actual = fragment("asset.is_empty")
    elif MARKUP_START.match(head):
        actual = fragment("asset.is_markup")
    else:
        actual = fragment("asset.is_unknown")
    return "asset.mismatch", {"suffix": path.suffix, "kind": fragment(f"asset.kind.{expected}"), "actual": actual}


def publishable(path: Path, folder: Path) -> bool:
    """Whether a file beside the pages (under `folder`) may be copied into the site."""
    return path.is_file() and asset_issue(path, folder) is None


def reserved_page_names() -> dict[str, str]:
    """Page names taken by the site itself (case-folded), each with what takes it, as words."""
    # imported here: model and render_site import load, which imports this module
    from carepath.model import TOPIC_FILES
    from carepath.render.site import PRINT_KIT_PAGE, STATUS_PAGE

    pages = ["index", *TOPIC_FILES.values(), PRINT_KIT_PAGE, STATUS_PAGE, "404"]
    names = {name.casefold(): fragment("reserved.page", name=name) for name in pages}
    names.update({name: fragment("reserved.folder", name=name) for name in SITE_FOLDERS})
    return names


def check_pages_folders(root: Path) -> list[Problem]:
    """Free pages do not take a name of the site's own, and only images and PDFs lie beside them."""
    problems: list[Problem] = []
    content = root / "content"
    if not content.is_dir() or linked(content, root):
        return problems
    reserved = reserved_page_names()
    for language in sorted(p for p in content.iterdir() if p.is_dir() and not p.is_symlink()):
        folder = language / "pages"
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.glob("*.md")):
            if path.stem.casefold() in reserved and not path.is_symlink():
                problems.append(problem("page.reserved_name", _shown(path, root), 1, 1, name=path.stem,
                                        what=reserved[path.stem.casefold()]))
        for base, dirs, files in os.walk(folder):
            for entry in sorted([*dirs, *files]):
                path = Path(base) / entry
                issue = asset_issue(path, folder)
                if issue is not None and issue[0] in ASSET_CODES:
                    problems.append(problem(issue[0], _shown(path, root), 1, 1, **issue[1]))
            dirs[:] = [d for d in dirs if asset_issue(Path(base) / d, folder) is None]  # one problem per folder
    return problems


def _shown(path: Path, root: Path) -> str:
    """A path under the root as the writer sees it, links not followed."""
    return Path(os.path.relpath(path, root)).as_posix()
