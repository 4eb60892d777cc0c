"""One gate: what `check` reports is exactly what stops `build`, before anything renders, and `site/` is kept."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import copy_toolkit
from test_check import BROKEN, apply_case

from carepath import commands
from carepath.problems import ToolkitError

# The inputs that once passed `check` and crashed `build` with a traceback (issue 11), and the limits named.
ONCE_CRASHED = [
    "settings-python-tag-emoji", "settings-env-tag", "settings-theme-not-a-group", "settings-not-mapping",
    "settings-theme-feature-unknown", "settings-not-boolean", "settings-extension-option-value",
    "font-not-installed", "font-file-empty", "font-file-not-a-font", "records-malformed", "records-unknown-file",
    "glyph-missing", "md-too-deep-one-line", "yaml-too-many-values", "yaml-tag-bad-value", "placeholder-unknown",
    "text-yaml-escape-surrogate",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", ONCE_CRASHED)
def test_build_stops_at_the_gate_with_what_check_reports(name: str, tmp_path: Path) -> None:
    """`build` raises the check's own report (file:line:col and a fix), renders nothing and keeps site/."""
    root = copy_toolkit(tmp_path / "toolkit")
    apply_case(root, BROKEN / name)
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good build", encoding="utf-8")
    checked = commands.check(commands.CheckOptions(root))
    assert checked.report.errors, name
    with pytest.raises(ToolkitError) as stopped:
        commands.build(commands.BuildOptions(root, site_dir=site, workers=1))
    assert [p.format() for p in stopped.value.report.sorted()] == [p.format() for p in checked.report.sorted()]
    assert all(p.path and p.line >= 1 and p.column >= 1 for p in checked.report.problems), name
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good build"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]  # nothing rendered, nothing half-published


def test_a_page_with_windows_line_endings_checks_clean(tmp_path: Path) -> None:
    """CRLF pages are pages: no 'no front matter'."""
    root = copy_toolkit(tmp_path / "toolkit")
    apply_case(root, BROKEN / "page-crlf")
    assert any(b"\r\n" in p.read_bytes() for p in (BROKEN / "page-crlf").rglob("*.md"))
    assert not commands.check(commands.CheckOptions(root)).report.errors


def git(folder: Path, *args: str) -> None:
    """Run git in `folder` (no user configuration needed: nothing is committed)."""
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


@pytest.mark.parametrize("inside", ["", "toolkits/riverside/"])
def test_a_repository_that_tracks_carepaths_caches_is_refused(inside: str, tmp_path: Path) -> None:
    """A cache file a pull request commits (a PDF whose key matches) would be published as it is: check and build
    refuse the checkout, naming the file and how to take it out; untracked cache files are the build's own."""
    repository = tmp_path / "repository"
    root = copy_toolkit(repository / inside)
    git(repository, "init", "-q")
    cache = root / ".carepath" / "cache" / "pdf"
    cache.mkdir(parents=True)
    for name in ("0" * 64, "f" * 64):
        (cache / f"{name}.pdf").write_bytes(b"%PDF-1.7\n% not made from the toolkit\n")
    (cache / "untracked.pdf").write_bytes(b"%PDF-1.7\n")
    git(repository, "add", "-f", *(f"{inside}.carepath/cache/pdf/{name * 64}.pdf" for name in "0f"))
    checked = commands.check(commands.CheckOptions(root))
    lines = [p.format() for p in checked.report.sorted()]
    first = f".carepath/cache/pdf/{'0' * 64}.pdf"
    assert [line.split("\n")[0] for line in lines if "carepath's own files" in line] == [
        f"{first}:1:1: error: 2 of carepath's own files ({first} and 1 more) are part of the repository: .carepath/ "
        "holds the build's caches, whose PDFs, print documents and pages a build publishes as they are, so a committed "
        "one would reach the site and the handouts without being made from the toolkit"], lines
    assert any("git rm -r --cached .carepath" in p.fix for p in checked.report.problems)
    site = root / "site"
    with pytest.raises(ToolkitError) as stopped:
        commands.build(commands.BuildOptions(root, site_dir=site, workers=1))
    assert [p.format() for p in stopped.value.report.sorted()] == lines
    assert not site.exists()
    git(repository, "rm", "-q", "--cached", f"{inside}{first}")
    one = [p.format().split("\n")[0] for p in commands.check(commands.CheckOptions(root)).report.problems
           if p.code == "path.tracked_cache"]
    assert one == [f".carepath/cache/pdf/{'f' * 64}.pdf:1:1: error: carepath's own file .carepath/cache/pdf/{'f' * 64}"
                   ".pdf is part of the repository: .carepath/ holds the build's caches, whose PDFs, print documents "
                   "and pages a build publishes as they are, so a committed one would reach the site and the handouts "
                   "without being made from the toolkit"]
    git(repository, "rm", "-r", "-q", "--cached", f"{inside}.carepath")  # the fix the message gives
    again = commands.check(commands.CheckOptions(root)).report.problems
    assert not [p for p in again if p.code == "path.tracked_cache"]
