"""Shared fixtures: the example toolkit built once per session, with the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("content", "locales", "templates", "print", "mkdocs.yml")
LOCALES = {"en": "", "es": "es/", "ar": "ar/", "sw": "sw/"}
# One PDF cache for every build a test session runs (and the developer's own builds): it is content-addressed,
# so a PDF is reused only when everything that decides its bytes is the same. Tests that must render cold
# give write_pdfs a cache of their own.
os.environ.setdefault("CAREPATH_CACHE_DIR", str(ROOT / ".carepath" / "cache"))


@dataclass
class Built:
    """A toolkit copied to a temporary folder and built there."""

    root: Path
    site: Path
    stderr: str


class Tags(HTMLParser):
    """Collects every start tag of an HTML page with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Tags named `tag` whose attributes contain `attrs` (class matched by word)."""
        def matches(a: dict[str, str]) -> bool:
            return all(
                v in a.get("class", "").split() if k == "class_" else a.get(k) == v for k, v in attrs.items()
            )

        found = [a for name, a in self.tags if name == tag and matches(a)]
        return found


def parse(path: Path) -> Tags:
    """Parse one built page."""
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def copy_toolkit(target: Path) -> Path:
    """Copy the example toolkit's sources (not its build output) into `target`."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS --root ROOT` as a user would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args, "--root", str(root)],
        capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example toolkit, built once for the whole session."""
    root = copy_toolkit(tmp_path_factory.mktemp("example"))
    result = run_build(root, "build")
    assert result.returncode == 0, result.stderr
    return Built(root, root / "site", result.stderr)


def site_pages(site: Path) -> list[Path]:
    """Every content page of a built site (not the 404 page)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html" and "assets" not in p.parts)


def build_site_unchecked(root: Path, out: Path) -> Path:
    """Build only the website of a toolkit, in-process and without the check (as if it had a hole): seconds."""
    from carepath.l10n.translation import all_status
    from carepath.load import load_sources
    from carepath.model import build_model
    from carepath.render.site import render_site
    from carepath.settings import site_settings
    from carepath.write.site import run_mkdocs, write_site_sources

    sources, _ = load_sources(root)
    model = build_model(sources)
    statuses = all_status(sources, root)
    data = sources.settings.data if sources.settings else {}
    site = render_site(model, root / "templates", site_settings(data), statuses, {}, root / "content")
    run_mkdocs(write_site_sources(site, out / "work"), out / "site")
    return out / "site"
