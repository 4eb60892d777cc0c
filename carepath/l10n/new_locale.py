"""Start a new language: its locales/ entry and the empty files translators fill."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import langcodes
import yaml
from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from carepath.load import Sources
from carepath.resources import scripts


@dataclass
class NewLocale:
    """What new-locale decided and wrote."""

    tag: str
    name: str
    english_name: str
    script: str
    direction: str
    fonts: list[str]
    packages: list[str]
    files: list[str]


def valid_tag(tag: str) -> bool:
    """Whether `tag` is a well-formed, valid BCP 47 language tag."""
    return langcodes.tag_is_valid(tag)


def describe(tag: str) -> tuple[str, str, str]:
    """The language's own name, its English name and its script (ISO 15924)."""
    language = langcodes.Language.get(tag)
    script = language.maximize().script or "Latn"
    try:
        own = BabelLocale.parse(tag, sep="-")
        name = own.get_display_name(own) or language.autonym()
        english = own.get_display_name("en") or language.display_name()
    except (ValueError, UnknownLocaleError):
        name, english = language.autonym(), language.display_name()
    return name[:1].upper() + name[1:], english, script


def _commented_copy(text: str) -> str:
    """A source text file turned into a translator's template: schema line kept, the rest commented."""
    lines = text.splitlines()
    head = [lines[0]] if lines and lines[0].startswith("# yaml-language-server") else []
    rest = lines[len(head):]
    intro = [
        "# Translate: remove the '# ' in front of a line and replace the English text with yours.",
        "# Keep the keys (the words before ':') and the ids exactly as they are. A line you leave",
        "# commented out is shown in English until you translate it.",
        "{}" if not rest else "",
    ]
    return "\n".join([*head, *intro, *(f"# {line}" if line.strip() else "" for line in rest)]) + "\n"


def create_locale(
    sources: Sources, root: Path, tag: str, direction: str | None = None, name: str | None = None
) -> NewLocale:
    """Write locales/<tag>.yml and content/<tag>/ with translator templates; never overwrite."""
    own_name, english, script = describe(tag)
    known = scripts().get(script, {})
    direction = direction or known.get("direction", "ltr")
    fonts = list(known.get("fonts") or ["Noto Sans"])
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    locale_file = root / "locales" / f"{tag}.yml"
    folder = root / "content" / tag
    written: list[str] = []
    if not locale_file.exists():
        data = {"name": name or own_name, "english_name": english, "direction": direction, "fonts": fonts}
        header = (
            "# yaml-language-server: $schema=../carepath/schemas/locale.schema.json\n"
            f"# {english}: created by `python build.py new-locale {tag}`.\n"
        )
        source_text = (root / "locales" / f"{source_tag}.yml").read_text(encoding="utf-8")
        ui = _commented_copy("ui:" + source_text.split("\nui:", 1)[1]) if "\nui:" in source_text else ""
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        locale_file.write_text(header + body + "\n" + ui, encoding="utf-8")
        written.append(locale_file.relative_to(root).as_posix())
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    for source_file in sorted((root / "content" / source_tag).glob("*.yml")):
        if source_file.name == "translated-from.yml":
            continue
        target = folder / source_file.name
        if not target.exists():
            target.write_text(_commented_copy(source_file.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(target.relative_to(root).as_posix())
    return NewLocale(tag, name or own_name, english, script, direction, fonts,
                     list(known.get("packages") or []), written)
