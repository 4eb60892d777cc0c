"""Render stage (site): the toolkit in every language as MkDocs sources and configuration."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import material
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from carepath import formatting
from carepath.formatting import file_size, language_name, plural_category
from carepath.l10n.translation import LocaleStatus
from carepath.layers import Layers
from carepath.layout import (
    CHANGELOG_PAGE,
    HANDOUTS,
    HOME_PAGE,
    LUNR_LANGUAGES,
    PAPERS,
    PRINT_KIT_PAGE,
    STATUS_PAGE,
    TOPIC_FILES,
    booklet_path,
    cards_path,
    handout_path,
    locale_prefix,
    sources_page,
)
from carepath.markup import escape, mkdocs_extensions
from carepath.model import LocalizedToolkit, Model, Phone, Service, Text
from carepath.placeholders import fill
from carepath.render import directory
from carepath.render.templating import direction_of, make_environment, plain_text, review_text
from carepath.settings import DEFAULT_COLOUR, colour_ok, mix

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
HOOKS = Path(__file__).parents[1] / "write" / "hooks.py"
STYLESHEET = "assets/stylesheets/carepath.css"


@dataclass
class SiteSources:
    """What MkDocs needs: generated files (path -> text) and the configuration to build them with."""

    files: dict[str, str] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    nav: list[str] = field(default_factory=list)


def _text(toolkit: LocalizedToolkit, text: Text) -> dict[str, str]:
    """A Text as plain data for the theme templates, with its direction."""
    return {"value": str(text.value), "lang": text.lang, "dir": direction_of(toolkit, text.lang)}


MARK = "\x00"  # where a value goes in a text (a number, a link): the template puts its own HTML there
MARKED = re.compile(r"\x00(\w+)\x00")
# Runs of Latin letters and digits inside right-to-left text (A4, US Letter, PDF): isolated as left to right.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[ ./-][A-Za-z0-9]+)*")


def _link(toolkit: LocalizedToolkit, phone: Phone, name: str, scheme: str = "tel") -> dict[str, Any]:
    """A tel: or sms: link for the theme: the address, the number shown, and the words a screen reader says."""
    key = "services.call" if scheme == "tel" else "services.text"
    return {"href": f"{scheme}:{phone.e164}", "shown": phone.display,
            "label": _text(toolkit, toolkit.ui(key, name=name, phone=phone.display))}


def _segments(toolkit: LocalizedToolkit, key: str, links: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An interface string cut at its placeholders, which the theme fills with links: text and link parts."""
    text = toolkit.ui(key, **{name: f"{MARK}{name}{MARK}" for name in links})
    parts: list[dict[str, Any]] = []
    for index, piece in enumerate(MARKED.split(str(text.value))):
        if index % 2 and piece in links:
            parts.append({"link": links[piece]})
        elif piece and MARK not in piece:
            parts.append({"text": piece})
    return {**_text(toolkit, text), "parts": parts}


def latin_runs(toolkit: LocalizedToolkit, value: str) -> list[dict[str, Any]]:
    """A text as parts, with the Latin runs (A4, US Letter) marked left to right when the page is right to left."""
    if toolkit.locale.direction != "rtl":
        return [{"text": value, "ltr": False}]
    parts: list[dict[str, Any]] = []
    last = 0
    for match in LATIN_RUN.finditer(value):
        if match.start() > last:
            parts.append({"text": value[last:match.start()], "ltr": False})
        parts.append({"text": match.group(0), "ltr": True})
        last = match.end()
    if last < len(value):
        parts.append({"text": value[last:], "ltr": False})
    return parts


