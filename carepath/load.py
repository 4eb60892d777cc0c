"""Load stage: read a toolkit's YAML and Markdown files into plain data that remembers line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from carepath.check_paths import inside
from carepath.check_text import Lines, hidden_problem
from carepath.messages import problem
from carepath.problems import Problem, relative

# Where each value stood in its file: a JSON path (keys and list indexes) -> (line, column), 1-based.
Positions = dict[tuple[str | int, ...], tuple[int, int]]

NEUTRAL_FILES = ("toolkit", "signs", "steps", "pathways", "services")
TEXT_FILES = ("toolkit", "signs", "steps", "pathways", "services")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
MAX_VALUES = 100_000  # more than any toolkit file holds; stops '&'/'*' alias bombs
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
UNKNOWN_TAG = re.compile(r"constructor for the tag '([^']*)'")


class _TooBig(Exception):
    """A file grew past MAX_VALUES values while its aliases were expanded."""


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


class _Composer(yaml.SafeLoader):
    """A safe loader used only to compose nodes; construction is done by `_plain`."""


def _plain(
    node: yaml.Node, loader: _Composer, path: tuple[str | int, ...], positions: Positions,
    file: str, problems: list[Problem], budget: list[int],
) -> Any:
    """Turn a composed YAML node into plain data, recording positions and duplicate keys."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
        problems.append(problem("yaml.tag", file, *positions[path], tag=node.tag.replace("tag:yaml.org,2002:", "!!")))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            if key in result:
                first = positions[(*path, key)]
                problems.append(problem(
                    "yaml.duplicate_key", file, key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1, key=key, first_line=first[0],
                ))
                continue
            positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _plain(value_node, loader, (*path, key), positions, file, problems, budget)
            positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _plain(item, loader, (*path, i), positions, file, problems, budget)
            for i, item in enumerate(node.value)
        ]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep dates as written; the schema checks their form
    return loader.construct_object(node, deep=True)


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
    try:
        node = loader.get_single_node()
        positions: Positions = {}
        data = {} if node is None else _plain(node, loader, (), positions, file, problems, [MAX_VALUES])
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
    except _TooBig:
        return None, [problem("yaml.too_big", file, 1, 1, limit=MAX_VALUES)]
    except RecursionError:
        return None, [problem("yaml.too_deep", file, 1, 1)]
    finally:
        loader.dispose()
    return YamlFile(file, data, positions, text), problems


def _read_text(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """A file's text (a UTF-8 byte-order mark dropped), or the place of the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1:error.start].decode("utf-8", "replace")) + 1
        return None, [problem("file.encoding", file, line, column)]


def read_yaml(path: Path, root: Path) -> tuple[YamlFile | None, list[Problem]]:
    """Read and parse one YAML file."""
    file = relative(path, root)
    if not inside(path, root):
        return None, []  # check_paths reports links that lead outside; never read what they point to
    text, problems = _read_text(path, file)
    return parse_yaml(text, file) if text is not None else (None, problems)


def read_markdown(path: Path, root: Path) -> tuple[MarkdownFile | None, list[Problem]]:
    """Read a Markdown page and its YAML front matter."""
    file = relative(path, root)
    if not inside(path, root):
        return None, []  # check_paths reports links that lead outside; never read what they point to
    text, problems = _read_text(path, file)
    if text is None:
        return None, problems
    match = FRONT_MATTER.match(text)
    if not match:
        return None, [problem("page.no_front_matter", file, 1, 1)]
    meta, problems = parse_yaml(match.group(1) or "", file)
    if meta is None:
        return None, problems
    # front matter starts on line 2: shift every recorded line by one
    meta.positions = {k: (line + 1, col) for k, (line, col) in meta.positions.items()}
    body_line = text[: match.end()].count("\n") + 1
    return MarkdownFile(file, path.stem, meta, text[match.end():], body_line, text), problems


def load_sources(root: Path) -> tuple[Sources, list[Problem]]:
    """Read every source file of the toolkit at `root`."""
    sources = Sources(root=root)
    problems: list[Problem] = []
    content = root / "content"
    for name in NEUTRAL_FILES:
        path = content / f"{name}.yml"
        if not path.exists():
            problems.append(problem("file.missing", relative(path, root), 1, 1))
            continue
        loaded, found = read_yaml(path, root)
        problems.extend(found)
        if loaded is not None:
            sources.neutral[name] = loaded
    for path in sorted((root / "locales").glob("*.yml")):
        loaded, found = read_yaml(path, root)
        problems.extend(found)
        if loaded is not None:
            sources.locales[path.stem] = loaded
    for folder in sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []:
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
    return sources, problems
