"""The example toolkit's website: every language, its switcher, lang/dir, banner, fallback and search."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml
from conftest import LOCALES, ROOT, SOURCES, Built, fingerprint, parse, site_pages

PAGES = [
    "index", "signs", "first-support", "referral", "services", "how-to-use", "self-care", "about", "changelog",
    "translation-status", "print-kit",
]


def page(example: Built, tag: str, name: str) -> Path:
    """The built file of page `name` in language `tag`."""
    return example.site / f"{LOCALES[tag]}{name}.html"


def test_build_says_what_it_wrote(example: Built) -> None:
    # 11 pages and the old address of a renamed page, in 4 languages
    assert re.search(r"built 48 pages and 40 PDFs \(\d+ reused\) in 4 languages", example.stderr), example.stderr


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


def crisis_line() -> dict[str, str]:
    """The crisis service's facts from content/services.yml, as content/toolkit.yml names it."""
    sid = yaml.safe_load((ROOT / "content/toolkit.yml").read_text())["crisis"]["service"]
    return next(s for s in yaml.safe_load((ROOT / "content/services.yml").read_text())["services"] if s["id"] == sid)


def e164(number: str) -> str:
    """A US number of the example as its tel: link has it."""
    return "+1" + re.sub(r"\D", "", number)


def test_banner_gives_the_crisis_line_to_call_and_text_on_every_page(example: Built) -> None:
    line = crisis_line()
    for path in site_pages(example.site):
        banner = path.read_text(encoding="utf-8").split('class="cp-banner"', 1)[1].split("</div>", 1)[0]
        assert f'href="tel:{e164(line["phone"])}"' in banner, path
        assert f'href="sms:{e164(line["sms"])}"' in banner, path  # a line that takes texts: its own number
        # read as words: "Call Riverside Crisis Line on (413) 555-0100"
        assert re.search(r'href="tel:\+\d+" dir="ltr" aria-label="[^"]*\w[^"]*\(413\) 555-0100"', banner), path
    en = page(example, "en", "index").read_text(encoding="utf-8")
    assert "In danger now? Call" in en and "Crisis line, 24/7:" in en


def article(example: Built, tag: str, name: str) -> str:
    """The content of a built page (what the theme puts in <article>), notices and print links included."""
    html = page(example, tag, name).read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def test_home_page_opens_with_the_numbers_then_the_tasks(example: Built) -> None:
    line = crisis_line()
    for tag in LOCALES:
        html = article(example, tag, "index")
        h1, panel = html.index("<h1"), html.index('class="cp-help-now"')
        tasks, contents = html.index('class="cp-tasks"'), html.index('id="contents"')
        assert h1 < panel < tasks < contents, tag  # the numbers first, the table of contents last
        buttons = html[panel:tasks]
        assert 'class="cp-call cp-call--emergency" href="tel:911"' in buttons, tag
        assert f'class="cp-call cp-call--crisis" href="tel:{e164(line["phone"])}"' in buttons, tag
        assert f'class="cp-call cp-call--text" href="sms:{e164(line["sms"])}"' in buttons, tag
        assert 'class="cp-call__open"' in buttons, tag  # "Open 24/7" beside the crisis line's number
        cards = re.findall(r'class="cp-task cp-task--(\w+)" href="([\w-]+\.html)"', html[tasks:contents])
        assert cards == [("signs", "signs.html"), ("steps", "first-support.html"), ("services", "services.html")], tag
        assert html.index('class="cp-self-help"') < contents, tag
        assert "cp-print__link" not in html[:contents], tag  # print links below, or in the print kit


def test_topic_pages_put_print_links_at_the_foot_and_have_one_column(example: Built) -> None:
    for tag in LOCALES:
        for name in ("signs", "first-support", "referral", "services"):
            html = page(example, tag, name).read_text(encoding="utf-8")
            body = article(example, tag, name)
            headings = [m.start() for m in re.finditer(r'<h[23] id="(?!cp-print)', body)]
            assert body.index('class="cp-print"') > headings[-1] > body.index("<h1"), (tag, name)  # at the foot
            assert body.count('class="cp-print__link"') == 2, (tag, name)
            # no second table of contents beside the text
            assert re.search(r'class="md-sidebar md-sidebar--secondary"[^>]*hidden', html), (tag, name)


