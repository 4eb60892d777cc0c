"""A community forks the toolkit and localizes it: new languages, status, PO round trip."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml
from conftest import (
    SHARED_CACHE,
    Built,
    build_site,
    build_site_unchecked,
    cli,
    copy_built,
    copy_toolkit,
    fingerprint,
    parse,
    render_pdf,
    run_build,
)

# What translators' commands write: a toolkit's texts and languages.
TEXTS = ("content", "locales")


def status(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`build.py status`, in this process (conftest.cli)."""
    return cli(root, "status", *args)


@pytest.fixture(scope="module")
def new_languages(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example with Somali (LTR, no Material strings) and Dari (RTL, three-letter tag) added: their website
    built as a shard (the example's own languages are built by the session's `example`), and one handout each."""
    from carepath.commands import BuildOptions, build
    from carepath.write.pdf import write_pdfs

    root = copy_toolkit(tmp_path_factory.mktemp("new-languages"))
    for tag in ("so", "prs"):
        result = cli(root, "new-locale", tag)
        assert result.returncode == 0, result.stderr + result.stdout
    # The PDFs not yet in the session's cache are left for later, as `serve` leaves them; of those, one handout per
    # language is made (the other nine of a language are the same templates in the same script: 18 renders saved).
    shard = root / "shard"
    built = build(BuildOptions(root, site_dir=shard, locales=("so", "prs"), defer_pdfs=True))
    for tag in ("so", "prs"):
        signs = [job for job in built.deferred if job.path == f"{tag}/print/signs-a4.pdf"]
        write_pdfs(signs, shard / tag / "site", SHARED_CACHE, workers=1)  # where the build puts its PDFs
    return Built(root, shard, "")


def test_new_locale_ltr_writes_locale_entry_and_translator_files(new_languages: Built) -> None:
    locale = yaml.safe_load((new_languages.root / "locales/so.yml").read_text())
    assert locale["name"] == "Soomaali" and locale["direction"] == "ltr"
    assert locale["fonts"] == ["Noto Sans"]
    signs = (new_languages.root / "content/so/signs.yml").read_text()
    assert signs.startswith("# yaml-language-server: $schema=")
    assert "# signs:" in signs and "Feels sad" in signs  # the English, commented out, to translate
    assert yaml.safe_load(signs) in (None, {})  # nothing counts as translated yet


def test_new_locale_rtl_from_script(new_languages: Built) -> None:
    locale = yaml.safe_load((new_languages.root / "locales/prs.yml").read_text())
    assert locale["direction"] == "rtl"
    assert locale["fonts"][0] == "Amiri"
    assert re.search("[\u0600-\u06ff]", locale["name"])


def test_new_languages_build_with_lang_dir_and_fallback(new_languages: Built) -> None:
    for tag, direction in (("so", "ltr"), ("prs", "rtl")):
        site = new_languages.site / tag / "site"  # the language's part of the shard: what merge puts in site/
        html = parse(site / tag / "signs.html")
        assert html.find("html")[0] == {"lang": tag, "dir": direction, "class": "no-js"}
        text = (site / tag / "signs.html").read_text()
        assert '<span lang="en" dir="ltr">' in text and "cp-notice" in text
        fonts = subprocess.run(["pdffonts", str(site / tag / "print" / "signs-a4.pdf")], capture_output=True,
                               text=True, check=True).stdout
        assert ("Amiri" if direction == "rtl" else "Noto-Sans") in fonts, fonts  # the language's own font
    # Material ships no Somali strings: the build generated them (the lang="so" above is theirs) and did not crash;
    # it built them in a work folder of its own, gone with the build
    assert not (new_languages.root / ".carepath/work").exists()


def test_new_locale_refuses_an_invalid_tag(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    result = run_build(root, "new-locale", "english!")  # the CLI in its own process: exit status and message
    assert result.returncode == 1
    assert "not a valid BCP 47 language tag" in result.stderr
    assert not (root / "locales/english!.yml").exists()


def test_new_locale_never_overwrites(new_languages: Built) -> None:
    before = fingerprint(new_languages.root, TEXTS)
    result = cli(new_languages.root, "new-locale", "so")
    assert result.returncode == 0
    assert fingerprint(new_languages.root, TEXTS) == before


@pytest.fixture()
def changed(tmp_path: Path) -> Path:
    """The example after the English source changed one sign and Spanish lost one text."""
    root = copy_toolkit(tmp_path / "toolkit")
    en = root / "content/en/signs.yml"
    en.write_text(en.read_text().replace("Feels sad, empty or hopeless most of the time",
                                         "Feels sad, empty or without hope most days"))
    es = root / "content/es/signs.yml"
    lines = [line for line in es.read_text().splitlines() if not line.strip().startswith("numb-or-empty:")]
    es.write_text("\n".join(lines) + "\n")
    return root


def test_status_counts_missing_and_outdated(changed: Path) -> None:
    result = status(changed, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    es = report["es"]
    assert (es["missing"], es["outdated"]) == (1, 1)
    assert es["translated"] == es["total"] - 2
    assert report["ar"]["outdated"] == 1 and report["ar"]["missing"] == 0
    outdated = [u for u in es["units"] if u["state"] == "outdated"]
    assert outdated == [{"file": "signs.yml", "key": "signs.sad-or-hopeless", "state": "outdated",
                         "source": "Feels sad, empty or without hope most days", "new": False}]
    text = status(changed).stdout
    assert "es: 99% translated" in text
    assert "outdated  signs.sad-or-hopeless: Feels sad, empty or without hope most days" in text
    assert "missing   signs.numb-or-empty" in text


def test_status_fail_under(changed: Path) -> None:
    assert status(changed, "--fail-under", "50").returncode == 0
    failed = status(changed, "--fail-under", "90")
    assert failed.returncode == 1 and "below 90" in failed.stderr and "sw" in failed.stderr


def test_mark_current_records_a_reviewed_translation(changed: Path) -> None:
    result = status(changed, "--mark-current", "es", "content/es/signs.yml:signs.sad-or-hopeless")
    assert result.returncode == 0, result.stderr
    es = json.loads(status(changed, "--json").stdout)["es"]
    assert es["outdated"] == 0 and es["missing"] == 1


def test_po_export_is_valid_gettext(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    for tag in ("es", "ar", "sw"):
        result = cli(root, "export-po", tag)
        assert result.returncode == 0, result.stderr
        files = sorted((root / "translations" / tag).glob("*.po"))
        assert len(files) == 10  # five YAML files, four pages, interface strings
        for path in files:
            check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, (path, check.stderr)
    ar = polib.pofile(str(root / "translations/ar/signs.po"))
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6;")
    entry = ar.find("Feels sad, empty or hopeless most of the time", msgctxt="signs.sad-or-hopeless")
    assert entry is not None and entry.msgstr and entry.occurrences[0][0] == "content/en/signs.yml"
    line = int(entry.occurrences[0][1])
    assert "sad-or-hopeless:" in (root / "content/en/signs.yml").read_text().splitlines()[line - 1]
    sw = polib.pofile(str(root / "translations/sw/pages-about.po"))
    assert sw.percent_translated() == 0 and any(e.msgctxt == "paragraph 1" for e in sw)


@pytest.mark.slow
def test_po_round_trip_without_edits_changes_nothing(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    before = fingerprint(root, TEXTS)
    for tag in ("es", "ar", "sw"):
        assert cli(root, "export-po", tag).returncode == 0
        result = cli(root, "import-po", tag)
        assert result.returncode == 0, result.stderr
        assert "imported 0 " in result.stdout
    assert fingerprint(root, TEXTS) == before


@pytest.mark.slow
def test_po_edit_import_build_shows_the_edit(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    assert cli(root, "export-po", "sw").returncode == 0
    po_file = root / "translations/sw/pathways.po"
    po = polib.pofile(str(po_file))
    entry = next(e for e in po if e.msgctxt == "title")
    entry.msgstr = "Lini na wapi pa kupeleka mtu"
    po.save(str(po_file))
    result = cli(root, "import-po", "sw")
    assert result.returncode == 0, result.stderr
    assert "content/sw/pathways.yml" in result.stdout
    written = (root / "content/sw/pathways.yml").read_text()
    assert written.startswith("# yaml-language-server: $schema=../../carepath/schemas/pathways-text.schema.json")
    records = yaml.safe_load((root / "content/sw/translated-from.yml").read_text())
    assert "pathways.yml:title" in records
    html = (build_site(root, tmp_path) / "sw/referral.html").read_text()  # checked, then the website
    assert "<h1>Lini na wapi pa kupeleka mtu</h1>" in html or 'Lini na wapi pa kupeleka mtu</h1>' in html


@pytest.mark.slow
def test_missing_glyph_fails_the_build_naming_the_character(example: Built, tmp_path: Path) -> None:
    root = copy_built(example.root, tmp_path / "toolkit")  # built by the CLI (conftest.example asserts it)
    before = fingerprint(root / "site")
    assert before and "es/print/signs-a4.pdf" in before
    es = root / "content/es/signs.yml"
    lines = es.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("sleep-changes:"))
    lines[number] += " ሰላም"  # Ethiopic: no font of the Spanish handouts has it
    es.write_text("\n".join(lines) + "\n")
    result = run_build(root, "build")
    assert result.returncode == 1
    column = lines[number].index("ሰ") + 1
    assert f"content/es/signs.yml:{number + 1}:{column}: error: 'ሰ' (U+1230 ETHIOPIC SYLLABLE SA)" in result.stderr
    assert "Noto Sans" in result.stderr and "Ethiopic script" in result.stderr  # the fonts it has, and the fix
    assert fingerprint(root / "site") == before  # the previous site is untouched


@pytest.mark.slow
def test_outdated_page_keeps_its_translation_with_a_notice_and_a_source_link(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    page = root / "content/en/pages/about.md"
    page.write_text(page.read_text() + "\nA new paragraph the translations do not have yet.\n")
    site = build_site(root, tmp_path)  # the check lets an outdated translation through
    es = (site / "es/about.html").read_text()
    notice = yaml.safe_load((root / "locales/es.yml").read_text())["ui"]["notice.outdated"]
    assert notice.replace("{source_language}", "inglés") in es
    assert 'class="admonition note cp-notice cp-notice--outdated"' in es
    assert '<a href="../about.html" hreflang="en">' in es
    assert "A new paragraph" not in es  # the Spanish page is still the Spanish translation
    assert "cp-notice--outdated" not in (site / "es/signs.html").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("tag", ["es", "ar", "sw"])
def test_po_round_trip_of_interface_strings_with_edits(tag: str, tmp_path: Path) -> None:
    """ui.po goes back into locales/<tag>.yml as the dotted keys it holds, in place, layout kept."""
    root = copy_toolkit(tmp_path / "toolkit")
    locale = root / f"locales/{tag}.yml"
    before = locale.read_text(encoding="utf-8").splitlines()
    assert cli(root, "export-po", tag).returncode == 0
    po_file = root / f"translations/{tag}/ui.po"
    po = polib.pofile(str(po_file))
    plural = re.compile(r"\.(zero|one|two|few|many|other)$")  # a plural form may leave out {count}
    assert all("python-brace-format" in e.flags for e in po
               if "{" in e.msgid and "{{" not in e.msgid and not plural.search(e.msgctxt or ""))
    edited = {}
    for entry in po:
        if entry.msgstr and "{" not in entry.msgid:
            entry.msgstr += " ·"  # a mark every language's print fonts have
            edited[entry.msgctxt] = entry.msgstr
    po.save(str(po_file))
    result = cli(root, "import-po", tag)
    assert result.returncode == 0, result.stderr
    after = locale.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)  # every string changed in place: no group written, no line added
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == len(edited) and all(b.lstrip().split(":", 1)[0] in edited for _, b in changed)
    assert [a.split(":", 1)[0] for a, _ in changed] == [b.split(":", 1)[0] for _, b in changed]
    check = cli(root, "check", "--today", "2026-11-20")
    assert check.returncode == 0, check.stderr
    # and a second round trip changes nothing
    snapshot = fingerprint(root, TEXTS)
    assert cli(root, "export-po", tag).returncode == 0
    assert cli(root, "import-po", tag).returncode == 0
    assert fingerprint(root, TEXTS) == snapshot
    if tag == "es":  # the edit reaches the website
        site = build_site_unchecked(root, tmp_path / "out")
        assert edited["banner.label"] in (site / "es/index.html").read_text(encoding="utf-8")


def test_a_text_translated_by_hand_is_translated_until_its_source_changes(tmp_path: Path) -> None:
    """The guide's words: a first translation counts at once; only a later change of the English outdates it."""
    root = copy_toolkit(tmp_path / "toolkit")
    pathways = root / "content/sw/pathways.yml"
    pathways.write_text("title: Lini na wapi pa kupeleka mtu\n", encoding="utf-8")
    result = status(root, "--json")
    assert result.returncode == 0, result.stderr
    units = {u["key"]: u["state"] for u in json.loads(result.stdout)["sw"]["units"] if u["file"] == "pathways.yml"}
    assert units["title"] == "translated"
    records = yaml.safe_load((root / "content/sw/translated-from.yml").read_text(encoding="utf-8"))
    assert "pathways.yml:title" in records
    english = root / "content/en/pathways.yml"
    english.write_text(english.read_text(encoding="utf-8").replace(
        "title: When and where to refer", "title: When and where to refer someone"), encoding="utf-8")
    result = status(root, "--json")
    units = {u["key"]: u["state"] for u in json.loads(result.stdout)["sw"]["units"] if u["file"] == "pathways.yml"}
    assert units["title"] == "outdated"


# A few words of the signs handout in each script, written by hand for the test (not a translation).
SCRIPT_SAMPLES = {
    "am": ("ምልክቶችን ማስተዋል", "justmytype-intl-africa", "NotoSansEthiopic"),
    "ti": ("ምልክታት ምስትውዓል", "justmytype-intl-africa", "NotoSansEthiopic"),
    "he": ("לשים לב לסימנים", "justmytype-intl-rtl", "NotoSansHebrew"),
    "bn": ("লক্ষণগুলি লক্ষ্য করুন", "justmytype-intl-south-asia", "NotoSansBengali"),
}


@pytest.fixture(scope="module")
def script_jobs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The example with a language of each script of SCRIPT_SAMPLES added by new-locale, its signs title written in
    the script, checked clean: the toolkit, and the A4 signs handout of each of those languages (once per module)."""
    from carepath.load import load_sources
    from carepath.model import build_model
    from carepath.render.print_kit import render_print

    root = copy_toolkit(tmp_path_factory.mktemp("scripts") / "toolkit")
    for tag, (title, _package, _font) in SCRIPT_SAMPLES.items():
        made = cli(root, "new-locale", tag)
        assert made.returncode == 0, made.stderr + made.stdout
        (root / f"content/{tag}/signs.yml").write_text(f"title: {title}\n", encoding="utf-8")
    checked = cli(root, "check", "--today", "2026-11-20")
    assert checked.returncode == 0, checked.stderr
    sources, _ = load_sources(root)
    model = build_model(sources)
    model = replace(model, toolkits=[t for t in model.toolkits if t.locale.tag in SCRIPT_SAMPLES])  # theirs only
    wanted = {f"{tag}/print/signs-a4.pdf": tag for tag in SCRIPT_SAMPLES}
    return root, {wanted[j.path]: j for j in render_print(model, root) if j.path in wanted}


@pytest.mark.slow
@pytest.mark.parametrize("tag", sorted(SCRIPT_SAMPLES))
def test_every_script_prints_from_packaged_fonts(tag: str, script_jobs: tuple[Path, dict[str, Any]],
                                                 tmp_path: Path) -> None:
    """new-locale names the font package; with it installed, the language's handout has every glyph."""
    from carepath.fonts import FontCatalog
    from carepath.write.glyphs import missing_glyphs

    root, jobs = script_jobs
    title, package, font = SCRIPT_SAMPLES[tag]
    locale = yaml.safe_load((root / f"locales/{tag}.yml").read_text(encoding="utf-8"))
    assert FontCatalog(root / "print/fonts").faces(locale["fonts"][0]) is not None, (locale["fonts"], package)
    job = jobs[tag]
    assert missing_glyphs(job) == {}
    assert title in job.html
    pdf = tmp_path / "signs.pdf"
    pdf.write_bytes(render_pdf(job)[0])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert font in fonts.replace("-", ""), fonts


def test_a_missing_font_fails_check_with_the_pip_line(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    es = root / "locales/es.yml"
    es.write_text(es.read_text(encoding="utf-8").replace("fonts: [Noto Sans]", "fonts: [Noto Sans Thaana, Noto Sans]"),
                  encoding="utf-8")
    result = cli(root, "check", "--today", "2026-11-20")
    assert result.returncode == 1
    assert "locales/es.yml:" in result.stderr and "the font 'Noto Sans Thaana' is not installed" in result.stderr
    assert "put its .ttf or .otf files (with their licence) in print/fonts/" in result.stderr


@pytest.mark.slow
def test_po_import_into_a_new_locale_fills_the_commented_template_in_place(tmp_path: Path) -> None:
    """Strings translated in PO land on new-locale's commented lines, uncommented, never appended after them."""
    root = copy_toolkit(tmp_path / "toolkit")
    assert cli(root, "new-locale", "so").returncode == 0
    template = (root / "locales/so.yml").read_text(encoding="utf-8").splitlines()
    assert cli(root, "export-po", "so").returncode == 0
    po_file = root / "translations/so/ui.po"
    po = polib.pofile(str(po_file))
    for entry in po:
        if entry.msgctxt == "exit.label":
            entry.msgstr = "Ka bax boggan"
    po.save(str(po_file))
    assert cli(root, "import-po", "so").returncode == 0
    lines = (root / "locales/so.yml").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(template)
    place = next(i for i, line in enumerate(template) if line.startswith("#   exit.label:"))
    assert lines[place] == '  exit.label: "Ka bax boggan"'
    assert "ui:" in lines and "# ui:" not in lines
    assert cli(root, "check", "--today", "2026-11-20").returncode == 0


def test_notices_name_languages_in_the_language_of_the_sentence(tmp_path: Path) -> None:
    """No English sentence naming a language in another: Somali without its own notice gets 'Somali'."""
    from carepath.load import load_sources
    from carepath.model import build_model
    from carepath.render.site import theme_strings

    root = copy_toolkit(tmp_path / "toolkit")
    assert cli(root, "new-locale", "so").returncode == 0
    sources, _ = load_sources(root)
    toolkits = {t.locale.tag: t for t in build_model(sources).toolkits}
    somali = theme_strings(toolkits["so"])["notices"]["untranslated"]
    assert somali["lang"] == "en" and "Somali" in somali["value"] and "Soomaali" not in somali["value"]
    spanish = theme_strings(toolkits["es"])["notices"]["untranslated"]
    assert spanish["lang"] == "es" and "Español" not in spanish["value"], spanish


def test_export_glossary_writes_csv_and_tbx_a_platform_reads(tmp_path: Path) -> None:
    """The Spanish glossary as CSV (source, target, description, forbidden) and as well-formed TBX."""
    import csv
    import xml.etree.ElementTree as ElementTree

    root = copy_toolkit(tmp_path / "toolkit")
    result = cli(root, "export-glossary", "es")
    assert result.returncode == 0, result.stderr
    locale = yaml.safe_load((root / "locales/es.yml").read_text(encoding="utf-8"))["glossary"]
    rows = list(csv.DictReader((root / "translations/es/glossary-es.csv").open(encoding="utf-8")))
    assert [(r["source"], r["target"]) for r in rows] == [(e["term"], e["use"]) for e in locale]
    assert rows[0]["forbidden"] == "; ".join(locale[0]["avoid"])
    tree = ElementTree.parse(root / "translations/es/glossary-es.tbx")
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    concepts = tree.getroot().findall(".//t:conceptEntry", ns)
    assert len(concepts) == len(locale)
    spanish = concepts[0].find("t:langSec[@{http://www.w3.org/XML/1998/namespace}lang='es']", ns)
    assert spanish is not None
    statuses = {t.find("t:term", ns).text: t.find("t:termNote", ns).text for t in spanish.findall("t:termSec", ns)}
    assert statuses[locale[0]["use"]] == "preferredTerm-admn-sts"
    assert all(statuses[v] == "deprecatedTerm-admn-sts" for v in locale[0]["avoid"])
    counselor = concepts[1].find("t:langSec[@{http://www.w3.org/XML/1998/namespace}lang='es']", ns)
    assert counselor is not None
    forms = {t.find("t:term", ns).text: t.find("t:termNote", ns).text for t in counselor.findall("t:termSec", ns)}
    assert all(forms[f] == "admittedTerm-admn-sts" for f in locale[1]["forms"])  # other forms that count
    assert cli(root, "export-glossary", "en").returncode == 2  # English has no glossary: said, nothing written
