"""The code itself: lint-clean, type-clean, and stages that import only what comes before them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "carepath"
IMPORT = re.compile(r"^\s*(?:from|import)\s+(carepath(?:\.\w+)*)", re.M)
# What each stage may not import: data flows load -> checks -> model -> render -> write, and only the CLI and
# the commands see all of them.
FORBIDDEN = {
    "load.py": ("carepath.checks", "carepath.model", "carepath.render", "carepath.write", "carepath.commands",
                "carepath.cli", "carepath.l10n"),
    "checks": ("carepath.model", "carepath.render", "carepath.write", "carepath.commands", "carepath.cli",
               "carepath.l10n.po", "carepath.l10n.new_locale"),
    "model.py": ("carepath.checks", "carepath.render", "carepath.write", "carepath.commands", "carepath.cli"),
    "render": ("carepath.checks", "carepath.write", "carepath.commands", "carepath.cli"),
    "write": ("carepath.checks", "carepath.commands", "carepath.cli"),
}


def imports(path: Path) -> list[str]:
    """The carepath modules a file imports (at any depth, lazy imports included)."""
    return IMPORT.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("stage", sorted(FORBIDDEN))
def test_stages_import_only_what_comes_before_them(stage: str) -> None:
    """A check never imports a renderer, writer or command; a renderer never a check or a writer; and so on."""
    target = PACKAGE / stage
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    assert files, stage
    wrong = [(f.relative_to(ROOT).as_posix(), module) for f in files for module in imports(f)
             if module.startswith(FORBIDDEN[stage])]
    assert not wrong, wrong


def test_only_load_opens_the_toolkit() -> None:
    """No check reads a file from disk: they judge what load read (`Sources`)."""
    opened = re.compile(r"\.(?:read_text|read_bytes|open)\(|\bopen\(|\.rglob\(|\.iterdir\(|os\.scandir|os\.walk")
    found = [(f.relative_to(ROOT).as_posix(), n + 1) for f in sorted((PACKAGE / "checks").rglob("*.py"))
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines()) if opened.search(line)]
    assert not found, found


@pytest.mark.slow
def test_ruff_is_clean() -> None:
    """`ruff check` passes on the code and the tests."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "carepath", "tests", "bench", "build.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    """mypy (settings in pyproject.toml) finds no error in carepath/ and build.py."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
