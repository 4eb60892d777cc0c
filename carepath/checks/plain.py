"""Plain language: the source language's texts read at the reading age the toolkit aims for (warnings only).

People read this toolkit when they, or someone near them, are struggling: long sentences and long words lose
them. Two measures, both of the source language only (translators follow its sentences):
- each file (a topic file, a page, the toolkit's interface strings) is scored with the Flesch-Kincaid grade
  (textstat, syllables from the CMU Pronouncing Dictionary); a file that reads above `reading_age:` in
  content/toolkit.yml (default 11: grade 6) is named with its hardest sentence and that sentence's longest words.
  A file under MIN_WORDS words is not scored: the formula is meant for samples, not a line or two.
- each sentence over MAX_SENTENCE_WORDS words (GOV.UK's limit) is named with its longest words.
Only English is scored: Flesch-Kincaid and the CMU dictionary are made for English, and textstat's formulas for
other languages have no agreed reading-age scale. Other source languages are not judged (docs/CHECKS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
    problems: list[Problem] = []
    for file, sentences in _files(sources, tag):
        problems += _judge(file, sentences, target)
    return problems


def _files(sources: Sources, tag: str) -> Iterator[tuple[str, list[Sentence]]]:
    """Every source-language file's sentences: topic files, pages (front matter too), interface strings."""
    for file in sources.texts.get(tag, {}).values():
        yield file.path, _yaml_sentences(file.text, [(file.where(path), text) for path, text in strings(file.data)])
    for page in sources.pages.get(tag, {}).values():
        meta = [(page.meta.where(path), text) for path, text in strings(page.meta.data)
                if path and path[0] in ("title", "description")]
        yield page.path, _yaml_sentences(page.text, meta) + _markdown_sentences(page.body, page.body_line)
    locale = sources.locales.get(tag)
    ui = as_dict(locale.data).get("ui") if locale is not None else None
    if locale is not None and isinstance(ui, dict):
        yield locale.path, _yaml_sentences(locale.text, [(locale.where(("ui", k)), v) for k, v in ui.items()
                                                         if isinstance(v, str)])


def _split(text: str) -> list[tuple[int, str]]:
    """The sentences of a text, each with its offset in it."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        found.append((start, text[start:match.start()]))
        start = match.end()
    found.append((start, text[start:]))
    return [(offset, s) for offset, s in found if s.strip()]


def _yaml_sentences(raw: str, values: list[tuple[tuple[int, int], str]]) -> list[Sentence]:
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
    return found


def _markdown_sentences(body: str, body_line: int) -> list[Sentence]:
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
    return found


def _syllables(word: str) -> int:
    """A word's syllables, from the CMU dictionary where it has the word (textstat)."""
    return int(_textstat().syllable_count(word))


def _textstat() -> Any:
    """textstat, imported when a toolkit in a scored language is checked (it loads a dictionary: about a second)."""
    import textstat

    textstat.set_lang("en")
    return textstat


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of sentences joined into one text."""
    return float(_textstat().flesch_kincaid_grade(text))


def _longest(sentence: str) -> str:
    """A sentence's longest words (three syllables or more, the longest first), quoted, or '' when it has none."""
    words = sorted({w.strip("'’-") for w in WORD.findall(sentence)}, key=lambda w: (-_syllables(w), -len(w), w))
    long = [w for w in words if _syllables(w) >= 3][:3]
    return ", ".join(f"'{w}'" for w in long)


def _closed(sentence: str) -> str:
    """A sentence that ends as one, so that a heading or list item counts as a sentence of its own."""
    return sentence if sentence.endswith((".", "?", "!", ":")) else f"{sentence}."


def _judge(file: str, sentences: list[Sentence], target: int) -> list[Problem]:
    """The warnings of one file: its score against the target, and each overlong sentence."""
    problems = []
    for sentence in sentences:
        words = len(sentence.text.split())
        if words > MAX_SENTENCE_WORDS:
            problems.append(problem("plain.long_sentence", file, sentence.line, sentence.column, words=words,
                                    limit=MAX_SENTENCE_WORDS, sentence=_quote(sentence.text),
                                    longest=_longest_clause(sentence.text)))
    prose = [s for s in sentences if len(s.text.split()) >= 3]
    if sum(len(s.text.split()) for s in prose) < MIN_WORDS:
        return problems
    score = grade(" ".join(_closed(s.text) for s in prose))
    if score + GRADE_AGE > target:
        hardest = max(prose, key=lambda s: (grade(_closed(s.text)), len(s.text)))
        problems.append(problem("plain.hard_file", file, hardest.line, hardest.column, age=f"{score + GRADE_AGE:.1f}",
                                grade=f"{score:.1f}", target=target, sentence=_quote(hardest.text),
                                longest=_longest_clause(hardest.text)))
    return problems


def _longest_clause(sentence: str) -> str:
    """The message's words about a sentence's longest words."""
    longest = _longest(sentence)
    return f"; its longest words: {longest}" if longest else ""


def _quote(sentence: str) -> str:
    """A sentence as a message quotes it: its first 12 words."""
    words = sentence.split()
    return " ".join(words[:12]) + (" ..." if len(words) > 12 else "")
