"""Site settings check: mkdocs.yml may only say what carepath passes on to MkDocs.

mkdocs.yml is read with its special tags kept as written (carepath.load.Tagged): `!!python/name:...` and
`!!python/object/apply:...` name Python code MkDocs would import and run, `!ENV` reads the environment, where
CI keeps its secrets. None is ever acted on; each is refused here, at its place.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from typing import Any

from carepath.checks.base import Run
from carepath.load import Sources, Tagged, YamlFile
from carepath.markup import (
    ALLOWED_EXTENSIONS,
    ALLOWED_OPTIONS,
    FORCED_OPTIONS,
    KIND_NAMES,
    MKDOCS_EXTENSIONS,
    OPTION_KINDS,
    extension_entries,
    option_ok,
)
from carepath.messages import fragment, problem
from carepath.problems import Problem
from carepath.settings import (
    BOOLEAN_SETTINGS,
    CAREPATH_SETTINGS,
    COLOUR,
    EXTRA_SETTINGS,
    FEATURES,
    MIN_CONTRAST,
    PALETTE_SETTINGS,
    PALETTE_VALUE,
    PLUGINS,
    REFUSED_WHY,
    SEARCH_OPTIONS,
    SETTINGS,
    SITE_URL,
    THEME_SETTINGS,
    contrast_with_white,
    darker_until_readable,
    extra_file_issue,
    plain_data,
    plugin_name,
    quick_exit_url_ok,
    search_option_ok,
)

FILE = "mkdocs.yml"
Path = tuple[str | int, ...]


class _Found:
    """The problems of mkdocs.yml, each placed at the key of its setting."""

    def __init__(self, settings: YamlFile) -> None:
        """Start with nothing found in `settings`."""
        self.settings = settings
        self.problems: list[Problem] = []

    def add(self, path: Path, code: str, **values: object) -> None:
        """A problem with the setting at `path`, placed at its key."""
        self.problems.append(problem(code, FILE, *self.settings.where(path), **values))


def tagged_values(data: Any, path: Path = ()) -> Iterator[tuple[Path, Tagged]]:
    """Every value written with a special tag, with its path (the outermost, for a tag inside a tagged value)."""
    if isinstance(data, Tagged):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from tagged_values(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from tagged_values(value, (*path, index))


def _tag_problem(value: Tagged) -> Problem:
    """Why a tagged value is refused: code it would run, the environment it would read, or a tag unknown here."""
    where = (value.line, value.column)
    if value.tag.startswith("!!python/"):
        kind, _, target = value.tag.removeprefix("!!python/").partition(":")
        return problem("settings.python_tag", FILE, *where, tag=value.tag, target=target or kind)
    if value.tag == "!ENV":
        names = value.value if isinstance(value.value, list) else [value.value]
        return problem("settings.env_tag", FILE, *where, name=str(names[0]) if names else "")
    return problem("settings.tag", FILE, *where, tag=value.tag)


def _why(key: str, allowed: frozenset[str]) -> str:
    """Why a key is refused, or the allowed key it looks like."""
    if key in REFUSED_WHY:
        return REFUSED_WHY[key]
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f"it is not a setting carepath passes on (did you mean '{close[0]}'?)" if close else (
        "it is not a setting carepath passes on")


def _unknown(found: _Found, data: dict[str, Any], path: tuple[str, ...], allowed: frozenset[str]) -> None:
    """Refuse every key of `data` (at `path` in mkdocs.yml) that is not in `allowed`."""
    for key in data:
        if key not in allowed:
            found.add((*path, key), "settings.refused", key=".".join((*path, key)), why=_why(key, allowed),
                         allowed=", ".join(sorted(allowed)))


def _check_extra_files(found: _Found, listed: Any, read: dict[str, bytes | str]) -> None:
    """extra_files: a list of files of the toolkit that can be published as they are, each there to be read."""
    if listed is None:
        return
    if not isinstance(listed, list):
        found.add(("extra_files",), "settings.not_list", key="extra_files")
        return
    for index, name in enumerate(listed):
        if not isinstance(name, str):
            found.add(("extra_files", index), "settings.extra_file", name=name,
                      why="it is not a file name")
            continue
        why = extra_file_issue(name) or (read[name] if isinstance(read.get(name), str) else None)
        if why:
            found.add(("extra_files", index), "settings.extra_file", name=name, why=why)


def check_settings(sources: Sources, run: Run) -> list[Problem]:
    """Refuse every setting of mkdocs.yml that could run code, load other hosts or change carepath's pages."""
    settings = sources.settings
    if settings is None:
        return []
    if not isinstance(settings.data, dict):
        return [problem("settings.not_mapping", FILE, *settings.where(()))]
    found = _Found(settings)
    tags = list(tagged_values(settings.data))
    data: dict[str, Any] = plain_data(settings.data)  # a tagged value is None here: refused once, at its tag
    _unknown(found, data, (), SETTINGS | CAREPATH_SETTINGS)
    _check_extra_files(found, data.get("extra_files"), sources.extra_files)
    if data.get("site_url") and not SITE_URL.match(str(data["site_url"])):
        found.add(("site_url",), "settings.site_url", url=data["site_url"])
    for key in BOOLEAN_SETTINGS:
        if data.get(key) is not None and not isinstance(data[key], bool):
            found.add((key,), "settings.not_bool", key=key, value=data[key])
    theme = data.get("theme")
    if isinstance(theme, dict):
        _check_theme(found, theme)
    elif theme is not None and theme != "material":
        found.add(("theme",), "settings.theme", name=theme)
    extra = data.get("extra")
    if isinstance(extra, dict):
        _unknown(found, extra, ("extra",), EXTRA_SETTINGS)
        url = extra.get("carepath_quick_exit_url")
        if url is not None and not quick_exit_url_ok(url):
            found.add(("extra", "carepath_quick_exit_url"), "settings.exit_url", url=url)
        _check_colour(found, extra.get("carepath_colour"))
    for key in ("plugins", "markdown_extensions"):
        if data.get(key) is not None and not isinstance(data[key], list):
            found.add((key,), "settings.not_list", key=key)
    plugins = data.get("plugins")
    for index, entry in enumerate(plugins if isinstance(plugins, list) else []):
        name = plugin_name(entry)
        if entry is not None and name not in PLUGINS and name != "i18n":  # i18n: carepath sets it up itself
            found.add(("plugins", index), "settings.plugin", name=name or str(entry))
        elif name in PLUGINS and isinstance(entry, dict):
            _check_search(found, index, name, entry[name])
    _check_extensions(found, data, tags)
    found.problems += [_tag_problem(value) for _, value in tags]
    return found.problems


