"""Placeholders in translators' text: `{name}` only, filled without evaluating anything, checked against the source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from test_check import COUNT, checked_case, matches, reported

from carepath.checks.placeholders import Finding, check_source, check_translation
from carepath.load import load_sources
from carepath.model import LocalizedToolkit, Text, build_model
from carepath.placeholders import PlaceholderError, fill, placeholders
from carepath.render.site import pdf_label

ATTACKS = Path(__file__).parent / "attacks"
# this file's own attack cases; tests/test_attacks.py runs every case, this checks their exact count too
FORMAT_CASES = sorted(p.name for p in ATTACKS.glob("format-*") if (p / "expect.yml").is_file())
SECRET = "ghp_not-a-real-token-but-a-canary"


class Tripwire:
    """A value that fails the test if anything reads an attribute or an item of it."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"attribute {name!r} was read")

    def __getitem__(self, key: object) -> object:
        raise AssertionError(f"item {key!r} was read")

    def __str__(self) -> str:
        return "tripwire"


# -- fill() ---------------------------------------------------------------------------------------------------


def test_fill_fills_plain_names_and_unescapes_braces() -> None:
    assert fill("Call {name} on {phone}.", {"name": "Crisis line", "phone": "911"}) == "Call Crisis line on 911."
    assert fill("{{phone}} is written {phone}", {"phone": 7}) == "{phone} is written 7"
    assert fill("no placeholder", {"unused": 1}) == "no placeholder"


