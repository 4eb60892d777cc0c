"""Render stage (print): the print kit of every language as HTML documents for WeasyPrint.

Per language and paper size: one handout per topic, the booklet of the whole toolkit and a sheet of pocket
cards. It reads templates, stylesheets and fonts, and writes nothing but its own cache: the documents of the last
few toolkits it rendered, under a key over everything they are made from, so that a build with nothing changed
does not render them again (PrintMemo). carepath.write.pdf makes the PDFs.
"""

from __future__ import annotations

import functools
import hashlib
import html
import html.parser
import json
import os
import pickle
import re
import stat
import sys
import xml.etree.ElementTree as etree
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlparse

import markdown
import segno
from jinja2 import pass_context
from jinja2.runtime import Context
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from carepath import formatting
from carepath.files import cache_folder, publishable, write_whole
from carepath.fonts import (
    FAMILY_NAME,
    FontCatalog,
    FontFace,
    file_digest,
    install_hint,
    language_families,
)
from carepath.layers import Layers, toolkit_layers
from carepath.layout import (
    CHANGELOG_PAGE,
    HANDOUTS,
    PAPERS,
    PRINT_FOLDER,
    TOPIC_FILES,
    booklet_path,
    cards_path,
    handout_path,
    loaded_by_print,
    locale_prefix,
    sources_page,
)
from carepath.markup import converter, render
from carepath.model import LocalizedToolkit, Model, Page, Service, Text
from carepath.render.directory import service_facts
from carepath.render.jobs import PrintJob, PrintJobs
from carepath.render.templating import make_environment
from carepath.versions import carepath_digest, pdf_engine

# Bump when the way carepath turns HTML into a PDF changes, so that cached PDFs are not reused.
# 3: the sandboxed URL fetcher; PDFs cached before it may hold files from outside the toolkit.
PIPELINE_VERSION = "3"
NO_SITE_URL = (
    "no site_url in mkdocs.yml: the handouts and pocket cards are printed without QR codes; "
    "set site_url to the address the website is published at"
)


@dataclass(frozen=True)
class QrCode:
    """A QR code for a template: the address it opens and an inline SVG of it (data made by segno)."""

    url: str
    svg: Markup

    @property
    def display(self) -> str:
        """The address as people type it: no scheme, no final slash."""
        return re.sub(r"^https?://", "", self.url).rstrip("/")


class FontNotFound(Exception):
    """A language names a font family that neither print/fonts/ nor an installed fontpkg package has."""


def family_faces(family: str, fonts: FontCatalog | Path) -> tuple[FontFace, ...]:
    """Every font file of `family` in the build's catalog (or one over a print/fonts/ folder): print/fonts/
    first, else an installed font package (fontpkg, justmytype)."""
    if not FAMILY_NAME.match(family):
        raise FontNotFound(f"font family name {family!r} may hold only letters, digits, spaces, '-' and '.'")
    catalog = fonts if isinstance(fonts, FontCatalog) else FontCatalog(fonts)
    faces = catalog.faces(family)  # the check named a missing family, with its pip line
    if faces is None:
        raise FontNotFound(f"font family {family!r} is not installed: {install_hint(family)}")
    return faces


def job_families(toolkit: LocalizedToolkit) -> list[str]:
    """Font families of a handout: its language's, then the source language's for text that fell back."""
    return language_families(toolkit.locale.fonts, toolkit.source.fonts)


def _print_files(prints: Layers) -> list[tuple[str, str]]:
    """servable_files of print/, the toolkit's files over carepath's: named print/... whichever layer has them,
    so that a PDF's key is the same whether a file is the toolkit's copy or carepath's own."""
    found: dict[str, str] = {}
    for folder in prints.folders:
        for name, sha in servable_files(folder, folder.parent):
            found.setdefault(f"print/{name.split('/', 1)[1]}", sha)
    return sorted(found.items())