def _check_theme(found: _Found, theme: dict[str, Any]) -> None:
    """theme: Material, no web fonts, a palette of colour names, features Material has."""
    _unknown(found, theme, ("theme",), THEME_SETTINGS)
    palette = theme.get("palette")
    if isinstance(palette, dict):
        _unknown(found, palette, ("theme", "palette"), PALETTE_SETTINGS)
        for key, value in palette.items():
            if key in PALETTE_SETTINGS and value is not None and not PALETTE_VALUE.match(str(value)):
                found.add(("theme", "palette", key), "settings.palette", key=key, value=value)
    elif palette is not None:
        found.add(("theme", "palette"), "settings.palette", key="palette", value="a list")
    if theme.get("name", "material") not in ("material", None):
        found.add(("theme", "name"), "settings.theme", name=theme.get("name"))
    if theme.get("font", False) not in (False, None):
        found.add(("theme", "font"), "settings.refused", key="theme.font", why=REFUSED_WHY["font"],
                     allowed="false")
    features = theme.get("features")
    if features is not None and not isinstance(features, list):
        found.add(("theme", "features"), "settings.not_list", key="theme.features")
    for index, feature in enumerate(features if isinstance(features, list) else []):
        if feature is not None and feature not in FEATURES:
            close = difflib.get_close_matches(str(feature), sorted(FEATURES), n=1)
            found.add(("theme", "features", index), "settings.feature", name=feature,
                         suggestion=fragment("did_you_mean_paren", choice=close[0]) if close else "")


def _check_colour(found: _Found, value: Any) -> None:
    """The community's colour: #rrggbb, and dark enough for white text on it."""
    if value is None:
        return
    where = ("extra", "carepath_colour")
    if not isinstance(value, str) or not COLOUR.match(value):
        found.add(where, "settings.colour", value=value)
        return
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        shown = f"{math.floor(ratio * 100) / 100:.2f}"  # never rounded up to the 4.5 it misses
        found.add(where, "settings.colour_contrast", value=value, ratio=shown, suggestion=darker_until_readable(value))


def _check_extensions(found: _Found, data: dict[str, Any], tags: list[tuple[Path, Tagged]]) -> None:
    """Markdown extensions: only those on carepath's list, with only the options it passes on."""
    for name, options, index in extension_entries(data):
        where = ("markdown_extensions", index)
        if name not in ALLOWED_EXTENSIONS:
            code = any(path[:2] == where for path, _ in tags)
            why = fragment("settings.extension_code" if code else "settings.extension_why")
            found.add(where, "settings.extension", name=name, why=why,
                         allowed=", ".join(sorted(ALLOWED_EXTENSIONS - set(MKDOCS_EXTENSIONS))))
            continue
        allowed = ALLOWED_OPTIONS.get(name, frozenset()) | set(FORCED_OPTIONS.get(name, {}))
        for option, value in options.items():
            if option not in allowed:
                found.add((*where, name, option), "settings.extension_option", name=name, option=option,
                          allowed=", ".join(sorted(allowed)) or "none")
            elif option in ALLOWED_OPTIONS.get(name, frozenset()) and value is not None and not option_ok(
                    name, option, value):
                found.add((*where, name, option), "settings.option_value", name=name, option=option, value=value,
                          expected=KIND_NAMES[OPTION_KINDS[name][option]])


def _check_search(found: _Found, index: int, name: str, options: Any) -> None:
    """The search plugin's options: only those carepath passes on, each with a value MkDocs accepts."""
    if options is None:
        return
    if not isinstance(options, dict):
        found.add(("plugins", index, name), "settings.plugin_option", name=name, option=str(options),
                  allowed=", ".join(sorted(SEARCH_OPTIONS)))
        return
    for option, value in options.items():
        if option not in SEARCH_OPTIONS:
            found.add(("plugins", index, name, option), "settings.plugin_option", name=name, option=option,
                      allowed=", ".join(sorted(SEARCH_OPTIONS)))
        elif value is not None and not search_option_ok(option, value):
            found.add(("plugins", index, name, option), "settings.option_value", name=name, option=option,
                      value=value, expected=SEARCH_OPTIONS[option])
