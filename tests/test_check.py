"""`python build.py check` and the build's safety: every broken input of tests/broken/ gives its message.

Each folder of tests/broken/ holds one mistake: files that replace (or add to) the example toolkit's
files at the same paths, and `expect.yml`:

    args: [--release]          # optional, given to `check`
    remove: [content/*/x.yml]  # optional, example files (globs) deleted first
    symlinks: {path: target}   # optional, symbolic links made in the copy
    edits:                     # optional, changes to the example's own files (they stay current as it grows)
      - {file: locales/es.yml, find: 'llama al {phone}', replace: 'llama al 112'}
    exit: 1                    # the exit status
    count: "2 errors, 0 warnings"  # optional; by default counted from `problems`
    problems:                  # every problem the check must report, and no other
      - {file: ..., line: 3, column: 5, severity: error, message: substring, fix: substring}
                               # (or `at: text` instead of line and column: where that text stands in the file)
                               # (message may be a list of substrings that must all appear)

The cases run `build.py check` in this process (conftest.cli: the CLI's own code, output and exit status);
test_the_cli_process_prints_what_the_check_in_this_process_prints pins that a new process prints the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT, SOURCES, cli, copy_built, copy_toolkit, fingerprint, run_build

from carepath import commands
from carepath.checks.schema import load_schema, validate
from carepath.load import Sources, load_sources
from carepath.model import parse_phone

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if (p / "expect.yml").is_file())
# Cases also run as `python build.py check` in a new process: errors (exit 1), a warning only (exit 0),
# and a warning that --strict makes fail.
PROCESS_CASES = ["yaml-syntax-error", "stale-warning", "safe-messaging-strict"]
REPORTED = re.compile(
    r"^(?P<file>\S[^:]*):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.*)$"
)
COUNT = re.compile(r"^check (?P<verdict>ok|failed): (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?$", re.M)


def example_today() -> str:
    """A fixed 'today' for every check: the example's latest review or verification date.

    The example stays fresh on that day whatever the real date is, so that the tests do not start
    failing when its services age; the broken cases use dates far in the past or future.
    """
    facts = yaml.safe_load((ROOT / "content/toolkit.yml").read_text(encoding="utf-8"))
    services = yaml.safe_load((ROOT / "content/services.yml").read_text(encoding="utf-8"))["services"]
    dates = [str(facts["reviewed"]), *(str(s["verified"]) for s in services)]
    return max(dt.date.fromisoformat(d) for d in dates).isoformat()


TODAY = example_today()


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`build.py check ARGS` on a toolkit, in this process (conftest.cli), on the fixed day unless told."""
    today = () if "--today" in args else ("--today", TODAY)
    return cli(root, "check", *args, *today)


