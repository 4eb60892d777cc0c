"""Content is untrusted input: the attack corpus, and proof that what the check misses never runs.

tests/attacks/ holds one attack per folder, in the broken-input corpus's format (see test_check.py): files laid
over a copy of the example and the problems `check` must report. The tests below it build a site from attacked
sources *without* the check, to prove the output is inert on its own: escaped text, no script but the theme's
own, a Content-Security-Policy made of the theme's known scripts only.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import build_site_unchecked, copy_toolkit, render_pdf, site_pages
from selectolax.lexbor import LexborHTMLParser
from test_check import COUNT, check, checked_case, matches, reported

from carepath.load import load_sources
from carepath.model import build_model
from carepath.settings import site_settings
from carepath.write.hooks import UnsafePage, _hash, known_scripts, lock_down

ATTACKS = Path(__file__).parent / "attacks"
CASES = sorted(p.name for p in ATTACKS.iterdir() if (p / "expect.yml").is_file()) if ATTACKS.is_dir() else []
PAYLOAD = '<img src=x onerror=alert(1)>'


@pytest.mark.parametrize("name", CASES)
def test_attack_is_refused_by_check(name: str) -> None:
    expect, result = checked_case(ATTACKS, name)
    got = reported(result.stderr)
    for expected in expect["problems"]:
        assert any(matches(expected, g) for g in got), f"{name}: expected {expected}\ngot:\n{result.stderr}"
    summary = COUNT.search(result.stderr)
    assert summary, result.stderr
    assert result.returncode == expect["exit"], f"{name}:\n{result.stderr}"


# -- the output is inert even where the check is skipped ------------------------------------------------------

SINKS = {
    # content/en/toolkit.yml: the site's name, the home page's title and description
    "content/en/toolkit.yml": {
        "title": 'Riverside </title><script>alert("title")</script> & co',
        "summary": f'Summary "><script>alert(2)</script>{PAYLOAD}',
    },
}
ATTACK_PAGE = f"""---
title: 'Page </title><script>alert(3)</script>'
description: 'Desc "><script>alert(4)</script>'
---

<noscript><p title="</noscript>{PAYLOAD}"></noscript>

<xmp><p title="</xmp>{PAYLOAD}"></xmp>

<template><script>alert(5)</script></template>

<style>.md-banner{{display:none}}</style>

Fake banner over the real one.
{{: .md-dialog style="position:fixed;top:0" onclick="alert(6)" }}

## `<script>alert(7)</script>` in a code span {{ data-toc-label="{PAYLOAD}" }}

## __config

<a href=" javascript:alert(8)">link</a> <a href="data:text/html,<script>alert(9)</script>">data</a>
<a rel="attachment" href="file:///etc/passwd">file</a>
<svg><script>alert(10)</script></svg> <math><mtext><table><mglyph><style><img src=x onerror=alert(11)>
"""


def _attack(root: Path) -> None:
    """Lay every raw-sink attack over a copy of the example, in texts the check would refuse."""
    import yaml

    for file, values in SINKS.items():
        path = root / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(values)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    locale = root / "locales/en.yml"
    data = yaml.safe_load(locale.read_text(encoding="utf-8"))
    data["name"] = f"English{PAYLOAD}"
    data["ui"]["banner.label"] = 'Help" hidden data-x="'
    data["ui"]["banner.danger"] = f"{PAYLOAD} call {{phone}} now"
    data["ui"]["notice.untranslated"] = f"Not translated {PAYLOAD}"
    data.setdefault("theme", {})["search.placeholder"] = 'Search" autofocus onfocus="alert(12)'
    locale.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (root / "content/en/pages/attack.md").write_text(ATTACK_PAGE, encoding="utf-8")
    toolkit = root / "content/toolkit.yml"
    data = yaml.safe_load(toolkit.read_text(encoding="utf-8"))
    data["pages"] = [*data.get("pages", []), "attack"]
    toolkit.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with every raw-sink attack, its website built without the check."""
    base = tmp_path_factory.mktemp("attacked")
    root = copy_toolkit(base / "toolkit")
    _attack(root)
    return build_site_unchecked(root, base)


