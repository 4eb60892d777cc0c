"""bench/corpus.py makes toolkits that pass the check: a tiny one here (no build, no PDF)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import yaml
from conftest import ROOT

from carepath import commands
from carepath.l10n.translation import all_status

TAGS = ("fr", "de")


def corpus_module() -> ModuleType:
    """bench/corpus.py, imported from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_generated_toolkit_passes_the_check(tmp_path: Path) -> None:
    """Two languages besides English, two more pages each and five more services: no error, all translated."""
    corpus = corpus_module()
    root = corpus.generate(tmp_path / "toolkit", pages=2, services=5, tags=TAGS)

    checked = commands.check(commands.CheckOptions(root))
    assert not checked.report.errors, "\n".join(p.format() for p in checked.report.errors)

    sources = checked.sources
    assert sorted(sources.locales) == sorted(["en", *TAGS])  # the example's es, ar and sw are left out
    for tag in ("en", *TAGS):
        assert len(sources.pages[tag]) == 4 + 2
    services = sources.neutral["services"].data["services"]
    assert len(services) == 10 + 5
    for service in services:
        for field in ("phone", "sms"):
            if field in service:
                assert re.search(r"555-01\d\d$", service[field]), service[field]
        assert "url" not in service or ".example/" in service["url"] or service["url"].endswith(".example")
    statuses = all_status(sources, root)
    assert [s.tag for s in statuses] == sorted(TAGS)
    assert all(s.translated == s.total and not s.outdated for s in statuses)
    locale = yaml.safe_load((root / "locales" / "fr.yml").read_text(encoding="utf-8"))
    assert locale["name"] == "Français" and locale["fonts"] == ["Noto Sans"]
    assert "English text" in (root / "content" / "fr" / "signs.yml").read_text(encoding="utf-8")
