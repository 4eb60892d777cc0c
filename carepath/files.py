"""The toolkit's files as the load stage finds them, and the rules on paths shared by load, checks and renderers.

Nothing here follows a symbolic link or reads more than a file's first bytes: `walk` lists what is there (files,
folders, links and what each link leads to), and `asset_issue` judges a file beside the pages from that listing,
so that the check and the renderer that copies the files apply the very same rule.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from carepath.messages import FRAGMENTS, fragment

# Folders and files of a toolkit that carepath reads; a symbolic link in any of them is refused.
WATCHED = ("content", "locales", "templates", "print")
WATCHED_FILES = ("mkdocs.yml", "overrides.yml")
# What may be published beside the free pages: suffix -> the kind of file its first bytes must show.
ASSET_KINDS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp", ".avif": "avif",
               ".pdf": "pdf"}
# Folders of the built site that carepath and the theme write; pages and asset folders may not take their names.
SITE_FOLDERS = ("assets", "search", "print")
# carepath's own folder in a toolkit: the build lock and, by default, the caches. Never part of the repository.
OWN_FOLDER = ".carepath"
MAX_FILE_BYTES = 2_000_000  # a YAML or Markdown file; a real one is under 200 KB (checked before it is read)
HEAD_BYTES = 64  # enough for every signature below (an AVIF file names its brand within its first box)
MARKUP_START = re.compile(rb"\A(\xef\xbb\xbf)?\s*<", re.S)

FILE, FOLDER, LINK, OTHER = "file", "folder", "link", "other"


@dataclass(frozen=True)
class Entry:
    """One thing found under the toolkit's folders: a file, a folder, a symbolic link or something else."""

    path: str  # from the toolkit's root, '/'-separated
    kind: str  # FILE, FOLDER, LINK or OTHER (a device, a pipe...)
    size: int = 0
    head: bytes = b""  # a file beside the pages: its first HEAD_BYTES, which show what it really is
    target: str = ""  # a link: where it leads, as the writer can read it
    leads_out: bool = False  # a link that leads outside the toolkit's folder
    to_folder: bool = False  # a link that leads to a folder

    @property
    def name(self) -> str:
        """The last part of the path."""
        return self.path.rsplit("/", 1)[-1]


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


def shown(path: Path, root: Path) -> str:
    """Where a path leads, as a writer can read it: relative to the root when inside, else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.resolve().as_posix() if path.is_absolute() else os.path.normpath(path)


def _read_head(path: Path) -> bytes:
    """The first bytes of a regular file, read without following a link."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    with os.fdopen(descriptor, "rb") as file:
        return file.read(HEAD_BYTES)


def _beside_pages(parts: tuple[str, ...]) -> bool:
    """Whether a path (its parts from the root) lies in a pages folder: content/<language>/pages/..."""
    return len(parts) > 3 and parts[0] == "content" and parts[2] == "pages"


def entry_at(path: Path, root: Path) -> Entry | None:
    """What `path` is, found without following it (None if nothing is there); `root` names it and places links."""
    try:
        info = path.lstat()
    except OSError:
        return None
    name = Path(os.path.relpath(path, root)).as_posix()
    if stat.S_ISLNK(info.st_mode):
        leads_out = not inside(path, root)
        return Entry(name, LINK, target=os.path.realpath(path) if leads_out else shown(path, root),
                     leads_out=leads_out, to_folder=path.is_dir())
    if stat.S_ISDIR(info.st_mode):
        return Entry(name, FOLDER)
    if not stat.S_ISREG(info.st_mode):
        return Entry(name, OTHER)
    parts = tuple(name.split("/"))
    head = _read_head(path) if _beside_pages(parts) and path.suffix.lower() in ASSET_KINDS else b""
    return Entry(name, FILE, info.st_size, head)


