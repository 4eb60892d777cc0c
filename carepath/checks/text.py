"""Text checks on the files as written: hidden characters and wording that harms people at risk of suicide."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from carepath.checks.base import Run
from carepath.lines import Lines, hidden_characters
from carepath.load import Sources
from carepath.messages import fragment, problem
from carepath.problems import Problem
from carepath.resources import SAFE_MESSAGING_FILE, safe_messaging


@dataclass(frozen=True)
class Wording:
    """Phrasings not to use, what to write instead, and why: harmful wording about suicide, or a glossary entry."""

    avoid: tuple[str, ...]
    instead: str
    why: str
    source: str
    term: str | None = None  # a glossary entry: the source term it translates


def _wordings(entries: Any, default_source: str) -> list[Wording]:
    """Wordings from a list of `avoid`/`instead`/`why`/`source` entries, skipping malformed ones."""
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("instead"), str):
            continue
        avoid = entry.get("avoid")
        avoid = [avoid] if isinstance(avoid, str) else avoid
        phrases = tuple(p for p in avoid or [] if isinstance(p, str) and p.strip()) if isinstance(avoid, list) else ()
        if phrases:
            found.append(Wording(phrases, entry["instead"], str(entry.get("why") or ""),
                                 str(entry.get("source") or default_source)))
    return found


@cache
def builtin_wordings() -> dict[str, list[Wording]]:
    """carepath's own list of harmful phrasings, by language (carepath/data/safe-messaging.yml)."""
    source = f"carepath/data/{SAFE_MESSAGING_FILE.name}"
    return {str(tag): _wordings(entries, source) for tag, entries in safe_messaging().items()}


def glossary_for(locale_data: Any) -> list[Wording]:
    """A language's glossary (locales/<tag>.yml, glossary:): the entries that list variants to avoid."""
    entries = locale_data.get("glossary") if isinstance(locale_data, dict) else None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("use", "term")):
            continue
        avoid = entry.get("avoid")
        phrases = tuple(p for p in avoid if isinstance(p, str) and p.strip()) if isinstance(avoid, list) else ()
        if phrases:
            found.append(Wording(phrases, entry["use"], str(entry.get("note") or ""), "", entry["term"]))
    return found


def wordings_for(tag: str, locale_data: Any) -> list[Wording]:
    """The harmful phrasings to look for in language `tag`: carepath's own and the locale file's."""
    builtin = builtin_wordings()
    primary = tag.split("-")[0].lower()
    found = list(builtin.get(tag, [])) + (list(builtin.get(primary, [])) if primary != tag else [])
    extra = locale_data.get("safe_messaging") if isinstance(locale_data, dict) else None
    return found + _wordings(extra, f"locales/{tag}.yml")


def _phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: whole words, any run of spaces or line breaks between them."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


@lru_cache(maxsize=1024)
def _wording_pattern(avoid: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a wording's phrasings, the longest first."""
    alternatives = sorted(avoid, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(_phrase_pattern, alternatives)) + r")(?!\w)", re.IGNORECASE)


def harmful_wording(text: str, file: str, wordings: Iterable[Wording]) -> list[Problem]:
    """Every harmful phrasing in `text`, matched without regard to case on whole words."""
    return list(_harmful_wording(text, file, tuple(wordings)))


@lru_cache(maxsize=256)
def _harmful_wording(text: str, file: str, wordings: tuple[Wording, ...]) -> tuple[Problem, ...]:
    """harmful_wording, remembered: `serve` checks every file again after each edit, and most are unchanged."""
    lines = Lines(text)
    hits: dict[int, tuple[int, Wording]] = {}
    for wording in wordings:
        for match in _wording_pattern(wording.avoid).finditer(text):
            if match.start() not in hits or hits[match.start()][0] < match.end():
                hits[match.start()] = (match.end(), wording)
    problems = []
    for start, (end, wording) in sorted(hits.items()):
        found = " ".join(text[start:end].split())
        why = fragment("safe.why", why=wording.why) if wording.why else ""
        if wording.term is not None:
            problems.append(problem("glossary.avoid", file, *lines.at(start), found=found, term=wording.term,
                                    use=wording.instead, why=why))
        else:
            problems.append(problem("safe.wording", file, *lines.at(start), found=found, why=why,
                                    instead=wording.instead, source=wording.source))
    return tuple(problems)


def _language(file: str) -> str | None:
    """The language a file under content/<tag>/ is written in (None for content/*.yml and other files)."""
    parts = file.split("/")
    return parts[1] if parts[0] == "content" and len(parts) > 2 else None


def check_text(sources: Sources, run: Run) -> list[Problem]:
    """Hidden characters in every file read; harmful wording in every file of content/<tag>/."""
    problems: list[Problem] = []
    for file, text in sorted(sources.raw.items()):
        if not file.startswith(("content/", "locales/")):
            continue  # mkdocs.yml: its values are checked one by one by the settings check
        problems += hidden_characters(text, file, yaml_escapes=not file.endswith(".md"))
        tag = _language(file)
        if tag is not None:
            locale = sources.locales.get(tag)
            data = locale.data if locale else None
            problems += harmful_wording(text, file, [*wordings_for(tag, data), *glossary_for(data)])
    return problems
