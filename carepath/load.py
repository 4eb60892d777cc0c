"""Load stage: read a toolkit's YAML and Markdown files into plain data that remembers line numbers."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from carepath.checks.paths import MAX_FILE_BYTES, check_pages_folders, inside, linked
from carepath.checks.text import Lines, hidden_problem
from carepath.messages import fragment, problem
from carepath.problems import Problem, relative

# Where each value stood in its file: a JSON path (keys and list indexes) -> (line, column), 1-based.
Positions = dict[tuple[str | int, ...], tuple[int, int]]

NEUTRAL_FILES = ("toolkit", "signs", "steps", "pathways", "services")
TEXT_FILES = ("toolkit", "signs", "steps", "pathways", "services")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
# Limits on what is read: far above any real toolkit, low enough that `check` stays small and fast on any input
# (MAX_FILE_BYTES, checked before a file is read, is in check_paths so that every reader can share it).
MAX_LINE = 20_000  # characters in one line
MAX_VALUES = 100_000  # keys and values of a YAML file, an alias counted each time it is expanded ('&'/'*' bombs)
MAX_DEPTH = 32  # levels of YAML nesting: PyYAML's composer recurses once per level
MAX_MARKDOWN_DEPTH = 20  # levels of lists, quotes and HTML: Python-Markdown recurses at each (500 crash it)
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
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

    def __init__(self, code: str, mark: yaml.Mark | None, **values: object) -> None:
        """Note the message code, where it happened and the message's values."""
        super().__init__(code)
        self.code, self.mark, self.values = code, mark, values


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


@dataclass
class Sources:
    """Everything read from a toolkit, before any checking."""

    root: Path
    neutral: dict[str, YamlFile] = field(default_factory=dict)
    locales: dict[str, YamlFile] = field(default_factory=dict)
    texts: dict[str, dict[str, YamlFile]] = field(default_factory=dict)
    pages: dict[str, dict[str, MarkdownFile]] = field(default_factory=dict)
    content_locales: list[str] = field(default_factory=list)
    settings: YamlFile | None = None  # mkdocs.yml


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


class _Composer(yaml.SafeLoader):
    """A safe loader used only to compose nodes, within MAX_VALUES and MAX_DEPTH; construction is `_Builder`'s."""

    def __init__(self, stream: str) -> None:
        """Read `stream`, with nothing composed yet."""
        super().__init__(stream)
        self.nodes = 0
        self.depth = 0
        self.aliases = False

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Compose one node; refuse a key that is not plain text, and stop at the limits before going on."""
        event = self.peek_event()
        if isinstance(parent, yaml.MappingNode) and index is None:  # PyYAML composes a key with index None
            self._check_key(event)
        if isinstance(event, yaml.AliasEvent):
            self.aliases = True  # expanded, and counted, by _Builder
            return super().compose_node(parent, index)
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Refused("yaml.too_many_values", event.start_mark, limit=MAX_VALUES)
        opens = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        self.depth += opens
        if self.depth > MAX_DEPTH:
            raise _Refused("yaml.too_deep", event.start_mark, limit=MAX_DEPTH)
        node = super().compose_node(parent, index)
        self.depth -= opens
        return node

    def _check_key(self, event: yaml.Event) -> None:
        """A key must be a scalar: a list, a group of fields or an alias to one could be expanded without bound."""
        kinds = {yaml.SequenceStartEvent: "key.sequence", yaml.MappingStartEvent: "key.mapping",
                 yaml.SequenceNode: "key.sequence", yaml.MappingNode: "key.mapping"}
        if type(event) in kinds:
            raise _Refused("yaml.complex_key", event.start_mark, kind=fragment(kinds[type(event)]))
        target = self.anchors.get(event.anchor) if isinstance(event, yaml.AliasEvent) else None
        if target is not None and type(target) in kinds:
            raise _Refused("yaml.complex_key", event.start_mark,
                           kind=fragment("key.alias", anchor=event.anchor, kind=fragment(kinds[type(target)])))


class _Builder:
    """Turns composed nodes into plain data, noting positions and problems; every key and value counts.

    An alias counts each time it is expanded, so that a few lines of '&' and '*' cannot grow past MAX_VALUES.
    """

    def __init__(self, loader: _Composer, file: str, problems: list[Problem]) -> None:
        """Build from `loader`'s nodes, reporting to `problems`."""
        self.loader, self.file, self.problems = loader, file, problems
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
        if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
            self.problems.append(problem("yaml.tag", file, *positions[path],
                                         tag=node.tag.replace("tag:yaml.org,2002:", "!!")))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                self._count(key_node)
                key = str(self.loader.construct_object(key_node, deep=True))  # a scalar: the composer saw to it
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
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as written; the schema checks their form
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, str) and id(node) not in self.texts_checked:  # texts are Markdown: bound their nesting
            self.texts_checked.add(id(node))
            deep = markdown_depth(value)
            if deep is not None:
                self.too_deep_text = True
                self.problems.append(problem("md.too_deep", file, *positions[path], depth=deep[2],
                                             limit=MAX_MARKDOWN_DEPTH))
        return value