def walk(root: Path) -> dict[str, Entry]:
    """Every file, folder and link under content/, locales/, templates/ and print/, and mkdocs.yml, by path.

    A linked folder is listed as a link and never entered (os.walk does not follow links): what it leads to
    could be any folder of the machine.
    """
    found: dict[str, Entry] = {}
    for name in (*WATCHED, *WATCHED_FILES):
        top = entry_at(root / name, root)
        if top is None:
            continue
        found[top.path] = top
        if top.kind != FOLDER:
            continue
        for base, dirs, files in os.walk(root / name):
            dirs.sort()
            for item in [*dirs, *sorted(files)]:
                entry = entry_at(Path(base) / item, root)
                if entry is not None:
                    found[entry.path] = entry
    return found


def locate(entries: dict[str, Entry], path: str) -> Entry | None:
    """The entry at `path` (from the root), or the link on the way to it, or None when nothing is there."""
    if path in entries:
        return entries[path]
    parts = path.split("/")
    for end in range(len(parts) - 1, 0, -1):
        entry = entries.get("/".join(parts[:end]))
        if entry is not None:
            return entry if entry.kind == LINK else None
    return None


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


def asset_issue(entry: Entry, folder: str) -> tuple[str, dict[str, object]] | None:
    """Why an entry under a pages folder (`folder`, from the root) may not be published: a message code and its
    values, or None.

    Only regular files that are not links, outside hidden and site-named folders, with an image or PDF suffix
    and the content that suffix promises, are published; Markdown files are pages, never assets.
    """
    relative = tuple(entry.path.removeprefix(folder.rstrip("/") + "/").split("/"))
    if entry.kind == LINK:
        return "path.symlink", {}  # the link check names the link itself
    hidden = next((part for part in relative if part.startswith(".")), None)
    if hidden is not None:
        return "asset.not_allowed", {"name": hidden, "why": fragment("asset.why.hidden"),
                                     "hint": fragment("asset.hint.hidden")}
    if relative[0].casefold() in SITE_FOLDERS and (len(relative) > 1 or entry.kind == FOLDER):
        return "asset.site_folder", {"name": relative[0]}
    if entry.kind == FOLDER:
        return None
    suffix = os.path.splitext(relative[-1])[1].lower()
    if suffix == ".md":
        return "asset.page", {}  # a page, read by the load stage
    if suffix not in ASSET_KINDS or entry.kind != FILE:
        kind = suffix.removeprefix(".") or "none"
        why = f"asset.why.{kind}"
        hint = f"asset.hint.{kind}" if f"asset.hint.{kind}" in FRAGMENTS else "asset.hint.other"
        return "asset.not_allowed", {"name": relative[-1], "why": fragment(why) if why in FRAGMENTS else "",
                                     "hint": fragment(hint)}
    expected = ASSET_KINDS[suffix]
    found = content_kind(entry.head)
    if found == expected:
        return None
    if found is not None:
        actual = fragment("asset.is_kind", kind=fragment(f"asset.kind.{found}"))
    elif not entry.head:
        actual = fragment("asset.is_empty")
    elif MARKUP_START.match(entry.head):
        actual = fragment("asset.is_markup")
    else:
        actual = fragment("asset.is_unknown")
    return "asset.mismatch", {"suffix": os.path.splitext(relative[-1])[1], "kind": fragment(f"asset.kind.{expected}"),
                              "actual": actual}


def publishable(path: Path, folder: Path) -> bool:
    """Whether a file beside the pages (under `folder`) may be copied into the site: the check's rule, on disk."""
    if linked(path, folder):
        return False
    entry = entry_at(path, folder)
    if entry is None or entry.kind != FILE:
        return False
    head = _read_head(path) if path.suffix.lower() in ASSET_KINDS else b""
    return asset_issue(Entry(entry.path, FILE, entry.size, head), "") is None


def write_whole(target: Path, data: bytes) -> None:
    """Write a file so that readers see either nothing or all of it (a temporary file beside it, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def cache_folder(root: Path) -> Path:
    """Where builds of a toolkit keep what they may reuse (PDFs, print documents, the pages of each language):
    CAREPATH_CACHE_DIR, else .carepath/cache/ in the toolkit's folder."""
    return Path(os.environ.get("CAREPATH_CACHE_DIR") or root / OWN_FOLDER / "cache")
