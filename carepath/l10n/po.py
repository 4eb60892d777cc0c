"""Gettext round trip: export a language's strings and paragraphs to PO files, and import them back."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from babel.messages.plurals import get_plural
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from carepath.l10n.review import review_status
from carepath.l10n.translation import (
    UI_FILE,
    Unit,
    fingerprint,
    read_records,
    units,
    write_records,
)
from carepath.load import Sources
from carepath.roundtrip import round_trip_yaml

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PLURAL_FORM = re.compile(r"\.(zero|one|two|few|many|other)$")


@dataclass
class ImportResult:
    """What an import changed: files written and units recorded as current."""

    files: list[str] = field(default_factory=list)
    units: int = 0
    skipped: list[str] = field(default_factory=list)


def paragraphs(body: str) -> list[str]:
    """A Markdown body split into paragraphs (blocks separated by blank lines)."""
    return [p.strip("\n") for p in PARAGRAPH_BREAK.split(body.strip("\n")) if p.strip()]


def po_name(file: str) -> str:
    """The PO file for a unit file: signs.yml -> signs.po, pages/about.md -> pages-about.po."""
    return file.replace("/", "-").rsplit(".", 1)[0] + ".po" if file != UI_FILE else "ui.po"


def _comment(text: str, extra: str = "") -> str:
    """Notes for translators about what must stay as it is."""
    notes = [extra] if extra else []
    found = sorted(set(PLACEHOLDER.findall(text)))
    if found:
        notes.append(f"Keep {', '.join(found)} exactly as written: carepath fills them in.")
    if re.search(r"\*\*|\]\(|`", text):
        notes.append("Keep the Markdown marks (** for bold, [text](link)) around the matching words.")
    return "\n".join(notes)


def _entries(unit: Unit, own: Unit | None, fuzzy: bool, source_file: str) -> list[polib.POEntry]:
    """PO entries for one unit: one per string, list item or paragraph."""
    pairs: list[tuple[str, str, str, str]] = []  # context, source, translation, note
    if isinstance(unit.value, dict):  # a page
        meta, own_meta = unit.value["meta"], (own.value["meta"] if own else {})
        for key in ("title", "description"):
            if meta.get(key):
                pairs.append((key, meta[key], str(own_meta.get(key) or ""), f"The page's {key}."))
        source_paras = paragraphs(unit.value["body"])
        own_paras = paragraphs(own.value["body"]) if own else []
        if len(own_paras) != len(source_paras):
            own_paras = [""] * len(source_paras)  # paragraphs no longer line up: translate again
        for i, (s, t) in enumerate(zip(source_paras, own_paras, strict=True), start=1):
            pairs.append((f"paragraph {i}", s, t, f"Paragraph {i} of {len(source_paras)} (Markdown)."))
    elif isinstance(unit.value, list):
        own_items = own.value if own and isinstance(own.value, list) else []
        for i, item in enumerate(unit.value):
            t = str(own_items[i]) if i < len(own_items) and len(own_items) == len(unit.value) else ""
            pairs.append((f"{unit.key}[{i}]", str(item), t, f"Item {i + 1} of {len(unit.value)} in a list."))
    else:
        pairs.append((unit.key, str(unit.value), str(own.value) if own else "", ""))
    entries = []
    for context, source, translation, note in pairs:
        entry = polib.POEntry(
            msgctxt=context, msgid=source, msgstr=translation,
            occurrences=[(source_file, str(unit.line))],
            comment=_comment(source, note),
        )
        if fuzzy and translation:
            entry.flags.append("fuzzy")
        # msgfmt -c and translation platforms then check the placeholders too; not on plural forms, which
        # may leave out {count} (Arabic writes "two pages" as one word)
        if PLACEHOLDER.search(source) and not PLURAL_FORM.search(context):
            entry.flags.append("python-brace-format")
        entries.append(entry)
    return entries


def _header(po: polib.POFile, tag: str, title: str) -> None:
    """The PO header a translation platform and msgfmt expect, plural rules from CLDR."""
    try:
        plural = str(get_plural(tag.replace("-", "_")))
    except ValueError:
        plural = "nplurals=2; plural=(n != 1);"
    po.metadata = {
        "Project-Id-Version": title,
        "Language": tag,
        "Language-Team": tag,
        "Last-Translator": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
        "X-Generator": "carepath",
    }


def export_po(sources: Sources, root: Path, tag: str, out_dir: Path) -> list[Path]:
    """Write one PO file per source file for language `tag`; return the files written."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    title = str(sources.texts[source_tag]["toolkit"].data.get("title", "carepath"))
    records = read_records(root, tag)
    source, own = units(sources, source_tag), units(sources, tag)
    # a text changed since its language review needs a reviewer's eyes again: fuzzy, as an outdated one
    changed = [r.unit.ref for r in review_status(sources, tag, source_tag).reviews if r.state == "changed"]
    files: dict[str, polib.POFile] = {}
    for ref, unit in source.items():
        po = files.setdefault(po_name(unit.file), polib.POFile(wrapwidth=0))
        source_file = f"locales/{source_tag}.yml" if unit.file == UI_FILE else f"content/{source_tag}/{unit.file}"
        fuzzy = ref in own and (records.get(ref) != fingerprint(unit.value)
                                or any(ref == c or ref.startswith(f"{c}.") for c in changed))
        for entry in _entries(unit, own.get(ref), fuzzy, source_file):
            po.append(entry)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, po in sorted(files.items()):
        _header(po, tag, title)
        path = out_dir / name
        po.save(str(path))
        written.append(path)
    return written


