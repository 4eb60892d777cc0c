"""Translation records check: content/<tag>/translated-from.yml is what carepath wrote, about files that exist.

carepath writes each record (`status`, `import-po`): a translated text, and the version of its source it was
made from. The status report and every build read them; one that cannot be read is named here, at its place.
"""

from __future__ import annotations

import re

from carepath.checks.base import Run, source_tag
from carepath.layout import UI_TEXTS
from carepath.load import TEXT_FILES, Sources
from carepath.messages import problem
from carepath.problems import Problem

FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")
PAGE_RECORD = re.compile(r"^pages/[^/]+\.md$")


def record_file(tag: str, ref: str) -> str | None:
    """The file a record names (e.g. 'pages/about.md' -> content/es/pages/about.md), or None if it names none."""
    file = ref.partition(":")[0]
    if file == UI_TEXTS:
        return f"locales/{tag}.yml"
    if file in (f"{name}.yml" for name in TEXT_FILES) or PAGE_RECORD.match(file):
        return f"content/{tag}/{file}"
    return None


def check_records(sources: Sources, run: Run) -> list[Problem]:
    """Every language's records: a list of 'text: version' lines, each naming a text that exists.

    A record of a file the language has removed (it falls back now) is kept: the source still has the text.
    """
    problems: list[Problem] = []
    source = source_tag(sources) or ""
    for tag, file in sources.records.items():
        if file.data is None or file.data == {}:
            continue
        if not isinstance(file.data, dict):
            problems.append(problem("records.not_mapping", file.path, *file.where(()), tag=tag))
            continue
        for ref, version in file.data.items():
            where = file.where((ref,))
            target, original = record_file(tag, str(ref)), record_file(source, str(ref))
            if not isinstance(version, str) or not FINGERPRINT.match(version):
                problems.append(problem("records.bad_version", file.path, *where, ref=ref, tag=tag))
            elif target is None or (target not in sources.entries and original not in sources.entries):
                problems.append(problem("records.no_file", file.path, *where, ref=ref, tag=tag,
                                        file=target or f"content/{tag}/{str(ref).partition(':')[0]}",
                                        source=original or f"content/{source}/{str(ref).partition(':')[0]}"))
    return problems