def check_process(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python build.py check ARGS` on a toolkit, in a new process as a user runs it, on the fixed day."""
    today = () if "--today" in args else ("--today", TODAY)
    return run_build(root, "check", *args, *today)


def reported(output: str) -> list[dict[str, Any]]:
    """The problems a check printed: place, severity, message and fix."""
    problems: list[dict[str, Any]] = []
    for line in output.splitlines():
        match = REPORTED.match(line)
        if match:
            problems.append({**match.groupdict(), "fix": ""})
        elif line.startswith("    fix: ") and problems:
            problems[-1]["fix"] = line.removeprefix("    fix: ")
    for p in problems:
        p["line"], p["column"] = int(p["line"]), int(p["column"])
    return problems


def apply_case(root: Path, case: Path) -> dict[str, Any]:
    """Lay a broken case over a copy of the example; return its expectations."""
    expect = yaml.safe_load((case / "expect.yml").read_text(encoding="utf-8"))
    for pattern in expect.get("remove") or []:
        for path in root.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in sorted(case.rglob("*")):
        if path.is_file() and path.name != "expect.yml":
            target = root / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for edit in expect.get("edits") or []:
        path = root / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert text.count(edit["find"]) == 1, f"{edit['find']!r} is not in {edit['file']} exactly once"
        path.write_text(text.replace(edit["find"], edit["replace"]), encoding="utf-8")
    for problem in expect.get("problems") or []:
        if "at" in problem:  # the place of a text in the file as laid: line and column follow the example
            text = (root / problem["file"]).read_text(encoding="utf-8")
            index = text.index(problem.pop("at"))
            problem["line"] = text.count("\n", 0, index) + 1
            problem["column"] = index - text.rfind("\n", 0, index)
    for link, target in (expect.get("symlinks") or {}).items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    return expect


@functools.cache
def checked_case(corpus: Path, name: str) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """A case of a corpus (tests/broken, tests/attacks) laid over a fresh copy of the example and checked in this
    process: its expectations and what the check printed. Once per session: test_attacks.py and
    test_placeholders.py judge the same attack cases."""
    with tempfile.TemporaryDirectory(prefix=f"carepath-{name}-") as folder:
        root = copy_toolkit(Path(folder) / "toolkit")
        expect = apply_case(root, corpus / name)
        return expect, check(root, *(expect.get("args") or []))


def matches(expected: dict[str, Any], got: dict[str, Any]) -> bool:
    """Whether a reported problem is the expected one."""
    return (
        got["file"] == expected["file"]
        and all(got[k] == expected[k] for k in ("line", "column") if k in expected)
        and got["severity"] == expected["severity"]
        and all(m in got["message"] for m in ([expected["message"]] if isinstance(expected["message"], str)
                                              else expected["message"]))
        and expected["fix"] in got["fix"]
    )


def assert_case(name: str, expect: dict[str, Any], result: subprocess.CompletedProcess[str]) -> None:
    """Every expected problem is reported, the count closes the report and names exactly those, the exit status."""
    output = result.stderr
    got = reported(output)
    for expected in expect["problems"]:
        assert any(matches(expected, g) for g in got), f"{name}: expected {expected}\ngot:\n{output}"
    errors = sum(p["severity"] == "error" for p in expect["problems"])
    warnings = sum(p["severity"] == "warning" for p in expect["problems"])
    count = expect.get("count") or (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    summary = COUNT.search(output)
    assert summary, output
    assert summary.group(0).split(": ", 1)[1] == count, f"{name}:\n{output}"
    assert output.rstrip().endswith(summary.group(0)), "the count closes the report"
    assert result.returncode == expect["exit"], f"{name}:\n{output}"
    assert summary.group("verdict") == ("failed" if expect["exit"] else "ok")


@pytest.mark.parametrize("name", CASES)
def test_broken_input_is_reported(name: str) -> None:
    expect, result = checked_case(BROKEN, name)
    assert_case(name, expect, result)


@pytest.mark.slow
@pytest.mark.parametrize("name", PROCESS_CASES)
def test_the_cli_process_prints_what_the_check_in_this_process_prints(name: str, tmp_path: Path) -> None:
    """`python build.py check` in a new process: the same report, byte for byte, and the same exit status."""
    root = copy_toolkit(tmp_path / "toolkit")
    expect = apply_case(root, BROKEN / name)
    result = check_process(root, *(expect.get("args") or []))
    assert_case(name, expect, result)
    in_process = check(root, *(expect.get("args") or []))
    assert (result.stderr, result.stdout, result.returncode) == (
        in_process.stderr, in_process.stdout, in_process.returncode)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert set(PROCESS_CASES) <= set(CASES)


@pytest.mark.slow
def test_example_checks_clean_with_strict(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    result = check_process(root, "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "check ok: 0 errors, 0 warnings", result.stderr


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    apply_case(root, BROKEN / "md-script")
    before = fingerprint(tmp_path)
    assert check(root, "--strict").returncode == 1
    assert check(root, "--release").returncode == 1
    assert fingerprint(tmp_path) == before


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "content/toolkit.yml").write_text(
        "example: true\n"
        "source_locale: en\n"
        "region: US\n"
        'reviewed: "2026-11-01"\n'
        "license:\n"                 # empty
        "freshness_days: soon\n"     # wrong type
        "emergency:\n"
        '  phone: "911"\n'
        "colour: blue\n"             # unknown key
        "crisis:\n  service: riverside-crisis-line\n  walk_in: riverside-crisis-center\n"
        "needs: [crisis, counseling, young-people, older-adults, practical]\n"
        "redirects: {looking-after-yourself: self-care}\n"
        "timezone: America/New_York\n",
        encoding="utf-8",
    )
    result = check(root)
    got = reported(result.stderr)
    assert [(p["file"], p["line"], p["column"]) for p in got] == [
        ("content/toolkit.yml", 5, 1), ("content/toolkit.yml", 6, 1), ("content/toolkit.yml", 9, 1)
    ], result.stderr
    assert "'license' is empty" in got[0]["message"]
    assert "'freshness_days' should be a whole number, not text" in got[1]["message"]
    assert "'colour' is not a field here" in got[2]["message"]
    assert result.stderr.strip().splitlines()[-1] == "check failed: 3 errors, 0 warnings"
    assert result.returncode == 1


def test_three_mistakes_in_a_page_are_three_lines(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "content/en/pages/broken.md").write_text(
        "---\ntitle: Three mistakes\n---\n\n"
        "Read [this](nowhere.md).\n"
        "<script>alert(1)</script>\n"
        "Call [us](tel:413-555-0100).\n",
        encoding="utf-8",
    )
    result = check(root)
    got = reported(result.stderr)
    assert [(p["file"], p["line"]) for p in got] == [("content/en/pages/broken.md", n) for n in (5, 6, 7)]
    assert result.stderr.strip().splitlines()[-1] == "check failed: 3 errors, 0 warnings"


# --- No check crashes on a file of any shape: each problem is reported against its file ---------------------

# What a whole file may hold instead of its fields: nothing, a scalar, lists and mappings of the wrong shape.
ODD_FILES: list[Any] = [None, "text", 7, [], {}, ["x", {"id": 3}], {"services": "x", "pathways": {"a": 1}}]
# The neutral files and the texts of each language, by the published schemas' names.
TOPICS = sorted(p.name.removesuffix("-text.schema.json")
                for p in (ROOT / "carepath/schemas").glob("*-text.schema.json"))
# The source language and one translation: every other language goes through the same code.
SHAPED_LANGUAGES = ("en", "es")
SHAPED_FILES = [
    *(f"content/{name}.yml" for name in TOPICS),
    *(f"locales/{tag}.yml" for tag in SHAPED_LANGUAGES),
    *(f"content/{tag}/{name}.yml" for tag in SHAPED_LANGUAGES for name in TOPICS
      if (ROOT / f"content/{tag}/{name}.yml").is_file()),
    *(p.relative_to(ROOT).as_posix() for tag in SHAPED_LANGUAGES
      for p in sorted((ROOT / f"content/{tag}/pages").glob("*.md"))),
    "mkdocs.yml",
]


def odd_fields(value: Any) -> list[Any]:
    """What a field may hold instead of its value: nothing (`key:` left empty), and a value of another shape."""
    return [None, {"services": "x", "pathways": {"a": 1}} if isinstance(value, list) else ["x", {"id": 3}]]


def with_data(sources: Sources, path: str, data: Any) -> tuple[Sources, Any, str | None]:
    """A copy of `sources` whose file `path` holds `data` (the others shared); the file's old data and the name of
    its published schema (None for mkdocs.yml, which check_settings reads)."""
    copy = replace(sources, neutral=dict(sources.neutral), locales=dict(sources.locales),
                   texts={tag: dict(files) for tag, files in sources.texts.items()},
                   pages={tag: dict(pages) for tag, pages in sources.pages.items()})
    for group, schema in ((copy.neutral, "{}"), (copy.locales, "locale"),
                          *((files, "{}-text") for files in copy.texts.values())):
        for name, file in group.items():
            if file.path == path:
                group[name] = replace(file, data=data)
                return copy, file.data, schema.format(name)
    for pages in copy.pages.values():
        for name, page in pages.items():
            if page.path == path:
                pages[name] = replace(page, meta=replace(page.meta, data=data))
                return copy, page.meta.data, "page"
    assert sources.settings is not None and sources.settings.path == path, f"{path} is not in the sources"
    return replace(copy, settings=replace(sources.settings, data=data)), sources.settings.data, None


@pytest.fixture(scope="module")
def shaped_sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    """The example in the languages whose files are reshaped, loaded once: its files are replaced in memory."""
    root = copy_toolkit(tmp_path_factory.mktemp("shapes") / "toolkit")
    for locale in (root / "locales").glob("*.yml"):
        if locale.stem not in SHAPED_LANGUAGES:
            locale.unlink()
            shutil.rmtree(root / "content" / locale.stem)
    sources, problems = load_sources(root)
    assert problems == [] and sorted(sources.locales) == sorted(SHAPED_LANGUAGES)
    return sources


@pytest.mark.slow
@pytest.mark.parametrize("path", SHAPED_FILES)
def test_validate_survives_files_of_any_shape(path: str, shaped_sources: Sources) -> None:
    """No check may crash on a file that failed its schema: all problems are reported together, and a file that
    fails its schema is named by a problem. The whole file replaced by each odd value; each top-level field by an
    empty value and one of another shape."""
    _, original, schema = with_data(shaped_sources, path, None)
    variants: list[tuple[str | None, Any]] = [(None, value) for value in ODD_FILES]
    if isinstance(original, dict):
        variants += [(key, value) for key in original for value in odd_fields(original[key])]
    validator = jsonschema.Draft202012Validator(
        load_schema(schema), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER) if schema else None
    today = dt.date.fromisoformat(TODAY)
    for key, value in variants:
        data = value if key is None else {**original, key: value}
        sources, _, _ = with_data(shaped_sources, path, data)
        where = f"{path} with {key or 'the whole file'} = {value!r}"
        try:
            problems = validate(sources, today, release=True)
            lines = [p.format() for p in problems]
        except Exception as error:  # the report is the test's message: which file, which value, which check
            raise AssertionError(f"a check crashed on {where}: {type(error).__name__}: {error}") from error
        named = any(p.path == path for p in problems)
        if validator is not None and not validator.is_valid(data):
            assert named, f"{where} fails its schema, but no problem names it:\n" + "\n".join(lines)
        elif validator is None and not isinstance(data, dict):
            assert named, f"{where} is not a mapping, but no problem names it:\n" + "\n".join(lines)
        assert all(p.line >= 1 and p.column >= 1 for p in problems), (where, lines)


def test_every_file_of_the_shaped_languages_is_reshaped(shaped_sources: Sources) -> None:
    """The shape test covers every YAML file and page of its languages, and mkdocs.yml."""
    held = [*(f.path for f in shaped_sources.neutral.values()), *(f.path for f in shaped_sources.locales.values()),
            *(f.path for files in shaped_sources.texts.values() for f in files.values()),
            *(p.path for pages in shaped_sources.pages.values() for p in pages.values())]
    assert shaped_sources.settings is not None
    assert sorted(SHAPED_FILES) == sorted([*held, shaped_sources.settings.path])


@pytest.mark.slow
def test_the_published_schema_is_the_one_that_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editors read the schema each example file names; check uses that very file, and only it."""
    from carepath.checks import schema as validate_module

    named = 0
    for path in sorted([*ROOT.glob("content/*.yml"), *ROOT.glob("content/en/*.yml"), *ROOT.glob("locales/*.yml")]):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
        assert match, f"{path} names no schema"
        schema_file = (path.parent / match.group(1)).resolve()
        assert schema_file.parent == validate_module.SCHEMAS.resolve()
        name = schema_file.name.removesuffix(".schema.json")
        assert load_schema(name) == json.loads(schema_file.read_text(encoding="utf-8"))
        named += 1
    assert named >= 10
    # a rule changed in the published file changes what check reports (on a private copy of carepath)
    package = Path(shutil.copytree(ROOT / "carepath", tmp_path / "carepath"))
    schema = json.loads((package / "schemas/toolkit.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["region"]["pattern"] = "^[A-Z]{3}$"
    (package / "schemas/toolkit.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    shutil.copy2(ROOT / "build.py", tmp_path / "build.py")
    root = copy_toolkit(tmp_path / "toolkit")
    result = subprocess.run([sys.executable, str(tmp_path / "build.py"), "check", "--root", str(root),
                             "--today", TODAY], capture_output=True, text=True, timeout=300)
    assert "content/toolkit.yml:" in result.stderr and "'region': 'US' is not in the right form" in result.stderr


def test_yaml_is_only_loaded_safely() -> None:
    # yaml.load only with PyYAML's safe loader, named in the call (libyaml's or PyYAML's own)
    unsafe = re.compile(r"yaml\.(load|load_all)\((?![^()]*Loader=yaml\.C?SafeLoader\))|yaml\.(full_load|unsafe_load)\("
                        r"|Loader=yaml\.(C?Loader|C?FullLoader|C?UnsafeLoader)|typ=[\"']unsafe")
    for path in sorted((ROOT / "carepath").rglob("*.py")):
        assert not unsafe.search(path.read_text(encoding="utf-8")), path


def test_safe_messaging_data_follows_the_locale_schema() -> None:
    schema = load_schema("locale")
    data = yaml.safe_load((ROOT / "carepath/data/safe-messaging.yml").read_text(encoding="utf-8"))
    assert "en" in data and "es" in data
    for tag, entries in data.items():
        jsonschema.validate({"name": tag, "direction": "ltr", "safe_messaging": entries}, schema)


def test_joiners_are_allowed_between_letters_of_scripts_that_need_them(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "content/en/pages/joiners.md").write_text(
        "---\ntitle: Joiners\n---\n\n"
        "Persian: می\u200cخواهم. Hindi: क्\u200dष. Emoji: 👩\u200d⚕️.\n",
        encoding="utf-8",
    )
    result = check(root, "--strict")
    # the English print fonts lack Persian, Devanagari and emoji (the glyph check says so); the joiners are fine
    assert "U+200C" not in result.stderr and "U+200D" not in result.stderr, result.stderr
    assert all("has no glyph" in p["message"] for p in reported(result.stderr)), result.stderr


@pytest.mark.parametrize("written", ["413.555.0100", "+1 413 555 0100", "(413) 555-0100", "413-555-0100"])
def test_phone_numbers_are_written_back_in_one_format(written: str) -> None:
    phone = parse_phone(written, "US")
    assert (phone.display, phone.e164) == ("(413) 555-0100", "+14135550100")


def test_emergency_and_foreign_numbers() -> None:
    assert (parse_phone("911", "US").display, parse_phone("911", "US").e164) == ("911", "911")
    assert parse_phone("+44 20 7946 0000", "US").display == "+44 20 7946 0000"


@pytest.mark.slow
def test_phone_numbers_in_the_built_page(tmp_path: Path) -> None:
    """The crisis line's numbers written in other ways pass the check and are shown in one format, linked E.164."""
    from conftest import build_site_unchecked

    root = copy_toolkit(tmp_path / "toolkit")
    services = root / "content/services.yml"
    text = services.read_text(encoding="utf-8")
    for shown, written in {"(413) 555-0100": "413.555.0100", "(413) 555-0101": "+1 413 555 0101"}.items():
        assert f"phone: {shown}" in text or f"sms: {shown}" in text, shown
        text = text.replace(f"phone: {shown}", f"phone: {written}").replace(f"sms: {shown}", f"sms: {written}")
    services.write_text(text, encoding="utf-8")
    result = check(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = (build_site_unchecked(root, tmp_path) / "services.html").read_text(encoding="utf-8")
    assert re.search(r'href="tel:\+14135550100"[^>]*>\(413\) 555-0100</a>', page), "phone link"
    assert re.search(r'href="sms:\+14135550101"[^>]*>\(413\) 555-0101</a>', page), "sms link"
    assert "413.555.0100" not in page and "+1 413 555 0101" not in page


# --- Nothing lost: a failed build leaves the previous site exactly as it was -------------------------
# Each test changes a private copy of the session's example build (conftest.example, built with the CLI) and
# builds it again with the CLI.


def leftovers(root: Path) -> list[str]:
    """Staging or old site folders left beside site/."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site"))


# The stages a build can fail in, and the templates broken on purpose to make each one fail: the print
# stage (WeasyPrint handouts) and the site stage (MkDocs, which has written part of the new site by the
# time it renders pages with the theme's main.html). Each is the last stage of some build order.
BROKEN_STAGES = {"print": "print/templates", "site": "templates/overrides/main.html"}


def failure_line(stderr: str) -> str:
    """The plain line a failed build prints, after proving it comes before any traceback."""
    lines = stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("build failed: "))
    traceback = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), len(lines))
    assert first < traceback, stderr
    return lines[first]


# What the failed build's first line says: the error, the stage, the template and its line.
FAILURE_LINES = {
    "print": r"build failed: TemplateSyntaxError while preparing the handouts \(print/templates/[\w.-]+\.j2, "
             r"line \d+\): ",
    "site": r"build failed: TemplateSyntaxError while building the website with MkDocs "
            r"\((the page [\w/-]+\.md; |the [\w-]+ pages; )?templates/overrides/main\.html, line \d+\): ",
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", BROKEN_STAGES)
def test_failed_stage_keeps_the_previous_site(stage: str, example: Any, tmp_path: Path) -> None:
    """A template error in a stage: one plain line names the stage, the template and its line, before any traceback;
    the previous site, the sources and the toolkit folder are left as they were."""
    root = copy_built(example.root, tmp_path / "toolkit")
    before = fingerprint(root / "site")
    sources = fingerprint(root, SOURCES)
    broken = root / BROKEN_STAGES[stage]
    templates = [p for p in sorted(broken.rglob("*")) if p.is_file()] if broken.is_dir() else [broken]
    assert templates, f"the {stage} stage has templates to break"
    lengths = {}
    for template in templates:  # whichever template is rendered first fails
        text = template.read_text(encoding="utf-8") + "\n{% endfor %}\n"
        template.write_text(text, encoding="utf-8")
        lengths[template.relative_to(root).as_posix()] = text.count("\n")
    changed = fingerprint(root, SOURCES)
    assert changed != sources
    # one worker: the languages are built one at a time, and the first that fails stops the others
    result = run_build(root, "build", "--today", TODAY, "--workers", "1")
    assert result.returncode == 1, result.stderr
    line = failure_line(result.stderr)
    assert re.match(FAILURE_LINES[stage], line), line
    if stage == "print":  # the handouts' templates are compiled before anything renders: the very line is known
        named = re.search(r"\((print/templates/[\w.-]+), line (\d+)\)", line)
        assert named and int(named.group(2)) == lengths[named.group(1)], line
    assert line.endswith("; nothing was written and the previous site is unchanged"), line
    assert fingerprint(root / "site") == before
    assert fingerprint(root, SOURCES) == changed, "a build wrote to its sources"
    assert leftovers(root) == []


@pytest.mark.slow
def test_build_refuses_when_check_finds_an_error(example: Any, tmp_path: Path) -> None:
    root = copy_built(example.root, tmp_path / "toolkit")
    before = fingerprint(root / "site")
    apply_case(root, BROKEN / "md-script")
    result = run_build(root, "build", "--today", TODAY)
    assert result.returncode == 1
    assert "content/en/pages/broken.md:5:1: error: raw HTML <script> is not allowed" in result.stderr
    assert "build stopped: nothing was written; the previous site is unchanged" in result.stderr
    assert fingerprint(root / "site") == before
    assert leftovers(root) == []


@pytest.mark.slow
def test_interrupted_build_keeps_the_previous_site(example: Any, tmp_path: Path) -> None:
    root = copy_built(example.root, tmp_path / "toolkit")
    (root / "content/en/pages/about.md").write_text(
        (root / "content/en/pages/about.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    before = fingerprint(root / "site")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--root", str(root), "--today", TODAY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # a test run started in the background inherits an ignored SIGINT: give the build Ctrl-C back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # interrupt once the build has its staging folder (it then renders the booklets the edit changed): a
    # deadline only so that a hung build cannot hang the suite, generous for a loaded machine
    deadline = time.monotonic() + 600
    while not any(p.is_dir() for p in root.glob(".site.*")):
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "build interrupted: nothing was written; the previous site is unchanged" in stderr
    assert fingerprint(root / "site") == before
    assert leftovers(root) == []


def test_check_runs_validate_even_when_files_fail_to_load(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "content/services.yml").write_text("services: [\n", encoding="utf-8")
    report = commands.check(commands.CheckOptions(root, dt.date.fromisoformat(TODAY))).report
    assert [p.code for p in report.problems] == ["yaml.syntax"], [p.format() for p in report.problems]


def test_release_refuses_the_example_site_url_and_example_pages(tmp_path: Path) -> None:
    """--release: a site_url under a reserved example name, and the example's own pages, are not published."""
    root = copy_toolkit(tmp_path / "toolkit")
    result = check(root, "--release")
    got = reported(result.stderr)
    assert any(p["file"] == "mkdocs.yml" and p["line"] == 4 and "is an example address" in p["message"] for p in got)
    pages = {p["file"] for p in got if "describes the example community" in p["message"]}
    assert pages == {"content/en/pages/about.md", "content/es/pages/about.md", "content/ar/pages/about.md"}
    assert check(root).returncode == 0  # an ordinary check lets the example through


def test_record_pages_keeps_every_published_page_and_check_holds_them(tmp_path: Path) -> None:
    """record-pages adds this version's pages to what was recorded; a page recorded then deleted needs a redirect."""
    root = copy_toolkit(tmp_path / "toolkit")
    before = (root / "content/published.yml").read_text(encoding="utf-8")
    toolkit = root / "content/toolkit.yml"
    toolkit.write_text(toolkit.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'),
                       encoding="utf-8")
    (root / "content/en/pages/changelog.md").write_text(
        (root / "content/en/pages/changelog.md").read_text(encoding="utf-8").replace(
            "## Version 1.0", "## Version 1.1\n\n- A page of contacts.\n\n## Version 1.0"), encoding="utf-8")
    (root / "content/en/pages/contacts.md").write_text("---\ntitle: Contacts\n---\n\nWho we are.\n", encoding="utf-8")
    result = cli(root, "record-pages")
    assert result.returncode == 0, result.stderr
    assert "new pages: contacts" in result.stdout
    data = yaml.safe_load((root / "content/published.yml").read_text(encoding="utf-8"))
    old = yaml.safe_load(before)
    assert data["versions"] == [*old["versions"], "1.1"]
    assert data["pages"] == sorted([*old["pages"], "contacts"]) and data["languages"] == old["languages"]
    (root / "content/en/pages/contacts.md").unlink()
    result = check(root)
    got = reported(result.stderr)
    assert [(p["file"], p["message"].split(",")[0]) for p in got] == [
        ("content/published.yml", "the page 'contacts' was published (this file records it)")], result.stderr
    line = (root / "content/published.yml").read_text(encoding="utf-8").splitlines().index('  - "contacts"') + 1
    assert got[0]["line"] == line and "add 'contacts: NEW-NAME' under redirects:" in result.stderr
    toolkit.write_text(toolkit.read_text(encoding="utf-8") + "  contacts: about\n", encoding="utf-8")
    assert check(root).returncode == 0  # the redirect keeps the old address


def test_record_pages_records_nothing_for_a_toolkit_with_errors(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    before = (root / "content/published.yml").read_bytes()
    (root / "content/en/pages/about.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = cli(root, "record-pages")
    assert result.returncode == 1 and "nothing recorded" in result.stderr
    assert "content/en/pages/about.md:3:1: error: this is not valid YAML" in result.stderr
    assert (root / "content/published.yml").read_bytes() == before


def test_a_release_of_a_version_not_recorded_asks_for_record_pages(tmp_path: Path) -> None:
    """Publishing version 1.1 unrecorded would leave its new pages unprotected: a warning for the release."""
    root = copy_toolkit(tmp_path / "toolkit")
    toolkit = root / "content/toolkit.yml"
    toolkit.write_text(toolkit.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'),
                       encoding="utf-8")
    line = toolkit.read_text(encoding="utf-8").splitlines().index(
        next(t for t in toolkit.read_text(encoding="utf-8").splitlines() if t.startswith("version:"))) + 1
    unrecorded = f"content/toolkit.yml:{line}:1: warning: version 1.1 is not recorded in content/published.yml"
    released = check(root, "--release")
    assert unrecorded in released.stderr and "run `carepath record-pages` and commit content/published.yml" in (
        released.stderr)
    assert unrecorded not in check(root).stderr  # editing between releases: no noise
