"""What a toolkit's mkdocs.yml may say: the settings carepath passes to MkDocs, and nothing else.

mkdocs.yml comes in pull requests like any content, and MkDocs takes code from it (hooks, plugins,
extra_javascript, Markdown extensions that read files): only what is listed here reaches the build.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

SETTINGS = frozenset({"site_url", "use_directory_urls", "theme", "markdown_extensions", "plugins", "extra",
                      "copyright", "site_author"})
THEME_SETTINGS = frozenset({"name", "font", "features", "palette"})
# The features of Material for MkDocs 9 (theme.features); anything else is a typo the theme would ignore.
FEATURES = frozenset({
    "announce.dismiss", "content.action.edit", "content.action.view", "content.code.annotate", "content.code.copy",
    "content.code.select", "content.footnote.tooltips", "content.lazy", "content.tabs.link", "content.tooltips",
    "header.autohide", "navigation.expand", "navigation.footer", "navigation.indexes", "navigation.instant",
    "navigation.instant.prefetch", "navigation.instant.preview", "navigation.instant.progress", "navigation.path",
    "navigation.prune", "navigation.sections", "navigation.tabs", "navigation.tabs.sticky", "navigation.top",
    "navigation.tracking", "search.highlight", "search.share", "search.suggest", "toc.follow", "toc.integrate",
})
PALETTE_SETTINGS = frozenset({"scheme", "primary", "accent"})
# Material writes palette names into attributes unescaped: plain colour names only (indigo, deep purple...)
PALETTE_VALUE = re.compile(r"^[a-z][a-z0-9 -]{0,30}$")
# site_url goes into QR codes and links: an http(s) address of URL characters only, no quotes or brackets
SITE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&()*+,;=:@%/-]*)?$")
# Settings the theme writes into pages as they are: kept only as plain text, escaped
TEXT_SETTINGS = ("copyright", "site_author")
# Settings carepath reads itself and never passes on to MkDocs.
CAREPATH_SETTINGS = frozenset({"extra_files"})
# extra_files: files copied into the site untouched (CNAME, robots.txt, .well-known/security.txt, a PGP key, an
# icon). Nothing a browser runs or renders as a page (HTML, SVG, XML, scripts), and no name carepath writes itself.
EXTRA_FILE_SUFFIXES = frozenset({"", ".txt", ".json", ".asc", ".pem", ".ico", ".png", ".webmanifest"})
RESERVED_NAMES = frozenset({"_headers", "_redirects", "sitemap.xml", "sitemap.xml.gz", "404.html", "index.html"})
TOOLKIT_FOLDERS = frozenset({"content", "locales", "templates", "print", "site", ".carepath", ".git", ".github"})


def extra_file_issue(name: str) -> str | None:
    """Why `name` cannot be an extra file (a fragment for the message), or None when it can."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in parts):
        return "it is not a path inside the toolkit's folder, written with '/' between folders"
    if parts[0] in TOOLKIT_FOLDERS:
        return f"{parts[0]}/ is a folder carepath reads or writes itself"
    if any(part.startswith(".") for part in parts[1:]) or (parts[0].startswith(".") and parts[0] != ".well-known"):
        return "a hidden file or folder can hold secrets (only .well-known/ is published)"
    if name in RESERVED_NAMES:
        return "carepath writes a file of that name itself"
    suffix = "." + parts[-1].rsplit(".", 1)[1].lower() if "." in parts[-1] else ""
    if suffix not in EXTRA_FILE_SUFFIXES:
        return f"a {suffix} file is one a browser could run or show as a page"
    return None
EXTRA_SETTINGS = frozenset({"generator", "carepath_quick_exit", "carepath_quick_exit_url", "carepath_colour"})
# The community's colour (extra.carepath_colour): the header, links and buttons, with white text on it.
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f5f5b"  # a calm, dark teal: 7.4:1 with white
MIN_CONTRAST = 4.5  # WCAG AA for text, white on the colour and the colour on white
PLUGINS = frozenset({"search", "material/search"})
# Settings MkDocs takes as true or false only: anything else stops its build with a configuration error.
BOOLEAN_SETTINGS = ("use_directory_urls",)
# Options of the search plugin a toolkit may set, each with what it takes (carepath sets the language itself).
SEARCH_OPTIONS: dict[str, str] = {
    "separator": "text (a regular expression)", "min_search_length": "a whole number",
    "indexing": "full, sections or titles",
}


def search_option_ok(option: str, value: object) -> bool:
    """Whether an option of the search plugin is one carepath passes on, with a value MkDocs accepts."""
    if option == "separator":
        return isinstance(value, str)
    if option == "min_search_length":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    return option == "indexing" and value in ("full", "sections", "titles")


