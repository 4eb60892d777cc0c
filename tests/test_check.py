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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, copy_toolkit, run_build

from carepath import commands
from carepath.checks.schema import load_schema, validate
from carepath.load import load_sources
from carepath.model import parse_phone

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if (p / "expect.yml").is_file())
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
    """Run `python build.py check ARGS` on a toolkit as a user would, on the fixed day unless told."""
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


def fingerprint(root: Path) -> dict[str, str]:
    """A hash of every file under `root` (symbolic links by where they lead)."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = "link:" + os.readlink(path)
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.mark.parametrize("name", CASES)
def test_broken_input_is_reported(name: str, tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    expect = apply_case(root, BROKEN / name)
    result = check(root, *(expect.get("args") or []))
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


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_example_checks_clean_with_strict(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    result = check(root, "--strict")
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
        "needs: [crisis, counseling, young-people, older-adults, practical]\n",
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


def test_validate_survives_files_of_any_shape() -> None:
    """No check may crash on a file that failed its schema: all problems are reported together."""
    odd_values: list[Any] = [None, "text", 7, [], {}, ["x", {"id": 3}], {"services": "x", "pathways": {"a": 1}}]
    sources, _ = load_sources(ROOT)
    # the source and one translation: every other language goes through the same code
    files = [*sources.neutral.values(), sources.locales["en"], sources.locales["es"],
             *(f for tag in ("en", "es") for f in sources.texts[tag].values()),
             *(p.meta for tag in ("en", "es") for p in sources.pages[tag].values())]
    for file in files:
        original = file.data
        for value in odd_values:
            file.data = value
            validate(sources, dt.date.fromisoformat(TODAY), release=True)
        if isinstance(original, dict):
            for key in original:
                for value in odd_values:
                    file.data = {**original, key: value}
                    validate(sources, dt.date.fromisoformat(TODAY), release=True)
        file.data = original


def test_the_published_schema_is_the_one_that_validates(tmp_path: Path) -> None:
    """Editors read the schema each example file names; check uses that very file, and only it."""
    import json

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
    unsafe = re.compile(r"yaml\.(load|full_load|unsafe_load|load_all)\(|Loader=yaml\.(Loader|FullLoader|UnsafeLoader)"
                        r"|typ=[\"']unsafe")
    for path in sorted((ROOT / "carepath").rglob("*.py")):
        assert not unsafe.search(path.read_text(encoding="utf-8")), path


def test_safe_messaging_data_follows_the_locale_schema() -> None:
    import jsonschema

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
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("written", ["413.555.0100", "+1 413 555 0100", "(413) 555-0100", "413-555-0100"])
def test_phone_numbers_are_written_back_in_one_format(written: str) -> None:
    phone = parse_phone(written, "US")
    assert (phone.display, phone.e164) == ("(413) 555-0100", "+14135550100")


def test_emergency_and_foreign_numbers() -> None:
    assert (parse_phone("911", "US").display, parse_phone("911", "US").e164) == ("911", "911")
    assert parse_phone("+44 20 7946 0000", "US").display == "+44 20 7946 0000"


# --- Nothing lost: a failed build leaves the previous site exactly as it was -------------------------

PHONES = {"(413) 555-0100": "413.555.0100", "(413) 555-0101": "+1 413 555 0101"}


SOURCE_PARTS = ("content", "locales", "templates", "print", "mkdocs.yml")


def source_fingerprint(root: Path) -> dict[str, str]:
    """A hash of every source file of a toolkit (what a build must never write to)."""
    return {k: v for k, v in fingerprint(root).items() if k.split("/")[0] in SOURCE_PARTS}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, its crisis line's numbers written in other ways, built once with the real CLI."""
    root = copy_toolkit(tmp_path_factory.mktemp("built") / "toolkit")
    services = root / "content/services.yml"
    text = services.read_text(encoding="utf-8")
    for shown, written in PHONES.items():
        text = text.replace(f"phone: {shown}", f"phone: {written}").replace(f"sms: {shown}", f"sms: {written}")
    services.write_text(text, encoding="utf-8")
    sources = source_fingerprint(root)
    result = run_build(root, "build", "--today", TODAY)
    assert result.returncode == 0, result.stderr
    assert source_fingerprint(root) == sources, "a build wrote to its sources"
    return root


def copy_built(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built toolkit, site and cache included."""
    return Path(shutil.copytree(built, tmp_path / "toolkit", symlinks=True))


def leftovers(root: Path) -> list[str]:
    """Staging or old site folders left beside site/."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site"))


def test_phone_numbers_in_the_built_page(built: Path) -> None:
    page = (built / "site/services.html").read_text(encoding="utf-8")
    assert re.search(r'href="tel:\+14135550100"[^>]*>\(413\) 555-0100</a>', page), "phone link"
    assert re.search(r'href="sms:\+14135550101"[^>]*>\(413\) 555-0101</a>', page), "sms link"
    assert "413.555.0100" not in page and "+1 413 555 0101" not in page


# The stages a build can fail in, and the templates broken on purpose to make each one fail: the print
# stage (WeasyPrint handouts) and the site stage (MkDocs, which has written part of the new site by the
# time it renders pages with the theme's main.html). Each is the last stage of some build order.
BROKEN_STAGES = {"print": "print/templates", "site": "templates/overrides/main.html"}


@pytest.mark.parametrize("stage", BROKEN_STAGES)
def test_failed_stage_keeps_the_previous_site(stage: str, built: Path, tmp_path: Path) -> None:
    root = copy_built(built, tmp_path)
    before = fingerprint(root / "site")
    broken = root / BROKEN_STAGES[stage]
    templates = [p for p in sorted(broken.rglob("*")) if p.is_file()] if broken.is_dir() else [broken]
    assert templates, f"the {stage} stage has templates to break"
    for template in templates:  # whichever template is rendered first fails
        template.write_text(template.read_text(encoding="utf-8") + "\n{% endfor %}\n", encoding="utf-8")
    result = run_build(root, "build", "--today", TODAY)
    assert result.returncode == 1, result.stderr
    assert "TemplateSyntaxError" in result.stderr
    assert "nothing was written and the previous site is unchanged" in result.stderr
    assert fingerprint(root / "site") == before
    assert leftovers(root) == []


def test_build_refuses_when_check_finds_an_error(built: Path, tmp_path: Path) -> None:
    root = copy_built(built, tmp_path)
    before = fingerprint(root / "site")
    apply_case(root, BROKEN / "md-script")
    result = run_build(root, "build", "--today", TODAY)
    assert result.returncode == 1
    assert "content/en/pages/broken.md:5:1: error: raw HTML <script> is not allowed" in result.stderr
    assert "build stopped: nothing was written; the previous site is unchanged" in result.stderr
    assert fingerprint(root / "site") == before
    assert leftovers(root) == []


def test_interrupted_build_keeps_the_previous_site(built: Path, tmp_path: Path) -> None:
    root = copy_built(built, tmp_path)
    (root / "content/en/pages/about.md").write_text(
        (root / "content/en/pages/about.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    before = fingerprint(root / "site")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--root", str(root), "--today", TODAY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # a test run started in the background inherits an ignored SIGINT: give the build Ctrl-C back
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not any(p.is_dir() and any(p.iterdir()) for p in root.glob(".site.*")):
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
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
