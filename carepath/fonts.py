"""The fonts a toolkit prints with: found in its print/fonts/ folder or in installed font packages, never the system.

One catalog per build (a replaced font file is seen by the next one). Packages: fontpkg-* (Google Fonts
families, `fontpkg.family`) and the justmytype-intl-* packs (OFL Noto fonts in the package's fonts/ folder).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import fontpkg
import yaml
from fontTools.ttLib import TTCollection, TTFont

from carepath.messages import fragment

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
PACK_PREFIX = "justmytype-intl-"


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


def faces_in(folder: Path) -> dict[str, tuple[FontFace, ...]]:
    """Every font file under `folder` (regular files, no links followed), by family name."""
    found: dict[str, list[FontFace]] = {}
    if not folder.is_dir():
        return {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        if path.is_symlink() or not path.is_file():
            continue  # the check reports links; a font is never read through one
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = list(TTCollection(str(path), lazy=True).fonts)[:1]  # WeasyPrint loads the first font
        else:
            fonts = [TTFont(str(path), lazy=True)]
        for font in fonts:
            face = face_of(path.resolve(), font)
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

    def faces(self, family: str) -> tuple[FontFace, ...] | None:
        """Every file of `family`, or None when no folder or package has it."""
        if family not in self._cache:
            self._cache[family] = self._find(family)
        return self._cache[family]

    def _find(self, family: str) -> tuple[FontFace, ...] | None:
        """Look a family up in each place, in order."""
        if self._local is None:
            self._local = faces_in(self.vendored)
        if family in self._local:
            return self._local[family]
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


SCRIPTS_FILE = Path(__file__).parent / "data" / "scripts.yml"


@cache
def family_packages() -> dict[str, str]:
    """The PyPI package that ships each font family carepath knows (from data/scripts.yml)."""
    data: dict[str, Any] = yaml.safe_load(SCRIPTS_FILE.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for entry in data.values():
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
