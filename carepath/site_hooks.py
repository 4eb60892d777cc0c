"""MkDocs hooks carepath adds to every site build (loaded by MkDocs through `hooks:`)."""

from __future__ import annotations

import json
import re
from typing import Any

HTML_TAG = re.compile(r"<html lang=\"([^\"]*)\"")
THEME_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Give <html> its `dir`, and point search at this language's own index."""
    carepath = (config.extra or {}).get("carepath") or {}
    direction = carepath.get("dir", "ltr")
    output = HTML_TAG.sub(lambda m: f'{m.group(0)} dir="{direction}"', output, count=1)
    prefix = carepath.get("prefix", "")
    if prefix:
        def rebase(match: re.Match[str]) -> str:
            data = json.loads(match.group(2))
            data["base"] = f"{data['base'].rstrip('/')}/{prefix.rstrip('/')}"
            return match.group(1) + json.dumps(data) + match.group(3)

        output = THEME_CONFIG.sub(rebase, output, count=1)
    return output