def test_str_format_would_leak_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why fill() exists: str.format follows attributes and items from any function to os.environ."""
    monkeypatch.setenv("CAREPATH_TEST_SECRET", SECRET)
    payload = "{pages.__globals__[os].environ[CAREPATH_TEST_SECRET]}"
    assert payload.format(pages=shutil.copy) == SECRET
    with pytest.raises(PlaceholderError) as error:
        fill(payload, {"pages": shutil.copy})
    assert SECRET not in str(error.value)


@pytest.mark.parametrize("template", [
    "{pages.striptags.__globals__}", "{value.__class__}", "{value[0]}", "{value[key]}", "{value.attr[0]}",
    "{value!r}", "{value!s}", "{value:>10}", "{value:{value}}", "{}", "{0}", "{0.__class__}", "{ value }",
    "{телефон}",
])
def test_fill_refuses_anything_but_a_plain_name(template: str) -> None:
    with pytest.raises(PlaceholderError):
        fill(template, {"value": Tripwire(), "pages": Tripwire(), "телефон": Tripwire()})


def test_an_unknown_name_is_a_placeholder_error_not_a_key_error() -> None:
    with pytest.raises(PlaceholderError, match=r"'\{oops\}' has no value \(values given: phone\)"):
        fill("Call {oops}", {"phone": "911"})
    assert not issubclass(PlaceholderError, KeyError)


@pytest.mark.parametrize("template", ["Exit :-}", "a { b", "{ half", "}{", "{a.b} and } alone"])
def test_a_text_with_a_single_brace_is_shown_as_written(template: str) -> None:
    """Where the source text has no placeholders the check lets single braces through: they are only text."""
    assert fill(template, {"phone": Tripwire()}) == template


def test_placeholders_lists_every_field_with_its_offset() -> None:
    assert placeholders("Call {name} on {phone}.") == [("name", 5), ("phone", 15)]
    assert placeholders("{{x}} {x.y} { z } {}") == [("x.y", 6), (" z ", 12), ("", 18)]
    assert placeholders("a { b") == []


# -- where carepath fills translators' text ------------------------------------------------------------------


@pytest.fixture(scope="module")
def toolkits() -> dict[str, LocalizedToolkit]:
    """The example toolkit in every language."""
    sources, problems = load_sources(ROOT)
    assert not problems
    return {t.locale.tag: t for t in build_model(sources).toolkits}


def test_ui_fills_with_fill(toolkits: dict[str, LocalizedToolkit], monkeypatch: pytest.MonkeyPatch) -> None:
    es = toolkits["es"]
    assert es.ui("banner.text", phone="911").value == "Si alguien está en peligro ahora mismo, llama al 911."
    monkeypatch.setitem(es.locale.ui, "banner.text", Text("llama al {phone.__class__.__init__.__globals__}", "es"))
    with pytest.raises(PlaceholderError, match=r"interface string 'banner.text' \(es\)"):
        es.ui("banner.text", phone=Tripwire())


def test_ui_without_values_and_stray_braces(toolkits: dict[str, LocalizedToolkit],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    es = toolkits["es"]
    monkeypatch.setitem(es.locale.ui, "exit.label", Text("Salir :-} {", "es"))
    assert es.ui("exit.label").value == "Salir :-} {"
    assert es.ui("exit.label", phone="911").value == "Salir :-} {"


def test_pdf_label_fills_with_fill(toolkits: dict[str, LocalizedToolkit], monkeypatch: pytest.MonkeyPatch) -> None:
    ar = toolkits["ar"]
    assert "صفحتان" in str(pdf_label(ar, "print.a4", (2, 42_000)).value)  # Arabic's dual: no {count}
    es = toolkits["es"]
    monkeypatch.setitem(es.locale.ui, "print.details", Text("{kind}, {pages.striptags.__globals__}, {size}", "es"))
    with pytest.raises(PlaceholderError):
        pdf_label(es, "print.a4", (2, 42_000))


# -- the check, text by text ---------------------------------------------------------------------------------


def codes(findings: list[Finding]) -> list[tuple[str, int]]:
    """The codes and offsets of findings."""
    return [(f.code, f.offset) for f in findings]


def test_translation_with_the_same_placeholders_passes() -> None:
    assert check_translation("Llama al {phone} ({phone})", ["phone"], "locales/en.yml") == []
    assert check_translation("{{literal}} {phone}", ["phone"], "locales/en.yml") == []


def test_one_mistake_is_one_finding() -> None:
    """A wrong placeholder that stands for a missing one is reported once, with the one it was meant as."""
    found = check_translation("llama al {телефон}", ["phone"], "locales/en.yml")
    assert codes(found) == [("placeholder.form", 9)]
    assert "(did you mean '{phone}'?)" in found[0].values["todo"]
    found = check_translation("{ language } / {source_langauge}", ["language", "source_language"], "locales/en.yml")
    assert codes(found) == [("placeholder.form", 0), ("placeholder.unknown", 15)]
    assert "did you mean '{source_language}'?" in found[1].values["todo"]


def test_plural_forms_may_omit_the_count_but_not_add_placeholders() -> None:
    assert check_translation("صفحتان", ["count"], "locales/en.yml", may_omit=True) == []
    assert codes(check_translation("{n} pages", ["count"], "locales/en.yml", may_omit=True)) == [
        ("placeholder.unknown", 0)]


def test_single_braces_matter_only_in_templates() -> None:
    assert codes(check_translation("llama al {phone} :}", ["phone"], "locales/en.yml")) == [("placeholder.brace", 18)]
    assert check_translation("Salir :-} {", [], "locales/en.yml") == []
    assert check_source("Leave :-} {", markdown=False, always=True) == []
    assert codes(check_source("Call {phone} :}", markdown=False, always=True)) == [("placeholder.brace", 14)]


def test_markdown_attribute_lists_are_not_placeholders() -> None:
    assert check_source("## Licence { #license } and {: .note }", markdown=True, always=False) == []
    assert check_translation("en {place} { #sitio }", ["place"], "content/en/toolkit.yml", markdown=True) == []


# -- the attack corpus: exact reports -----------------------------------------------------------------------


def test_format_attack_cases_exist() -> None:
    assert {"format-attribute-access", "format-index-access", "format-attribute-access-source"} <= set(FORMAT_CASES)


@pytest.mark.parametrize("name", FORMAT_CASES)
def test_format_attack_is_reported_exactly(name: str) -> None:
    expect, result = checked_case(ATTACKS, name)
    got = reported(result.stderr)
    assert len(got) == len(expect["problems"]), result.stderr
    for expected in expect["problems"]:
        assert any(matches(expected, g) for g in got), f"{name}: expected {expected}\ngot:\n{result.stderr}"
    summary = COUNT.search(result.stderr)
    assert summary and summary.group("errors") == str(len(expect["problems"])), result.stderr
    assert result.returncode == expect["exit"]