def banner(toolkit: LocalizedToolkit) -> dict[str, Any]:
    """The banner of every page: the emergency number, then the crisis line's, to call (and text) in one tap."""
    emergency = toolkit.emergency
    crisis = toolkit.crisis.service
    name = str(crisis.name.value)
    call = _link(toolkit, toolkit.crisis.phone, name)
    if crisis.sms is None:
        action = _segments(toolkit, "banner.call", {"phone": call})
    elif crisis.sms.e164 == toolkit.crisis.phone.e164:
        action = _segments(toolkit, "banner.call_or_text", {"phone": call})
    else:
        action = _segments(toolkit, "banner.call_and_text",
                           {"phone": call, "sms": _link(toolkit, crisis.sms, name, "sms")})
    return {
        "label": _text(toolkit, toolkit.ui("banner.label")),
        "danger": _segments(toolkit, "banner.danger",
                            {"phone": _link(toolkit, emergency.phone, str(emergency.label.value))}),
        "crisis": _text(toolkit, toolkit.ui(f"banner.crisis_line{'_always' if crisis.always_open else ''}")),
        "action": action,
    }


def later_string(toolkit: LocalizedToolkit, key: str) -> dict[str, str]:
    """An interface string as theme data (a toolkit made before carepath added it gets carepath's English)."""
    return _text(toolkit, toolkit.ui(key))


def theme_strings(toolkit: LocalizedToolkit) -> dict[str, Any]:
    """The per-language values the theme overrides read from `config.extra.carepath`."""
    tag = toolkit.locale.tag

    def notice(key: str) -> dict[str, str]:
        """A notice that names languages, naming them in the language the sentence is written in."""
        lang = toolkit.ui(key).lang  # the reader's, or the source's when this language lacks the string
        names = {"language": language_name(tag, lang), "source_language": language_name(toolkit.source.tag, lang)}
        return _text(toolkit, toolkit.ui(key, **names))

    return {
        "lang": tag,
        "source_lang": toolkit.source.tag,
        "dir": toolkit.locale.direction,
        "prefix": locale_prefix(toolkit),
        "example": toolkit.example,
        "quick_exit": {  # shown when mkdocs.yml sets extra.carepath_quick_exit: true (the example does)
            "label": _text(toolkit, toolkit.ui("exit.label")),
            "hint": _text(toolkit, toolkit.ui("exit.hint")),
        },
        "banner": banner(toolkit),
        "example_notice": _text(toolkit, toolkit.ui("example.notice")),
        "notices": {
            "untranslated": notice("notice.untranslated"),
            "partial": notice("notice.partial"),
            "outdated": notice("notice.outdated"),
            "outdated_link": notice("notice.outdated_link"),
        },
        "print_title": _text(toolkit, toolkit.ui("print.title")),
        # beside the handouts, where their QR codes lead: which version is current
        "print_version": _text(toolkit, toolkit.ui(
            "print.version", version=toolkit.version, date=formatting.long_date(toolkit.reviewed, tag),
        )) if toolkit.version else None,
        # where the handouts' version line leads: what this version changed (a free page named changelog)
        "changes": {"text": later_string(toolkit, "print.changes"),
                    "href": f"{locale_prefix(toolkit)}{CHANGELOG_PAGE}.html"}
        if toolkit.version and any(page.name == CHANGELOG_PAGE for page in toolkit.pages) else None,
        # the language's 404 page (templates/overrides/404.html)
        "not_found": {part: later_string(toolkit, f"not_found.{part}") for part in ("title", "text", "home")},
    }


# A PDF's (pages, bytes), by site path; None: being made (serve shows the site before its PDFs are done).
PdfFiles = dict[str, tuple[int, int] | None]


def pdf_label(toolkit: LocalizedToolkit, kind_key: str, info: tuple[int, int] | None, updating: bool = False) -> Text:
    """What a print link gets you, e.g. "Handout, A4, 2 pages, 42 kB", all in one language."""
    if updating:  # the preview: this PDF is being made again, its pages and size are not known yet
        return Text(fill(str(toolkit.ui("print.updating").value), {"kind": toolkit.ui(kind_key).value}),
                    toolkit.ui("print.updating").lang)
    needed = (kind_key, "print.details", "print.pages.other")
    own, source = toolkit.locale.ui, toolkit.source.ui
    # the whole label in the source language when this language lacks any of its strings
    strings, lang = (own, toolkit.locale.tag) if all(k in own for k in needed) else (source, toolkit.source.tag)
    if info is None or not all(k in strings for k in needed):
        return toolkit.ui(kind_key)
    pages, size = info
    count = strings.get(f"print.pages.{plural_category(pages, lang)}") or strings["print.pages.other"]
    label = fill(str(strings["print.details"].value), {  # fill(): translators' text, never str.format
        "kind": strings[kind_key].value, "pages": fill(str(count.value), {"count": pages}),
        "size": file_size(size, lang),
    })
    return Text(label, lang)


