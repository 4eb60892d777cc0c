"""A toolkit's templates/ and print/ over carepath's own: a file the toolkit has replaces the built-in file at the
same path, the way Material's custom_dir overrides a theme; every other file comes from carepath.

A toolkit repository holds only what it changes. In carepath's own repository the built-in folders are the
example's, so there is one layer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from carepath.resources import BUILTIN_TOOLKIT

# The folders a toolkit may override file by file.
OVERRIDABLE = ("templates", "print")
# Kept by carepath at the toolkit's root: the version of carepath's file each of the toolkit's own was made from.
OVERRIDES_FILE = "overrides.yml"


def file_version(data: bytes) -> str:
    """A file's version as overrides.yml records it: its sha256, first 12 hex characters."""
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class Layers:
    """The folders a file is looked up in, the toolkit's first, then carepath's built-in one."""

    folders: tuple[Path, ...]

    @property
    def own(self) -> Path:
        """The toolkit's folder (which may not exist: then every file is the built-in one)."""
        return self.folders[0]

    @property
    def builtin(self) -> Path | None:
        """carepath's folder under the toolkit's, None when they are the same (carepath's own repository)."""
        return self.folders[1] if len(self.folders) > 1 else None

    def sub(self, name: str) -> Layers:
        """The same layers, one folder down (e.g. templates -> templates/site)."""
        return Layers(tuple(folder / name for folder in self.folders))

    def find(self, relative: str) -> Path | None:
        """The file at `relative` (a POSIX path) in the first layer that has it, or None."""
        for folder in self.folders:
            path = folder / relative
            if path.is_file():
                return path
        return None

    def files(self) -> dict[str, Path]:
        """Every file by its POSIX path relative to the layers, from the first layer that has it (hidden ones
        left out, as everywhere in a toolkit)."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                relative = path.relative_to(folder).as_posix()
                if not any(part.startswith(".") for part in relative.split("/")):
                    found.setdefault(relative, path)
        return dict(sorted(found.items()))


def toolkit_layers(root: Path, name: str) -> Layers:
    """The toolkit's folder `name` (templates or print) over carepath's built-in one."""
    own, builtin = root / name, BUILTIN_TOOLKIT / name
    return Layers((own,) if own.resolve() == builtin.resolve() else (own, builtin))
