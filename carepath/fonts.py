"""The fonts a toolkit prints with: found in its print/fonts/ folder or in installed font packages, never the system.

One catalog per build (a replaced font file is seen by the next one). Packages: fontpkg-* (Google Fonts
families, `fontpkg.family`) and the justmytype-intl-* packs (OFL Noto fonts in the package's fonts/ folder).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTCollection, TTFont

from carepath.messages import fragment
from carepath.resources import scripts

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
PACK_PREFIX = "justmytype-intl-"
# The families a language prints with when its locales/ file names none.
DEFAULT_FAMILIES = ("Noto Sans",)
# Characters a family name may hold: it is written unescaped into a CSS string by the print templates.
FAMILY_NAME = re.compile(r"^[\w \-.]+$")


@dataclass(frozen=True)
class FontFace:
    """One font file of a family, as a CSS @font-face rule needs it."""

    family: str
    path: Path
    style: str  # normal | italic
    weight: int | None  # None for a variable font, which covers every weight

    @property
    def url(self) -> str:
        """The file:// URL WeasyPrint loads the font from."""
        return self.path.as_uri()


def _family_of(font: TTFont) -> str:
    """A font's family name: the typographic family (name ID 16), else the legacy one (ID 1)."""
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def face_of(path: Path, font: TTFont) -> FontFace:
    """The @font-face description of a font file read with fontTools."""
    os2 = font["OS/2"] if "OS/2" in font else None
    italic = bool(os2 and os2.fsSelection & 1) or bool(font["head"].macStyle & 2)
    variable = "fvar" in font and any(a.axisTag == "wght" for a in font["fvar"].axes)
    # WeasyPrint 70 only accepts weights 100, 200 ... 900 in @font-face
    weight = None if variable or os2 is None else min(900, max(100, round(os2.usWeightClass / 100) * 100))
    return FontFace(_family_of(font), path, "italic" if italic else "normal", weight)


def _open_font(path: Path) -> TTFont:
    """A font file read lazily with fontTools; of a collection, the first font (the one WeasyPrint loads)."""
    if path.suffix.lower() in (".ttc", ".otc"):
        return TTCollection(str(path), lazy=True).fonts[0]
    return TTFont(str(path), lazy=True)


def faces_in(folder: Path, broken: dict[Path, str] | None = None) -> dict[str, tuple[FontFace, ...]]:
    """Every font file under `folder` (regular files, no links followed), by family name.

    A file fontTools cannot read (empty, not a font, damaged) is left out and noted in `broken` with why.
    """
    found: dict[str, list[FontFace]] = {}
    if not folder.is_dir():
        return {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        if path.is_symlink() or not path.is_file():
            continue  # the check reports links; a font is never read through one
        try:
            face = face_of(path.resolve(), _open_font(path))
            if broken is not None:  # the toolkit's own files: their characters must be readable too
                font_coverage(str(path.resolve()))
        except Exception as error:  # fontTools raises many kinds (TTLibError, struct.error, KeyError...)
            if broken is not None:
                broken[path] = str(error) or type(error).__name__
            continue
        found.setdefault(face.family, []).append(face)
    return {family: tuple(faces) for family, faces in found.items()}


def pack_folders() -> dict[str, Path]:
    """The installed justmytype-intl-* packs: distribution name -> its fonts/ folder."""
    folders: dict[str, Path] = {}
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if name.startswith(PACK_PREFIX):
            folder = Path(str(dist.locate_file(name.replace("-", "_")))) / "fonts"
            if folder.is_dir():
                folders[name] = folder
    return folders


@dataclass
class FontCatalog:
    """The fonts one build may use: the toolkit's print/fonts/ first, then fontpkg, then the packs."""

    vendored: Path
    _cache: dict[str, tuple[FontFace, ...] | None] = field(default_factory=dict)
    _local: dict[str, tuple[FontFace, ...]] | None = None
    _packs: dict[str, tuple[FontFace, ...]] | None = None
    _broken: dict[Path, str] = field(default_factory=dict)

    def broken(self) -> dict[Path, str]:
        """The files of print/fonts/ that cannot be read as fonts, each with why."""
        self._vendored()
        return dict(self._broken)

    def _vendored(self) -> dict[str, tuple[FontFace, ...]]:
        """The toolkit's own fonts (print/fonts/), read once per catalog."""
        if self._local is None:
            self._local = faces_in(self.vendored, self._broken)
        return self._local

    def coverage(self, family: str) -> frozenset[int] | None:
        """The characters some file of `family` has a glyph for, or None when the family is not found."""
        faces = self.faces(family)
        if faces is None:
            return None
        covered: set[int] = set()
        for face in faces:
            covered |= font_coverage(str(face.path))
        return frozenset(covered)

    def faces(self, family: str) -> tuple[FontFace, ...] | None:
        """Every file of `family`, or None when no folder or package has it."""
        if family not in self._cache:
            self._cache[family] = self._find(family)
        return self._cache[family]

    def _find(self, family: str) -> tuple[FontFace, ...] | None:
        """Look a family up in each place, in order."""
        local = self._vendored()
        if family in local:
            return local[family]
        try:
            package = fontpkg.family(family)
            return tuple(
                FontFace(family, Path(f.path).resolve(), f.style, None if f.variable else f.weight)
                for f in package.files
            )
        except fontpkg.FontpkgError:
            pass
        if self._packs is None:
            self._packs = {}
            for folder in pack_folders().values():
                for name, faces in faces_in(folder).items():
                    self._packs.setdefault(name, faces)
        return self._packs.get(family)


@cache
def family_packages() -> dict[str, str]:
    """The PyPI package that ships each font family carepath knows (from data/scripts.yml)."""
    found: dict[str, str] = {}
    for entry in scripts().values():
        for family, package in zip(entry.get("fonts") or [], entry.get("packages") or [], strict=False):
            if package:
                found.setdefault(family, package)
    return found


def install_hint(family: str) -> str:
    """How to get a font family: the exact pip line, or where to put its files."""
    package = family_packages().get(family)
    if package:
        return fragment("fonts.pip", package=package)
    return fragment("fonts.vendor", family=family)


def language_families(own: Iterable[str], source: Iterable[str]) -> list[str]:
    """The font families a language prints with: its own, then the source language's for text that fell back."""
    return list(dict.fromkeys([*own, *source]))


# Font files' characters and digests, by what identifies a version of a file: a replaced font is read again.
_FileKey = tuple[str, int, int, int, int, int]
_COVERAGE: dict[_FileKey, frozenset[int]] = {}
_DIGESTS: dict[_FileKey, str] = {}


def _file_key(path: str) -> _FileKey:
    """What identifies a version of a file: its path, device and inode, size, modification and change times
    (a file rewritten in place, even with its old modification time put back, has a new change time)."""
    info = os.stat(path)
    return path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def font_coverage(path: str) -> frozenset[int]:
    """The code points a font file maps to glyphs (its cmap)."""
    key = _file_key(path)
    if key not in _COVERAGE:
        _COVERAGE[key] = frozenset(_open_font(Path(path)).getBestCmap() or {})
    return _COVERAGE[key]


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes; font files are large, so each version of one is read once per process."""
    key = _file_key(str(path))
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def ignorable(char: str) -> bool:
    """Whitespace and invisible controls (bidi isolates, joiners, soft hyphen) need no glyph."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn")
