"""MkDocs hooks carepath adds to every site build (loaded by MkDocs through `hooks:`).

Every page's content is cleaned against carepath's allow-list after Markdown made it, and every finished
page passes one last gate: the only scripts are those the theme and carepath ship, known before the build
from their templates, and the Content-Security-Policy allows exactly those.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.sandbox
import material
from mkdocs.utils import get_relative_url
from selectolax.lexbor import LexborHTMLParser

from carepath.compiled import CompiledTemplates
from carepath.markup import sanitize, undouble

HTML_TAG = re.compile(r"<html lang=\"([^\"]*)\"")
THEME_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
CHARSET = re.compile(r"<meta charset=\"utf-8\">", re.I)
# <link rel="alternate" hreflang> in <head>: Material's script fetches every such page's folder's
# sitemap.xml on every visit (one request per language, 404s under static-i18n) for a switcher feature
# that needs directory URLs. The sitemap already lists each page's languages for search engines.
ALTERNATE_LINK = re.compile(r"[ \t]*<link rel=\"alternate\" href=\"[^\"]*\" hreflang=\"[^\"]*\">\n?")
THEME_SCRIPTS = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# Script files a page may load: the theme's bundle and carepath's one script, from the site itself.
# (relative, or from the site's own root path as on error pages; never '//host/...', which is another site)
MOVED_TO = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.html$")  # a redirect's target: a page of the same folder
SCRIPT_FILES = re.compile(r"^(/([\w.-]+/)*)?(\.\./)*(\./)?assets/javascripts/(bundle\.[0-9a-f]{8}\.min|carepath)\.js$")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset")
REFUSED_ELEMENTS = ("iframe", "frame", "object", "embed", "applet", "base", "portal", "style")


class UnsafePage(Exception):
    """A finished page holds something carepath did not put there on purpose; the build stops."""

    def __init__(self, message: str) -> None:
        """Keep the page (before the first ': ') and what was found on it apart, for the report."""
        super().__init__(message)
        self.page, _, self.detail = message.partition(": ")


def _hash(text: str) -> str:
    """A CSP hash source for a script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@cache
def known_scripts(base_url: str) -> frozenset[str]:
    """The inline scripts the theme ships, as they read on a page whose way to the site root is `base_url`.

    Made from the theme's own template files, not from what a page contains, and with no value from the
    toolkit: a page whose scripts are not all in here does not get published.
    """
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, autoescape=False)
    bodies: set[str] = set()
    for path in sorted(THEME_SCRIPTS.glob("*.html")):
        for body in INLINE_SCRIPT.findall(path.read_text(encoding="utf-8")):
            bodies.add(env.from_string(body).render(base_url=base_url, config={"extra": {}}))
    return frozenset(bodies)


