"""Before a PDF is made: the characters of a print job's visible text (templates and CSS strings included)
that none of its fonts can draw. The gate checks the toolkit's own text (checks/glyphs.py); this also covers
what templates and style sheets add, read through the PDF's own sandbox."""

from __future__ import annotations

import html.parser
import re
from urllib.parse import urljoin

from carepath.fonts import font_coverage, ignorable
from carepath.render.jobs import PrintJob
from carepath.write import fetch
from carepath.write.fetch import ResourceRefused

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


def _linked_css(job: PrintJob, hrefs: list[str]) -> list[str]:
    """The text of the job's stylesheets, read through the PDF's own sandbox (what it may not load is skipped:
    rendering then fails on it with the reason)."""
    # imports WeasyPrint: only here, not with this module
    fetcher = fetch.SandboxFetcher(job.allowed, job.path, fallbacks=job.fallbacks)
    sheets = []
    for href in hrefs:
        try:
            response = fetcher.fetch(urljoin(job.base_url, href))
        except ResourceRefused:
            continue
        sheets.append(response.read().decode("utf-8", "replace"))
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
