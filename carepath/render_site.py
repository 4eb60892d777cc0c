"""Render stage (site): the toolkit in every language as MkDocs sources and configuration."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import material

from carepath.formatting import file_size, language_name, plural_category
from carepath.markup import escape, mkdocs_extensions
from carepath.model import (
    HANDOUTS,
    PAPERS,
    TOPIC_FILES,
    LocalizedToolkit,
    Model,
    Text,
    booklet_path,
    cards_path,
    handout_path,
    locale_prefix,
)
from carepath.placeholders import fill
from carepath.templating import direction_of, make_environment
from carepath.translation import LocaleStatus

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
HOOKS = Path(__file__).parent / "site_hooks.py"
PRINT_KIT_PAGE = "print-kit"
STATUS_PAGE = "translation-status"  # for translators; published in every language, left out of the navigation
# lunr.js languages Material ships stemmers for; others search without stemming.
LUNR_LANGUAGES = set(
    "ar da de du el es fi fr he hi hu hy it ja jp kn ko nl no pt ro ru sa sv ta te th tr vi zh".split()
)


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


PHONE_MARK = "\x00"  # where the emergency number goes: the theme puts the call link there


def _split_at_phone(toolkit: LocalizedToolkit, text: Text) -> dict[str, str]:
    """A filled text as the words before and after the phone number, which the theme makes a link."""
    before, _, after = str(text.value).partition(PHONE_MARK)
    return {**_text(toolkit, text), "before": before, "after": after}


def theme_strings(toolkit: LocalizedToolkit) -> dict[str, Any]:
    """The per-language values the theme overrides read from `config.extra.carepath`."""
    tag = toolkit.locale.tag
    names = {"language": toolkit.locale.name, "source_language": language_name(toolkit.source.tag, tag)}
    return {
        "lang": tag,
        "source_lang": toolkit.source.tag,
        "dir": toolkit.locale.direction,
        "prefix": locale_prefix(toolkit),
        "example": toolkit.example,
        "emergency": {
            "phone": toolkit.emergency.phone.display,
            "tel": toolkit.emergency.phone.e164,
            "label": _text(toolkit, toolkit.emergency.label),
            # what a screen reader says for the banner's tel: link, e.g. "Call Emergency services on 911"
            "call": _text(toolkit, toolkit.ui(
                "services.call", name=str(toolkit.emergency.label.value), phone=toolkit.emergency.phone.display,
            )),
        },
        "quick_exit": {  # shown only when mkdocs.yml sets extra.carepath_quick_exit: true
            "label": _text(toolkit, toolkit.ui("exit.label")),
            "hint": _text(toolkit, toolkit.ui("exit.hint")),
        },
        "banner": {
            "label": _text(toolkit, toolkit.ui("banner.label")),
            "text": _split_at_phone(toolkit, toolkit.ui("banner.text", phone=PHONE_MARK)),
        },
        "example_notice": _text(toolkit, toolkit.ui("example.notice")),
        "notices": {
            "untranslated": _text(toolkit, toolkit.ui("notice.untranslated", **names)),
            "partial": _text(toolkit, toolkit.ui("notice.partial", **names)),
            "outdated": _text(toolkit, toolkit.ui("notice.outdated", **names)),
            "outdated_link": _text(toolkit, toolkit.ui("notice.outdated_link", **names)),
        },
        "print_title": _text(toolkit, toolkit.ui("print.title")),
    }


def pdf_label(toolkit: LocalizedToolkit, kind_key: str, info: tuple[int, int] | None) -> Text:
    """What a print link gets you, e.g. "Handout, A4, 2 pages, 42 kB", all in one language."""
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


def _pdf_links(toolkit: LocalizedToolkit, topic: str, pdfs: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """The handouts a topic page offers for download, each saying its pages and size."""
    links = []
    for paper in PAPERS:
        href = handout_path(toolkit, topic, paper)
        label = pdf_label(toolkit, f"print.{paper}", pdfs.get(href))
        links.append({"href": href, "label": _text(toolkit, label)})
    return links


def print_kit(toolkit: LocalizedToolkit, pdfs: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """Everything printable in one language, grouped: each handout, the booklet, the pocket cards."""

    def links(kind: str, path_of: Any) -> list[dict[str, Any]]:
        return [
            {"href": path_of(paper).removeprefix(locale_prefix(toolkit)),
             "label": pdf_label(toolkit, f"print.{kind}{paper}", pdfs.get(path_of(paper)))}
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
    outdated_href: str | None = None,
) -> dict[str, Any]:
    """Front matter of a generated page; `outdated_href` links the source page that has changed."""
    # MkDocs and the theme write titles and descriptions into pages unescaped: escape them here
    meta: dict[str, Any] = {
        "title": escape(title.value),
        "carepath": {"notice": notice, "pdf": pdf, "outdated_href": outdated_href},
    }
    if description is not None:
        meta["description"] = escape(description.value)
    return meta


def render_pages(
    model: Model, templates: Path, statuses: list[LocaleStatus], pdfs: dict[str, tuple[int, int]]
) -> dict[str, str]:
    """Every page of every language as Markdown, keyed by its path under docs/."""
    env = make_environment(templates / "site", html=False)
    files: dict[str, str] = {}
    for toolkit in model.toolkits:
        tag = toolkit.locale.tag
        home_fell_back = any(k.startswith("toolkit.") for k in toolkit.fallback_keys)
        links = [
            {"title": toolkit.topics[name].title, "file": f"{TOPIC_FILES[name]}.md"} for name in TOPIC_FILES
        ]
        files[f"{tag}/index.md"] = env.get_template("index.md.j2").render(
            toolkit=toolkit, topic_links=links,
            meta=_meta(toolkit.title, toolkit.summary, "partial" if home_fell_back else None, []),
        )
        for name, file in TOPIC_FILES.items():
            topic = toolkit.topics[name]
            handout = "pathways" if name == "services" else name
            pdf = _pdf_links(toolkit, handout, pdfs) if handout in HANDOUTS else []
            files[f"{tag}/{file}.md"] = env.get_template(f"{file}.md.j2").render(
                toolkit=toolkit, topic=topic, services_file=f"{TOPIC_FILES['services']}.md",
                meta=_meta(topic.title, topic.intro, "partial" if topic.fallback else None, pdf,
                           f"{file}.html" if topic.outdated else None),
            )
        for page in toolkit.pages:
            files[f"{tag}/{page.name}.md"] = env.get_template("page.md.j2").render(
                toolkit=toolkit, page=page,
                meta=_meta(page.title, page.description, "untranslated" if page.untranslated else None, [],
                           f"{page.name}.html" if page.outdated else None),
            )
        files[f"{tag}/{PRINT_KIT_PAGE}.md"] = env.get_template("print-kit.md.j2").render(
            toolkit=toolkit, groups=print_kit(toolkit, pdfs),
            meta=_meta(toolkit.ui("print.kit.title"), toolkit.ui("print.kit.intro"), None, []),
        )
        files[f"{tag}/{STATUS_PAGE}.md"] = env.get_template("translation-status.md.j2").render(
            toolkit=toolkit, statuses=statuses,
            meta=_meta(Text("Translation status", "en"), None, None, []),
        )
    return files


def render_language_partials(model: Model, templates: Path) -> dict[str, str]:
    """Material interface strings for each language, from locales/, falling back to Material's or English."""
    env = make_environment(templates / "site", html=False)
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
    from carepath.check_paths import linked, publishable  # imported here: only this function needs them

    copies: dict[str, Path] = {}
    for toolkit in model.toolkits:
        for tag in dict.fromkeys((toolkit.source.tag, toolkit.locale.tag)):
            folder = content / tag / "pages"
            if linked(folder, content.parent):
                continue
            for path in sorted(p for p in folder.rglob("*") if publishable(p, folder)):
                copies[f"docs/{toolkit.locale.tag}/{path.relative_to(folder).as_posix()}"] = path
    return copies


def render_site(
    model: Model, templates: Path, user_config: dict[str, Any], statuses: list[LocaleStatus],
    pdfs: dict[str, tuple[int, int]] | None = None, content: Path | None = None,
) -> SiteSources:
    """Everything MkDocs needs to build the site in every language; `pdfs`: path -> (pages, bytes)."""
    site = SiteSources()
    if content is not None:
        site.copies.update(page_assets(model, content))
    for path, text in render_pages(model, templates, statuses, pdfs or {}).items():
        site.files[f"docs/{path}"] = text
    for path, text in render_language_partials(model, templates).items():
        site.files[f"overrides/{path}"] = text
    overrides = templates / "overrides"
    for path in sorted(p for p in overrides.rglob("*") if p.is_file()):
        site.copies[f"overrides/{path.relative_to(overrides).as_posix()}"] = path
    source = model.source
    site.nav = [
        "index.md", *(f"{f}.md" for f in TOPIC_FILES.values()), f"{PRINT_KIT_PAGE}.md",
        *(f"{p.name}.md" for p in source.pages),
    ]
    site.config = site_config(user_config, model, site.nav)
    return site