def test_signs_by_age_are_shown_once_as_tags(example: Built) -> None:
    signs = yaml.safe_load((ROOT / "content/signs.yml").read_text())["signs"]
    aged = [s for s in signs if s.get("ages")]
    for tag in LOCALES:
        html = article(example, tag, "signs")
        assert 'id="by-age"' not in html and 'id="age-' not in html, tag
        assert html.count('class="cp-ages"') == len(aged), tag
        for kind in ("feelings", "body", "behaviour", "thinking"):
            assert f'class="cp-kind cp-kind-{kind}"' in html, (tag, kind)  # a heading with its icon
    en = article(example, "en", "signs")
    both = next(s for s in aged if len(s["ages"]) == 2)
    labels = yaml.safe_load((ROOT / "content/en/signs.yml").read_text())["ages"]
    assert f"{labels[both['ages'][0]]} and {labels[both['ages'][1]]}" in en  # CLDR's list, not ", "


def test_red_flags_suicide_step_and_self_help_give_the_numbers(example: Built) -> None:
    line = e164(crisis_line()["phone"])
    for tag in LOCALES:
        signs = article(example, tag, "signs")
        flags = signs[signs.index('class="cp-red-flags"'):signs.index('id="feelings"')]
        assert 'href="tel:911"' in flags and f'href="tel:{line}"' in flags, tag
        assert 'class="cp-self-help"' in signs and 'class="cp-self-help"' in article(example, tag, "index"), tag
        steps = article(example, tag, "first-support")
        suicide = steps[steps.index('id="ask-about-suicide"'):]
        suicide = suicide[:suicide.index('class="cp-step ')]
        assert f'href="tel:{line}"' in suicide and "cp-call__open" in suicide, tag


def test_referral_questions_have_short_headings_and_urgency_tags(example: Built) -> None:
    points = yaml.safe_load((ROOT / "content/pathways.yml").read_text())["pathways"]
    texts = yaml.safe_load((ROOT / "content/en/pathways.yml").read_text())["pathways"]
    strings = yaml.safe_load((ROOT / "locales/en.yml").read_text())["ui"]
    html = article(example, "en", "referral")
    for number, point in enumerate(points, start=1):
        heading = re.search(rf'<h2 id="{point["id"]}">(.*?)</h2>', html)
        assert heading and heading.group(1) == f'{number}. {texts[point["id"]]["title"]}', point["id"]
        after = html[heading.end():]
        tag = re.search(r'<span class="cp-urgency-tag cp-urgency-tag--(\w+)">(.*?)</span>', after)
        assert tag and tag.groups() == (point["urgency"], strings[f"urgency.tag.{point['urgency']}"]), point["id"]
        question = texts[point["id"]]["question"].split()[0]
        assert after.index('class="cp-question"') < after.index("</div>"), point["id"]  # the examples below
        assert question in after[:after.index("</div>")]
    danger = html[html.index('id="danger-now"'):html.index('id="red-flag"')]
    assert 'class="cp-call cp-call--emergency" href="tel:911"' in danger
    for tag in LOCALES:  # every service a question names: a call button with its hours
        body = article(example, tag, "referral")
        for block in body.split('class="cp-referral-service"')[1:]:
            block = block[:block.index("</div>")]
            assert 'class="cp-hours"' in block and 'class="cp-call cp-call--service" href="tel:' in block, tag


def test_services_page_says_who_to_call_then_groups_by_need(example: Built) -> None:
    toolkit = yaml.safe_load((ROOT / "content/toolkit.yml").read_text())
    services = yaml.safe_load((ROOT / "content/services.yml").read_text())["services"]
    for tag in LOCALES:
        html = article(example, tag, "services")
        summary = html.index('id="who-to-call"')
        assert html.index("<h1") < summary < html.index("<p>", summary) and summary < html.index('id="need-'), tag
        order = [m for m in re.findall(r'<h2 id="need-([\w-]+)"', html)]
        assert order == [n for n in toolkit["needs"] if any(s["needs"][0] == n for s in services)], (tag, order)
        for service in services:  # each card once, under its first need
            assert html.count(f'<h3 id="{service["id"]}">') == 1, (tag, service["id"])
            group = html.rindex('<h2 id="need-', 0, html.index(f'<h3 id="{service["id"]}">'))
            assert html[group:].startswith(f'<h2 id="need-{service["needs"][0]}"'), (tag, service["id"])
        # one call button per need (its first service with a phone), the need's other services as links below
        rows = html[summary:html.index("</ul>", summary)]
        needs = [n for n in toolkit["needs"] if any(n in s["needs"] and s.get("phone") for s in services)]
        assert rows.count('href="tel:') == 1 + len(needs), tag
        for need in needs:  # every service that helps with a need is reachable from its row
            helpers = [s for s in services if need in s["needs"]]
            first = next(s for s in helpers if s.get("phone"))
            assert all(f'href="#{s["id"]}"' in rows for s in helpers if s is not first), (tag, need)