def test_attacked_toolkit_fails_check(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    _attack(root)
    result = check(root)
    assert result.returncode == 1
    files = {p["file"] for p in reported(result.stderr)}
    assert {"content/en/pages/attack.md", "content/en/toolkit.yml"} <= files, result.stderr


def test_no_script_but_the_themes_own_on_any_attacked_page(attacked: Path) -> None:
    pages = site_pages(attacked)
    assert len(pages) >= 40
    for path in pages:
        text = path.read_text(encoding="utf-8")
        tree = LexborHTMLParser(text)
        depth = len(path.relative_to(attacked).parts) - 1
        known = known_scripts("/".join([".."] * depth) or ".")
        for node in tree.css("script"):
            if "src" in node.attributes or node.attributes.get("type") == "application/json":
                continue
            assert node.text(deep=True) in known, (path, node.html)
        for node in tree.css("*"):
            for name, value in node.attributes.items():
                assert not name.startswith("on"), (path, node.tag, name)
                assert name != "style", (path, node.tag, value)
                assert "javascript:" not in (value or "").replace(" ", "").lower(), (path, node.tag, name)
        for node in tree.css("article *"):  # the theme draws its icons as inline SVG; content may not
            assert node.tag not in ("style", "iframe", "object", "embed", "noscript", "xmp", "template", "svg"), (
                path, node.tag)
        classes = [c for node in tree.css("article [class]") for c in (node.attributes["class"] or "").split()]
        assert not [c for c in classes if c.startswith("md-dialog")], path
        assert "alert(" not in "".join(n.html or "" for n in tree.css("script:not([src])")), path


def test_raw_sinks_show_the_text_escaped(attacked: Path) -> None:
    home = (attacked / "index.html").read_text(encoding="utf-8")
    title = LexborHTMLParser(home).css_first("title")
    assert title is not None and '</title><script>alert("title")</script>' in title.text(), title
    assert "&amp;amp;" not in home  # escaped once, not twice
    page = (attacked / "attack.html").read_text(encoding="utf-8")
    tree = LexborHTMLParser(page)
    banner = tree.css_first(".cp-banner")
    assert banner is not None and "hidden" not in banner.attributes, banner.html
    assert banner.attributes["aria-label"] == 'Help" hidden data-x="'
    assert '<img src=x onerror=alert(1)>' in banner.text()  # shown as text, not as an element
    assert tree.css_first("#__config").tag == "script"  # the heading did not take the theme's id
    search = tree.css_first("input.md-search__input")
    assert search is not None and "onfocus" not in search.attributes and "autofocus" not in search.attributes
    languages = " ".join(n.text() for n in tree.css(".md-select__link"))
    assert "English<img src=x onerror=alert(1)>" in languages


def test_csp_holds_only_the_themes_known_scripts(example: object) -> None:
    site: Path = example.site  # type: ignore[attr-defined]
    for path in site_pages(site):
        text = path.read_text(encoding="utf-8")
        policy = re.search(r'Content-Security-Policy" content="([^"]*)"', text)
        assert policy, path
        directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
        depth = len(path.relative_to(site).parts) - 1
        allowed = {_hash(body) for body in known_scripts("/".join([".."] * depth) or ".")}
        hashes = set(re.findall(r"'sha256-[^']+'", directives["script-src"]))
        assert hashes and hashes <= allowed, (path, hashes - allowed)
        assert directives["style-src-attr"] == "'none'", path
        assert "'unsafe-inline'" not in policy.group(1) and "'unsafe-hashes'" not in policy.group(1)


@pytest.mark.parametrize("inject", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<div style="position:fixed">fake</div>',
    '<a href="javascript:alert(1)">x</a>',
    '<script src="https://evil.example/x.js"></script>',
    "<iframe src=x></iframe>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
])
def test_a_page_carrying_anything_else_is_not_published(inject: str) -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><p>text</p>{inject}</body></html>'
    with pytest.raises(UnsafePage):
        lock_down(page, "signs.html", ".")


