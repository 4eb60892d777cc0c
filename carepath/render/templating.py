"""The Jinja2 environment shared by the site and print renderers, with the toolkit's filters."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from carepath import formatting
from carepath.compiled import CompiledTemplates
from carepath.markup import converter, render
from carepath.model import LocalizedToolkit, Text


def _toolkit(ctx: Context) -> LocalizedToolkit:
    """The toolkit being rendered, which every template receives as `toolkit`."""
    return ctx["toolkit"]


def direction_of(toolkit: LocalizedToolkit, lang: str) -> str:
    """The writing direction of a language the page may contain: its own or the source's."""
    return toolkit.locale.direction if lang == toolkit.locale.tag else toolkit.source.direction


# Characters that mean something to Markdown or HTML: written as character references, they are only text.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|&~^=:\"'$%")


def text_direction(value: object) -> str:
    """'rtl' or 'ltr' by a text's first letter of a strong direction (HTML's dir=auto, which WeasyPrint lacks)."""
    for char in str(value):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def plain_text(value: object) -> str:
    """Text for a Markdown page that Markdown and HTML both read as text only: no link, no code, no tag."""
    return "".join(f"&#{ord(c)};" if c in MARKDOWN_SPECIAL else c for c in str(value))


def review_text(toolkit: LocalizedToolkit, file: str) -> Text | None:
    """'Last reviewed DATE · Next review due DATE' of a text file (steps.yml, pages/about.md), or None."""
    dates = toolkit.review_dates.get(file)
    if dates is None:
        return None
    tag = toolkit.locale.tag
    last, due = (formatting.long_date(d, tag) if d else None for d in dates)
    return toolkit.ui("review.dates", date=last, next=due) if due else toolkit.ui("review.last", date=last)


_converters = threading.local()  # a Markdown converter is not safe to share between threads (serve builds in one)


@functools.lru_cache(maxsize=16384)
def inline_html(value: str) -> Markup:
    """A writer's text (inline Markdown: no block extensions) as HTML, converted once per process: the same texts
    come back in every document of a language, and in every build `serve` or a test session runs."""
    inline = getattr(_converters, "inline", None)
    if inline is None:
        inline = _converters.inline = converter({"markdown_extensions": ["attr_list"]})
    return Markup(render(inline, value).removeprefix("<p>").removesuffix("</p>"))


def make_environment(folders: Sequence[Path], html: bool) -> Environment:
    """An environment for templates in `folders` (a template in the first that has it: the toolkit's, then
    carepath's); `html` for HTML output, else Markdown output."""
    # Sandboxed: a toolkit may override templates, and templates are untrusted input like any content
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(folder) for folder in folders]),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=CompiledTemplates(),  # each build makes this environment anew: compile each template once
    )
    def render_value(value: Any) -> str | Markup:
        """Writers' text is inline Markdown: HTML output converts it, Markdown output keeps it."""
        return inline_html(str(value)) if html else str(value)

    @pass_context
    def t(ctx: Context, text: Text | str | None) -> str | Markup:
        """Text in the page's language as is; fallback text marked with its own lang and dir."""
        if text is None:
            return ""
        if not isinstance(text, Text):
            return escape(text) if html else str(text)
        toolkit = _toolkit(ctx)
        value = render_value(text.value)
        if text.lang == toolkit.locale.tag:
            return value
        lang, direction = text.lang, direction_of(toolkit, text.lang)
        if html:
            return Markup('<span lang="{}" dir="{}">{}</span>').format(lang, direction, value)
        return f'<span lang="{lang}" dir="{direction}">{value}</span>'

    def items(text: Text | None) -> list[Text]:
        """A list-valued text as one Text per item, each keeping the list's language."""
        if text is None:
            return []
        values = text.value if isinstance(text.value, list) else [text.value]
        return [Text(v, text.lang) for v in values]

    @pass_context
    def ui(ctx: Context, key: str, **values: object) -> Text:
        """An interface string of the page's language (falling back to English)."""
        return _toolkit(ctx).ui(key, **values)

    @pass_context
    def date(ctx: Context, value: dt.date) -> str:
        """A date in the page's language."""
        return formatting.long_date(value, _toolkit(ctx).locale.tag)

    @pass_context
    def days(ctx: Context, value: tuple[str, ...]) -> str:
        """Days of the week in the page's language."""
        return formatting.day_names(value, _toolkit(ctx).locale.tag)

    @pass_context
    def time(ctx: Context, value: str) -> str:
        """A time of day in the page's language."""
        return formatting.time_of_day(value, _toolkit(ctx).locale.tag)

    @pass_context
    def language_name(ctx: Context, code: str) -> str:
        """A language's name in the page's language."""
        return formatting.language_name(code, _toolkit(ctx).locale.tag)

    env.filters.update(
        t=t, items=items, plain=plain_text if not html else escape, date=date, days=days, time=time,
        language_name=language_name, direction=text_direction,
    )
    @pass_context
    def review_line(ctx: Context, file: str) -> Text | None:
        """'Last reviewed DATE · Next review due DATE' of a text file, or None."""
        return review_text(_toolkit(ctx), file)

    @pass_context
    def review_footer(ctx: Context, file: str) -> Text | None:
        """The same, short, for a page footer: 'Reviewed Nov 1, 2026, next Nov 1, 2027', or None."""
        toolkit = _toolkit(ctx)
        dates = toolkit.review_dates.get(file)
        if dates is None or dates[1] is None:
            return None
        tag = toolkit.locale.tag
        # Arabic's medium date is all digits (01/11/2026): its long one is as short and reads unambiguously
        short = formatting.long_date if toolkit.locale.direction == "rtl" else formatting.medium_date
        return toolkit.ui("footer.review", date=short(dates[0], tag), next=short(dates[1], tag))

    env.globals.update(ui=ui, review_line=review_line, review_footer=review_footer)
    env.tests["including"] = lambda values, item: item in values
    return env