def _translations(po_dir: Path) -> dict[str, dict[str, str]]:
    """Translated, non-fuzzy entries of every PO file: file name -> context -> translation."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(po_dir.glob("*.po")):
        po = polib.pofile(str(path))
        found[path.name] = {
            e.msgctxt or "": e.msgstr for e in po if e.msgstr and not e.fuzzy and not e.obsolete
        }
    return found


def _unit_translation(unit: Unit, table: dict[str, str]) -> Any:
    """A unit's translated value from PO entries, or None unless every part is translated."""
    if isinstance(unit.value, dict):
        meta = {k: table.get(k) for k in ("title", "description") if unit.value["meta"].get(k)}
        paras = [table.get(f"paragraph {i}") for i in range(1, len(paragraphs(unit.value["body"])) + 1)]
        if None in meta.values() or None in paras:
            return None
        return {"meta": meta, "body": "\n\n".join(p for p in paras if p is not None) + "\n"}
    if isinstance(unit.value, list):
        items = [table.get(f"{unit.key}[{i}]") for i in range(len(unit.value))]
        return None if None in items else items
    return table.get(unit.key)


def _set_path(data: Any, key: str, value: Any) -> None:
    """Set a dotted key in a round-trip YAML mapping, creating parents."""
    parts = key.split(".")
    for part in parts[:-1]:
        if part not in data or not isinstance(data[part], dict):
            data[part] = {}
        data = data[part]
    data[parts[-1]] = value


def _set_ui(doc: Any, key: str, value: Any, order: list[str]) -> None:
    """Set an interface string under `ui:`: its key is one dotted name, not a path (steps.avoid).

    A string the file lacks goes where the source language has it: after the nearest string before it.
    """
    if not isinstance(doc.get("ui"), dict):
        doc["ui"] = CommentedMap()
    ui = doc["ui"]
    if key in ui:
        ui[key] = value
        return
    if any(isinstance(v, DoubleQuotedScalarString) for v in ui.values()) and isinstance(value, str):
        value = DoubleQuotedScalarString(value)  # written like the strings around it
    before = order[: order.index(key)] if key in order else order
    anchor = next((k for k in reversed(before) if k in ui), None)
    position = list(ui).index(anchor) + 1 if anchor is not None else 0
    ui.insert(position, key, value)


