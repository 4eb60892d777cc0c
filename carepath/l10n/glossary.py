"""A language's glossary (locales/<tag>.yml, glossary:) as the files translation platforms import: CSV and TBX.

Weblate and Crowdin read a CSV of source term, translation and description; TBX (ISO 30042, the TBX-Basic
dialect) carries the same, and marks each other accepted form as an admitted term and each variant to avoid as a
deprecated term.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr


def entries(locale_data: Any) -> list[dict[str, Any]]:
    """The glossary entries of a locale file's data that have a term and an approved word."""
    found = locale_data.get("glossary") if isinstance(locale_data, dict) else None
    return [
        {"term": e["term"], "use": e["use"], "note": str(e.get("note") or ""),
         "avoid": [a for a in e.get("avoid") or [] if isinstance(a, str)],
         "forms": [f for f in e.get("forms") or [] if isinstance(f, str)]}
        for e in found if isinstance(e, dict) and isinstance(e.get("term"), str) and isinstance(e.get("use"), str)
    ] if isinstance(found, list) else []


def to_csv(glossary: list[dict[str, Any]]) -> str:
    """source, target, description and the variants to avoid, one term a row (UTF-8, with a header)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "target", "description", "forbidden"])
    for entry in glossary:
        writer.writerow([entry["term"], entry["use"], entry["note"], "; ".join(entry["avoid"])])
    return out.getvalue()


def to_tbx(glossary: list[dict[str, Any]], source_tag: str, tag: str) -> str:
    """The glossary as TBX-Basic: a concept per term, the source term, the approved and the deprecated ones."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tbx type="TBX-Basic" style="dca" xml:lang=' + quoteattr(source_tag)
        + ' xmlns="urn:iso:std:iso:30042:ed-2">',
        "  <tbxHeader><fileDesc><sourceDesc><p>carepath glossary</p></sourceDesc></fileDesc></tbxHeader>",
        "  <text><body>",
    ]
    for number, entry in enumerate(glossary, start=1):
        lines.append(f'    <conceptEntry id="c{number}">')
        if entry["note"]:
            lines.append(f'      <descrip type="definition">{escape(entry["note"])}</descrip>')
        lines.append(f"      <langSec xml:lang={quoteattr(source_tag)}><termSec><term>{escape(entry['term'])}</term>"
                     "</termSec></langSec>")
        lines.append(f"      <langSec xml:lang={quoteattr(tag)}>")
        lines.append(f'        <termSec><term>{escape(entry["use"])}</term>'
                     '<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>')
        for variants, status in ((entry["forms"], "admittedTerm"), (entry["avoid"], "deprecatedTerm")):
            for variant in variants:
                lines.append(f'        <termSec><term>{escape(variant)}</term>'
                             f'<termNote type="administrativeStatus">{status}-admn-sts</termNote></termSec>')
        lines.append("      </langSec>")
        lines.append("    </conceptEntry>")
    lines += ["  </body></text>", "</tbx>", ""]
    return "\n".join(lines)
