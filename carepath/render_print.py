"""Render stage (print): every handout in every language and paper size as an HTML document for WeasyPrint.

Pure: it reads templates, stylesheets and fonts, and writes nothing. carepath.pdf turns the jobs into PDFs.
"""

from __future__ import annotations

import hashlib
import html.parser
import importlib.metadata
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import fontpkg
from fontTools.ttLib import TTCollection, TTFont

from carepath.model import HANDOUTS, PAPERS, LocalizedToolkit, Model, handout_path
from carepath.templating import make_environment

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Characters a family name may hold: it is written unescaped into a CSS string by the template.
FAMILY_NAME = re.compile(r"^[\w \-.]+$")
# Bump when the way carepath turns HTML into a PDF changes, so that cached PDFs are not reused.
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class PrintJob:
    """One handout to render: the HTML document and everything that decides its PDF's bytes."""

    path: str  # site-relative output path, e.g. "es/print/signs-a4.pdf"
    html: str  # the complete HTML document
    base_url: str  # the print/ folder, for resolving CSS and relative URLs
    lang: str
    fonts: tuple[str, ...]  # absolute paths of the font files this job uses
    key: str  # sha256 over html, CSS files, font files and the WeasyPrint version


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


class FontNotFound(Exception):
    """A language names a font family that neither print/fonts/ nor an installed fontpkg package has."""


def _family_of(font: TTFont) -> str:
    """A font's family name: the typographic family (name ID 16), else the legacy one (ID 1)."""
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def _face_of(path: Path, font: TTFont) -> FontFace:
    """The @font-face description of a font file read with fontTools."""
    os2 = font["OS/2"] if "OS/2" in font else None
    italic = bool(os2 and os2.fsSelection & 1) or bool(font["head"].macStyle & 2)
    variable = "fvar" in font and any(a.axisTag == "wght" for a in font["fvar"].axes)
    # WeasyPrint 70 only accepts weights 100, 200 ... 900 in @font-face
    weight = None if variable or os2 is None else min(900, max(100, round(os2.usWeightClass / 100) * 100))
    return FontFace(_family_of(font), path, "italic" if italic else "normal", weight)


@cache
def vendored_fonts(folder: Path) -> dict[str, tuple[FontFace, ...]]:
    """Font files dropped in `folder` (print/fonts/), by family name."""
    found: dict[str, list[FontFace]] = {}
    if not folder.is_dir():
        return {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES):
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = list(TTCollection(str(path), lazy=True).fonts)[:1]  # WeasyPrint loads the first font
        else:
            fonts = [TTFont(str(path), lazy=True)]
        for font in fonts:
            face = _face_of(path.resolve(), font)
            found.setdefault(face.family, []).append(face)
    return {family: tuple(faces) for family, faces in found.items()}


def family_faces(family: str, folder: Path) -> tuple[FontFace, ...]:
    """Every font file of `family`: from print/fonts/ first, else from an installed fontpkg package."""
    if not FAMILY_NAME.match(family):
        raise FontNotFound(f"font family name {family!r} may hold only letters, digits, spaces, '-' and '.'")
    vendored = vendored_fonts(folder)
    if family in vendored:
        return vendored[family]
    try:
        package = fontpkg.family(family)
    except fontpkg.FontpkgError as error:
        raise FontNotFound(
            f"font family {family!r} is not installed: add a fontpkg package for it "
            f"(e.g. pip install fontpkg-{family.lower().replace(' ', '-')}) or put its files in {folder}"
        ) from error
    return tuple(
        FontFace(family, Path(f.path).resolve(), f.style, None if f.variable else f.weight) for f in package.files
    )


def job_families(toolkit: LocalizedToolkit) -> list[str]:
    """Font families of a handout: its language's, then the source language's for text that fell back."""
    families: list[str] = []
    for family in (*toolkit.locale.fonts, *toolkit.source.fonts):
        if family not in families:
            families.append(family)
    return families


@cache
def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes; font files are large, so each is read once per process."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weasyprint_version() -> str:
    """The installed WeasyPrint version, read without importing it (importing takes half a second)."""
    return importlib.metadata.version("weasyprint")


