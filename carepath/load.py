"""Load stage: read every input of a toolkit, once, into plain data that remembers line numbers.

The one reader: YAML and Markdown files, the translation records, mkdocs.yml and the list of what lies under the
toolkit's folders (files, folders, links). No later stage opens a source file; the checks judge what is here.
"""

from __future__ import annotations

import os
import pickle
import re
import stat
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from carepath.files import FILE, MAX_FILE_BYTES, OWN_FOLDER, Entry, entry_at, inside, linked, locate, walk
from carepath.layers import OVERRIDABLE, OVERRIDES_FILE, file_version, toolkit_layers
from carepath.lines import Lines, hidden_problem
from carepath.messages import fragment, problem
from carepath.problems import Problem, relative
from carepath.settings import extra_file_issue

# Where each value stood in its file: a JSON path (keys and list indexes) -> (line, column), 1-based.
Positions = dict[tuple[str | int, ...], tuple[int, int]]

NEUTRAL_FILES = ("toolkit", "signs", "steps", "pathways", "services")
TEXT_FILES = ("toolkit", "signs", "steps", "pathways", "services")
SETTINGS_FILE = "mkdocs.yml"
# Kept by carepath in each language's folder: the version of the source text each translation was made from.
RECORDS_FILE = "translated-from.yml"
REVIEWS_FILE = "reviewed.yml"  # content/<tag>/: each unit's reviews, by role (`carepath review`)
# The pages and languages of the published site, which printed QR codes lead to (`carepath record-pages`).
PUBLISHED_FILE = "content/published.yml"
# Front matter between two '---' lines; a page saved on Windows ends its lines with '\r\n'.
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*\r?\n", re.S)
# Limits on what is read: far above any real toolkit, low enough that `check` stays small and fast on any input
# (MAX_FILE_BYTES, checked before a file is read, is in carepath.files so that every reader can share it).
MAX_LINE = 20_000  # characters in one line
MAX_VALUES = 100_000  # keys and values of a YAML file, an alias counted each time it is expanded ('&'/'*' bombs)
MAX_DEPTH = 32  # levels of YAML nesting: PyYAML's composer recurses once per level
MAX_MARKDOWN_DEPTH = 20  # levels of lists, quotes and HTML: Python-Markdown recurses at each (500 crash it)
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
YAML_TAG = "tag:yaml.org,2002:"
# Tags PyYAML's safe loader builds plain data from; anything else (!!python/..., !ENV) is a special tag.
SAFE_TAGS = frozenset(YAML_TAG + name for name in
                      "str int float bool null timestamp map seq merge value".split())
UNKNOWN_TAG = re.compile(r"constructor for the tag '([^']*)'")
# What opens a level of Markdown nesting at the start of a line: list items, quotes, admonitions.
BLOCK_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)|>|(?:!!!|\?\?\?)\+?(?=[ \t])")
INDENT = re.compile(r"[ \t]*")
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>")
# HTML elements that never hold others, or whose end tag writers often leave out: they open no level.
FLAT_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr "
                          "p li dt dd tr td th thead tbody tfoot option optgroup rt rp colgroup caption".split())


class _Refused(Exception):
    """A YAML file past a limit, or with a key that is not text: the problem to report instead of its data."""

    def __init__(self, code: str, mark: Any, **values: object) -> None:
        """Note the message code, where it happened and the message's values."""
        super().__init__(code)
        self.code, self.mark, self.values = code, mark, values


@dataclass(frozen=True)
class Tagged:
    """A value of mkdocs.yml written with a tag MkDocs would act on (`!!python/name:...`, `!ENV`): recorded as
    written, never acted on, so that the settings check can refuse it with its place."""

    tag: str  # as written, e.g. '!!python/name:material.extensions.emoji.twemoji' or '!ENV'
    value: Any  # what follows the tag, as plain data
    line: int
    column: int


@dataclass
class YamlFile:
    """A parsed YAML file: its data as plain dicts, lists and strings, and where each value stood."""

    path: str
    data: Any
    positions: Positions = field(default_factory=dict)
    text: str = ""

    def where(self, keys: tuple[str | int, ...]) -> tuple[int, int]:
        """The line and column of the value at `keys`, or of its nearest parent that has one."""
        while keys and keys not in self.positions:
            keys = keys[:-1]
        return self.positions.get(keys, (1, 1))


