"""Path checks: nothing a toolkit uses may lie outside its folder, directly or through a symbolic link."""

from __future__ import annotations

import os
from pathlib import Path

from carepath.messages import fragment, problem
from carepath.problems import Problem

WATCHED = ("content", "locales")


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


def shown(path: Path, root: Path) -> str:
    """Where a path leads, as a writer can read it: relative to the root when inside, else absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.resolve().as_posix() if path.is_absolute() else os.path.normpath(path)


def check_symlinks(root: Path) -> list[Problem]:
    """Every symbolic link under content/ and locales/ must lead to something inside the repository."""
    problems = []
    for name in WATCHED:
        folder = root / name
        if not folder.exists():
            continue
        candidates = [folder] + [
            Path(base) / entry for base, dirs, files in os.walk(folder) for entry in [*dirs, *files]
        ]
        for path in candidates:
            if path.is_symlink() and not inside(path, root):
                problems.append(problem("path.symlink_out", Path(os.path.relpath(path, root)).as_posix(), 1, 1,
                                        what=fragment("symlink.folder" if path.is_dir() else "symlink.file"),
                                        target=os.path.realpath(path)))
    return problems
