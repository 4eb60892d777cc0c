"""One gate: what `check` reports is exactly what stops `build`, before anything renders, and `site/` is kept."""

from __future__ import annotations

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
