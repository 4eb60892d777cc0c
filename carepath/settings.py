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
PALETTE_SETTINGS = frozenset({"scheme", "primary", "accent"})
# Material writes palette names into attributes unescaped: plain colour names only (indigo, deep purple...)
PALETTE_VALUE = re.compile(r"^[a-z][a-z0-9 -]{0,30}$")
# site_url goes into QR codes and links: an http(s) address of URL characters only, no quotes or brackets
SITE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&()*+,;=:@%/-]*)?$")
# Settings the theme writes into pages as they are: kept only as plain text, escaped
TEXT_SETTINGS = ("copyright", "site_author")
EXTRA_SETTINGS = frozenset({"generator", "carepath_quick_exit", "carepath_quick_exit_url"})
PLUGINS = frozenset({"search", "material/search"})
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


def site_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings of mkdocs.yml carepath passes on to MkDocs: the allowed ones, and only in allowed forms."""
    kept = {key: value for key, value in config.items() if key in SETTINGS}
    for key in TEXT_SETTINGS:
        if key in kept:
            kept[key] = html.escape(str(kept[key]), quote=True)
    if "site_url" in kept and not SITE_URL.match(str(kept["site_url"])):
        del kept["site_url"]
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
    kept["plugins"] = [p for p in config.get("plugins") or [] if plugin_name(p) in PLUGINS]
    return kept


def plugin_name(entry: Any) -> str:
    """The name of a `plugins:` entry, written as a name or as a one-key mapping."""
    if isinstance(entry, str):
        return entry
    return str(next(iter(entry), "")) if isinstance(entry, dict) else ""