def plugin_entry(entry: Any) -> Any:
    """A `plugins:` entry as carepath passes it on: the search plugin with only the options it allows."""
    if not isinstance(entry, dict):
        return entry
    name = plugin_name(entry)
    options = entry[name] if isinstance(entry[name], dict) else {}
    kept = {k: v for k, v in options.items() if search_option_ok(str(k), v)}
    return {name: kept} if kept else name
# Why a setting is refused, for the check's message.
REFUSED_WHY = {
    "hooks": "runs Python code from the repository during the build",
    "extra_javascript": "adds scripts to every page",
    "extra_css": "adds styles that could hide the emergency banner",
    "extra_templates": "publishes templates carepath does not check",
    "repo_url": "makes every page ask another site for the repository's details",
    "docs_dir": "is decided by carepath",
    "site_dir": "is decided by carepath (use --site)",
    "custom_dir": "is decided by carepath: put theme overrides in templates/overrides/",
    "analytics": "tracks readers",
    "consent": "belongs to analytics, which carepath does not allow",
    "social": "links every page to other sites",
    "font": "fonts from another host learn who reads the toolkit (write font: false)",
}


def quick_exit_url_ok(value: object) -> bool:
    """Whether the quick exit's address is an http(s) web address (never a script)."""
    parts = urlsplit(str(value))
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG 2)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """The contrast ratio of white text on a #rrggbb colour."""
    return 1.05 / (luminance(colour) + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """A #rrggbb colour moved `amount` (0 to 1) of the way towards `other`."""
    parts = [round(int(colour[i:i + 2], 16) * (1 - amount) + int(other[i:i + 2], 16) * amount) for i in (1, 3, 5)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def darker_until_readable(colour: str) -> str:
    """The colour darkened just enough for white text on it to reach MIN_CONTRAST."""
    for step in range(0, 101, 5):
        darker = mix(colour, "#000000", step / 100)
        if contrast_with_white(darker) >= MIN_CONTRAST:
            return darker
    return "#000000"


def colour_ok(value: object) -> bool:
    """Whether extra.carepath_colour is a #rrggbb colour that white text is readable on."""
    return isinstance(value, str) and bool(COLOUR.match(value)) and contrast_with_white(value) >= MIN_CONTRAST


def plain_data(value: Any) -> Any:
    """Settings as plain YAML data: anything else (a value kept with its tag, such as `!ENV`) becomes None."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else None


def site_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings of mkdocs.yml carepath passes on to MkDocs: the allowed ones, and only in allowed forms.

    Even where the check was skipped, a value written with a special tag never reaches MkDocs.
    """
    config = plain_data(config)
    kept = {key: value for key, value in config.items() if key in SETTINGS}
    for key in TEXT_SETTINGS:
        if key in kept:
            kept[key] = html.escape(str(kept[key]), quote=True)
    if "site_url" in kept and not SITE_URL.match(str(kept["site_url"])):
        del kept["site_url"]
    for key in BOOLEAN_SETTINGS:
        if key in kept and not isinstance(kept[key], bool):
            del kept[key]
    theme = config.get("theme")
    kept["theme"] = {
        **({k: v for k, v in theme.items() if k in THEME_SETTINGS} if isinstance(theme, dict) else {}),
        "name": "material",
        "font": False,
    }
    palette = kept["theme"].pop("palette", None)
    if isinstance(palette, dict):
        kept["theme"]["palette"] = {
            k: v for k, v in palette.items() if k in PALETTE_SETTINGS and PALETTE_VALUE.match(str(v))
        }
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    kept["extra"] = {k: v for k, v in (extra or {}).items() if k in EXTRA_SETTINGS}
    if "carepath_quick_exit_url" in kept["extra"] and not quick_exit_url_ok(kept["extra"]["carepath_quick_exit_url"]):
        del kept["extra"]["carepath_quick_exit_url"]
    if "carepath_colour" in kept["extra"] and not colour_ok(kept["extra"]["carepath_colour"]):
        del kept["extra"]["carepath_colour"]
    plugins = config.get("plugins")
    kept["plugins"] = [plugin_entry(p) for p in (plugins if isinstance(plugins, list) else [])
                       if plugin_name(p) in PLUGINS]
    return kept


def plugin_name(entry: Any) -> str:
    """The name of a `plugins:` entry, written as a name or as a one-key mapping."""
    if isinstance(entry, str):
        return entry
    return str(next(iter(entry), "")) if isinstance(entry, dict) and len(entry) == 1 else ""