def parse_yaml(text: str, file: str) -> tuple[YamlFile | None, list[Problem]]:
    """Parse YAML text safely; return the file (None if unreadable) and the problems found."""
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            problems.append(problem("yaml.tab", file, number, line.index("\t") + 1))
    if problems:
        return None, problems
    try:
        loader = _Composer(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (a control character)
        code = ord(text[error.position]) if error.position < len(text) else 0
        return None, [hidden_problem(code, file, *Lines(text).at(error.position))]
    builder = _Builder(loader, file, problems)
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
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1:error.start].decode("utf-8", "replace")) + 1
        return None, [problem("file.encoding", file, line, column)]
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE and max(map(len, line.split("\r"))) > MAX_LINE:
            return None, [problem("file.long_line", file, number, 1, number=number, length=f"{len(line):,}",
                                  limit=f"{MAX_LINE:,}")]
    return text, []


def read_yaml(path: Path, root: Path) -> tuple[YamlFile | None, list[Problem]]:
    """Read and parse one YAML file."""
    file = relative(path, root)
    if linked(path, root) or not inside(path, root):
        return None, []  # check_paths reports every link; what a link points to is never read
    text, problems = _read_text(path, file)
    return parse_yaml(text, file) if text is not None else (None, problems)


def read_markdown(path: Path, root: Path) -> tuple[MarkdownFile | None, list[Problem]]:
    """Read a Markdown page and its YAML front matter."""
    file = relative(path, root)
    if linked(path, root) or not inside(path, root):
        return None, []  # check_paths reports every link; what a link points to is never read
    text, problems = _read_text(path, file)
    if text is None:
        return None, problems
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
    deep = markdown_depth(text[match.end():])
    if deep is not None:  # Python-Markdown would crash on it, in check and in the build
        return None, [*problems, problem("md.too_deep", file, body_line + deep[0], deep[1], depth=deep[2],
                                         limit=MAX_MARKDOWN_DEPTH)]
    return MarkdownFile(file, path.stem, meta, text[match.end():], body_line, text), problems


def load_sources(root: Path) -> tuple[Sources, list[Problem]]:
    """Read every source file of the toolkit at `root`."""
    sources = Sources(root=root)
    problems: list[Problem] = []
    content = root / "content"
    for name in NEUTRAL_FILES:
        path = content / f"{name}.yml"
        if not path.exists() and not path.is_symlink():  # a link is reported as a link, not as missing
            problems.append(problem("file.missing", relative(path, root), 1, 1))
            continue
        loaded, found = read_yaml(path, root)
        problems.extend(found)
        if loaded is not None:
            sources.neutral[name] = loaded
    if (root / "mkdocs.yml").is_file():
        sources.settings, found = read_yaml(root / "mkdocs.yml", root)
        problems.extend(found)
    for path in sorted((root / "locales").glob("*.yml")):
        loaded, found = read_yaml(path, root)
        problems.extend(found)
        if loaded is not None:
            sources.locales[path.stem] = loaded
    # a linked folder is never entered (check_paths reports it): it could lead to any folder of the machine
    real = content.is_dir() and not linked(content, root)
    for folder in sorted(p for p in content.iterdir() if p.is_dir() and not p.is_symlink()) if real else []:
        tag = folder.name
        sources.content_locales.append(tag)
        sources.texts[tag] = {}
        for name in TEXT_FILES:
            path = folder / f"{name}.yml"
            if path.exists():
                loaded, found = read_yaml(path, root)
                problems.extend(found)
                if loaded is not None:
                    sources.texts[tag][name] = loaded
        sources.pages[tag] = {}
        for path in sorted((folder / "pages").glob("*.md")):
            page, found = read_markdown(path, root)
            problems.extend(found)
            if page is not None:
                sources.pages[tag][page.name] = page
        problems.extend(_check_records(folder, root))
    problems.extend(check_pages_folders(root))
    return sources, problems


def _check_records(folder: Path, root: Path) -> list[Problem]:
    """A language's translation records are read by carepath.l10n.translation: hold them to the same limits first."""
    from carepath.l10n.translation import RECORDS_FILE  # imported here: carepath.l10n.translation imports this module

    path = folder / RECORDS_FILE
    return read_yaml(path, root)[1] if path.exists() or path.is_symlink() else []