@dataclass
class MarkdownFile:
    """A Markdown page: its front matter, its body and the line the body starts on."""

    path: str
    name: str
    meta: YamlFile
    body: str
    body_line: int
    text: str = ""


@dataclass(frozen=True)
class Override:
    """A file of the toolkit's templates/ or print/ at a path where carepath has a file of its own."""

    path: str  # from the toolkit's root, e.g. print/css/print.css
    version: str  # the toolkit's file (carepath.layers.file_version)
    builtin: str  # carepath's file of the same path, as this carepath has it


@dataclass
class Sources:
    """Everything read from a toolkit, before any checking."""

    root: Path
    neutral: dict[str, YamlFile] = field(default_factory=dict)
    locales: dict[str, YamlFile] = field(default_factory=dict)
    texts: dict[str, dict[str, YamlFile]] = field(default_factory=dict)
    pages: dict[str, dict[str, MarkdownFile]] = field(default_factory=dict)
    content_locales: list[str] = field(default_factory=list)
    settings: YamlFile | None = None  # mkdocs.yml, its special tags kept as Tagged values
    records: dict[str, YamlFile] = field(default_factory=dict)  # content/<tag>/translated-from.yml
    reviews: dict[str, YamlFile] = field(default_factory=dict)  # content/<tag>/reviewed.yml
    # Every file, folder and link under content/, locales/, templates/ and print/, and mkdocs.yml, by path.
    entries: dict[str, Entry] = field(default_factory=dict)
    # The text of every YAML and Markdown file read, by path, whether or not it could be parsed.
    raw: dict[str, str] = field(default_factory=dict)
    # The toolkit's files that replace carepath's (carepath.layers), by path, and overrides.yml, which records
    # the version of carepath's file each was made from.
    overrides: dict[str, Override] = field(default_factory=dict)
    override_records: YamlFile | None = None
    # mkdocs.yml's extra_files, each read (bytes) or why it could not be (a message fragment), by name.
    extra_files: dict[str, bytes | str] = field(default_factory=dict)
    published: YamlFile | None = None  # content/published.yml: what the published site had
    # Files under .carepath/ that the toolkit's git repository tracks: caches a build would publish as they are.
    tracked_own: list[str] = field(default_factory=list)

    def page_names(self, tag: str) -> list[str]:
        """The free pages written in language `tag` (content/<tag>/pages/*.md), whether or not they could be read."""
        folder = f"content/{tag}/pages/"
        return sorted(path[len(folder):-3] for path in self.entries
                      if path.startswith(folder) and path.endswith(".md") and "/" not in path[len(folder):])

    def own_text(self, tag: str, topic: str, keys: Sequence[str | int]) -> Any:
        """Language `tag`'s own text at `keys` of content/<tag>/<topic>.yml, or None when it has none."""
        file = self.texts.get(tag, {}).get(topic)
        return own_text(file.data if file else None, keys)


def own_text(data: Any, keys: Sequence[str | int]) -> Any:
    """A language's own text at `keys` of a text file's data, or None when it has none: the fallback rule.

    Where a language has no text (missing, empty), the source language's is shown. A list is translated as a
    whole: a language with its own list shows all of it, and nothing of the source's list.
    """
    value = data
    for key in keys:
        if isinstance(value, list) and isinstance(key, int):
            return value or None  # an item of a list: the language's own list, or the source's
        value = value.get(key) if isinstance(value, dict) and isinstance(key, str) else None
    return None if value in (None, "", []) else value


