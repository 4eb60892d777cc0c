"""Peer review a community can show: the workflow of issue 16 on a copy of the example.

An English step is edited; status shows it outdated in the translations and changed since review; a release
is refused, naming the step; the reviews are recorded; the release gate passes on reviews; the page and the
handout show the new review dates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, cli, copy_toolkit, render_pdf

from carepath import commands
from carepath.layers import toolkit_layers
from carepath.render.site import render_pages

TODAY = "2026-12-02"
STEP = "steps.yml:steps.listen-without-pressure"
REVIEW_CODES = ("review.missing", "review.changed", "review.overdue", "review.due_soon")


def review_problems(root: Path, *args: str) -> list[str]:
    """The review problems of `check ARGS`, formatted as the CLI prints them."""
    result = cli(root, "check", "--today", TODAY, *args)
    return [line for line in result.stderr.splitlines() if re.search(r": (error|warning): ", line)
            and ("review" in line)]


def edit_step(root: Path) -> None:
    """A clinician's change to an English step's title."""
    path = root / "content/en/steps.yml"
    text = path.read_text(encoding="utf-8")
    title = yaml.safe_load(text)["steps"]["listen-without-pressure"]["title"]
    assert text.count(f"title: {title}\n") == 1
    path.write_text(text.replace(f"title: {title}\n", f"title: {title}, calmly\n"), encoding="utf-8")


@pytest.mark.slow
def test_an_edited_step_is_outdated_changed_since_review_refused_then_reviewed(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    assert review_problems(root, "--release") == []  # the example's required reviews are all recorded
    edit_step(root)

    status = cli(root, "status")
    assert status.returncode == 0, status.stderr
    for tag in ("es", "ar"):
        assert re.search(rf"^{tag}: .*1 outdated", status.stdout, re.M), status.stdout
        assert f"changed since review (language, 2026-11-01): content/{tag}/{STEP}" in status.stdout
    assert f"changed since review (clinical, 2026-11-01): content/en/{STEP}" in status.stdout

    refused = review_problems(root, "--release")
    line = (root / "content/en/steps.yml").read_text(encoding="utf-8").splitlines().index(
        "  listen-without-pressure:") + 2  # the unit's first text, its title
    assert any(p.startswith(f"content/en/steps.yml:{line}:1: error: '{STEP}' has changed since its clinical review")
               for p in refused), refused
    assert any(p.startswith("content/es/steps.yml:") and f"'{STEP}' has changed since its language (es) review" in p
               for p in refused), refused
    assert review_problems(root) == []  # between releases: said by status, not by check

    # the clinician's review of English, then each translation brought up to date and reviewed
    recorded = cli(root, "review", "en", "steps.yml", "--as", "clinical", "--by", "Dr. Example", "--today", TODAY)
    assert recorded.returncode == 0 and "recorded a clinical review by Dr. Example" in recorded.stdout
    refused = cli(root, "review", "es", STEP, "--as", "language", "--today", TODAY)
    assert refused.returncode == 1 and f"not recorded: {STEP}: its translation is missing or outdated" in (
        refused.stderr)
    for tag in ("es", "ar", "sw"):
        assert cli(root, "status", "--mark-current", tag, "steps.yml").returncode in (0, 1)
        assert cli(root, "review", tag, "steps.yml", "--as", "language", "--today", TODAY).returncode in (0, 1)
    assert review_problems(root, "--release") == []

    # the page and the handout say when it was reviewed, and when it is due again
    _sources, model, statuses, _report = commands.load_model(commands.CheckOptions(root, today=dt.date(2026, 12, 2)))
    page = render_pages(model, toolkit_layers(root, "templates"), statuses, {})["en/first-support.md"]
    meta = json.loads(page.split("---\n")[1])  # the front matter the theme shows it from
    assert meta["carepath"]["reviewed"]["value"] == "Last reviewed December 2, 2026 · Next review due December 2, 2027"
    from carepath.render.print_kit import render_print

    job = next(j for j in render_print(model, root) if j.path == "print/first-support-a4.pdf")
    pdf = tmp_path / "steps.pdf"
    pdf.write_bytes(render_pdf(job)[0])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Reviewed Dec 2, 2026, next Dec 2, 2027" in " ".join(text.split())  # in the footer, short


def test_reviews_fall_due_a_warning_first_then_a_release_refuses(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    soon = cli(root, "check", "--today", "2027-10-20").stderr
    line = next(i for i, text in enumerate((ROOT / "content/en/steps.yml").read_text(encoding="utf-8").splitlines(),
                                            start=1) if text.startswith("title:"))
    assert (f"content/en/steps.yml:{line}:1: warning: the clinical review of steps.yml is due on 2027-11-01 "
            "(title, intro, steps.prepare-yourself, steps.look-for-safety and 4 more)") in soon  # not ask-about-suicide
    late = cli(root, "check", "--release", "--today", "2027-11-05").stderr
    assert "error: the clinical review of steps.yml was due on 2027-11-01" in late
    assert "fix: review it again, then record it: `carepath review en steps.yml --as ROLE`" in late


def test_review_refuses_a_role_for_the_wrong_language(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    result = cli(root, "review", "es", "--as", "clinical")
    assert result.returncode == 2 and "a clinical review is of the source language (en)" in result.stderr
    result = cli(root, "review", "en", "--as", "language")
    assert result.returncode == 2 and "review it --as clinical or --as community" in result.stderr
    assert (ROOT / "content/en/reviewed.yml").read_bytes() == (root / "content/en/reviewed.yml").read_bytes()


def test_a_translation_edited_after_its_review_is_fuzzy_in_the_po_export(tmp_path: Path) -> None:
    """Weblate shows a text that changed since its language review as needing review (fuzzy)."""
    import polib

    root = copy_toolkit(tmp_path / "toolkit")
    path = root / "content/es/steps.yml"
    title = yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]["prepare-yourself"]["title"]
    path.write_text(path.read_text(encoding="utf-8").replace(f"title: {title}\n", f"title: {title}, con calma\n", 1),
                    encoding="utf-8")
    assert cli(root, "export-po", "es").returncode == 0
    po = polib.pofile(str(root / "translations/es/steps.po"))
    fuzzy = {e.msgctxt for e in po if "fuzzy" in e.flags}
    assert "steps.prepare-yourself.title" in fuzzy  # edited after its review
    assert "steps.look-for-safety.title" not in fuzzy  # reviewed and unchanged
