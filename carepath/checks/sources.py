"""Sources and licences: what a toolkit adapts, it may publish only under a licence the source allows.

For each source `use: adapted` in content/toolkit.yml (warnings: a licence question is for people to settle,
not a reason to stop a build):
- a no-derivatives source cannot be adapted at all;
- a non-commercial (NC) source cannot be adapted into a toolkit whose licence allows commercial use;
- a share-alike (SA) source's adaptation must carry the same licence elements (BY-SA or BY-NC-SA), in the
  same or a later version;
- a licence carepath cannot read (or 'all rights reserved') needs the publisher's permission;
- a licence that asks for credit (every CC BY licence) needs its notice written out.
A source `use: reference` is cited or linked to, nothing copied: its licence does not bind the toolkit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carepath.checks.base import Run, as_dict, as_list
from carepath.load import Sources, YamlFile
from carepath.messages import problem
from carepath.problems import Problem

CC = re.compile(r"^\s*CC[\s_-]*(BY(?:[\s_-]*(?:NC|SA|ND))*)(?:[\s_-]*(\d+(?:\.\d+)?))?(?:[\s_-]*(IGO))?\s*$", re.I)
PUBLIC = re.compile(r"^\s*(CC0(?:[\s_-]*1\.0)?|public[\s_-]*domain)\s*$", re.I)


@dataclass(frozen=True)
class Licence:
    """A Creative Commons licence as its elements (BY, NC, SA, ND) and version; none for CC0 / public domain."""

    elements: frozenset[str]
    version: float

    @property
    def name(self) -> str:
        """As people write it: CC BY-NC-SA 3.0."""
        if not self.elements:
            return "CC0"
        order = [e for e in ("BY", "NC", "SA", "ND") if e in self.elements]
        return f"CC {'-'.join(order)} {self.version:g}".strip()


def read_licence(text: str) -> Licence | None:
    """A licence string (CC BY-SA 4.0, CC-BY-NC-SA-3.0-IGO, CC0...) as its elements, or None if not one of these."""
    if PUBLIC.match(text):
        return Licence(frozenset(), 1.0)
    match = CC.match(text)
    if not match:
        return None
    elements = frozenset(re.split(r"[\s_-]+", match[1].upper()))
    return Licence(elements, float(match[2] or 0))


def check_sources(sources: Sources, run: Run) -> list[Problem]:
    """Each adapted source's licence against the toolkit's, and the notices the sources' licences require."""
    toolkit = sources.neutral.get("toolkit")
    if toolkit is None:
        return []
    facts = as_dict(toolkit.data)
    own_text = facts.get("license")
    own = read_licence(own_text) if isinstance(own_text, str) else None
    problems: list[Problem] = []
    for i, item in enumerate(as_list(facts.get("sources"))):
        item = as_dict(item)
        if item.get("use") != "adapted" or (toolkit.path, ("sources", i)) in run.failed:
            continue
        problems += _adapted(toolkit, i, item, own, own_text)
    return problems


def _adapted(toolkit: YamlFile, i: int, item: dict[str, object], own: Licence | None,
             own_text: object) -> list[Problem]:
    """What an adapted source's licence asks of the toolkit."""
    title, text = str(item.get("title")), item.get("license")
    where = toolkit.where(("sources", i, "license")) if "license" in item else toolkit.where(("sources", i))
    theirs = read_licence(text) if isinstance(text, str) else None
    if theirs is None:
        return [problem("sources.licence_unknown", toolkit.path, *where, title=title, licence=text or "none given")]
    problems = []
    why = None
    if "ND" in theirs.elements:
        why = "sources.why_nd"
    elif own is None:
        why = None  # the toolkit's own licence is not one carepath reads: nothing to compare
    elif "NC" in theirs.elements and "NC" not in own.elements:
        why = "sources.why_nc"
    elif "SA" in theirs.elements and (own.elements != theirs.elements or own.version < theirs.version):
        why = "sources.why_sa"
    if why:
        problems.append(problem(why, toolkit.path, *where, title=title, theirs=theirs.name, ours=str(own_text)))
    if "BY" in theirs.elements and not item.get("notice"):
        problems.append(problem("sources.notice_missing", toolkit.path, *toolkit.where(("sources", i)), title=title,
                                licence=theirs.name))
    return problems