def test_lists_and_separators_are_each_languages_own(example: Built) -> None:
    ar = article(example, "ar", "services")
    assert "؛ " in ar and "; " not in ar  # opening hours: the Arabic semicolon
    assert "الإنجليزية والإسبانية والعربية" in ar  # languages spoken: CLDR's Arabic list pattern
    en = article(example, "en", "services")
    assert "English, Spanish, and Arabic" in en and "; Saturday" in en


def test_left_to_right_values_are_isolated_in_right_to_left_pages(example: Built) -> None:
    services = yaml.safe_load((ROOT / "content/services.yml").read_text())["services"]
    html = article(example, "ar", "services")
    for service in services:
        if service.get("url"):
            shown = re.sub(r"^https?://", "", service["url"]).rstrip("/")
            assert f'<a href="{service["url"]}" rel="noopener noreferrer"><bdi dir="ltr">{shown}</bdi></a>' in html
        if service.get("email"):
            assert f'<bdi dir="ltr">{service["email"]}</bdi>' in html
        if service.get("address"):
            assert f"<bdi>{service['address']}</bdi>" in html
        if service.get("phone"):
            assert f'<bdi dir="ltr">{service["phone"]}</bdi>' in html
    kit = article(example, "ar", "print-kit")
    assert '<bdi dir="ltr">A4</bdi>' in kit and '<bdi dir="ltr">Letter</bdi>' in kit  # paper sizes
    signs = article(example, "ar", "signs")
    assert '<bdi dir="ltr">A4</bdi>' in signs  # the print links at the foot too


def test_community_colour_is_set_in_one_place(example: Built) -> None:
    colour = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["extra"]["carepath_colour"]
    css = (example.site / "assets/stylesheets/carepath.css").read_text(encoding="utf-8")
    assert f"--cp-colour: {colour.lower()};" in css
    assert "--md-primary-fg-color: var(--cp-colour);" in css  # the theme takes it from there
    others = set(re.findall(r"#[0-9a-fA-F]{6}\b", (ROOT / "templates/overrides/assets/stylesheets/carepath.css")
                            .read_text(encoding="utf-8")))
    assert colour.lower() not in {c.lower() for c in others}  # not written a second time


def test_icons_are_self_contained_svg_files(example: Built) -> None:
    folder = example.site / "assets/images/carepath"
    icons = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.svg")}
    needed = {"feelings", "body", "behaviour", "thinking", "prepare", "look", "listen", "link", "phone", "text",
              "urgency-emergency", "urgency-urgent", "urgency-routine"}
    assert needed <= set(icons), needed - set(icons)
    for name, svg in icons.items():
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), name
        assert not re.search(r"(href|url\(|<script|<style|<image|<foreignObject)", svg, re.I), name
    # written into the stylesheet (masks load from files too, with no request of their own)
    css = (example.site / "assets/stylesheets/carepath.css").read_text(encoding="utf-8")
    inlined = {unquote(u).replace("'", '"') for u in re.findall(r'url\("data:image/svg\+xml,([^"]+)"\)', css)}
    assert inlined and inlined <= {svg.strip() for svg in icons.values()}, inlined - set(icons.values())
    assert not re.findall(r'url\("(?!data:)', css)


def test_quick_exit_is_at_the_top_of_every_page(example: Built) -> None:
    for path in site_pages(example.site):
        html = path.read_text(encoding="utf-8")
        header = html[html.index('<header class="md-header'):html.index("</header>")]
        assert "data-cp-exit" in header and 'aria-keyshortcuts="Escape"' in header, path
        assert html.count("data-cp-exit") == 1, path