def content_security_policy(scripts: set[str]) -> str:
    """A policy allowing only the site's own files and the theme's known inline `scripts`, by hash."""
    return "; ".join([
        "default-src 'none'",
        " ".join(["script-src 'self'", *sorted(_hash(body) for body in scripts)]),
        "style-src 'self'",
        "style-src-attr 'none'",
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


# What a static host's _headers file (Netlify, Cloudflare Pages) adds to every response, beside the policy.
HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"),
)
META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def headers_file(pages: Iterable[str]) -> str:
    """The _headers file of a site whose finished `pages` are given: the pages' own policy as an HTTP header (the
    theme's inline scripts of every page allowed by hash), plus what a meta tag cannot carry (frame-ancestors,
    the other headers). Hosts that read no _headers file (GitHub, GitLab Pages) publish it as a plain file."""
    directives: dict[str, list[str]] = {}
    for page in pages:
        found = META_POLICY.search(page)
        for directive in (found[1].split(";") if found else []):
            if not directive.strip():
                continue
            name, *sources = directive.split()
            known = directives.setdefault(name, [])
            known += [source for source in sources if source not in known]
    directives["frame-ancestors"] = ["'none'"]
    policy = "; ".join(" ".join([name, *sources]) for name, sources in directives.items())
    lines = ["/*", f"  Content-Security-Policy: {policy}", *(f"  {name}: {value}" for name, value in HEADERS)]
    return "\n".join(lines) + "\n"


def _script_scheme(value: str) -> bool:
    """Whether a URL would run script when followed (javascript:, vbscript:), however it is spaced or cased."""
    squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html", "data:image/svg"))


def page_scripts(page: str, where: str, base_url: str, moved_to: str | None = None) -> set[str]:
    """The inline scripts of a finished page, after proving it carries nothing that runs but the known ones.

    Parsed the way a browser parses (Lexbor), so raw-text elements and odd markup cannot hide anything.
    `moved_to`: a redirect page's target (a page of the same folder), the one place its refresh may lead.
    """
    refresh = f"0; url={moved_to}" if moved_to is not None and MOVED_TO.match(moved_to) else None
    known = known_scripts(base_url)
    tree = LexborHTMLParser(page)
    found: set[str] = set()
    for node in tree.css("*"):
        tag = node.tag or ""
        attributes = node.attributes
        if tag == "script":
            source, kind = attributes.get("src"), (attributes.get("type") or "").lower()
            body = node.text(deep=True)
            if source is not None:
                if not SCRIPT_FILES.match(source):
                    raise UnsafePage(f"{where}: a script from {source!r}, which carepath does not ship")
            elif kind == "application/json" and attributes.get("id") == "__config":
                pass  # the theme's settings: data, never run
            elif body not in known:
                raise UnsafePage(f"{where}: an inline script carepath does not ship: {body[:80]!r}")
            else:
                found.add(body)
            continue
        if tag in REFUSED_ELEMENTS:
            raise UnsafePage(f"{where}: a <{tag}> element, which no toolkit page may hold")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            in_head = node.parent is not None and node.parent.tag == "head"
            if refresh is not None and attributes.get("content") == refresh and in_head:
                continue
            raise UnsafePage(f"{where}: a <meta http-equiv=refresh>, which would send readers elsewhere")
        for name, value in attributes.items():
            if name.lower().startswith("on"):
                raise UnsafePage(f"{where}: an event handler attribute {name}= on <{tag}>")
            if name.lower() == "style":
                raise UnsafePage(f"{where}: a style attribute on <{tag}>, which could hide or overlay the banner")
            if name.lower() in URL_ATTRIBUTES and value and _script_scheme(value):
                raise UnsafePage(f"{where}: a script address in {name}= on <{tag}>")
    return found


def lock_down(page: str, where: str, base_url: str, moved_to: str | None = None) -> str:
    """Prove a finished page safe, then put its Content-Security-Policy and no-referrer policy first in <head>."""
    page = undouble(page)
    policy = content_security_policy(page_scripts(page, where, base_url, moved_to))
    meta = (
        f'<meta charset="utf-8">\n      <meta http-equiv="Content-Security-Policy" content="{policy}">'
        '\n      <meta name="referrer" content="no-referrer">'
    )
    return CHARSET.sub(lambda _: meta, page, count=1)


def _escape_toc(items: Any) -> None:
    """Heading titles in the table of contents as escaped text, whatever attr_list gave them."""
    for item in items:
        item.title = html.escape(html.unescape(re.sub(r"<[^>]*>", "", str(item.title))), quote=True)
        _escape_toc(item.children)


def on_env(env: jinja2.Environment, config: Any, files: Any) -> jinja2.Environment:
    """Run the theme's templates in Jinja's sandbox: a toolkit's template overrides reach no Python internals."""
    sandboxed = jinja2.sandbox.SandboxedEnvironment(
        loader=env.loader, extensions=[type(e) for e in env.extensions.values()], autoescape=env.autoescape,
        auto_reload=env.auto_reload, undefined=env.undefined,
        bytecode_cache=CompiledTemplates(),  # the theme's templates compiled once per process, not once per build
    )
    sandboxed.filters.update(env.filters)
    sandboxed.tests.update(env.tests)
    sandboxed.globals.update(env.globals)
    sandboxed.policies.update(env.policies)
    return sandboxed


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Clean a page's content against the allow-list: the one path from Markdown to the reader."""
    _escape_toc(page.toc)
    return sanitize(html_text)


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
    # a redirect page (redirects: in toolkit.yml) sends readers on to the page that replaced it, in its folder
    moved = ((page.meta or {}).get("carepath") or {}).get("redirect") or {}
    return lock_down(output, page.file.dest_uri, get_relative_url(".", page.url), moved.get("href"))


def on_post_template(output: str, template_name: str, config: Any) -> str:
    """Lock down the theme's error page like every other page."""
    if not template_name.endswith(".html"):
        return output
    # MkDocs gives error pages the site's absolute path as their base (see mkdocs.commands.build)
    return lock_down(output, template_name, urlsplit(config.site_url or "/").path)