def markdown_depth(text: str) -> tuple[int, int, int] | None:
    """The first place nested deeper than MAX_MARKDOWN_DEPTH, as (line index from 0, column, depth), or None.

    A level is a list item, quote or admonition marker at the start of a line (four more columns of indentation
    before a marker are one more), or an HTML element left open; fenced code opens none.
    """
    open_elements: list[str] = []
    fence = ""
    for index, line in enumerate(text.split("\n")):
        opening = FENCE.match(line)
        if fence or opening:
            closes = bool(fence) and opening is not None and opening.group(1)[0] == fence[0]
            fence = "" if closes else fence or (opening.group(1) if opening else "")
            continue
        markers, width, at = 0, 0, 0
        while True:
            indent = INDENT.match(line, at)
            marker = BLOCK_MARKER.match(line, indent.end()) if indent else None
            if indent is None or marker is None:
                break
            spaces = len(indent.group().expandtabs(4)) - (1 if markers else 0)  # one space ends a marker
            markers, width, at = markers + 1, width + max(spaces, 0), marker.end()
            if markers + width // 4 + len(open_elements) > MAX_MARKDOWN_DEPTH:
                return index, indent.end() + 1, markers + width // 4 + len(open_elements)
        for tag in HTML_TAG.finditer(line):
            name = tag.group(2).lower()
            if tag.group(1):
                if name in open_elements:  # close it and whatever was left open inside it
                    del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name):]
            elif name not in FLAT_ELEMENTS and not tag.group().endswith("/>"):
                open_elements.append(name)
                if markers + width // 4 + len(open_elements) > MAX_MARKDOWN_DEPTH:
                    return index, tag.start() + 1, markers + width // 4 + len(open_elements)
    return None


class _Limits(yaml.composer.Composer):
    """Composes nodes within MAX_VALUES and MAX_DEPTH, refusing keys that are not plain text (a mixin for a loader)."""

    nodes = 0
    depth = 0
    aliases = False
    if TYPE_CHECKING:
        def peek_event(self) -> Any: ...  # the parser's, in the loader this is mixed into

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose one node; refuse a key that is not plain text, and stop at the limits before going on."""
        event = self.peek_event()
        if isinstance(parent, yaml.MappingNode) and index is None:  # PyYAML composes a key with index None
            self._check_key(event)
        if isinstance(event, yaml.AliasEvent):
            self.aliases = True  # expanded, and counted, by _Builder
            return self._composed(parent, index)
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Refused("yaml.too_many_values", event.start_mark, limit=MAX_VALUES)
        opens = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        self.depth += opens
        if self.depth > MAX_DEPTH:
            raise _Refused("yaml.too_deep", event.start_mark, limit=MAX_DEPTH)
        node = self._composed(parent, index)
        self.depth -= opens
        return node

    def _composed(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """PyYAML's own composition of the next node (there is one: the event was peeked)."""
        node = super().compose_node(parent, index)
        assert node is not None
        return node

    def _check_key(self, event: yaml.Event) -> None:
        """A key must be a scalar: a list, a group of fields or an alias to one could be expanded without bound."""
        kinds = {yaml.SequenceStartEvent: "key.sequence", yaml.MappingStartEvent: "key.mapping",
                 yaml.SequenceNode: "key.sequence", yaml.MappingNode: "key.mapping"}
        if type(event) in kinds:
            raise _Refused("yaml.complex_key", event.start_mark, kind=fragment(kinds[type(event)]))
        anchor = event.anchor if isinstance(event, yaml.AliasEvent) else None
        target = self.anchors.get(anchor) if anchor is not None else None
        if target is not None and type(target) in kinds:
            raise _Refused("yaml.complex_key", event.start_mark,
                           kind=fragment("key.alias", anchor=anchor, kind=fragment(kinds[type(target)])))