def _uncomment_template(text: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Write each value on the commented template line of its key (`#   key: "English"`), uncommenting
    `# ui:` if needed; return the text and the values that had no such line."""
    lines = text.split("\n")
    rest: dict[str, Any] = {}
    for key, value in values.items():
        pattern = re.compile(rf"^#\s?(\s+){re.escape(key)}:(\s|$)")
        places = [i for i, line in enumerate(lines) if pattern.match(line)]
        if len(places) != 1 or not isinstance(value, str):
            rest[key] = value
            continue
        indent = pattern.match(lines[places[0]]).group(1)  # type: ignore[union-attr]
        lines[places[0]] = f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}"
    if len(rest) < len(values):
        parents = [i for i, line in enumerate(lines) if re.match(r"^#\s?ui:\s*$", line)]
        if parents and not any(re.match(r"^ui:", line) for line in lines):
            lines[parents[0]] = "ui:"
    return "\n".join(lines), rest


def _same_page(old: Unit | None, new: dict[str, Any]) -> bool:
    """Whether a page already says what the import would write."""
    if old is None:
        return False
    meta = {k: old.value["meta"].get(k) for k in new["meta"]}
    return meta == new["meta"] and paragraphs(old.value["body"]) == paragraphs(new["body"])


def import_po(sources: Sources, root: Path, tag: str, po_dir: Path) -> ImportResult:
    """Write the translations of PO files back into the language's files; unchanged files stay untouched."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    source, own = units(sources, source_tag), units(sources, tag)
    tables = _translations(po_dir)
    records = read_records(root, tag)
    result = ImportResult()
    rt = round_trip_yaml()
    ui_order = [u.key for u in source.values() if u.file == UI_FILE]
    pending_ui: dict[Path, dict[str, Any]] = {}
    yaml_docs: dict[Path, Any] = {}
    changed: set[Path] = set()
    for ref, unit in source.items():
        table = tables.get(po_name(unit.file))
        if table is None:
            continue
        value = _unit_translation(unit, table)
        if value is None:
            continue
        current = own.get(ref)
        if isinstance(unit.value, dict):
            path = root / "content" / tag / unit.file
            if not _same_page(current, value):
                path.parent.mkdir(parents=True, exist_ok=True)
                front = io.StringIO()
                rt.dump(value["meta"], front)
                path.write_text(f"---\n{front.getvalue()}---\n\n{value['body']}", encoding="utf-8")
                result.files.append(path.relative_to(root).as_posix())
        else:
            path = root / ("locales" if unit.file == UI_FILE else f"content/{tag}") / (
                f"{tag}.yml" if unit.file == UI_FILE else unit.file)
            if current is None or current.value != value:
                if path not in yaml_docs:
                    yaml_docs[path] = rt.load(path.read_text(encoding="utf-8")) if path.exists() else None
                    if yaml_docs[path] is None:
                        yaml_docs[path] = rt.load(_new_text_file(unit.file, source_tag))
                if unit.file == UI_FILE:
                    pending_ui.setdefault(path, {})[unit.key] = value
                else:
                    _set_path(yaml_docs[path], unit.key, value)
                changed.add(path)
        if records.get(ref) != fingerprint(unit.value):
            records[ref] = fingerprint(unit.value)
            result.units += 1
    for path, values in pending_ui.items():  # in place of new-locale's commented lines where they are
        text, rest = _uncomment_template(path.read_text(encoding="utf-8") if path.exists() else "", values)
        yaml_docs[path] = rt.load(text)
        for key, value in rest.items():
            _set_ui(yaml_docs[path], key, value, ui_order)
    for path in sorted(changed):
        out = io.StringIO()
        rt.dump(yaml_docs[path], out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out.getvalue(), encoding="utf-8")
        result.files.append(path.relative_to(root).as_posix())
    if result.units:
        write_records(root, tag, records)
    return result


def _new_text_file(file: str, source_tag: str) -> str:
    """The start of a language's text file that does not exist yet: its schema line."""
    schema = file.removesuffix(".yml") + "-text"
    return f"# yaml-language-server: $schema=../../carepath/schemas/{schema}.schema.json\n{{}}\n"