def test_untranslated_page_falls_back_with_notice_and_its_own_lang(example: Built) -> None:
    html = page(example, "sw", "about").read_text()
    assert 'class="admonition note cp-notice"' in html
    assert '<div dir="ltr" lang="en">' in html or '<div lang="en" dir="ltr">' in html
    # a translated page has no notice of English text (one of a changed source, maybe)
    partial = 'class="admonition note cp-notice"'
    assert partial not in page(example, "es", "about").read_text()
    # the signs page says so when its "If you are struggling yourself" box is still in English
    ar = yaml.safe_load((ROOT / "content/ar/toolkit.yml").read_text()) or {}
    ar_signs = page(example, "ar", "signs").read_text()
    assert (partial in ar_signs) == (not (ar.get("self_help") or {}).get("text")), "ar signs notice"


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
                # an sms: link may carry a prefilled message ("report wrong information")
                assert re.fullmatch(r"(tel|sms):(\+[1-9]\d{7,14}|\d{3})(\?body=[\w%.~-]*)?", href), (path, href)


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
    sources = yaml.safe_load((ROOT / "content/toolkit.yml").read_text())["sources"]  # links a reader may follow
    content_hosts |= {urlparse(s["url"]).hostname for s in sources if s.get("url")}
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
    """The built copy's sources are still exactly the example's: no file changed, added or removed."""
    built, sources = fingerprint(example.root, SOURCES), fingerprint(ROOT, SOURCES)
    assert built == sources, sorted(set(built.items()) ^ set(sources.items()))[:10]


def test_check_refuses_a_colour_white_text_cannot_be_read_on(tmp_path: Path) -> None:
    from conftest import cli, copy_toolkit

    root = copy_toolkit(tmp_path / "toolkit")
    settings = root / "mkdocs.yml"
    original = settings.read_text(encoding="utf-8")
    for colour, expected in (("#7fd1c8", "a contrast of 1.77:1"), ("teal", "is not written as #rrggbb")):
        settings.write_text(re.sub(r'carepath_colour: "[^"]*"', f'carepath_colour: "{colour}"', original),
                            encoding="utf-8")
        result = cli(root, "check")
        assert result.returncode == 1 and "mkdocs.yml:" in result.stderr and expected in result.stderr, result.stderr
        if colour.startswith("#"):
            assert "choose a darker shade, such as #" in result.stderr, result.stderr