class _Composer(_Limits, yaml.SafeLoader):
    """A safe loader used only to compose nodes, within the limits; construction is `_Builder`'s."""


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser  # type: ignore[attr-defined,unused-ignore]

    class _FastComposer(_Limits, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """_Composer with libyaml reading, scanning and parsing (a dozen times faster than PyYAML's Python code);
        PyYAML's composer still builds the nodes, each through _Limits.compose_node."""

        def __init__(self, stream: str) -> None:
            """Parse `stream` with libyaml."""
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _well_formed(text: str) -> bool:
    """Whether libyaml parses `text` without error: then the fast composer gives the same nodes as PyYAML.

    A file with a mistake goes through PyYAML alone, so that the message and its place are PyYAML's, whatever
    libyaml would have said (or not said: libyaml refuses a lone surrogate escape PyYAML lets through to the
    text check, which explains it better).
    """
    if not yaml.__with_libyaml__:
        return False
    try:
        for _event in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        return False
    return True


class _Builder:
    """Turns composed nodes into plain data, noting positions and problems; every key and value counts.

    An alias counts each time it is expanded, so that a few lines of '&' and '*' cannot grow past MAX_VALUES.
    """

    def __init__(self, loader: Any, file: str, problems: list[Problem], tags: bool = False) -> None:
        """Build from `loader`'s nodes, reporting to `problems`; `tags`: keep special tags as Tagged values."""
        self.loader, self.file, self.problems, self.tags = loader, file, problems, tags
        self.positions: Positions = {}
        self.budget = MAX_VALUES
        self.texts_checked: set[int] = set()
        self.too_deep_text = False

    def _count(self, node: yaml.Node) -> None:
        """Spend one value of the budget; blame aliases only when the file has some."""
        self.budget -= 1
        if self.budget < 0:
            code = "yaml.too_big" if self.loader.aliases else "yaml.too_many_values"
            raise _Refused(code, node.start_mark, limit=MAX_VALUES)

    def plain(self, node: yaml.Node, path: tuple[str | int, ...] = ()) -> Any:
        """Turn a composed YAML node into plain data, recording positions and duplicate keys."""
        self._count(node)
        if len(path) > MAX_DEPTH:  # only aliases get here: the composer stops deeper nesting written out
            raise _Refused("yaml.too_deep", node.start_mark, limit=MAX_DEPTH)
        positions, file = self.positions, self.file
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if self.tags and node.tag not in SAFE_TAGS:  # mkdocs.yml: what MkDocs would act on, kept as written
            tag = node.tag.replace(YAML_TAG, "!!")
            value = node.value if isinstance(node, yaml.ScalarNode) else self._collection(node, path)
            return Tagged(tag, value, *positions[path])
        if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
            self.problems.append(problem("yaml.tag", file, *positions[path], tag=node.tag.replace(YAML_TAG, "!!")))
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._collection(node, path)
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as written; the schema checks their form
        value = self._construct(node)
        if isinstance(value, str) and id(node) not in self.texts_checked:  # texts are Markdown: bound their nesting
            self.texts_checked.add(id(node))
            deep = markdown_depth(value)
            if deep is not None:
                self.too_deep_text = True
                self.problems.append(problem("md.too_deep", file, *positions[path], depth=deep[2],
                                             limit=MAX_MARKDOWN_DEPTH))
        return value

    def _construct(self, node: yaml.Node) -> Any:
        """A scalar's value, as PyYAML's safe loader reads it; a value its tag cannot take is refused."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError, TypeError, OverflowError):  # '!!int abc', '!!bool maybe', '!!float x'
            raise _Refused("yaml.bad_value", node.start_mark, value=node.value,
                           tag=node.tag.replace(YAML_TAG, "!!")) from None

    def _collection(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        """A mapping or a list as plain data (anything else: its text as written)."""
        positions, file = self.positions, self.file
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                self._count(key_node)
                key = str(self._construct(key_node))  # a scalar: the composer saw to it
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in result:
                    first = positions[(*path, key)]
                    self.problems.append(problem("yaml.duplicate_key", file, *where, key=key, first_line=first[0]))
                    continue
                positions[(*path, key)] = where
                result[key] = self.plain(value_node, (*path, key))
                positions[(*path, key)] = where
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, (*path, i)) for i, item in enumerate(node.value)]
        return str(node.value)


# What parse_yaml made of each text lately, pickled: (file, tags, text) -> (file, problems). A toolkit read again
# (`serve` after an edit, `build` after `check` in one process, a test session's many copies of the example)
# parses only the texts that changed; unpickling is a fresh copy for the caller to change, 30 times faster than
# parsing. The limits are part of the key (tests lower them). Oldest out first beyond PARSED_BYTES.
PARSED_BYTES = 64 * 1024 * 1024
_ParseKey = tuple[str, bool, str, int, int, int]
_parsed: dict[_ParseKey, bytes] = {}
_parsed_size = [0]
_parsed_lock = threading.Lock()


def parse_yaml(text: str, file: str, tags: bool = False) -> tuple[YamlFile | None, list[Problem]]:
    """Parse YAML text safely; return the file (None if unreadable) and the problems found.

    `tags` (mkdocs.yml): a special tag such as `!!python/name:...` or `!ENV` becomes a Tagged value, never acted
    on, instead of a problem; what to make of it is the settings check's to say. A pure function of its
    arguments, so the same text parsed before is a copy of what it gave then.
    """
    key = (file, tags, text, MAX_VALUES, MAX_DEPTH, MAX_MARKDOWN_DEPTH)
    with _parsed_lock:
        stored = _parsed.get(key)
    if stored is None:
        stored = pickle.dumps(_parse_yaml(text, file, tags), protocol=pickle.HIGHEST_PROTOCOL)
        _remember(key, stored)
    parsed: tuple[YamlFile | None, list[Problem]] = pickle.loads(stored)
    return parsed


def _remember(key: _ParseKey, stored: bytes) -> None:
    """Keep a parse for next time, forgetting the oldest beyond PARSED_BYTES (a text counts with its pickle)."""
    size = len(stored) + len(key[2])
    if size > PARSED_BYTES // 8:
        return  # one huge file would push out everything else
    with _parsed_lock:
        if key in _parsed:
            return
        _parsed[key] = stored
        _parsed_size[0] += size
        while _parsed_size[0] > PARSED_BYTES:
            old_key = next(iter(_parsed))
            _parsed_size[0] -= len(_parsed.pop(old_key)) + len(old_key[2])


def _parse_yaml(text: str, file: str, tags: bool) -> tuple[YamlFile | None, list[Problem]]:
    """parse_yaml itself, every time."""
    problems: list[Problem] = []
    for number, row in enumerate(text.split("\n"), start=1):
        indent = len(row) - len(row.lstrip(" \t"))
        if "\t" in row[:indent]:
            problems.append(problem("yaml.tab", file, number, row.index("\t") + 1))
    if problems:
        return None, problems
    try:
        loader = _FastComposer(text) if _well_formed(text) else _Composer(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (a control character)
        code = ord(text[error.position]) if error.position < len(text) else 0
        return None, [hidden_problem(code, file, *Lines(text).at(error.position))]
    builder = _Builder(loader, file, problems, tags)
    try:
        node = loader.get_single_node()
        data = {} if node is None else builder.plain(node)
    except _Refused as refused:
        mark = refused.mark
        return None, [problem(refused.code, file, *((mark.line + 1, mark.column + 1) if mark else (1, 1)),
                              **refused.values)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        unknown = UNKNOWN_TAG.search(error.problem or "")
        if unknown:
            tag = unknown.group(1).replace("tag:yaml.org,2002:", "!!")
            problems.append(problem("yaml.tag", file, line, column, tag=tag))
        else:
            problems.append(problem("yaml.syntax", file, line, column, detail=error.problem or str(error)))
        return None, problems
    except RecursionError:  # the limits should make this unreachable; never let it crash a check
        return None, [problem("yaml.too_deep", file, 1, 1, limit=MAX_DEPTH)]
    finally:
        loader.dispose()
    if builder.too_deep_text:
        return None, problems  # rendering such a text would crash Python-Markdown
    return YamlFile(file, data, builder.positions, text), problems


def _read_text(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """A file's text (a UTF-8 byte-order mark dropped), or why it cannot be read: too big, a line too long, not UTF-8.

    The size is checked before anything is read, and no more than the limit is ever read.
    """
    try:
        info = path.lstat()
    except OSError:
        return None, [problem("file.missing", file, 1, 1)]
    if not stat.S_ISREG(info.st_mode):  # a folder or a device named like a file: reading it could block or fail
        return None, [problem("file.not_regular", file, 1, 1)]
    if info.st_size > MAX_FILE_BYTES:
        return None, [problem("file.too_big", file, 1, 1, size=f"{info.st_size:,}", limit=f"{MAX_FILE_BYTES:,}")]
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))  # never through a link
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since it was measured
    if len(data) > MAX_FILE_BYTES:
        return None, [problem("file.too_big", file, 1, 1, size=f"{len(data):,}", limit=f"{MAX_FILE_BYTES:,}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at_line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1:error.start].decode("utf-8", "replace")) + 1
        return None, [problem("file.encoding", file, at_line, column)]
    for number, row in enumerate(text.split("\n"), start=1):
        if len(row) > MAX_LINE and max(map(len, row.split("\r"))) > MAX_LINE:
            return None, [problem("file.long_line", file, number, 1, number=number, length=f"{len(row):,}",
                                  limit=f"{MAX_LINE:,}")]
    return text, []


def read_yaml(path: Path, root: Path, tags: bool = False, raw: dict[str, str] | None = None
              ) -> tuple[YamlFile | None, list[Problem]]:
    """Read and parse one YAML file (`tags`: keep special tags, for mkdocs.yml); its text goes into `raw`."""
    file, text, problems = _read_source(path, root, raw)
    if text is None:
        return None, problems
    return parse_yaml(text, file, tags)


def _read_source(path: Path, root: Path, raw: dict[str, str] | None) -> tuple[str, str | None, list[Problem]]:
    """A toolkit file's name and text (None when it is a link, outside the toolkit or unreadable), kept in `raw`."""
    file = relative(path, root)
    if linked(path, root) or not inside(path, root):
        return file, None, []  # the link check reports every link; what a link points to is never read
    text, problems = _read_text(path, file)
    if text is not None and raw is not None:
        raw[file] = text
    return file, text, problems


def parse_markdown(text: str, file: str, name: str) -> tuple[MarkdownFile | None, list[Problem]]:
    """A Markdown page's text split into its YAML front matter and its body; lines may end in '\r\n'."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, [problem("page.no_front_matter", file, 1, 1)]
    meta, problems = parse_yaml(match.group(1) or "", file)
    # front matter starts on line 2: shift every recorded line by one
    problems = [replace(p, line=p.line + 1) if p.path == file else p for p in problems]
    if meta is None:
        return None, problems
    meta.positions = {k: (line + 1, col) for k, (line, col) in meta.positions.items()}
    body_line = text[: match.end()].count("\n") + 1
    body = text[match.end():].replace("\r\n", "\n")  # one kind of line end for Markdown, the site and PO files
    deep = markdown_depth(body)
    if deep is not None:  # Python-Markdown would crash on it, in check and in the build
        return None, [*problems, problem("md.too_deep", file, body_line + deep[0], deep[1], depth=deep[2],
                                         limit=MAX_MARKDOWN_DEPTH)]
    return MarkdownFile(file, name, meta, body, body_line, text), problems


def read_markdown(path: Path, root: Path, raw: dict[str, str] | None = None
                  ) -> tuple[MarkdownFile | None, list[Problem]]:
    """Read a Markdown page and its YAML front matter; its text goes into `raw`."""
    file, text, problems = _read_source(path, root, raw)
    if text is None:
        return None, problems
    return parse_markdown(text, file, path.stem)


def load_sources(root: Path) -> tuple[Sources, list[Problem]]:
    """Read every input of the toolkit at `root`: its files, its settings, its records and what lies in its folders."""
    sources = Sources(root=root)
    sources.entries = walk(root)
    problems: list[Problem] = []
    raw = sources.raw
    content = root / "content"
    for name in NEUTRAL_FILES:
        path = content / f"{name}.yml"
        if locate(sources.entries, f"content/{name}.yml") is None:  # a link is reported as a link, not as missing
            problems.append(problem("file.missing", relative(path, root), 1, 1))
            continue
        loaded, found = read_yaml(path, root, raw=raw)
        problems.extend(found)
        if loaded is not None:
            sources.neutral[name] = loaded
    if sources.entries.get(SETTINGS_FILE, Entry("", "")).kind == FILE:
        sources.settings, found = read_yaml(root / SETTINGS_FILE, root, tags=True, raw=raw)
        problems.extend(found)
        listed = sources.settings.data.get("extra_files") if sources.settings and isinstance(
            sources.settings.data, dict) else None
        for name in listed if isinstance(listed, list) else []:
            if isinstance(name, str) and extra_file_issue(name) is None:
                sources.extra_files[name] = _read_extra_file(root, name)
    for path in sorted((root / "locales").glob("*.yml")):
        loaded, found = read_yaml(path, root, raw=raw)
        problems.extend(found)
        if loaded is not None:
            sources.locales[path.stem] = loaded
    # a linked folder is never entered (the link check reports it): it could lead to any folder of the machine
    real = content.is_dir() and not linked(content, root)
    for folder in sorted(p for p in content.iterdir() if p.is_dir() and not p.is_symlink()) if real else []:
        tag = folder.name
        sources.content_locales.append(tag)
        sources.texts[tag] = {}
        for name in TEXT_FILES:
            path = folder / f"{name}.yml"
            if path.exists() or path.is_symlink():
                loaded, found = read_yaml(path, root, raw=raw)
                problems.extend(found)
                if loaded is not None:
                    sources.texts[tag][name] = loaded
        sources.pages[tag] = {}
        for path in sorted((folder / "pages").glob("*.md")):
            page, found = read_markdown(path, root, raw)
            problems.extend(found)
            if page is not None:
                sources.pages[tag][page.name] = page
        for name, kept in ((RECORDS_FILE, sources.records), (REVIEWS_FILE, sources.reviews)):
            path = folder / name
            if path.exists() or path.is_symlink():
                loaded, found = read_yaml(path, root, raw=raw)
                problems.extend(found)
                if loaded is not None:
                    kept[tag] = loaded
    if locate(sources.entries, PUBLISHED_FILE) is not None:
        sources.published, found = read_yaml(root / PUBLISHED_FILE, root, raw=raw)
        problems.extend(found)
    sources.overrides = _overrides(root, sources.entries)
    if sources.entries.get(OVERRIDES_FILE, Entry("", "")).kind == FILE:
        sources.override_records, found = read_yaml(root / OVERRIDES_FILE, root, raw=raw)
        problems.extend(found)
    sources.tracked_own = tracked_own_files(root)
    return sources, problems


def _git_index(root: Path) -> tuple[Path, str] | None:
    """The index file of the git work tree holding `root` (its .git folder, or the folder a .git file names), and
    `root`'s path inside the work tree ('' at its top, else ending in '/'); None outside a repository."""
    start = root.resolve()
    for folder in (start, *start.parents):
        marker = folder / ".git"
        if marker.is_dir():
            git_dir = marker
        elif marker.is_file():  # a linked work tree or a submodule: "gitdir: <path>"
            with marker.open("rb") as handle:  # one short line; never more than a page of it
                line = (handle.read(4096).decode("utf-8", "replace").strip().splitlines() or [""])[0]
            if not line.startswith("gitdir:"):
                return None
            git_dir = (folder / line[len("gitdir:"):].strip()).resolve()
        else:
            continue
        inside = start.relative_to(folder).as_posix()
        return git_dir / "index", "" if inside == "." else inside + "/"
    return None


def tracked_own_files(root: Path) -> list[str]:
    """The files under the toolkit's .carepath/ that its git repository tracks, by path from the toolkit's folder.

    .carepath/ holds the build's caches (CAREPATH_CACHE_DIR aside): PDFs, print documents and language parts are
    published as they are when their key matches, so a cache file committed by a pull request would reach the site
    and the handouts unchecked. Read from the repository's index (dulwich), never from the files themselves.
    """
    found = _git_index(root)
    if found is None or not found[0].is_file():
        return []
    index_file, prefix = found
    try:
        from dulwich.index import Index

        paths = [path.decode("utf-8", "replace") for path in Index(str(index_file)).paths()]
    except Exception:  # an index dulwich cannot read (a newer format): nothing to say about it
        return []
    own = f"{prefix}{OWN_FOLDER}/"
    return sorted(path[len(prefix):] for path in paths if path.startswith(own))


def _read_extra_file(root: Path, name: str) -> bytes | str:
    """An extra file's bytes, or why it cannot be published: never through a link, never a huge one."""
    path = root / name
    entry = entry_at(path, root)
    if entry is None:
        return "there is no such file"
    if linked(path, root) or entry.kind != FILE:
        return "it is a symbolic link or a folder, not a file"
    if entry.size > MAX_FILE_BYTES:
        return f"it is larger than {MAX_FILE_BYTES // 1_000_000} MB"
    return path.read_bytes()


def _overrides(root: Path, entries: dict[str, Entry]) -> dict[str, Override]:
    """The toolkit's files in templates/ and print/ that stand where carepath has a file, with both versions."""
    found: dict[str, Override] = {}
    for name in OVERRIDABLE:
        builtin = toolkit_layers(root, name).builtin
        if builtin is None:  # carepath's own repository: its files are carepath's
            continue
        for path, entry in entries.items():
            theirs = builtin.parent / path
            if entry.kind == FILE and path.startswith(f"{name}/") and theirs.is_file():
                mine = file_version((root / path).read_bytes())
                found[path] = Override(path, mine, file_version(theirs.read_bytes()))
    return dict(sorted(found.items()))