def _pdf_links(toolkit: LocalizedToolkit, topic: str, pdfs: PdfFiles) -> list[dict[str, Any]]:
    """The handouts a topic page offers for download, each saying its pages and size."""
    links = []
    for paper in PAPERS:
        href = handout_path(toolkit, topic, paper)
        label = pdf_label(toolkit, f"print.{paper}", pdfs.get(href), href in pdfs and pdfs[href] is None)
        links.append({"href": href, "label": {**_text(toolkit, label), "parts": latin_runs(toolkit, str(label.value))}})
    return links


def print_kit(toolkit: LocalizedToolkit, pdfs: PdfFiles) -> list[dict[str, Any]]:
    """Everything printable in one language, grouped: each handout, the booklet, the pocket cards."""

    def links(kind: str, path_of: Any) -> list[dict[str, Any]]:
        return [
            {"href": path_of(paper).removeprefix(locale_prefix(toolkit)),
             "label": pdf_label(toolkit, f"print.{kind}{paper}", pdfs.get(path_of(paper)),
                                path_of(paper) in pdfs and pdfs[path_of(paper)] is None)}
            for paper in PAPERS
        ]

    groups = [
        {"title": toolkit.topics[topic].title, "links": links("", lambda p, t=topic: handout_path(toolkit, t, p))}
        for topic in HANDOUTS
    ]
    groups.append({"title": toolkit.ui("print.kit.booklet"),
                   "links": links("booklet.", lambda p: booklet_path(toolkit, p))})
    groups.append({"title": toolkit.ui("print.kit.cards"), "links": links("cards.", lambda p: cards_path(toolkit, p))})
    return groups


def _meta(
    title: Text, description: Text | None, notice: str | None, pdf: list[dict[str, Any]],
    outdated_href: str | None = None, toc: bool = False,
) -> dict[str, Any]:
    """Front matter of a generated page; `outdated_href` links the source page that has changed."""
    # MkDocs and the theme write titles and descriptions into pages unescaped: escape them here
    meta: dict[str, Any] = {
        "title": escape(title.value),
        "carepath": {"notice": notice, "pdf": pdf, "outdated_href": outdated_href},
    }
    if not toc:  # pages for residents: one column of text, no second table of contents beside it
        meta["hide"] = ["toc"]
    if description is not None:
        meta["description"] = escape(description.value)
    return meta


def page_titles(toolkit: LocalizedToolkit) -> dict[str, Text]:
    """The title of each page of the site in this language, by page name."""
    return {
        HOME_PAGE: toolkit.title,
        **{file: toolkit.topics[name].title for name, file in TOPIC_FILES.items()},
        PRINT_KIT_PAGE: toolkit.ui("print.kit.title"),
        STATUS_PAGE: Text("Translation status", "en"),
        **{page.name: page.title for page in toolkit.pages},
    }


def _redirect_meta(toolkit: LocalizedToolkit, target: str, title: Text) -> dict[str, Any]:
    """Front matter of the page left at a renamed page's old address: it sends the reader on to `target`."""
    moved = later_string(toolkit, "moved.title")
    return {
        "title": escape(moved["value"]),
        "template": "redirect.html",
        "hide": ["navigation", "toc"],
        "search": {"exclude": True},
        "carepath": {"notice": None, "pdf": [], "outdated_href": None, "redirect": {
            "href": f"{target}.html", "title": moved, "text": later_string(toolkit, "moved.text"),
            "link": _text(toolkit, title),
        }},
    }