def test_headers_file_carries_the_pages_policy_and_what_a_meta_tag_cannot(example: Built) -> None:
    """site/_headers (Netlify, Cloudflare Pages): every page's policy as a header, with frame-ancestors and the
    headers a meta tag cannot set; each page's own inline scripts stay allowed."""
    lines = (example.site / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    headers = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY" and "camera=()" in headers["Permissions-Policy"]
    policy = {d.split()[0]: set(d.split()[1:]) for d in headers["Content-Security-Policy"].split("; ")}
    assert policy["default-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    assert not any("unsafe" in source or source.startswith("http") for sources in policy.values() for source in sources)
    for path in site_pages(example.site):
        meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', path.read_text(encoding="utf-8"))
        assert meta, path
        own = {d.split()[0]: set(d.split()[1:]) for d in meta[1].split("; ")}
        assert own["script-src"] <= policy["script-src"], path  # the header never blocks what the page runs


def test_each_language_has_its_own_404_page_with_the_numbers_and_the_way_home(example: Built) -> None:
    """A mistyped address under es/ shows a Spanish page: the emergency banner, what happened, a link home."""
    titles = {}
    for tag, prefix in LOCALES.items():
        path = example.site / prefix / "404.html"
        text = path.read_text(encoding="utf-8")
        locale = yaml.safe_load((ROOT / f"locales/{tag}.yml").read_text(encoding="utf-8"))
        assert f'<html lang="{tag}"' in text, path
        titles[tag] = locale["ui"]["not_found.title"]
        assert f"<h1>{titles[tag]}</h1>" in text, path
        assert f'<a href="/{prefix}index.html">{locale["ui"]["not_found.home"]}</a>' in text, path
        assert 'class="cp-banner"' in text and 'href="tel:' in text, path  # the numbers to call, one tap away
    assert len(set(titles.values())) == len(LOCALES)  # each in its own words
    rules = (example.site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert sorted(r for r in rules if not r.startswith("#")) == sorted(
        f"/{prefix.rstrip('/')}/*  /{prefix}404.html  404" for prefix in LOCALES.values() if prefix)


def test_a_renamed_page_s_old_address_sends_readers_on_in_every_language(example: Built) -> None:
    """redirects: in toolkit.yml: a QR code printed for the old name opens a page that goes on to the new one."""
    facts = yaml.safe_load((ROOT / "content/toolkit.yml").read_text(encoding="utf-8"))
    ((old, new),) = facts["redirects"].items()
    sitemap = (example.site / "sitemap.xml").read_text(encoding="utf-8")
    for tag, prefix in LOCALES.items():
        locale = yaml.safe_load((ROOT / f"locales/{tag}.yml").read_text(encoding="utf-8"))
        page = (example.site / prefix / f"{old}.html").read_text(encoding="utf-8")
        target = (example.site / prefix / f"{new}.html").read_text(encoding="utf-8")
        title = re.search(r'<h1 id="[^"]*">([^<]*)', target)
        assert title, tag
        assert f'<html lang="{tag}"' in page
        assert f'<meta http-equiv="refresh" content="0; url={new}.html">' in page, tag
        assert '<meta name="robots" content="noindex">' in page
        assert f"<h1>{locale['ui']['moved.title']}</h1>" in page, tag
        # the new page, by its title (marked English where the language shows the English page)
        assert re.search(rf'<a href="{new}.html"( lang="en" dir="ltr")?>{re.escape(title.group(1).strip())}</a>', page)
        assert 'class="cp-banner"' in page and 'href="tel:' in page, tag  # the numbers, even here
        assert "Content-Security-Policy" in page
        index = json.loads((example.site / prefix / "search/search_index.json").read_text(encoding="utf-8"))
        assert not [d for d in index["docs"] if d["location"].startswith(f"{old}.html")], tag
        assert f"/{prefix}{old}.html</loc>" not in sitemap
        assert f"/{prefix}{new}.html</loc>" in sitemap


def test_the_changelog_falls_back_and_the_version_line_links_to_it(example: Built) -> None:
    """The changelog is a page like any other: Spanish has its own, Swahili shows the English one, marked so."""
    for tag, prefix in LOCALES.items():
        locale = yaml.safe_load((ROOT / f"locales/{tag}.yml").read_text(encoding="utf-8"))
        signs = (example.site / prefix / "signs.html").read_text(encoding="utf-8")
        version = signs[signs.index('<p class="cp-print__version">'):]
        version = version[:version.index("</p>")]
        assert f'<a href="changelog.html">{locale["ui"]["print.changes"]}</a>' in version, tag
        page = (example.site / prefix / "changelog.html").read_text(encoding="utf-8")
        own = (ROOT / f"content/{tag}/pages/changelog.md").is_file()
        assert ('lang="en"' in page.split('<article', 1)[1]) is not own, tag  # English where it has none
    assert "Versión 1.0" in (example.site / "es/changelog.html").read_text(encoding="utf-8")
    assert "Version 1.0" in (example.site / "sw/changelog.html").read_text(encoding="utf-8")


def test_every_page_with_handouts_says_which_version_is_current(example: Built) -> None:
    """Where a handout's QR code leads, the page says the toolkit's version: a paper copy can be compared."""
    facts = yaml.safe_load((ROOT / "content/toolkit.yml").read_text(encoding="utf-8"))
    for tag, prefix in LOCALES.items():
        locale = yaml.safe_load((ROOT / f"locales/{tag}.yml").read_text(encoding="utf-8"))
        start = locale["ui"]["print.version"].split("{version}")[0]
        text = (example.site / prefix / "signs.html").read_text(encoding="utf-8")
        aside = text[text.index('class="cp-print"'):]
        assert f'<p class="cp-print__version">{start}{facts["version"]}' in aside, tag


def test_a_toolkit_made_before_a_string_existed_shows_carepath_s_english(tmp_path: Path) -> None:
    """Interface strings carepath adds (the finder's, the directory's) read as English words, never as keys."""
    from conftest import copy_toolkit

    from carepath.commands import CheckOptions, load_model
    from carepath.layers import toolkit_layers
    from carepath.render.site import render_pages

    root = copy_toolkit(tmp_path / "toolkit")
    for tag in LOCALES:  # as a toolkit made with an older carepath: no access.* strings in any language
        path = root / f"locales/{tag}.yml"
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.lstrip().startswith("access.")), encoding="utf-8")
    _sources, model, statuses, _report = load_model(CheckOptions(root, today=dt.date(2026, 11, 12)))
    pages = render_pages(model, toolkit_layers(root, "templates"), statuses, {})
    english = yaml.safe_load((ROOT / "locales/en.yml").read_text(encoding="utf-8"))["ui"]["access.walk-in"]
    spanish = pages["es/services.md"]
    assert f'<span lang="en" dir="ltr">{english}</span>' in spanish  # marked as English on the Spanish page
    assert "access.walk-in" not in spanish and "access.walk-in" not in pages["en/services.md"]
