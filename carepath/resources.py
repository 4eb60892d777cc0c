"""carepath's own data files, shipped with the code: the JSON Schemas, safe-messaging wording, scripts and fonts.

Read once per process (they change only with carepath itself); a toolkit's files are read by carepath.load only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE = Path(__file__).parent
SCHEMAS = PACKAGE / "schemas"
DATA = PACKAGE / "data"
# The built-in toolkit (templates, print files and the example): inside an installed package, where setup.py
# puts it; in the repository, the repository itself.
BUILTIN_TOOLKIT = PACKAGE / "toolkit" if (PACKAGE / "toolkit").is_dir() else PACKAGE.parent
# What `carepath init` writes besides the toolkit's own files: publishing workflows, README, .gitignore...
INIT_FILES = DATA / "init"
SKELETON = DATA / "skeleton"  # `carepath init` without --from-example: an empty toolkit with comments
SAFE_MESSAGING_FILE = DATA / "safe-messaging.yml"
SCRIPTS_FILE = DATA / "scripts.yml"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The published JSON Schema `name` (e.g. 'signs', 'signs-text')."""
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return schema


@cache
def safe_messaging() -> dict[str, Any]:
    """carepath's list of wording about suicide to avoid, by language (data/safe-messaging.yml)."""
    data = yaml.safe_load(SAFE_MESSAGING_FILE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@cache
def scripts() -> dict[str, dict[str, Any]]:
    """The scripts carepath can print, by ISO 15924 code, with their fonts, packages and direction."""
    data = yaml.safe_load(SCRIPTS_FILE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@cache
def builtin_ui() -> dict[str, str]:
    """carepath's own English interface strings (its example's locales/en.yml): what a page shows for a string
    added to carepath after the toolkit's locales were written, until the toolkit has its own."""
    data = yaml.safe_load((BUILTIN_TOOLKIT / "locales" / "en.yml").read_text(encoding="utf-8")) or {}
    return {str(key): str(value) for key, value in (data.get("ui") or {}).items()}
