"""The one way writers' Markdown becomes HTML: the extensions, and the allow-list its output is cleaned against.

The check, the website (through the MkDocs hook) and the print kit all use what is here, so a page the
check accepts renders the same everywhere, and anything the check missed is removed before a reader sees it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import markdown
import nh3

# MkDocs always adds these three; every other extension comes from mkdocs.yml.
MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")
# Extensions a toolkit may switch on in mkdocs.yml. Left out on purpose: pymdownx.snippets (reads any file),
# pymdownx.emoji and superfences (take Python callables), tabbed and tasklist (need form controls), and
# anything not installed with carepath.
ALLOWED_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "sane_lists",
    "smarty", "tables", "toc", "pymdownx.betterem", "pymdownx.caret", "pymdownx.details", "pymdownx.mark",
    "pymdownx.smartsymbols", "pymdownx.tilde",
})
# Options carepath decides whatever mkdocs.yml says: table alignment as an attribute, not a style.
FORCED_OPTIONS: dict[str, dict[str, Any]] = {"tables": {"use_align_attribute": True}}
# Options a toolkit may set per extension (anything else could name Python code or read files), each with the
# kind of value it takes: Python-Markdown fails on any other (int('x'), a number where it joins text...).
OPTION_KINDS: dict[str, dict[str, str]] = {
    "toc": {"permalink": "bool_or_text", "permalink_title": "text", "toc_depth": "depth", "title": "text",
            "baselevel": "level", "anchorlink": "bool"},
    "smarty": {"smart_dashes": "bool", "smart_quotes": "bool", "smart_angled_quotes": "bool",
               "smart_ellipses": "bool"},
    "footnotes": {"BACKLINK_TEXT": "text", "SUPERSCRIPT_TEXT": "text", "BACKLINK_TITLE": "text", "SEPARATOR": "text"},
}
ALLOWED_OPTIONS: dict[str, frozenset[str]] = {name: frozenset(kinds) for name, kinds in OPTION_KINDS.items()}
# The values of each kind, as words for the check's message.
KIND_NAMES = {"bool": "true or false", "text": "text", "bool_or_text": "true, false or text",
              "level": "a heading level from 1 to 6", "depth": "a heading level from 1 to 6, or a range such as 2-4"}
LEVELS = re.compile(r"^[1-6](-[1-6])?$")


def option_ok(name: str, option: str, value: object) -> bool:
    """Whether an option of an allowed extension has a value of the kind Python-Markdown takes for it."""
    kind = OPTION_KINDS.get(name, {}).get(option)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if kind == "bool_or_text":
        return isinstance(value, bool | str)
    if kind == "level":
        return whole and 1 <= int(str(value)) <= 6
    if kind == "depth":
        return (whole and 1 <= int(str(value)) <= 6) or (isinstance(value, str) and bool(LEVELS.match(value)))
    return False

# Elements a toolkit's text may contain. Nothing that runs code, loads another document, takes input,
# carries styles or is read as raw text by browsers (script, style, noscript, xmp, template, svg...).
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var", "wbr",
})
# Their contents go too, not only the tags: a removed <script> must not leave its code as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "xmp", "iframe", "object",
                                  "noembed", "noframes", "textarea", "title", "svg", "math", "select"})
GLOBAL_ATTRIBUTES = frozenset({"id", "lang", "dir", "title", "role", "aria-label", "aria-hidden",
                               "aria-describedby", "aria-labelledby", "hidden"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "type", "download"}),
    # what the services page's finder filters on (carepath.render.directory.finder_data)
    "div": frozenset({f"data-cp-{name}" for name in (
        "languages", "cost", "access", "accessibility", "ages", "closed", "status", "hours")}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    "abbr": frozenset({"title"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "sup": frozenset({"id"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "sms", "geo", "data"})
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|avif)[;,]", re.I)
# Classes a text may carry: admonitions, footnotes, and carepath's own page classes. Not the theme's
# (md-*), some of which are fixed on screen and could lay a fake number over the emergency banner.
ADMONITION_KINDS = ("note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
                    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention",
                    "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite")
CAREPATH_CLASSES = ("cp-step", "cp-principle-label", "cp-decision", "cp-urgency", "cp-service", "cp-verified",
                    "cp-red-flags", "cp-ages", "cp-print-kit", "cp-print__link", "cp-notice",
                    *(f"cp-principle-{p}" for p in ("prepare", "look", "listen", "link")),
                    *(f"cp-urgency-{u}" for u in ("now", "today", "soon", "routine", "emergency", "urgent")),
                    # the resident's path: call buttons, the home page's panel and tasks, the self-help box
                    "cp-calls", "cp-calls--big", "cp-calls--crisis", "cp-call", "cp-call__main", "cp-call__sub",
                    "cp-call__open", *(f"cp-call--{k}" for k in ("emergency", "crisis", "service", "text")),
                    "cp-hours", "cp-visually-hidden", "cp-help-now", "cp-self-help", "cp-tasks", "cp-task",
                    "cp-task__title", "cp-task__text", *(f"cp-task--{t}" for t in ("signs", "steps", "services")),
                    # icons of the kinds of signs, urgency tags, referral questions and the services page
                    "cp-kind", *(f"cp-kind-{k}" for k in ("feelings", "body", "behaviour", "thinking")),
                    "cp-urgency-tag", *(f"cp-urgency-tag--{u}" for u in ("emergency", "urgent", "routine")),
                    "cp-question", "cp-referral-service", "cp-referral-service__name", "cp-summary",
                    "cp-summary__list", "cp-summary__row", "cp-summary__row--emergency", "cp-summary__need",
                    "cp-summary__who", "cp-summary__service", "cp-summary__name",
                    # the directory: a service's status and alert, the report link
                    "cp-status", "cp-alert", "cp-report", "cp-report__link")
BLOCK_CLASSES = frozenset({"admonition", *ADMONITION_KINDS, "footnote", "footnote-ref", "footnote-backref",
                           "admonition-title", "toclink", "headerlink", *CAREPATH_CLASSES})
CLASS_TAGS = ("div", "p", "span", "a", "ul", "ol", "li", "details", "summary", "sup", "table", "hr", "h1", "h2",
              "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote")
# Ids the theme and carepath give their own elements (__drawer, __search, __config...): a heading or
# attribute must not take one and change how the page behaves.
RESERVED_ID = re.compile(r"^(__|md-|cp-)", re.I)


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """Drop what the allow-list alone cannot see: theme ids, data: links, non-image data: sources."""
    if name == "id" and RESERVED_ID.match(value):
        return None
    if name in ("href", "src", "cite") and value.strip().lower().startswith("data:"):
        return value if tag == "img" and name == "src" and SAFE_DATA_IMAGE.match(value.strip()) else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    """The sanitizer, built once: nh3 (Rust's ammonia) against carepath's allow-list."""
    attributes = {"*": set(GLOBAL_ATTRIBUTES), **{tag: set(names) for tag, names in TAG_ATTRIBUTES.items()}}
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes=set(URL_SCHEMES),
        allowed_classes={tag: set(BLOCK_CLASSES) for tag in CLASS_TAGS},
    )


def sanitize(fragment: str) -> str:
    """An HTML fragment with everything outside the allow-list removed (tags, attributes, schemes, classes)."""
    return _cleaner().clean(fragment)


def escape(text: object) -> str:
    """Plain text made safe for HTML text and attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


# Double escapes, where the theme escapes a string carepath already escaped: one level is enough.
DOUBLE_ESCAPED = re.compile(r"&amp;(amp|lt|gt|quot|#x27|#39);")


def undouble(page: str) -> str:
    """Collapse `&amp;lt;` and the like back to `&lt;`: still escaped, read once."""
    return DOUBLE_ESCAPED.sub(r"&\1;", page)


def extension_entries(config: dict[str, Any]) -> list[tuple[str, dict[str, Any], int]]:
    """The markdown_extensions of mkdocs.yml as (name, options, index in the list), as written."""
    entries: list[tuple[str, dict[str, Any], int]] = []
    listed = config.get("markdown_extensions")
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(entry, str):
            entries.append((entry, {}, index))
        elif isinstance(entry, dict) and len(entry) == 1:
            name, options = next(iter(entry.items()))
            entries.append((str(name), options if isinstance(options, dict) else {}, index))
    return entries


def extensions(config: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions and options the site, the print kit and the check all use.

    MkDocs' own three, then those of mkdocs.yml that are allowed, with only allowed options; what is not
    allowed is reported by the check and left out here.
    """
    names = list(MKDOCS_EXTENSIONS)
    options: dict[str, dict[str, Any]] = {}
    for name, given, _ in extension_entries(config):
        if name not in ALLOWED_EXTENSIONS:
            continue
        if name not in names:
            names.append(name)
        kept = {k: v for k, v in given.items() if option_ok(name, str(k), v)}
        if kept:
            options[name] = {**options.get(name, {}), **kept}
    for name, forced in FORCED_OPTIONS.items():
        options[name] = {**options.get(name, {}), **forced}
    return names, options


def converter(config: dict[str, Any], more: Iterable[Any] = ()) -> markdown.Markdown:
    """A Markdown converter with the toolkit's extensions (and `more`, e.g. the booklet's link rewriting)."""
    names, options = extensions(config)
    extra = list(more)
    # an instance given in `more` replaces the extension of the same name (e.g. toc with a slugify)
    replaced = {type(e).__module__.rsplit(".", 1)[-1] for e in extra}
    return markdown.Markdown(
        extensions=[*(n for n in names if n not in replaced), *extra],
        extension_configs={k: v for k, v in options.items() if k not in replaced},
    )


def render(md: markdown.Markdown, text: str) -> str:
    """Markdown to clean HTML with a converter from `converter()`."""
    md.reset()
    return sanitize(md.convert(text))


def mkdocs_extensions(config: dict[str, Any]) -> list[Any]:
    """The markdown_extensions entry carepath hands MkDocs: the allowed ones with their kept options."""
    names, options = extensions(config)
    return [{name: options[name]} if name in options else name for name in names]
