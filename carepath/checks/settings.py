"""Site settings check: mkdocs.yml may only say what carepath passes on to MkDocs."""

from __future__ import annotations

import difflib
import math
from typing import Any

from carepath.load import YamlFile
from carepath.markup import ALLOWED_EXTENSIONS, ALLOWED_OPTIONS, FORCED_OPTIONS, MKDOCS_EXTENSIONS, extension_entries
from carepath.messages import problem
from carepath.problems import Problem
from carepath.settings import (
    COLOUR,
    EXTRA_SETTINGS,
    MIN_CONTRAST,
    PALETTE_SETTINGS,
    PALETTE_VALUE,
    PLUGINS,
    REFUSED_WHY,
    SETTINGS,
    SITE_URL,
    THEME_SETTINGS,
    contrast_with_white,
    darker_until_readable,
    plugin_name,
    quick_exit_url_ok,
)

FILE = "mkdocs.yml"


def _why(key: str, allowed: frozenset[str]) -> str:
    """Why a key is refused, or the allowed key it looks like."""
    if key in REFUSED_WHY:
        return REFUSED_WHY[key]
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f"it is not a setting carepath passes on (did you mean '{close[0]}'?)" if close else (
        "it is not a setting carepath passes on")


def _unknown(settings: YamlFile, data: dict[str, Any], path: tuple[str, ...], allowed: frozenset[str]) -> list[Problem]:
    """A problem for every key of `data` (at `path` in mkdocs.yml) that is not in `allowed`."""
    return [
        problem("settings.refused", FILE, *settings.where((*path, key)), key=".".join((*path, key)),
                why=_why(key, allowed), allowed=", ".join(sorted(allowed)))
        for key in data if key not in allowed
    ]


def check_settings(settings: YamlFile | None) -> list[Problem]:
    """Refuse every setting of mkdocs.yml that could run code, load other hosts or change carepath's pages."""
    if settings is None:
        return []
    data = settings.data
    if not isinstance(data, dict):
        return [problem("settings.not_mapping", FILE, 1, 1)]
    problems = _unknown(settings, data, (), SETTINGS)
    if "site_url" in data and data["site_url"] and not SITE_URL.match(str(data["site_url"])):
        problems.append(problem("settings.site_url", FILE, *settings.where(("site_url",)), url=data["site_url"]))
    theme = data.get("theme")
    if isinstance(theme, dict):
        problems += _unknown(settings, theme, ("theme",), THEME_SETTINGS)
        palette = theme.get("palette")
        if isinstance(palette, dict):
            problems += _unknown(settings, palette, ("theme", "palette"), PALETTE_SETTINGS)
            problems += [
                problem("settings.palette", FILE, *settings.where(("theme", "palette", key)), key=key, value=value)
                for key, value in palette.items() if key in PALETTE_SETTINGS and not PALETTE_VALUE.match(str(value))
            ]
        elif palette is not None:
            problems.append(problem("settings.palette", FILE, *settings.where(("theme", "palette")), key="palette",
                                    value="a list"))
        if theme.get("name", "material") != "material":
            problems.append(problem("settings.theme", FILE, *settings.where(("theme", "name")), name=theme.get("name")))
        if theme.get("font", False) is not False:
            problems.append(problem("settings.refused", FILE, *settings.where(("theme", "font")), key="theme.font",
                                    why=REFUSED_WHY["font"], allowed="false"))
    elif theme is not None and theme != "material":
        problems.append(problem("settings.theme", FILE, *settings.where(("theme",)), name=theme))
    extra = data.get("extra")
    if isinstance(extra, dict):
        problems += _unknown(settings, extra, ("extra",), EXTRA_SETTINGS)
        url = extra.get("carepath_quick_exit_url")
        if url is not None and not quick_exit_url_ok(url):
            problems.append(problem("settings.exit_url", FILE, *settings.where(("extra", "carepath_quick_exit_url")),
                                    url=url))
        problems += _check_colour(settings, extra.get("carepath_colour"))
    for index, entry in enumerate(data.get("plugins") or [] if isinstance(data.get("plugins"), list) else []):
        name = plugin_name(entry)
        if name not in PLUGINS and name != "i18n":  # i18n: carepath sets it up itself, whatever is written
            problems.append(problem("settings.plugin", FILE, *settings.where(("plugins", index)), name=name))
    problems += _check_extensions(settings, data)
    return problems


def _check_colour(settings: YamlFile, value: Any) -> list[Problem]:
    """The community's colour: #rrggbb, and dark enough for white text on it."""
    if value is None:
        return []
    where = settings.where(("extra", "carepath_colour"))
    if not isinstance(value, str) or not COLOUR.match(value):
        return [problem("settings.colour", FILE, *where, value=value)]
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        shown = f"{math.floor(ratio * 100) / 100:.2f}"  # never rounded up to the 4.5 it misses
        return [problem("settings.colour_contrast", FILE, *where, value=value, ratio=shown,
                        suggestion=darker_until_readable(value))]
    return []


def _check_extensions(settings: YamlFile, data: dict[str, Any]) -> list[Problem]:
    """Markdown extensions: only those on carepath's list, with only the options it passes on."""
    problems: list[Problem] = []
    for name, options, index in extension_entries(data):
        where = settings.where(("markdown_extensions", index))
        if name not in ALLOWED_EXTENSIONS:
            problems.append(problem("settings.extension", FILE, *where, name=name,
                                    allowed=", ".join(sorted(ALLOWED_EXTENSIONS - set(MKDOCS_EXTENSIONS)))))
            continue
        allowed = ALLOWED_OPTIONS.get(name, frozenset()) | set(FORCED_OPTIONS.get(name, {}))
        for option in options:
            if option not in allowed:
                problems.append(problem("settings.extension_option", FILE,
                                        *settings.where(("markdown_extensions", index, name, option)),
                                        name=name, option=option,
                                        allowed=", ".join(sorted(allowed)) or "none"))
    return problems
