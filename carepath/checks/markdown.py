"""Markdown checks: links, anchors, images and raw HTML, in free pages and in every text, in every language."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import markdown

from carepath.checks.base import Run, as_dict, as_list, region, source_tag
from carepath.checks.links import (
    SCRIPT_SCHEMES,
    WEB_SCHEMES,
    Finding,
    email_findings,
    scheme_of,
    tel_findings,
    url_findings,
)
from carepath.files import LINK, Entry, lexically_inside, locate
from carepath.layout import GENERATED, TOPIC_FILES, heading_ids, need_groups, print_files
from carepath.lines import Lines
from carepath.load import MarkdownFile, Sources, YamlFile
from carepath.markup import (
    ALLOWED_TAGS,
    BLOCK_CLASSES,
    CLASS_TAGS,
    GLOBAL_ATTRIBUTES,
    RESERVED_ID,
    TAG_ATTRIBUTES,
    converter,
    extensions,
)
from carepath.messages import FRAGMENTS, fragment, problem
from carepath.problems import Problem

# The handouts, booklets and card sheets of every language's print kit, from its folder.
PRINT_FILES = print_files()
# Attributes Markdown itself writes, which never reach the page as written (the sanitizer sets rel).
MARKDOWN_ATTRIBUTES = frozenset({"rel", "markdown", "class"})
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data", "srcset",
                  "cite", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "codebase", "archive"}
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "background", "data"}
CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
MARKUP = re.compile(r"[<\[{&]")
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|avif);", re.I)
LOOKS_LIKE_SITE = re.compile(r"^(www\.|[\w-]+\.(org|com|net|gov|edu|int|info)\b)", re.I)


@dataclass(frozen=True)
class Converter:
    """The Markdown converter the site and the print kit use, and a key naming its extensions and options."""

    md: markdown.Markdown
    key: str


def markdown_for(sources: Sources) -> Converter:
    """The converter of mkdocs.yml's settings: MkDocs' extensions plus its allowed ones."""
    data = sources.settings.data if sources.settings is not None else {}
    config = data if isinstance(data, dict) else {}
    return Converter(converter(config), repr(extensions(config)))


def needles(url: str) -> tuple[str, ...]:
    """What to look for in the source to find where an address was written (entities may hide its start)."""
    rest = (url.split(":", 1)[1] if ":" in url else "").lstrip("/")
    return (url, url.removeprefix("mailto:"), rest if len(rest) >= 6 else "")


@dataclass(frozen=True)
class Element:
    """Something found in rendered HTML: a link or image to check, or an unsafe construct."""

    kind: str  # "link", "image" or a message code
    value: str
    needles: tuple[str, ...]
    values: dict[str, object] = field(default_factory=dict)


class _Collector(HTMLParser):
    """Collects ids, links, images and unsafe HTML from rendered HTML, in document order."""

    def __init__(self) -> None:
        """Start with nothing found."""
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.found: list[Element] = []
        self.in_style = False

    def _css(self, css: str, needle: str) -> None:
        """Record every remote resource a piece of CSS loads."""
        for match in CSS_URL.finditer(css):
            url = match.group(1) or match.group(2)
            if scheme_of(url) in WEB_SCHEMES or url.startswith("//"):
                self.found.append(Element("html.remote_style", url, (url, needle), {"url": url}))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record one opening tag: anything outside the sanitizer's allow-list is named, since it is removed."""
        if tag not in ALLOWED_TAGS:
            hint = fragment(f"html.hint.{tag}") if f"html.hint.{tag}" in FRAGMENTS else ""
            self.found.append(Element("html.tag", tag, (f"<{tag}",), {"tag": tag, "hint": hint}))
            self.in_style = tag == "style"
            return  # the element goes as a whole: its attributes need no second message
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if name.startswith("on"):
                self.found.append(Element("html.event", name, (name,), {"attr": name}))
            elif name == "style":
                self._css(value, "style")
                self.found.append(Element("html.attribute", name, (name,), {"attr": name, "tag": tag, "hint": ""}))
            elif name == "class":
                for word in value.split():
                    if word not in BLOCK_CLASSES or tag not in CLASS_TAGS:
                        self.found.append(Element("html.class", word, (word,), {"name": word}))
            elif name == "id" and RESERVED_ID.match(value):
                self.found.append(Element("html.reserved_id", value, (value,), {"id": value}))
            elif name not in allowed and name not in MARKDOWN_ATTRIBUTES:
                self.found.append(Element("html.attribute", name, (name,), {"attr": name, "tag": tag, "hint": ""}))
            elif tag == "a" and name == "href":
                self.found.append(Element("link", value, needles(value)))
            elif tag == "img" and name == "src":
                self.found.append(Element("image", value, needles(value)))
            elif name in URL_ATTRIBUTES:
                for url in (u.split()[0] for u in value.split(",") if u.split()) if name == "srcset" else [value]:
                    scheme = scheme_of(url)
                    if scheme in SCRIPT_SCHEMES:
                        self.found.append(Element("html.script_url", url, (url,), {"url": url, "scheme": scheme}))
                    elif name in RESOURCE_ATTRIBUTES and (scheme in WEB_SCHEMES or url.startswith("//")):
                        self.found.append(Element("image.remote", url, (url,), {"src": url}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record a self-closing tag."""
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag: str) -> None:
        """Leave a <style> element."""
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        """Look into the CSS of a <style> element."""
        if self.in_style:
            self._css(data, "@import" if "@import" in data else "url(")


class Source:
    """A file's text as written, ready to turn offsets into places."""

    def __init__(self, text: str) -> None:
        """Index `text` by line."""
        self.lines, self.lower = Lines(text), text.lower()


class Locator:
    """Finds where a rendered thing was written in the source, moving forward as it goes."""

    def __init__(self, source: Source, start: int = 0) -> None:
        """Search `source` from offset `start`."""
        self.lines, self.lower = source.lines, source.lower
        self.start = self.cursor = start

    def find(self, needles: tuple[str, ...]) -> tuple[int, int]:
        """The line and column of the first needle found after the last one, else near the last one."""
        for needle in (n.lower() for n in needles if n):
            index = self.lower.find(needle, self.cursor)
            index = index if index >= 0 else self.lower.find(needle, self.start)
            if index >= 0:
                self.cursor = index + len(needle)
                return self.lines.at(index)
        return self.lines.at(self.cursor)


@dataclass
class Rendered:
    """A rendered text: the ids it offers, and what it contains with the place each was written."""

    ids: set[str]
    elements: list[tuple[Element, int, int]]


# What a text renders to, by converter and text: `serve` checks again after each edit, and a check of a
# toolkit renders each unchanged text again (the same text always gives the same HTML).
_COLLECTED: dict[tuple[str, str], tuple[frozenset[str], tuple[Element, ...]]] = {}
_COLLECTED_LIMIT = 20_000


def _collect(converter: Converter, text: str) -> tuple[frozenset[str], tuple[Element, ...]]:
    """The ids and the elements to check of a Markdown text, rendered once per converter."""
    key = (converter.key, text)
    found = _COLLECTED.get(key)
    if found is None:
        converter.md.reset()
        collector = _Collector()
        collector.feed(converter.md.convert(text))
        collector.close()
        if len(_COLLECTED) >= _COLLECTED_LIMIT:
            _COLLECTED.clear()
        found = _COLLECTED[key] = (frozenset(collector.ids), tuple(collector.found))
    return found


def render(converter: Converter, text: str, raw: Source, start: int) -> Rendered:
    """Render Markdown `text` and place each element in `raw` (the file as written) from offset `start`."""
    ids, elements = _collect(converter, text)
    locator = Locator(raw, start)
    return Rendered(set(ids), [(e, *locator.find(e.needles)) for e in elements])


@dataclass(frozen=True)
class AnchorLink:
    """A link to a heading of a page (`page` '' for the page the link is on), and where it was written."""

    file: str
    line: int
    column: int
    href: str
    page: str
    anchor: str
    key: tuple[str | int, ...] = ()  # for a link in a YAML text: the text's path in its file


@dataclass
class Context:
    """What a link is checked against: the toolkit, the pages that exist and the file it is written in."""

    root: Path
    region: str
    names: list[str] | None  # None when the source language is unknown: page links are not checked
    base: Path
    intended: frozenset[str] = frozenset()  # hosts that really mix scripts (content/toolkit.yml)
    entries: dict[str, Entry] = field(default_factory=dict)  # what the load stage found under the toolkit


def _from_root(target: Path, root: Path) -> str:
    """A path inside the root (by its '..' parts, links not followed) as the load stage names it: 'a/b.png'."""
    normal = os.path.normpath(target if target.is_absolute() else Path.cwd() / target)
    return Path(os.path.relpath(normal, os.path.normpath(root.absolute()))).as_posix()


def _link_target(entry: Entry, path: str) -> str:
    """Where a path through a symbolic link leads: the link's own target, then the rest of the path after it."""
    rest = path[len(entry.path):].lstrip("/")
    return posixpath.join(entry.target, rest) if rest else entry.target


def _from_findings(findings: list[Finding], file: str, line: int, column: int) -> list[Problem]:
    """Problems from address findings, all at one place."""
    return [problem(code, file, line, column, **values) for code, values in findings]


def check_href(href: str, kind: str, file: str, line: int, column: int, ctx: Context) -> tuple[
        list[Problem], AnchorLink | None]:
    """Check one link or image address; a link to a heading is returned to be checked in every language."""
    href = href.strip()
    where = (file, line, column)
    scheme = scheme_of(href)
    if not href:
        return [], None
    if kind == "image" and (scheme in WEB_SCHEMES or href.startswith("//")):
        return [problem("image.remote", *where, src=href)], None
    if href.startswith("//"):
        return [problem("url.malformed", *where, url=href, reason=fragment("url.protocol_relative"))], None
    if scheme:
        if kind == "image" and SAFE_DATA_IMAGE.match(href):
            return [], None
        if scheme == "mailto":
            addresses = unquote(href[len("mailto:"):].split("?")[0]).split(",")
            return _from_findings([f for a in addresses for f in email_findings(a.strip(), ctx.intended)], *where), None
        if scheme in ("tel", "sms"):
            return _from_findings(tel_findings(href, ctx.region), *where), None
        return _from_findings(url_findings(href, ctx.intended), *where), None
    path, _, anchor = href.partition("#")
    path = unquote(path.split("?")[0]).removeprefix("./")
    if not path:
        return [], AnchorLink(file, line, column, href, "", anchor) if anchor else None
    if "/" not in path and "\\" not in path and path.endswith(".md"):
        name = path[:-3]
        if ctx.names is None:
            return [], None
        if name not in ctx.names:
            close = difflib.get_close_matches(name, ctx.names, n=1)
            return [problem("link.no_page", *where, href=href, name=name,
                            choices=", ".join(f"{n}.md" for n in ctx.names),
                            suggestion=fragment("did_you_mean_paren", choice=f"{close[0]}.md") if close else "")], None
        return [], AnchorLink(file, line, column, href, name, anchor) if anchor else None
    target = Path(path) if path.startswith("/") else ctx.base / path
    if not lexically_inside(target, ctx.root):
        return [problem("path.outside", *where, href=href, target=os.path.abspath(target))], None
    name = _from_root(target, ctx.root)
    entry = locate(ctx.entries, name)
    if entry is not None and entry.kind == LINK and entry.leads_out:
        return [problem("path.symlink_out", *where, what=fragment("symlink.link", href=href),
                        target=_link_target(entry, name))], None
    if path in PRINT_FILES or entry is not None:  # a link inside the toolkit: the link check names it
        return [], None
    if kind == "image":
        return [problem("image.missing", *where, src=href, target=name)], None
    hint = fragment("url.looks_like_site") if LOOKS_LIKE_SITE.match(path) else ""
    return [problem("link.no_file", *where, href=href, target=name, hint=hint)], None


def check_rendered(rendered: Rendered, file: str, ctx: Context) -> tuple[list[Problem], list[AnchorLink]]:
    """Problems of everything a rendered text contains, and its links to headings."""
    problems: list[Problem] = []
    anchors: list[AnchorLink] = []
    for element, line, column in rendered.elements:
        if element.kind in ("link", "image"):
            found, anchor = check_href(element.value, element.kind, file, line, column, ctx)
            problems += found
            anchors += [anchor] if anchor else []
        else:
            problems.append(problem(element.kind, file, line, column, **element.values))
    return problems, anchors


def strings(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value of parsed YAML data, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*path, index))


def generated_ids(sources: Sources) -> dict[str, set[str] | None]:
    """The heading ids of the pages carepath generates, the same in every language (None: unknown).

    As carepath.layout.heading_ids says the page templates write them, from the structured files.
    """
    def items(topic: str, key: str) -> list[dict[str, Any]]:
        """The entries of a list of a structured file, whatever shape the file has."""
        file = sources.neutral.get(topic)
        return [i for i in as_list(as_dict(file.data if file else None).get(key)) if isinstance(i, dict)]

    def ids(topic: str, key: str) -> list[str]:
        """The ids of those entries."""
        return [str(i["id"]) for i in items(topic, key) if "id" in i]

    services = items("services", "services")
    toolkit = sources.neutral.get("toolkit")
    needs = [str(n) for n in as_list(as_dict(toolkit.data if toolkit else None).get("needs"))]
    firsts = [str(needs_of[0]) if needs_of else None
              for needs_of in (as_list(s.get("needs")) for s in services)]
    source = source_tag(sources) or ""
    self_help = all(sources.own_text(source, "toolkit", ("self_help", key)) is not None for key in ("title", "text"))
    found: dict[str, set[str] | None] = dict(heading_ids(
        kinds=dict.fromkeys(str(s.get("kind")) for s in items("signs", "signs")),
        steps=ids("steps", "steps"), pathways=ids("pathways", "pathways"), services=ids("services", "services"),
        need_groups=need_groups(needs, firsts), self_help=self_help,
    ))
    for topic, name in TOPIC_FILES.items():
        if topic not in sources.neutral:
            found[name] = None  # its file could not be read: its headings are unknown
    return found


def _file_tag(file: str) -> str | None:
    """The language a source file is written in, from its path."""
    parts = file.split("/")
    if parts[0] == "content" and len(parts) > 2:
        return parts[1]
    if parts[0] == "locales" and len(parts) == 2:
        return parts[1].removesuffix(".yml")
    return None


def check_pages_listed(sources: Sources, source_tag: str) -> list[Problem]:
    """Pages named in toolkit.yml exist; translated pages have an original in the source language."""
    problems: list[Problem] = []
    names = sources.page_names(source_tag)
    toolkit = sources.neutral.get("toolkit")
    order = as_list(as_dict(toolkit.data).get("pages")) if toolkit else []
    for index, name in enumerate(order):
        if toolkit is not None and isinstance(name, str) and name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            problems.append(problem("page.unknown_in_order", toolkit.path, *toolkit.where(("pages", index)),
                                    name=name, tag=source_tag,
                                    suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else ""))
    for tag in sources.content_locales:
        if tag == source_tag:
            continue
        for name in sources.page_names(tag):
            if name not in names:
                close = difflib.get_close_matches(name, names, n=1)
                problems.append(problem("page.no_source", f"content/{tag}/pages/{name}.md", 1, 1, name=name,
                                        tag=source_tag,
                                        suggestion=fragment("did_you_mean_paren", choice=f"{close[0]}.md")
                                        if close else ""))
    return problems


def _describe_where(tags: list[str], text: bool) -> str:
    """Which languages show a page (or a text) untranslated, as words."""
    key = "anchor.untranslated_" + ("text_" if text else "") + ("many" if len(tags) > 1 else "one")
    return fragment(key, tags=fragment("and").join(tags))


def _shown_in(link: AnchorLink, tag: str, source_tag: str, sources: Sources) -> bool:
    """Whether language `tag` shows the YAML text a link is in: its own, or the source's it has not translated.

    A link to a heading of "this page" is left alone: the page is whichever generated page shows the text.
    """
    own = _file_tag(link.file) or source_tag
    if not link.page or own not in (tag, source_tag) or not link.file.startswith(("content/", "locales/")):
        return False
    if own == tag:
        return True
    if not link.file.startswith(f"content/{source_tag}/"):
        return False  # interface strings and facts: shown as they are
    topic = link.file.rsplit("/", 1)[-1].removesuffix(".yml")
    return sources.own_text(tag, topic, link.key) is None  # the model's fallback rule: the source's text is shown


def check_anchors(
    links: list[AnchorLink], sources: Sources, source_tag: str, ids: dict[str, set[str] | None],
    generated: dict[str, set[str] | None], shows: dict[str, dict[str, str]],
) -> list[Problem]:
    """Each link to a heading must find it in every language the link is shown in, after fallback.

    `shows[tag][name]` is the file that language `tag` shows for free page `name`; `ids[file]` the ids
    of a free page file (None if unreadable).
    """
    by_file: dict[str, list[AnchorLink]] = {}
    for link in links:
        by_file.setdefault(link.file, []).append(link)
    texts = [f for f in by_file if f.endswith(".yml")]
    failures: dict[AnchorLink, list[tuple[str, str, set[str]]]] = {}
    for tag, pages in shows.items():
        for file in [*pages.values(), *texts]:
            for link in by_file.get(file, []):
                if file.endswith(".yml") and not _shown_in(link, tag, source_tag, sources):
                    continue
                target = link.page or file.rsplit("/", 1)[-1].removesuffix(".md")
                target_file = file if not link.page else pages.get(target)
                if target in generated and link.page:
                    if generated[target] is None:
                        continue
                    offered, described = generated[target] or set(), fragment("anchor.generated_page", name=target)
                elif target_file is not None and ids.get(target_file) is not None:
                    offered, described = ids[target_file] or set(), target_file
                else:
                    continue
                if link.anchor not in offered:
                    failures.setdefault(link, []).append((tag, described, offered))
    problems = []
    for link, failed in failures.items():
        own = _file_tag(link.file)
        mine = [f for f in failed if f[0] == own]
        chosen = mine or failed
        targets = sorted({f[1] for f in chosen})
        close = difflib.get_close_matches(link.anchor, sorted(chosen[0][2]), n=1)
        problems.append(problem(
            "link.no_anchor", link.file, link.line, link.column, href=link.href, anchor=link.anchor,
            target=fragment("or").join(targets),
            where="" if mine else _describe_where(sorted(f[0] for f in failed), link.file.endswith(".yml")),
            suggestion=fragment("did_you_mean_anchor", choice=close[0]) if close else ""))
    return problems


def check_markdown(sources: Sources, run: Run) -> list[Problem]:
    """Links, anchors, images and raw HTML of every free page and every text, in every language."""
    root = sources.root
    md = markdown_for(sources)
    toolkit = sources.neutral.get("toolkit")
    hosts = as_dict(toolkit.data if toolkit else None).get("intended_hosts")
    intended = frozenset(str(h).lower() for h in hosts) if isinstance(hosts, list) else frozenset()
    named = source_tag(sources)
    source = named if named in sources.content_locales else None
    names = [*GENERATED, *sources.page_names(source)] if source else None
    problems: list[Problem] = []
    links: list[AnchorLink] = []
    ids: dict[str, set[str] | None] = {}

    def context(file: str) -> Context:
        """What the links of `file` are checked against."""
        return Context(root, region(sources), names, (root / file).parent, intended, sources.entries)

    for pages in sources.pages.values():
        for page in pages.values():
            title = as_dict(page.meta.data).get("title")
            text = f"# {title}\n\n{page.body}" if isinstance(title, str) else page.body
            rendered = render(md, text, Source(page.text), 0)
            ids[page.path] = rendered.ids
            found, anchors = check_rendered(rendered, page.path, context(page.path))
            problems.extend(found)
            links.extend(anchors)
            meta = [(p, v) for p, v in strings(page.meta.data) if p != ("title",)]
            problems.extend(_check_yaml_strings(md, page.meta, meta, context(page.path), links, page.text))
    yaml_files: list[YamlFile] = [*sources.neutral.values(), *sources.locales.values(),
                                  *(f for files in sources.texts.values() for f in files.values())]
    for file in yaml_files:
        values = [(p, v) for p, v in strings(file.data) if p[:1] != ("safe_messaging",)]
        problems.extend(_check_yaml_strings(md, file, values, context(file.path), links, file.text))
    if source:
        shows = {}
        for tag in sorted({*sources.content_locales, *sources.locales, source}):
            own, base = sources.pages.get(tag, {}), sources.pages.get(source, {})
            shows[tag] = {n: (own.get(n) or base[n]).path for n in base}
            _mark_unreadable(shows[tag], own, sources, tag, ids)
        problems += check_anchors(links, sources, source, ids, generated_ids(sources), shows)
        problems += check_pages_listed(sources, source)
    return problems


def _mark_unreadable(shown_pages: dict[str, str], own: dict[str, MarkdownFile], sources: Sources, tag: str,
                     ids: dict[str, set[str] | None]) -> None:
    """A page that exists in a language but could not be read is shown as nothing: its ids are unknown."""
    for name in sources.page_names(tag):
        if name not in own and name in shown_pages:
            shown_pages[name] = f"content/{tag}/pages/{name}.md"
            ids[shown_pages[name]] = None


def _check_yaml_strings(
    md: Converter, file: YamlFile, values: list[tuple[tuple[str | int, ...], str]], context: Context,
    links: list[AnchorLink], raw: str,
) -> list[Problem]:
    """Check the texts of a YAML file (or of a page's front matter) that contain any markup."""
    problems: list[Problem] = []
    source = Source(raw)
    for path, value in values:
        if not MARKUP.search(value):
            continue
        start = source.lines.offset(*file.where(path))
        rendered = render(md, value, source, start)
        found, anchors = check_rendered(rendered, file.path, context)
        problems += found
        links += [replace(a, key=path) for a in anchors]
    return problems
