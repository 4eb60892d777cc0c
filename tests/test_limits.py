"""Bounded input and what is published beside the pages: the parts the broken-input corpus cannot show cheaply."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import copy_toolkit
from test_check import TODAY

from carepath import commands, load
from carepath.files import content_kind, publishable
from carepath.load import markdown_depth, parse_yaml, read_markdown
from carepath.render.site import page_assets

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
GIF = b"GIF89a\x01\x00\x01\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
PDF = b"%PDF-1.7\n"


def codes(problems: list[Any]) -> list[str]:
    """The message codes of some problems."""
    return [p.code for p in problems]


def test_too_many_values_without_aliases_does_not_blame_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_VALUES", 50)  # the real limit takes PyYAML seconds to reach
    file, problems = parse_yaml("items:\n" + "".join(f"  - {i}\n" for i in range(60)), "x.yml")
    assert file is None and codes(problems) == ["yaml.too_many_values"]
    assert "alias" not in problems[0].message and "&" not in problems[0].fix
    assert (problems[0].line, problems[0].column) == (49, 5)  # the 51st node: the mapping, its key, the list, 48 items


def test_keys_count_against_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_VALUES", 50)
    assert parse_yaml("".join(f"k{i}: v\n" for i in range(24)), "x.yml")[0] is not None  # 49 with the file itself
    assert codes(parse_yaml("".join(f"k{i}: v\n" for i in range(26)), "x.yml")[1]) == ["yaml.too_many_values"]


def test_aliases_count_each_time_they_are_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_VALUES", 50)
    text = "a: &a [x, x, x, x, x]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"  # 15 nodes written, 68 expanded
    file, problems = parse_yaml(text, "x.yml")
    assert file is None and codes(problems) == ["yaml.too_big"]


@pytest.mark.parametrize("text", [
    "a: &a {x: 1}\n? *a\n: v\n",           # an alias to a mapping as a key
    "a: &a [x]\nb: {*a : v}\n",            # ... to a list, in a flow mapping
    "? [a, b]\n: v\n",                     # a list as a key
    "x:\n  ? {a: b}\n  : v\n",             # a mapping as a key
])
def test_keys_must_be_plain_text(text: str) -> None:
    file, problems = parse_yaml(text, "x.yml")
    assert file is None and codes(problems) == ["yaml.complex_key"]


def test_an_alias_to_a_scalar_is_a_fine_key() -> None:
    file, problems = parse_yaml("a: &k phone\n*k : v\n", "x.yml")
    assert problems == [] and file is not None and file.data == {"a": "phone", "phone": "v"}


def test_a_recursive_alias_stops_at_the_depth_limit() -> None:
    file, problems = parse_yaml("a: &a [*a]\n", "x.yml")
    assert file is None and codes(problems) == ["yaml.too_deep"]


def test_merge_keys_still_work_within_the_budget() -> None:
    file, problems = parse_yaml("base: &b {hours: 24/7, cost: free}\nx:\n  <<: *b\n  phone: '911'\n", "x.yml")
    assert problems == [] and file is not None and file.data["x"] == {"hours": "24/7", "cost": "free", "phone": "911"}


@pytest.mark.parametrize(("text", "found"), [
    ("- " * 20 + "x", None),
    ("- " * 21 + "x", (0, 41, 21)),
    ("> " * 21 + "x", (0, 41, 21)),
    ("1. " * 21 + "x", (0, 61, 21)),
    ("".join("    " * i + "- x\n" for i in range(21)), (20, 81, 21)),   # nested by indentation
    ("".join("    " * i + "!!! note\n" for i in range(21)), (20, 81, 21)),  # admonitions
    ('<div markdown="1">' * 21, (0, 361, 21)),                          # HTML inside HTML
    ("<p>" * 30 + "<br>" * 30 + "<img src=x/>" * 30, None),              # no level: end tags left out, void
    ("<div></div>" * 30 + "- " * 20, None),                             # closed elements
    ("```\n" + "- " * 30 + "\n```\n", None),                            # fenced code
    ("<div>\n" * 10 + "- " * 11 + "x", (10, 21, 21)),                   # both together
])
def test_markdown_depth(text: str, found: tuple[int, int, int] | None) -> None:
    assert markdown_depth(text) == found


def test_front_matter_problems_are_placed_on_the_file_s_lines(tmp_path: Path) -> None:
    page = tmp_path / "content/en/pages/tab.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Tab\n\tdescription: x\n---\n\nText.\n", encoding="utf-8")
    _, problems = read_markdown(page, tmp_path)
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml.tab", 3, 1)]


@pytest.mark.parametrize(("head", "kind"), [
    (PNG, "png"), (JPEG, "jpeg"), (GIF, "gif"), (WEBP, "webp"), (AVIF, "avif"), (PDF, "pdf"),
    (b"<html>", None), (b"", None), (b"RIFF\x00\x00\x00\x00WAVE", None),
])
def test_content_kind(head: bytes, kind: str | None) -> None:
    assert content_kind(head) == kind


def test_page_assets_copies_only_images_and_pdfs(tmp_path: Path) -> None:
    """Defense in depth: even with the check skipped, nothing but real images and PDFs leaves the pages folder."""
    content = tmp_path / "content"
    pages = content / "en" / "pages"
    allowed = {"a.png": PNG, "B.JPG": JPEG, "c.jpeg": JPEG, "d.gif": GIF, "e.webp": WEBP, "f.avif": AVIF,
               "g.pdf": PDF, "images/h.PNG": PNG}
    refused = {"page.md": b"---\ntitle: x\n---\n", "x.html": b"<p>x", "x.htm": b"<p>x", "x.js": b"alert(1)",
               "x.mjs": b"alert(1)", "x.css": b"*{}", "x.svg": b"<svg/>", "x.xml": b"<x/>", "README": b"x",
               ".env": b"TOKEN=x", ".git/config": b"[core]", "images/.secret.png": PNG, "fake.png": b"<html>",
               "print/signs-a4.pdf": PDF, "assets/images/favicon.png": PNG, "search/x.pdf": PDF}
    for name, data in {**allowed, **refused}.items():
        (pages / name).parent.mkdir(parents=True, exist_ok=True)
        (pages / name).write_bytes(data)
    (tmp_path / ".env").write_bytes(b"TOKEN=secret")
    (pages / "link.png").symlink_to("../../../.env")
    (pages / "linked").symlink_to("images")
    english = SimpleNamespace(tag="en")
    model: Any = SimpleNamespace(toolkits=[SimpleNamespace(source=english, locale=english)])
    copies = page_assets(model, content)
    assert sorted(copies) == sorted(f"docs/en/{name}" for name in allowed)
    assert all(publishable(pages / name, pages) for name in allowed)


def test_a_linked_pages_folder_is_not_published(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.png").write_bytes(PNG)
    (content / "en").mkdir(parents=True)
    (content / "en" / "pages").symlink_to("../../elsewhere")
    english = SimpleNamespace(tag="en")
    model: Any = SimpleNamespace(toolkits=[SimpleNamespace(source=english, locale=english)])
    assert page_assets(model, content) == {}


def test_a_link_inside_the_repository_is_never_read(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / ".env").write_text("TOKEN=not-a-secret\u200b committed suicide\n", encoding="utf-8")
    (root / "content/en/pages/notes.md").symlink_to("../../../.env")
    report = commands.check(commands.CheckOptions(root, dt.date.fromisoformat(TODAY))).report
    about_the_link = [p for p in report.problems if p.path == "content/en/pages/notes.md"]
    assert codes(about_the_link) == ["path.symlink"], [p.format() for p in about_the_link]


def test_check_reads_no_more_than_the_size_limit(tmp_path: Path) -> None:
    """A page far over the limit is refused from its size alone: load never reads it."""
    root = copy_toolkit(tmp_path / "toolkit")
    page = root / "content/en/pages/huge.md"
    with page.open("wb") as file:  # sparse: 3 GB on paper, nothing on disk
        file.truncate(3_000_000_000)
    sources, problems = load.load_sources(root)
    assert [(p.path, p.code) for p in problems] == [("content/en/pages/huge.md", "file.too_big")]
    assert "huge" not in sources.pages["en"]
    os.truncate(page, 0)


def test_a_file_full_of_hidden_characters_is_reported_briefly(tmp_path: Path) -> None:
    """600,000 zero-width spaces give one screenful of problems, not 600,000 lines."""
    from carepath.lines import MAX_HIDDEN_PER_FILE, hidden_characters

    problems = hidden_characters("a\u200b" * 600_000, "content/en/pages/x.md")
    assert len(problems) == MAX_HIDDEN_PER_FILE
    assert (problems[0].line, problems[0].column) == (1, 2)


def test_a_text_parsed_again_is_a_fresh_copy_of_the_first_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_yaml remembers its parses (a toolkit read again parses only what changed): each caller gets its own copy,
    and a lowered limit is a different parse, not the remembered one."""
    text = "service:\n  name: Clinic\n  phones: ['555-0101']\n"
    first, _ = parse_yaml(text, "memo.yml")
    assert first is not None
    first.data["service"]["phones"].append("555-0199")
    first.positions.clear()
    again, problems = parse_yaml(text, "memo.yml")
    assert again is not None and not problems
    assert again.data == {"service": {"name": "Clinic", "phones": ["555-0101"]}}
    assert again.where(("service", "phones", 0)) == (3, 12)
    monkeypatch.setattr(load, "MAX_VALUES", 3)
    assert codes(parse_yaml(text, "memo.yml")[1]) == ["yaml.too_many_values"]


def test_remembered_parses_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PARSED_BYTES", 64 * 1024)
    for index in range(400):
        parse_yaml(f"key: value {index}\n" + "x: " + "y" * 500 + "\n", f"bound-{index}.yml")
    assert 0 < load._parsed_size[0] <= 64 * 1024
    assert load._parsed_size[0] == sum(len(v) + len(k[2]) for k, v in load._parsed.items())