def job_key(html: str, css_files: Iterable[Path], fonts: Iterable[Path]) -> str:
    """A sha256 over everything that decides a PDF's bytes."""
    digest = hashlib.sha256()
    for part in (f"carepath-print {PIPELINE_VERSION}", f"weasyprint {weasyprint_version()}", html):
        digest.update(part.encode("utf-8") + b"\0")
    for css in css_files:
        digest.update(css.name.encode("utf-8") + b"\0" + css.read_bytes() + b"\0")
    for font in fonts:
        digest.update(file_digest(font).encode("ascii") + b"\0")
    return digest.hexdigest()


def render_print(model: Model, root: Path) -> list[PrintJob]:
    """Every handout (language x topic x paper) as an HTML document with its fonts and cache key."""
    folder = root / "print"
    env = make_environment(folder / "templates", html=True)
    css_files = sorted((folder / "css").glob("*.css"))
    base_url = folder.resolve().as_uri() + "/"
    jobs: list[PrintJob] = []
    for toolkit in model.toolkits:
        families = job_families(toolkit)
        faces = [face for family in families for face in family_faces(family, folder / "fonts")]
        font_paths = tuple(dict.fromkeys(str(face.path) for face in faces))
        for topic in HANDOUTS:
            template = env.get_template(f"{topic}.html.j2")
            for paper in PAPERS:
                html = template.render(
                    toolkit=toolkit, handout=topic, paper=paper, font_faces=faces, font_families=families,
                )
                jobs.append(PrintJob(
                    path=handout_path(toolkit, topic, paper),
                    html=html,
                    base_url=base_url,
                    lang=toolkit.locale.tag,
                    fonts=font_paths,
                    key=job_key(html, css_files, (Path(p) for p in font_paths)),
                ))
    return jobs


# --- Glyph coverage -------------------------------------------------------------------------------


class _VisibleText(html.parser.HTMLParser):
    """Collects the text a reader sees (the body's text nodes) and the stylesheets the page uses."""

    SKIP = frozenset({"head", "style", "script", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.styles: list[str] = []
        self.links: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter an element; remember stylesheet links and elements whose text is not shown."""
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").lower() == "stylesheet" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in self.SKIP:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        """Leave an element."""
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        """Keep shown text; keep style sheets apart (their `content:` strings are shown too)."""
        if self._skip and self._skip[-1] == "style":
            self.styles.append(data)
        elif not self._skip:
            self.texts.append(data)


# `content: "..."` and `list-style-type: "..."` strings of a style sheet: generated text the reader sees too.
CSS_CONTENT = re.compile(r"""(?:content|list-style(?:-type)?)\s*:([^;}]*)""")
CSS_STRING = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")


def _css_strings(css: str) -> list[str]:
    """The literal strings of a style sheet's `content:` and list marker declarations, escapes decoded."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    strings = []
    for declaration in CSS_CONTENT.findall(css):
        for double, single in CSS_STRING.findall(declaration):
            raw = double or single
            strings.append(CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], raw))
    return strings


@cache
def font_coverage(path: str) -> frozenset[int]:
    """The code points a font file maps to glyphs (its cmap)."""
    if Path(path).suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap() or {})


def ignorable(char: str) -> bool:
    """Whitespace and invisible controls (bidi isolates, joiners, soft hyphen) need no glyph."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn")


def _linked_css(job: PrintJob, hrefs: list[str]) -> list[str]:
    """The text of the job's local stylesheets (file:// URLs, relative to its base URL)."""
    sheets = []
    for href in hrefs:
        url = urlparse(urljoin(job.base_url, href))
        path = Path(unquote(url.path))
        if url.scheme in ("", "file") and path.is_file():
            sheets.append(path.read_text(encoding="utf-8"))
    return sheets


def missing_glyphs(job: PrintJob, snippets: int = 3) -> dict[str, list[str]]:
    """Characters of the job's visible text that no font of the job covers, each with a few contexts."""
    parser = _VisibleText()
    parser.feed(job.html)
    parser.close()
    texts = list(parser.texts)
    for sheet in parser.styles + _linked_css(job, parser.links):
        texts.extend(_css_strings(sheet))
    covered: set[int] = set()
    for font in job.fonts:
        covered |= font_coverage(font)
    missing: dict[str, list[str]] = {}
    for text in texts:
        for index, char in enumerate(text):
            if ord(char) in covered or ignorable(char):
                continue
            contexts = missing.setdefault(char, [])
            context = " ".join(text[max(0, index - 20): index + 21].split())
            if len(contexts) < snippets and context not in contexts:
                contexts.append(context)
    return missing