@pytest.mark.parametrize(("refresh", "where", "moved_to"), [
    ('content="0; url=https://evil.example/"', "head", "https://evil.example/"),  # a target off the site
    ('content="0; url=../evil.html"', "head", "../evil.html"),  # out of the language's folder
    ('content="0; url=other.html"', "head", "self-care.html"),  # not the page's own redirect
    ('content="0; url=self-care.html"', "body", "self-care.html"),  # written in the content, not the head
    ('content="0; url=self-care.html"', "head", None),  # a page that is no redirect
])
def test_a_refresh_leads_only_where_a_redirect_page_goes(refresh: str, where: str, moved_to: str | None) -> None:
    """Only the page at a renamed page's old address may refresh, in its head, to the page of its folder it names."""
    tag = f'<meta http-equiv="refresh" {refresh}>'
    head, body = (tag, "") if where == "head" else ("", tag)
    page = f'<html><head><meta charset="utf-8">{head}</head><body><p>text</p>{body}</body></html>'
    with pytest.raises(UnsafePage):
        lock_down(page, "old.html", ".", moved_to)
    fine = '<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=self-care.html"></head></html>'
    assert "Content-Security-Policy" in lock_down(fine, "old.html", ".", "self-care.html")


def test_a_clean_page_gets_its_policy() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>text</p></body></html>'
    locked = lock_down(page, "signs.html", ".")
    assert "Content-Security-Policy" in locked and "script-src 'self';" in locked


@pytest.mark.slow
def test_attacked_booklet_is_clean_and_loads_only_its_own_files(tmp_path: Path) -> None:
    """The print kit cleans the same pages the same way: the booklet's HTML is inert, its PDF reads no secret."""
    from carepath.render.print_kit import render_print
    from carepath.write.fetch import ResourceRefused, SandboxFetcher

    root = copy_toolkit(tmp_path / "toolkit")
    _attack(root)
    sources, _ = load_sources(root)
    data = sources.settings.data if sources.settings else {}
    jobs = render_print(build_model(sources), root, data.get("site_url"), site_settings(data))
    job = next(j for j in jobs if j.path == "print/booklet-a4.pdf")
    tree = LexborHTMLParser(job.html)
    body = tree.css_first("body")
    assert body is not None
    assert not body.css("script, style, noscript, xmp, template, iframe, object, embed")
    for node in body.css("*"):
        assert not [a for a in node.attributes if a.startswith("on") or a == "style"], node.html
        assert "file:" not in (node.attributes.get("href") or "") + (node.attributes.get("src") or ""), node.html
    assert "Page &lt;/title&gt;&lt;script&gt;" in job.html or "Page </title>" not in job.html
    # what is left of the attacks is the harmless <img src=x> (its onerror gone): a missing picture of the
    # toolkit's own, which fails the PDF (check names it first); nothing outside the toolkit is even asked for
    fetcher = SandboxFetcher(job.allowed, job.path)
    with pytest.raises(ResourceRefused) as refused:
        render_pdf(job, fetcher)
    root_url = root.resolve().as_uri() + "/"
    assert [url for url, _ in refused.value.refusals] == [root_url + "print/x"] * len(refused.value.refusals)
    fonts = {Path(font).resolve().as_uri() for font in job.fonts}
    assert all(url.startswith((root_url, "data:")) or unquote(url) in {unquote(f) for f in fonts}
               for url in fetcher.requested), fetcher.requested


@pytest.mark.parametrize("template", ["templates/overrides/main.html", "print/templates/base.html.j2"])
def test_template_overrides_run_in_the_jinja_sandbox(template: str, tmp_path: Path) -> None:
    """A toolkit's template override reaches no Python internals (os.environ through __globals__)."""
    from jinja2.exceptions import SecurityError

    from carepath.render.print_kit import render_print

    root = copy_toolkit(tmp_path / "toolkit")
    path = root / template
    text = path.read_text(encoding="utf-8")
    block = "{% block announce %}" if "{% block announce %}" in text else "{% block body %}"  # rendered
    path.write_text(text.replace(block, block + "{{ cycler.__init__.__globals__.os.environ }}", 1), encoding="utf-8")
    with pytest.raises(SecurityError):
        if template.startswith("print/"):
            sources, _ = load_sources(root)
            render_print(build_model(sources), root)
        else:
            build_site_unchecked(root, tmp_path)