def servable_files(folder: Path, root: Path) -> list[tuple[str, str]]:
    """What the sandboxed fetcher could serve from `folder`: (path from root, sha256) of each file.

    Regular files only, hidden ones and everything behind a symbolic link left out, as carepath.write.fetch
    does; read now, not cached, since `serve` rebuilds in the same process after a file changes.
    """
    if folder.is_symlink() or not folder.is_dir():
        return []
    found = []
    for base, dirs, files in os.walk(folder):  # os.walk does not follow links to folders
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            path = Path(base) / name
            if name.startswith(".") or not loaded_by_print(name) or not stat.S_ISREG(path.lstat().st_mode):
                continue
            found.append((path.relative_to(root).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return found


def job_key(html: str, files: Iterable[tuple[str, str]], font_digests: Iterable[str]) -> str:
    """A sha256 over everything that decides a PDF's bytes: the HTML, each file it may load, its fonts' bytes
    (their sha256, from font_digests), and the software that renders it (pdf_engine)."""
    digest = hashlib.sha256()
    for part in (f"carepath-print {PIPELINE_VERSION}", pdf_engine(), html):
        digest.update(part.encode("utf-8") + b"\0")
    for name, sha in files:  # (name, sha256) from servable_files, and the allow-list's folders with ""
        digest.update(name.encode("utf-8") + b"\0" + sha.encode("ascii") + b"\0")
    for font in font_digests:
        digest.update(font.encode("ascii") + b"\0")
    return digest.hexdigest()


# --- The memo: documents already rendered -------------------------------------------------------------------

MEMO_VERSION = "3"  # bump when what a memo holds changes
MEMO_KEEP = 8  # memos kept: the toolkits (and versions of them) built last
MEMO_SUFFIX = ".json.z"  # JSON, compressed with zlib (a tenth of the size: HTML repeats itself)
FONT_DIGESTS = "font-digests.json"  # sha256 of font files, by what identifies a version of a file


def default_memo_folder(root: Path) -> Path:
    """Where render_print keeps its memo: beside the PDF cache (CAREPATH_CACHE_DIR, else .carepath/cache/)."""
    return cache_folder(root) / "print"


@functools.cache
def _code_digest() -> str:
    """A sha256 over carepath's own files (code, data, schemas) and the installed distributions: the documents
    are a function of these too. Once per process."""
    digest = hashlib.sha256(f"{sys.version}\0{PIPELINE_VERSION}\0{MEMO_VERSION}\0{carepath_digest()}".encode())
    for entry in dict.fromkeys(sys.path):  # every installed library's name and version (its dist-info folder)
        try:
            names = sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info", ".egg-link")))
        except OSError:
            continue
        digest.update(f"{entry}\0{names}\0".encode())
    return digest.hexdigest()


def _file_identity(path: str) -> str:
    """What identifies one version of a file without reading it: replacing or rewriting it changes one of these."""
    info = os.stat(path)
    return f"{path}\0{info.st_dev}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"


def _tree_digest(folder: Path, contents: bool) -> str:
    """A sha256 over everything under `folder`, hidden files and symbolic links included: for the memo's key,
    not the sandbox (see servable_files). With `contents`, each file's bytes, links followed (what Jinja's
    loader reads); else each entry's name and kind, and each link's target."""
    digest = hashlib.sha256()
    seen: set[tuple[int, int]] = set()
    for base, dirs, files in os.walk(folder, followlinks=contents):
        info = os.stat(base)
        if (info.st_dev, info.st_ino) in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs.sort()
        for name in [*sorted(files), *dirs]:
            path = Path(base) / name
            where = path.relative_to(folder).as_posix().encode()
            try:
                if path.is_symlink() and not contents:
                    digest.update(b"L" + where + b"\0" + os.readlink(path).encode() + b"\0")
                elif path.is_file():
                    digest.update(b"F" + where + b"\0" + (
                        hashlib.sha256(path.read_bytes()).digest() if contents else b""))
                else:
                    digest.update(b"D" + where + b"\0")
            except OSError:
                digest.update(b"E" + where + b"\0")
    return digest.hexdigest()


class PrintMemo:
    """The documents render_print made from the same inputs before, and the sha256 of font files.

    A memo is a compressed JSON file named by a sha256 over everything the documents are made from (_memo_key); it
    is written whole or not at all, a damaged one is rendered again, and only the MEMO_KEEP used last are kept.
    The font digests are keyed by path, device, inode, size and modification and change times: a font file
    replaced or rewritten is read again.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def load(self, key: str) -> dict[str, Any] | None:
        """The memo of `key`, or None."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}{MEMO_SUFFIX}"
        try:
            data = json.loads(zlib.decompress(path.read_bytes()))
            os.utime(path)  # used: kept longer
        except (OSError, ValueError, zlib.error):
            return None
        return data if isinstance(data, dict) and data.get("key") == key else None

    def store(self, key: str, data: dict[str, Any]) -> None:
        """Keep `data` as the memo of `key`; forget the oldest. A cache: failing to write it is no error."""
        if self.folder is None:
            return
        try:
            text = json.dumps({**data, "key": key}, ensure_ascii=False)
            write_whole(self.folder / f"{key}{MEMO_SUFFIX}", zlib.compress(text.encode("utf-8"), 1))
            memos = sorted(self.folder.glob(f"*{MEMO_SUFFIX}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in memos[MEMO_KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass

    def font_digests(self, paths: Iterable[str]) -> dict[str, str]:
        """The sha256 of each font file, read only for a version of a file not seen before."""
        known: dict[str, str] = {}
        file = self.folder / FONT_DIGESTS if self.folder is not None else None
        if file is not None:
            try:
                loaded = json.loads(file.read_text(encoding="utf-8"))
                known = {k: v for k, v in loaded.items() if isinstance(v, str)} if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                pass
        found: dict[str, str] = {}
        new = False
        for path in dict.fromkeys(paths):
            identity = _file_identity(path)
            if identity not in known:
                known[identity], new = file_digest(Path(path)), True
            found[path] = known[identity]
        if new and file is not None:
            live = set(map(_file_identity, found))  # and those of other toolkits, while they still exist
            for identity in list(known):
                if identity not in live and not _still(identity):
                    del known[identity]
            try:
                write_whole(file, json.dumps(known, sort_keys=True).encode("utf-8"))
            except OSError:
                pass
        return found


def _still(identity: str) -> bool:
    """Whether the file a font digest was recorded for is still that version."""
    try:
        return _file_identity(identity.split("\0", 1)[0]) == identity
    except OSError:
        return False


# --- QR codes and web addresses -------------------------------------------------------------------


def checked_site_url(site_url: str | None) -> tuple[str | None, list[str]]:
    """The site's address ending in '/', or None and a warning when QR codes cannot be made."""
    if not site_url:
        return None, [NO_SITE_URL]
    parsed = urlparse(site_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None, [f"site_url {site_url!r} is not an http(s) address: the PDFs are printed without QR codes"]
    return site_url.rstrip("/") + "/", []


def page_url(site_url: str, toolkit: LocalizedToolkit, file: str | None = None) -> str:
    """The address of a web page in the toolkit's language; without `file`, its home page."""
    return f"{site_url}{locale_prefix(toolkit)}{f'{file}.html' if file else ''}"


@functools.lru_cache(maxsize=256)
def qr_code(url: str) -> QrCode:
    """A QR code of `url` as inline SVG: medium error correction survives a worn or smudged print.

    Made once per address (the A4 and Letter versions of a handout share one): segno takes a while per code.
    """
    code = segno.make(url, error="m", boost_error=False)
    # The <title> becomes the figure's alternative text in the tagged PDF; the size comes from print.css.
    svg = code.svg_inline(scale=1, border=4, omitsize=True, title=url, svgclass="cp-qr-code", lineclass=None)
    return QrCode(url, Markup(svg))


# --- Typography -----------------------------------------------------------------------------------

# Quotation marks per language: CLDR's delimiters (quotationStart/End, alternateQuotationStart/End), which
# Babel does not ship. A language not listed takes CLDR's root: “ ” and ‘ ’.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "root": ("“", "”", "‘", "’"),
    "ar": ("”", "“", "’", "‘"), "fa": ("«", "»", "‹", "›"), "ur": ("”", "“", "’", "‘"), "he": ("”", "”", "’", "’"),
    "es": ("«", "»", "“", "”"), "fr": ("«", "»", "«", "»"), "it": ("«", "»", "“", "”"), "pt-PT": ("«", "»", "“", "”"),
    "ru": ("«", "»", "„", "“"), "uk": ("«", "»", "„", "“"), "el": ("«", "»", "“", "”"), "am": ("«", "»", "‹", "›"),
    "nb": ("«", "»", "‘", "’"), "no": ("«", "»", "‘", "’"), "pl": ("„", "”", "«", "»"), "ro": ("„", "”", "«", "»"),
    "de": ("„", "“", "‚", "‘"), "cs": ("„", "“", "‚", "‘"), "sk": ("„", "“", "‚", "‘"), "bg": ("„", "“", "„", "“"),
    "hu": ("„", "”", "»", "«"), "hr": ("„", "”", "‘", "’"), "nl": ("‘", "’", "“", "”"), "sv": ("”", "”", "’", "’"),
    "fi": ("”", "”", "’", "’"), "ja": ("「", "」", "『", "』"), "zh-Hant": ("「", "」", "『", "』"),
}
# Where text is not prose: left as written.
VERBATIM = frozenset({"head", "style", "script", "svg", "code", "pre", "kbd", "samp", "title"})
# Elements that end a run of text: a quotation mark after one opens.
BLOCKS = frozenset({"p", "li", "div", "td", "th", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "aside",
                    "header", "footer", "blockquote", "ul", "ol", "table", "tr", "nav", "main", "figcaption"})
MARKUP = re.compile(r"<!--.*?-->|<!DOCTYPE[^>]*>|<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>", re.S | re.I)
OPENS_AFTER = frozenset(" \t\n\u00a0([{\u2014\u2013-/\u201c\u2018\u00ab\u2039\u201e\u201a\u00bf\u00a1")


def quote_marks(tag: str) -> tuple[str, str, str, str]:
    """The language's quotation marks: opening, closing, and the alternate pair for a quotation inside one."""
    language = tag.split("-")[0]
    return QUOTES.get(tag) or QUOTES.get(language) or QUOTES["root"]


def _typeset(text: str, marks: tuple[str, str, str, str], state: list[str]) -> str:
    """Straight quotes and apostrophes of plain text as typographic ones.

    `state`: [the character before the text, "1" while a single quotation is open], carried from piece to piece.
    """
    opening, closing, alt_opening, alt_closing = marks
    previous, single = state
    out = []
    for char in text:
        if char == '"':
            char = opening if previous in OPENS_AFTER else closing
        elif char == "'":
            if previous in OPENS_AFTER:
                char, single = alt_opening, "1"
            elif single:
                char, single = alt_closing, ""
            else:
                char = "\u2019"  # an apostrophe: it's, adults'
        out.append(char)
        previous = char
    state[:] = [previous, single]
    return "".join(out)


def smart_quotes(document: str, tag: str, inner: bool = False) -> str:
    """HTML whose text (not its tags, styles, code or SVG) has the language's quotation marks and apostrophes.

    `inner`: the text is itself inside a quotation, so double quotes take the alternate marks.
    """
    marks = quote_marks(tag)
    if inner:
        marks = (marks[2], marks[3], marks[2], marks[3])
    out: list[str] = []
    skip: list[str] = []
    state = [" ", ""]
    position = 0

    def text(part: str) -> None:
        """Add a piece of text between tags, typeset unless it is verbatim."""
        if skip:
            out.append(part)
        elif '"' not in part and "'" not in part and "&#3" not in part and "&quot;" not in part:
            out.append(part)
            if part:
                state[0] = part[-1]
        else:
            out.append(escape_text(_typeset(html.unescape(part), marks, state)))

    for match in MARKUP.finditer(document):
        text(document[position:match.start()])
        out.append(match.group(0))
        position = match.end()
        closing, name, self_closing = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if closing and skip and skip[-1] == name:
            skip.pop()
        elif name in VERBATIM and not closing and not self_closing:
            skip.append(name)
        if name in BLOCKS:
            state[:] = [" ", ""]
    text(document[position:])
    return "".join(out)


def escape_text(part: str) -> str:
    """Characters as HTML text (quotes need no escaping outside attributes)."""
    return part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Free pages in the booklet ----------------------------------------------------------------------


def chapter_id(name: str) -> str:
    """The booklet's anchor of a chapter: a topic's page file (e.g. first-support) or a free page's name."""
    return f"chapter-{name}"


class _BookletLinks(Treeprocessor):
    """Points links between pages at the booklet's chapters; other relative links at the website."""

    def __init__(self, md: markdown.Markdown, page: str, chapters: set[str], online: str | None) -> None:
        super().__init__(md)
        self.page, self.chapters, self.online = page, chapters, online

    def run(self, root: etree.Element) -> None:
        """Rewrite every <a href> of the page."""
        for link in root.iter("a"):
            href = link.get("href")
            url = urlparse(href or "")
            if href is None or url.scheme or url.netloc:
                continue  # https:, mailto:, tel: work in print as they are
            name = url.path.removeprefix("./").removesuffix(".md") if url.path.endswith(".md") else url.path
            if not url.path:  # an anchor of this page
                link.set("href", f"#{self.page}-{url.fragment}" if url.fragment else "#")
            elif name in self.chapters:
                target = f"{name}-{url.fragment}" if url.fragment else chapter_id(name)
                link.set("href", f"#{target}")
            elif self.online:
                link.set("href", urljoin(self.online, f"{name}.html" if url.path.endswith(".md") else href))
            else:
                link.attrib.pop("href")  # a file of the website the PDF cannot reach


class _BookletLinksExtension(Extension):
    """Registers _BookletLinks after the inline patterns have made the links."""

    def __init__(self, page: str, chapters: set[str], online: str | None) -> None:
        super().__init__()
        self.page, self.chapters, self.online = page, chapters, online

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # the name is Markdown's API
        """Add the tree processor."""
        md.treeprocessors.register(_BookletLinks(md, self.page, self.chapters, self.online), "cp-links", 5)


# What WeasyPrint draws (through Pillow): a free page's picture in another format is left out, with a warning.
PRINTABLE_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
IMG_TAG = re.compile(r"<img\b[^>]*>")
IMG_SRC = re.compile(r'\ssrc="([^"]*)"')
IMG_ALT = re.compile(r'\salt="([^"]*)"')
SCHEME_OR_HOST = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9.+-]*:|//)")


@dataclass(frozen=True)
class PageImages:
    """Where the booklet finds a free page's pictures: the page folders the website serves them from, in order.

    `folders`: content/<language>/pages/ of the booklet's language, then the source language's (as the website
    copies them); `print_dir`: the print/ folder, which the PDF's relative addresses start from. Inline
    (data:) pictures need nothing: the sanitizer kept only raster ones, and the sandbox serves them.
    """

    folders: tuple[Path, ...]
    print_dir: Path

    def locate(self, src: str) -> tuple[str | None, str]:
        """Where the PDF loads a picture from (relative to print/); None and why when it cannot print the file.

        None and no reason: not a picture beside the pages (a web address, a missing file). It is left as it
        is: `check` names it, and the sandbox refuses it if it ever reaches the renderer.
        """
        if SCHEME_OR_HOST.match(src):
            return None, ""
        path = unquote(src.split("#")[0].split("?")[0]).removeprefix("./")
        if not path or path.startswith("/"):
            return None, ""
        for folder in self.folders:
            target = Path(os.path.normpath(folder / path))
            if not target.is_relative_to(folder) or not (target.exists() or target.is_symlink()):
                continue
            if not publishable(target, folder):
                return None, "the website does not publish this file either: see `python build.py check`"
            if target.suffix.lower() not in PRINTABLE_IMAGES:
                return None, f"a {target.suffix.lstrip('.').upper()} file is not a picture a PDF can show"
            return quote(os.path.relpath(target, self.print_dir).replace(os.sep, "/")), ""
        return None, ""


def _print_images(body: str, page: Page, images: PageImages, warnings: list[str]) -> str:
    """A page's <img> pointed at their files for the PDF; one that cannot be printed becomes its description."""
    def replace(match: re.Match[str]) -> str:
        """One image, located or replaced."""
        tag = match.group(0)
        src = IMG_SRC.search(tag)
        alt = IMG_ALT.search(tag)
        if src is None:
            return ""
        url, why = images.locate(html.unescape(src.group(1)))
        if url is not None:
            return tag[:src.start()] + f' src="{escape(url)}"' + tag[src.end():]
        if not why:
            return tag
        warnings.append(
            f"content/{page.lang}/pages/{page.name}.md: the image '{html.unescape(src.group(1))}' is left out of "
            f"the booklet ({why}); the booklet prints its description instead"
        )
        return f"<em>{alt.group(1)}</em>" if alt and alt.group(1).strip() else ""

    return IMG_TAG.sub(replace, body)


def page_body(
    page: Page, chapters: set[str], online: str | None, settings: dict[str, Any] | None = None,
    images: PageImages | None = None, warnings: list[str] | None = None,
) -> Markup:
    """A free page's Markdown body as clean HTML for the booklet, heading ids prefixed with the page's name.

    The same extensions as the website (mkdocs.yml's allowed ones) and the same allow-list afterwards. With
    `images`, each picture is loaded from the page folder the website serves it from; one that cannot be
    printed becomes its description (alt text) and a warning in `warnings`.
    """
    def slugify(value: str, separator: str) -> str:
        """Heading ids unique in the whole booklet, in any script."""
        return f"{page.name}-{slugify_unicode(value, separator)}"

    md = converter(settings or {}, [
        TocExtension(slugify=slugify, permalink=False), _BookletLinksExtension(page.name, chapters, online),
    ])
    body = render(md, page.body)
    if images is not None:
        body = _print_images(body, page, images, warnings if warnings is not None else [])
    return Markup(body)


def key_services(toolkit: LocalizedToolkit) -> list[Service]:
    """Services with a phone number, most urgent first: in the order the referral pathway names them."""
    named = [service for point in toolkit.pathways for service in point.services]
    ordered = {service.id: service for service in [*named, *toolkit.services] if service.phone}
    return list(ordered.values())


# --- Template helpers -------------------------------------------------------------------------------

# Where a value goes in an interface string while it is rendered: private-use characters, which no text has.
TOKEN = "\ue000{}\ue001"


@pass_context
def ui_with(ctx: Context, key: str, **parts: object) -> Markup:
    """An interface string with the template's own HTML in its placeholders (a phone link, a page number).

    The string is rendered and cleaned like any text first (`t`); the parts are put in afterwards, so the
    allow-list does not strip their classes. Parts that are not Markup are escaped.
    """
    tokens = {name: TOKEN.format(index) for index, name in enumerate(parts)}
    rendered = str(ctx.environment.filters["t"](ctx, ctx["toolkit"].ui(key, **tokens)))
    for name, token in tokens.items():
        rendered = rendered.replace(token, str(escape(parts[name])))
    return Markup(rendered)


def _rendered(ctx: Context, item: object) -> str:
    """A list item as HTML: a text through `t`, HTML as it is, anything else escaped."""
    if isinstance(item, Text):
        return str(ctx.environment.filters["t"](ctx, item))
    return str(escape(item))


@pass_context
def _list_of(ctx: Context, items: Iterable[object]) -> Markup:
    """Items joined the language's way (CLDR list patterns): 'Children and young people', 'الأطفال والشباب'."""
    return Markup(formatting.list_of([_rendered(ctx, item) for item in items], ctx["toolkit"].locale.tag))


@pass_context
def _semicolons(ctx: Context, items: Iterable[object]) -> Markup:
    """Items that hold commas of their own (opening hours), separated by the language's own semicolon."""
    return Markup(formatting.semicolon_list([_rendered(ctx, item) for item in items], ctx["toolkit"].locale.tag))


@pass_context
def _quoted(ctx: Context, value: object) -> Markup:
    """Words someone could say, between the language's quotation marks; quotes inside take the alternate ones."""
    opening, closing, _, _ = quote_marks(ctx["toolkit"].locale.tag)
    inner = smart_quotes(str(escape(value)), ctx["toolkit"].locale.tag, inner=True)
    return Markup(f"{opening}{inner}{closing}")


# --- Jobs -------------------------------------------------------------------------------------------


def render_print(
    model: Model, root: Path, site_url: str | None = None, settings: dict[str, Any] | None = None,
    fonts: FontCatalog | None = None, memo: Path | None = None,
) -> PrintJobs:
    """Every PDF of the print kit as an HTML document with its fonts and cache key, and warnings.

    Per language and paper: the handouts (HANDOUTS), the booklet and the pocket cards. With `site_url`
    (mkdocs.yml's), each has a QR code of the same page in the same language online; without, none
    and a warning. `memo`: the folder of the memo (PrintMemo), default_memo_folder(root) if None: documents
    made before from the same model, templates, files, fonts, settings, carepath and libraries are reused.
    """
    folder = root / "print"
    prints = toolkit_layers(root, "print")  # the toolkit's print/ files over carepath's
    catalog = fonts or FontCatalog(folder / "fonts")  # the build's, or one for this call: never a stale font
    # Real paths, so that the fetcher's "no symbolic link on the way" holds above the toolkit too; print/
    # itself is not resolved: if it is a link, the fetcher refuses everything under it.
    real_root = root.resolve()
    base_url = (real_root / "print").as_uri() + "/"
    # The files each allowed folder holds, read once per call: the cache key must follow every one.
    served: dict[str, list[tuple[str, str]]] = {}
    online, warnings = checked_site_url(site_url)
    plans: list[_Plan] = []
    for toolkit in model.toolkits:
        families = job_families(toolkit)
        faces = [face for family in families for face in family_faces(family, catalog)]
        # print/ (CSS, icons), the free pages' images in this language and the source language (pages that
        # fell back), and the exact font files: nothing else (carepath.write.fetch).
        page_langs = dict.fromkeys([toolkit.locale.tag, toolkit.source.tag, *(page.lang for page in toolkit.pages)])
        folders = (PRINT_FOLDER, *(f"content/{lang}/pages" for lang in page_langs))
        for name in folders:
            if name not in served:
                served[name] = [(f"{name}/", ""), *(_print_files(prints) if name == "print" else
                                                    servable_files(real_root / name, real_root))]
        plans.append(_Plan(toolkit, families, faces, folders))
    store = PrintMemo(memo or default_memo_folder(root))
    key = _memo_key(model, real_root, (site_url, online, list(warnings)), settings, plans, served, prints)
    digests = store.font_digests(path for plan in plans for path in plan.font_paths)
    remembered = store.load(key) if key else None
    if remembered is not None:
        try:
            return _jobs(_moved(remembered, real_root), base_url, served, digests)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a memo of another shape, or one whose documents name its old place: made again below
    documents = _documents(plans, prints, real_root, online, settings, warnings)
    jobs = _jobs(documents, base_url, served, digests)
    if key:
        store.store(key, documents)
    return jobs


def _moved(documents: dict[str, Any], root: Path) -> dict[str, Any]:
    """Remembered documents of the same toolkit in another folder (a copy, a CI runner's checkout) as made here: the
    files each PDF may load named under `root`. The HTML names none of them (pictures are relative to print/, fonts
    outside the toolkit are where they are); one that does (a font in print/fonts/ is named by its whole path, and
    is in the memo's key) is not reused: ValueError."""
    old = str(documents.get("root", root))
    if old == str(root):
        return documents

    def here(path: str) -> str:
        return str(root) + path[len(old):] if path == old or path.startswith(old + "/") else path

    jobs = []
    for job in documents["jobs"]:
        if old in str(job["html"]):
            raise ValueError("the documents name the folder they were made in")
        jobs.append({**job, "allowed": [here(str(p)) for p in job["allowed"]],
                     "fonts": [here(str(p)) for p in job["fonts"]],
                     "fallbacks": [[here(str(own)), builtin] for own, builtin in job["fallbacks"]]})
    return {**documents, "jobs": jobs, "root": str(root)}


def _jobs(
    documents: dict[str, Any], base_url: str, served: dict[str, list[tuple[str, str]]], digests: dict[str, str],
) -> PrintJobs:
    """The print jobs of rendered documents (_documents), each with its cache key over the files it may load
    (`served`, by folder) and its fonts' bytes (`digests`, by path)."""
    jobs = PrintJobs()
    for document in documents["jobs"]:
        html, fonts_used = str(document["html"]), tuple(map(str, document["fonts"]))
        files = [entry for name in document["folders"] for entry in served[name]]
        jobs.append(PrintJob(
            path=str(document["path"]), html=html, base_url=base_url, lang=str(document["lang"]), fonts=fonts_used,
            key=job_key(html, files, (digests[font] for font in fonts_used)), kind=str(document["kind"]),
            paper=str(document["paper"]), url=document["url"], allowed=tuple(map(str, document["allowed"])),
            fallbacks=tuple((str(own), str(builtin)) for own, builtin in document["fallbacks"]),
        ))
    jobs.warnings[:] = list(dict.fromkeys(map(str, documents["warnings"])))  # a page left untranslated: in 2 booklets
    return jobs


@dataclass(frozen=True)
class _Plan:
    """What the print kit of one language is made with: its fonts and the folders its PDFs may load from."""

    toolkit: LocalizedToolkit
    families: list[str]
    faces: list[FontFace]
    folders: tuple[str, ...]  # relative to the toolkit's root: print, content/<tag>/pages...

    @property
    def font_paths(self) -> tuple[str, ...]:
        """The font files, each once."""
        return tuple(dict.fromkeys(str(face.path) for face in self.faces))


def _memo_key(
    model: Model, root: Path, site: tuple[str | None, str | None, list[str]], settings: dict[str, Any] | None,
    plans: list[_Plan], served: dict[str, list[tuple[str, str]]], prints: Layers,
) -> str | None:
    """A sha256 over everything the documents are made from, or None when it cannot be made (no memo then).

    The model (every text and fact, pickled), the templates (print/templates/), what the free pages' folders hold
    (each file's sha256 from `served`, and every entry's name: a picture's place, kind and publishability decide
    the booklet's <img>), the font faces (by their whole path), the settings and site address, and carepath and its
    libraries (_code_digest). Not the toolkit's place: a copy of it reuses the documents (_moved). `site`:
    mkdocs.yml's site_url, the address used and the warnings about it.
    """
    try:
        digest = hashlib.sha256(_code_digest().encode())
        digest.update(pickle.dumps(model, protocol=5))
        digest.update(json.dumps([site, settings], sort_keys=True, default=repr).encode())
        for plan in plans:
            digest.update(json.dumps([plan.families, plan.folders, [
                (face.family, str(face.path), face.style, face.weight) for face in plan.faces
            ]]).encode())
        for folder in prints.sub("templates").folders:  # the toolkit's templates, then carepath's
            where = folder.relative_to(root) if folder.is_relative_to(root) else folder
            digest.update(f"templates\0{where}\0{_tree_digest(folder, contents=True)}\0".encode())
        for name in dict.fromkeys(name for plan in plans for name in plan.folders if name != "print"):
            digest.update(f"{name}\0{_tree_digest(root / name, contents=False)}\0{served[name]}\0".encode())
    except Exception:  # a model that does not pickle, a folder that cannot be read: render, without memo
        return None
    return digest.hexdigest()


def _documents(
    plans: list[_Plan], prints: Layers, real_root: Path, online: str | None, settings: dict[str, Any] | None,
    warnings: list[str],
) -> dict[str, Any]:
    """Render every document: {"jobs": [what each PrintJob holds but its key and base URL], "warnings": [...]}."""
    env = make_environment(prints.sub("templates").folders, html=True)
    # a file the toolkit's print/ lacks is loaded from carepath's, which the PDF may then load too
    builtin = f"{prints.builtin.resolve()}/" if prints.builtin is not None else None
    fallbacks = [(f"{real_root / 'print'}/", builtin)] if builtin else []
    env.globals.update(topic_files=TOPIC_FILES, chapter_id=chapter_id, ui_with=ui_with, changelog_page=CHANGELOG_PAGE)
    env.filters.update(list_of=_list_of, semicolons=_semicolons, quoted=_quoted,
                       facts=pass_context(lambda ctx, service: service_facts(ctx["toolkit"], service)))
    rendered: list[dict[str, Any]] = []
    for plan in plans:
        toolkit, font_paths = plan.toolkit, plan.font_paths
        home = page_url(online, toolkit) if online else None
        chapters = {*TOPIC_FILES.values(), *(page.name for page in toolkit.pages if page.name != CHANGELOG_PAGE)}
        documents: list[tuple[str, str, str, str | None, dict[str, object]]] = []
        for topic in HANDOUTS:
            url = page_url(online, toolkit, TOPIC_FILES[topic]) if online else None
            for paper in PAPERS:
                documents.append((handout_path(toolkit, topic, paper), "handout", f"{topic}.html.j2", url,
                                  {"handout": topic, "paper": paper}))
        images = PageImages(tuple(real_root / "content" / tag / "pages" for tag in dict.fromkeys(
            [toolkit.locale.tag, toolkit.source.tag])), real_root / "print")
        bodies = {page.name: page_body(page, chapters, home, settings, images, warnings) for page in toolkit.pages}
        services = key_services(toolkit)
        for paper in PAPERS:
            documents.append((booklet_path(toolkit, paper), "booklet", "booklet.html.j2", home,
                              {"paper": paper, "page_bodies": bodies, "services": services,
                               "sources_page": sources_page(page.name for page in toolkit.pages)}))
        for paper in PAPERS:
            documents.append((cards_path(toolkit, paper), "cards", "cards.html.j2", home,
                              {"paper": paper, "services": services}))
        for path, kind, template, url, context in documents:
            # only the booklet prints the free pages: the others may load print/'s files alone, and a picture
            # beside a page (or its text) changed is no reason to render them again
            folders = plan.folders if kind == "booklet" else (PRINT_FOLDER,)
            allowed = (*(f"{real_root / name}/" for name in folders), *([builtin] if builtin else []), *font_paths)
            html = smart_quotes(env.get_template(template).render(
                toolkit=toolkit, font_faces=plan.faces, font_families=plan.families,
                qr=qr_code(url) if url else None, **context,
            ), toolkit.locale.tag)
            rendered.append({
                "path": path, "html": html, "lang": toolkit.locale.tag, "fonts": list(font_paths), "kind": kind,
                "paper": str(context["paper"]), "url": url, "allowed": list(allowed), "folders": list(folders),
                "fallbacks": fallbacks,
            })
    return {"jobs": rendered, "warnings": list(warnings), "root": str(real_root)}
