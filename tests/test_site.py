"""The example toolkit's website: every language, its switcher, lang/dir, banner, fallback and search."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import yaml
from conftest import LOCALES, ROOT, Built, parse, site_pages

PAGES = [
    "index", "signs", "first-support", "referral", "services", "how-to-use", "self-care", "about",
    "translation-status", "print-kit",
]


def page(example: Built, tag: str, name: str) -> Path:
    """The built file of page `name` in language `tag`."""
    return example.site / f"{LOCALES[tag]}{name}.html"


def test_build_says_what_it_wrote(example: Built) -> None:
    assert re.search(r"built 40 pages and 40 PDFs \(\d+ reused\) in 4 languages", example.stderr), example.stderr


def test_every_language_has_every_page(example: Built) -> None:
    for tag in LOCALES:
        for name in PAGES:
            assert page(example, tag, name).is_file(), f"{tag}/{name} missing"


def test_html_lang_and_dir_on_every_page(example: Built) -> None:
    for tag in LOCALES:
        for name in PAGES:
            html = parse(page(example, tag, name)).find("html")[0]
            assert html["lang"] == tag, (tag, name)
            assert html["dir"] == ("rtl" if tag == "ar" else "ltr"), (tag, name)


def test_language_switcher_lands_on_the_same_page(example: Built) -> None:
    for tag in LOCALES:
        for name in PAGES:
            source = page(example, tag, name)
            links = {a["hreflang"]: a["href"] for a in parse(source).find("a", class_="md-select__link")}
            assert set(links) == set(LOCALES), (tag, name, links)
            for other, href in links.items():
                target = (source.parent / href).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target == page(example, other, name).resolve(), (tag, name, other, href)


def test_emergency_banner_on_every_page_in_its_language(example: Built) -> None:
    expected = {tag: yaml.safe_load((ROOT / f"locales/{tag}.yml").read_text())["ui"].get("banner.label")
                for tag in LOCALES}
    for path in site_pages(example.site):
        tags = parse(path)
        banner = tags.find("div", class_="cp-banner")
        assert banner and banner[0]["role"] == "region", path
        assert tags.find("a", href="tel:911", class_="cp-banner__call"), path
    for tag, label in expected.items():
        if label:
            assert label in page(example, tag, "signs").read_text(), tag


def test_untranslated_page_falls_back_with_notice_and_its_own_lang(example: Built) -> None:
    html = page(example, "sw", "about").read_text()
    assert 'class="admonition note cp-notice"' in html
    assert '<div dir="ltr" lang="en">' in html or '<div lang="en" dir="ltr">' in html
    # a translated page has no notice
    assert "cp-notice" not in page(example, "es", "about").read_text()
    assert "cp-notice" not in page(example, "ar", "signs").read_text()


def test_fallback_text_inside_a_page_is_marked_english(example: Built) -> None:
    html = page(example, "sw", "referral").read_text()  # sw has no pathways text at all
    assert '<span lang="en" dir="ltr">' in html
    assert "cp-notice" in html


def test_swahili_theme_strings_come_from_locales(example: Built) -> None:
    theme = yaml.safe_load((ROOT / "locales/sw.yml").read_text())["theme"]
    html = page(example, "sw", "index").read_text()
    assert f'placeholder="{theme["search.placeholder"]}"' in html


def test_search_index_per_language(example: Built) -> None:
    for tag, prefix in LOCALES.items():
        index = json.loads((example.site / prefix / "search" / "search_index.json").read_text())
        pages = {d["location"].split("#")[0] for d in index["docs"]}
        assert {f"{n}.html" for n in PAGES if n != "index"} <= pages, (tag, pages)
        assert len(pages) == len(PAGES), (tag, pages)
        assert not any(d["location"].startswith(tuple(p for p in LOCALES.values() if p)) for d in index["docs"])
        config = json.loads(re.search(
            r'<script id="__config" type="application/json">(.*?)</script>',
            page(example, tag, "signs").read_text(), re.S).group(1))
        assert config["base"].rstrip("/").endswith(prefix.rstrip("/") or "."), (tag, config["base"])
    ar = json.loads((example.site / "ar/search/search_index.json").read_text())
    assert any(re.search("[\u0600-\u06ff]", d["text"] + d["title"]) for d in ar["docs"])
    en = json.loads((example.site / "search/search_index.json").read_text())
    assert not any(re.search("[\u0600-\u06ff]", d["text"] + d["title"]) for d in en["docs"])


def test_tel_and_sms_links_are_e164(example: Built) -> None:
    for path in site_pages(example.site):
        for a in parse(path).find("a"):
            href = a.get("href", "")
            if href.startswith(("tel:", "sms:")):
                assert re.fullmatch(r"(tel|sms):(\+[1-9]\d{7,14}|\d{3})", href), (path, href)


def test_every_handout_link_points_at_a_pdf(example: Built) -> None:
    linked = 0
    for path in site_pages(example.site):
        for a in parse(path).find("a", class_="cp-print__link"):
            target = (path.parent / a["href"]).resolve()
            assert target.is_file() and target.read_bytes()[:5] == b"%PDF-", (path, a["href"])
            linked += 1
    # signs, first support, referral and services pages, two papers each; the print kit: 5 x 2
    assert linked == 4 * (4 * 2 + 5 * 2)


def test_no_reference_to_another_host(example: Built) -> None:
    content_hosts = {urlparse(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).hostname}
    services = yaml.safe_load((ROOT / "content/services.yml").read_text())["services"]
    content_hosts |= {urlparse(s["url"]).hostname for s in services if s.get("url")}
    url_attr = re.compile(r'\b(?:src|href|action|srcset|poster|data)\s*=\s*"(https?:)?//([^/"]+)', re.I)
    css_url = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])(https?:)?//([^/'\")]+)", re.I)
    offenders = []
    for path in example.site.rglob("*"):
        if path.suffix == ".html":
            for match in url_attr.finditer(path.read_text(encoding="utf-8")):
                if match.group(2) not in content_hosts:
                    offenders.append((path, match.group(0)))
        elif path.suffix == ".css":
            offenders += [(path, m.group(0)) for m in css_url.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders[:10]


def test_build_never_writes_to_sources(example: Built) -> None:
    for name in ("content", "locales", "templates", "print"):
        for source in (ROOT / name).rglob("*"):
            if source.is_file():
                copy = example.root / source.relative_to(ROOT)
                assert copy.read_bytes() == source.read_bytes(), copy
