"""MkDocs hooks carepath adds to every site build (loaded by MkDocs through `hooks:`)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any

HTML_TAG = re.compile(r"<html lang=\"([^\"]*)\"")
THEME_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
CHARSET = re.compile(r"<meta charset=\"utf-8\">", re.I)
# Scripts the browser runs that are written into the page; JSON data blocks are not run.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>(.*?)</script>", re.S)
# style="..." attributes, e.g. the column alignment of Markdown tables
STYLE_ATTRIBUTE = re.compile(r"\sstyle=\"([^\"]*)\"")
# <link rel="alternate" hreflang> in <head>: Material's script fetches every such page's folder's
# sitemap.xml on every visit (one request per language, 404s under static-i18n) for a switcher feature
# that needs directory URLs. The sitemap already lists each page's languages for search engines.
ALTERNATE_LINK = re.compile(r"[ \t]*<link rel=\"alternate\" href=\"[^\"]*\" hreflang=\"[^\"]*\">\n?")


def _hash(text: str) -> str:
    """A CSP hash source for a script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(page: str) -> str:
    """A policy allowing only the site's own files, and this page's own inline scripts and styles by hash."""
    scripts = sorted({_hash(body) for body in INLINE_SCRIPT.findall(page)})
    styles = sorted({_hash(html.unescape(value)) for value in STYLE_ATTRIBUTE.findall(page)})
    return "; ".join([
        "default-src 'none'",
        " ".join(["script-src 'self'", *scripts]),
        "style-src 'self'",
        " ".join(["style-src-attr", "'unsafe-hashes'", *styles] if styles else ["style-src-attr 'none'"]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "frame-src 'none'",
        "manifest-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


def add_privacy_meta(page: str) -> str:
    """Put the Content-Security-Policy and a no-referrer policy first in <head>, before any script."""
    policy = content_security_policy(page)
    meta = (
        f'<meta charset="utf-8">\n      <meta http-equiv="Content-Security-Policy" content="{policy}">'
        '\n      <meta name="referrer" content="no-referrer">'
    )
    return CHARSET.sub(lambda _: meta, page, count=1)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Give <html> its `dir`, point search at this language's own index, and lock the page down."""
    carepath = (config.extra or {}).get("carepath") or {}
    direction = carepath.get("dir", "ltr")
    output = HTML_TAG.sub(lambda m: f'{m.group(0)} dir="{direction}"', output, count=1)
    prefix = carepath.get("prefix", "")
    if prefix:
        def rebase(match: re.Match[str]) -> str:
            data = json.loads(match.group(2))
            # keep the trailing slash: the browser resolves search/search_index.json against it
            data["base"] = f"{data['base'].rstrip('/')}/{prefix.strip('/')}/"
            return match.group(1) + json.dumps(data) + match.group(3)

        output = THEME_CONFIG.sub(rebase, output, count=1)
    output = ALTERNATE_LINK.sub("", output)
    return add_privacy_meta(output)