def _texts_as_data(toolkit: LocalizedToolkit, value: Any) -> Any:
    """A structure holding Texts as the theme reads them (value, lang, dir), for a page's front matter."""
    if isinstance(value, Text):
        return _text(toolkit, value)
    if isinstance(value, dict):
        return {key: _texts_as_data(toolkit, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_texts_as_data(toolkit, item) for item in value]
    return value


def _fell_back(toolkit: LocalizedToolkit, text: Text, html: str) -> str:
    """HTML of a text, marked with the text's own language and direction when it is not the page's."""
    if text.lang == toolkit.locale.tag:
        return html
    return f'<span lang="{text.lang}" dir="{direction_of(toolkit, text.lang)}">{html}</span>'


def hours(toolkit: LocalizedToolkit, service: Service) -> Text | None:
    """A service's opening hours, short, in the reader's language: 'Open 24/7', or days and times."""
    if service.always_open:
        return toolkit.ui("hours.short_always")
    if not service.hours:
        return None
    tag = toolkit.locale.tag
    ranges = [
        toolkit.ui("hours.range", days=formatting.day_names(h.days, tag), opens=formatting.time_of_day(h.opens, tag),
                   closes=formatting.time_of_day(h.closes, tag))
        for h in service.hours
    ]
    return Text(formatting.semicolon_list([str(r.value) for r in ranges], tag), ranges[0].lang)


def add_site_filters(env: Environment) -> None:
    """The page templates' own filters: values isolated from the text's direction, lists and hours the reader's way."""

    def toolkit_of(ctx: Context) -> LocalizedToolkit:
        return ctx["toolkit"]

    def ltr(value: object) -> str:
        """A phone number, web or e-mail address: one left-to-right piece, also inside right-to-left text."""
        return f'<bdi dir="ltr">{plain_text(value)}</bdi>'

    def isolate(value: object) -> str:
        """A street address: kept apart from the sentence around it, in the direction of its own letters."""
        return f"<bdi>{plain_text(value)}</bdi>"

    def web(url: str) -> str:
        """A web address as a reader reads it: without https:// and the closing slash."""
        return re.sub(r"^https?://", "", str(url)).rstrip("/")

    @pass_context
    def words(ctx: Context, text: Text | None) -> str:
        """An interface text as plain text (for raw HTML, where Markdown is not read), with its language."""
        if text is None:
            return ""
        return _fell_back(toolkit_of(ctx), text, plain_text(text.value))

    @pass_context
    def marked(ctx: Context, text: Text, html: str) -> str:
        """A text filled with MARK, the mark replaced by ready HTML (a number), the words around it plain."""
        before, _, after = str(text.value).partition(MARK)
        return _fell_back(toolkit_of(ctx), text, plain_text(before) + html + plain_text(after))

    @pass_context
    def latin(ctx: Context, text: Text) -> str:
        """A text whose Latin runs (A4, US Letter) are isolated left to right on right-to-left pages."""
        parts = latin_runs(toolkit_of(ctx), str(text.value))
        html = "".join(ltr(p["text"]) if p["ltr"] else plain_text(p["text"]) for p in parts)
        return _fell_back(toolkit_of(ctx), text, html)

    @pass_context
    def opening(ctx: Context, service: Service) -> Text | None:
        """A service's opening hours, short."""
        return hours(toolkit_of(ctx), service)

    @pass_context
    def languages(ctx: Context, service: Service) -> str:
        """The languages a service speaks, named and joined the reader's way ('English, Spanish and Arabic')."""
        tag = toolkit_of(ctx).locale.tag
        return formatting.list_of([language_name(code, tag) for code in service.languages], tag)

    @pass_context
    def ages(ctx: Context, codes: tuple[str, ...]) -> str:
        """Age groups joined the reader's way."""
        toolkit = toolkit_of(ctx)
        return formatting.list_of([str(toolkit.ages[a].value) for a in codes], toolkit.locale.tag)

    @pass_context
    def facts(ctx: Context, service: Service) -> list[dict[str, Any]]:
        """The card's facts beyond its contacts (access, ages, interpreters, accessibility, closed days)."""
        return directory.service_facts(toolkit_of(ctx), service)

    @pass_context
    def report(ctx: Context, service: Service) -> list[dict[str, str]]:
        """The 'report wrong information' links of a service."""
        return directory.report_links(toolkit_of(ctx), service)

    env.filters.update(ltr=ltr, isolate=isolate, web=web, words=words, marked=marked, latin=latin,
                       opening=opening, languages=languages, ages=ages, facts=facts, report=report,
                       map_link=directory.map_link,
                       finder=lambda service: directory.attributes(directory.finder_data(service)))
    env.globals["MARK"] = MARK


def service_groups(toolkit: LocalizedToolkit) -> list[dict[str, Any]]:
    """The services page's groups: one per need in the toolkit's order, each service under its first need."""
    groups = [
        {"id": need, "title": label, "services": [s for s in toolkit.services if s.needs and s.needs[0] == need]}
        for need, label in toolkit.needs.items()
    ]
    rest = [s for s in toolkit.services if not s.needs or s.needs[0] not in toolkit.needs]
    if rest:
        groups.append({"id": "other", "title": toolkit.ui("services.other"), "services": rest})
    return [g for g in groups if g["services"]]


def who_to_call(toolkit: LocalizedToolkit) -> list[dict[str, Any]]:
    """The services page's summary: for each need, every service that helps with it."""
    rows = [
        {"id": need, "title": label, "services": [s for s in toolkit.services if need in s.needs]}
        for need, label in toolkit.needs.items()
    ]
    return [r for r in rows if r["services"]]


def render_pages(
    model: Model, templates: Layers, statuses: list[LocaleStatus], pdfs: PdfFiles
) -> dict[str, str]:
    """Every page of every language as Markdown, keyed by its path under docs/."""
    env = make_environment(templates.sub("site").folders, html=False)
    add_site_filters(env)
    files: dict[str, str] = {}
    for toolkit in model.toolkits:
        tag = toolkit.locale.tag
        home_fell_back = any(k.startswith("toolkit.") for k in toolkit.fallback_keys)
        # the signs page shows the "If you are struggling yourself" box too
        self_help_fell_back = any(k.startswith("toolkit.self_help.") for k in toolkit.fallback_keys)
        links = [
            {"name": name, "title": toolkit.topics[name].title, "file": f"{TOPIC_FILES[name]}.md"}
            for name in TOPIC_FILES
        ]
        listing = sources_page(p.name for p in toolkit.pages)
        files[f"{tag}/index.md"] = env.get_template("index.md.j2").render(
            toolkit=toolkit, topic_links=links, sources_here=listing == HOME_PAGE,
            meta=_meta(toolkit.title, toolkit.summary, "partial" if home_fell_back else None, []),
        )
        for name, file in TOPIC_FILES.items():
            topic = toolkit.topics[name]
            handout = "pathways" if name == "services" else name
            pdf = _pdf_links(toolkit, handout, pdfs) if handout in HANDOUTS else []
            meta = _meta(topic.title, topic.intro,
                         "partial" if topic.fallback or (name == "signs" and self_help_fell_back) else None,
                         pdf, f"{file}.html" if topic.outdated else None)
            reviewed = review_text(toolkit, f"{name}.yml")
            meta["carepath"]["reviewed"] = _text(toolkit, reviewed) if reviewed else None
            if name == "services":  # the theme lays out the finder (a form, which page content may not hold)
                meta["carepath"]["finder"] = _texts_as_data(toolkit, directory.finder(toolkit))
            files[f"{tag}/{file}.md"] = env.get_template(f"{file}.md.j2").render(
                toolkit=toolkit, topic=topic, services_file=f"{TOPIC_FILES['services']}.md",
                groups=service_groups(toolkit), summary=who_to_call(toolkit), meta=meta,
            )
        for page in toolkit.pages:
            meta = _meta(page.title, page.description, "untranslated" if page.untranslated else None, [],
                         f"{page.name}.html" if page.outdated else None)
            reviewed = review_text(toolkit, f"pages/{page.name}.md")
            meta["carepath"]["reviewed"] = _text(toolkit, reviewed) if reviewed else None
            files[f"{tag}/{page.name}.md"] = env.get_template("page.md.j2").render(
                toolkit=toolkit, page=page, meta=meta, sources_here=listing == page.name)
        titles = page_titles(toolkit)
        for old, new in toolkit.redirects.items():
            files[f"{tag}/{old}.md"] = env.get_template("redirect.md.j2").render(meta=_redirect_meta(
                toolkit, new, titles.get(new, Text(new, toolkit.locale.tag))))
        files[f"{tag}/{PRINT_KIT_PAGE}.md"] = env.get_template("print-kit.md.j2").render(
            toolkit=toolkit, groups=print_kit(toolkit, pdfs),
            meta=_meta(toolkit.ui("print.kit.title"), toolkit.ui("print.kit.intro"), None, []),
        )
        files[f"{tag}/{STATUS_PAGE}.md"] = env.get_template("translation-status.md.j2").render(
            toolkit=toolkit, statuses=statuses,
            meta=_meta(Text("Translation status", "en"), None, None, [], toc=True),
        )
    return files


def render_language_partials(model: Model, templates: Layers) -> dict[str, str]:
    """Material interface strings for each language, from locales/, falling back to Material's or English."""
    env = make_environment(templates.sub("site").folders, html=False)
    env.filters["jinja_string"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    files: dict[str, str] = {}
    for toolkit in model.toolkits:
        locale = toolkit.locale
        shipped = (MATERIAL_TEMPLATES / "partials" / "languages" / f"{locale.tag}.html").exists()
        if shipped and not locale.theme:
            continue  # Material's own strings serve as they are
        base = "en"
        if shipped:
            base = f"carepath-material-{locale.tag}"
            files[f"partials/languages/{base}.html"] = (
                MATERIAL_TEMPLATES / "partials" / "languages" / f"{locale.tag}.html"
            ).read_text(encoding="utf-8")
        strings = {
            **{key: escape(value) for key, value in locale.theme.items()},  # the theme writes them unescaped
            "language": locale.tag,
            "direction": locale.direction,
            "search.config.lang": locale.search_language if locale.search_language in LUNR_LANGUAGES else "en",
        }
        files[f"partials/languages/{locale.tag}.html"] = env.get_template("language.html.j2").render(
            tag=locale.tag, base=base, strings=strings,
        )
    return files


def site_config(user_config: dict[str, Any], model: Model, nav: list[str]) -> dict[str, Any]:
    """The MkDocs configuration: the user's mkdocs.yml plus the languages carepath knows."""
    config = dict(user_config)
    languages = []
    for toolkit in model.toolkits:
        languages.append({
            "locale": toolkit.locale.tag,
            "name": escape(toolkit.locale.name),
            "default": toolkit.is_source,
            "build": True,
            "site_name": escape(toolkit.title.value),
            "site_description": escape(toolkit.ui("site.description").value),
            "extra": {"carepath": theme_strings(toolkit)},
        })
    plugins = [p for p in config.get("plugins") or [] if not _plugin_is(p, "i18n")]
    if not any(_plugin_is(p, "search") for p in plugins):
        plugins.insert(0, "search")
    plugins.append({"i18n": {
        "docs_structure": "folder",
        "fallback_to_default": False,  # carepath writes every page itself, with notice and lang
        "reconfigure_material": True,
        "reconfigure_search": False,  # carepath writes one search index per language
        "languages": languages,
    }})
    config["plugins"] = plugins
    config["nav"] = nav
    config["site_name"] = escape(model.source.title.value)
    config["markdown_extensions"] = mkdocs_extensions(user_config)
    config["hooks"] = [str(HOOKS)]
    extra = dict(config.get("extra") or {})
    extra["carepath"] = theme_strings(model.source)
    config["extra"] = extra
    return config


def _plugin_is(entry: Any, name: str) -> bool:
    """Whether a `plugins:` entry of mkdocs.yml is plugin `name`."""
    key = entry if isinstance(entry, str) else next(iter(entry), "")
    return key in (name, f"material/{name}")


def page_assets(model: Model, content: Path) -> dict[str, Path]:
    """Images and PDFs beside the Markdown pages, per language; the source's stand in for missing ones.

    Only what check_pages_folders allows is copied (no link, hidden file, script, HTML or SVG), even if the
    check was skipped: whatever lies in this folder would otherwise be published.
    """
    from carepath.files import linked, publishable  # imported here: only this function needs them

    copies: dict[str, Path] = {}
    for toolkit in model.toolkits:
        for tag in dict.fromkeys((toolkit.source.tag, toolkit.locale.tag)):
            folder = content / tag / "pages"
            if linked(folder, content.parent):
                continue
            for path in sorted(p for p in folder.rglob("*") if publishable(p, folder)):
                copies[f"docs/{toolkit.locale.tag}/{path.relative_to(folder).as_posix()}"] = path
    return copies


def identity_css(user_config: dict[str, Any]) -> str:
    """The community's colour as CSS custom properties, for the theme and carepath's own styles."""
    chosen = (user_config.get("extra") or {}).get("carepath_colour")
    colour = chosen.lower() if isinstance(chosen, str) and colour_ok(chosen) else DEFAULT_COLOUR
    values = {
        "cp-colour": colour,
        "cp-colour-dark": mix(colour, "#000000", 0.35),
        "cp-colour-tint": mix(colour, "#ffffff", 0.9),
        "cp-colour-pale": mix(colour, "#ffffff", 0.96),
    }
    lines = "".join(f"  --{name}: {value};\n" for name, value in values.items())
    return (
        "/* Generated by carepath from extra.carepath_colour in mkdocs.yml: the community's colour. */\n"
        f":root, [data-md-color-primary] {{\n{lines}}}\n\n"
    )


SVG_SAFE = " =:/,.-'"  # what an SVG may keep as it is inside a CSS url("data:...")
ICON_URL = re.compile(r'url\("(\.\./images/carepath/[a-z-]+\.svg)"\)')


def inline_icons(css: str, overrides: Layers) -> str:
    """carepath's SVG icons written into its stylesheet as data: addresses.

    Icons are drawn as CSS masks in the colour of the text around them, and browsers fetch mask images like
    scripts, which a page opened from files (file:) may not do: inside the stylesheet they load everywhere,
    with no request of their own.
    """
    base = posixpath.dirname(STYLESHEET)

    def data(match: re.Match[str]) -> str:
        icon = overrides.find(posixpath.normpath(posixpath.join(base, match.group(1))))
        if icon is None:
            raise FileNotFoundError(f"templates/overrides/{STYLESHEET} names {match.group(1)}, which is not there")
        svg = icon.read_text(encoding="utf-8").strip().replace('"', "'")
        encoded = quote(svg, safe=SVG_SAFE)
        return f'url("data:image/svg+xml,{encoded}")'

    return ICON_URL.sub(data, css)


def render_site(
    model: Model, templates: Layers, user_config: dict[str, Any], statuses: list[LocaleStatus],
    pdfs: PdfFiles | None = None, content: Path | None = None,
) -> SiteSources:
    """Everything MkDocs needs to build the site in every language; `pdfs`: path -> (pages, bytes), or None.

    `templates`: the toolkit's templates/ over carepath's (carepath.layers.toolkit_layers)."""
    site = SiteSources()
    if content is not None:
        site.copies.update(page_assets(model, content))
    for path, text in render_pages(model, templates, statuses, pdfs or {}).items():
        site.files[f"docs/{path}"] = text
    for path, text in render_language_partials(model, templates).items():
        site.files[f"overrides/{path}"] = text
    overrides = templates.sub("overrides")
    for relative, override in overrides.files().items():
        site.copies[f"overrides/{relative}"] = override
    stylesheet = overrides.find(STYLESHEET)
    if stylesheet is not None:  # the community's colour first, then carepath's styles that use it: one file
        css = inline_icons(stylesheet.read_text(encoding="utf-8"), overrides)
        site.files[f"overrides/{STYLESHEET}"] = identity_css(user_config) + css
    source = model.source
    site.nav = [
        "index.md", *(f"{f}.md" for f in TOPIC_FILES.values()), f"{PRINT_KIT_PAGE}.md",
        *(f"{p.name}.md" for p in source.pages),
    ]
    site.config = site_config(user_config, model, site.nav)
    return site

