"""The directory as one sheet: export-services-csv / import-services-csv for volunteers who edit in a spreadsheet."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import pytest
from conftest import SOURCES, cli, copy_toolkit, fingerprint

TODAY = ("--today", "2026-12-03")


def _edit(sheet: Path, edits: dict[tuple[str, str], str], new_rows: list[dict[str, str]] = ()) -> None:
    """Change cells (service id, column) of the sheet as a spreadsheet would save it, and add rows."""
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig")))
    header = rows[0]
    for row in rows[1:]:
        for (sid, column), value in edits.items():
            if row[0] == sid:
                row[header.index(column)] = value
    rows += [[new.get(c, "") for c in header] for new in new_rows]
    with sheet.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)


def _row(sheet: Path, sid: str) -> int:
    """The line of a service's row in the sheet."""
    return next(i for i, line in enumerate(sheet.read_text(encoding="utf-8-sig").splitlines(), 1)
                if line.startswith(f"{sid},"))


def test_a_sheet_saved_without_edits_changes_no_file(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    before = fingerprint(root, SOURCES)
    exported = cli(root, "export-services-csv", *TODAY)
    assert exported.returncode == 0 and "wrote 10 services" in exported.stdout
    sheet = (root / "services.csv").read_bytes()
    assert sheet.startswith(b"\xef\xbb\xbfid,name,description")  # UTF-8 with the mark spreadsheets look for
    _edit(root / "services.csv", {("riverside-family-clinic", "hours"): "mo-fr 8:00-18:00; sa 9:00-13:00"})
    result = cli(root, "import-services-csv", *TODAY)  # the same hours, as a spreadsheet may rewrite them
    assert result.returncode == 0, result.stderr
    assert "0 changed, 0 added; wrote no file" in result.stdout
    assert fingerprint(root, SOURCES) == before
    cli(root, "export-services-csv", *TODAY)
    assert (root / "services.csv").read_bytes() == sheet  # and the sheet itself is stable


def test_an_edited_cell_changes_its_line_only_and_a_new_row_is_added_unverified(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    facts = (root / "content/services.yml").read_text(encoding="utf-8")
    cli(root, "export-services-csv", *TODAY)
    _edit(root / "services.csv", {("riverside-help-desk", "phone"): "(413) 555-0172",
                                  ("riverside-older-adults-center", "max_age"): "99",
                                  ("riverside-warmline", "name"): "Riverside Evening Talk Line"},
          [{"name": "Hilltop Food Bank", "phone": "(413) 555-0177", "needs": "practical", "languages": "en, es"}])
    result = cli(root, "import-services-csv", *TODAY)
    assert result.returncode == 0, result.stderr
    assert "3 changed, 1 added" in result.stdout
    after = (root / "content/services.yml").read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(facts.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["-    ages: {min: 60}", "+    ages: {min: 60, max: 99}",
                    "-    phone: (413) 555-0170", "+    phone: (413) 555-0172",
                    "+", "+  - id: hilltop-food-bank", "+    needs: [practical]", "+    phone: (413) 555-0177",
                    "+    languages: [en, es]", "+    unverified: added in services.csv"]
    names = (root / "content/en/services.yml").read_text(encoding="utf-8")
    assert "name: Riverside Evening Talk Line\n" in names
    assert "  hilltop-food-bank:\n    name: Hilltop Food Bank" in names
    check = cli(root, "check", *TODAY)
    assert check.returncode == 0 and "service 'hilltop-food-bank' is not verified yet" in check.stderr


@pytest.mark.slow
def test_a_wrong_cell_is_named_by_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    before = fingerprint(root, SOURCES)
    cli(root, "export-services-csv", *TODAY)
    sheet = root / "services.csv"
    _edit(sheet, {("riverside-family-clinic", "hours"): "9am-5pm", ("riverside-youth-center", "verified"): "11/5/2026",
                  ("riverside-warmline", "min_age"): "sixteen"})
    result = cli(root, "import-services-csv", *TODAY)
    assert result.returncode == 1
    clinic, youth, warm = _row(sheet, "riverside-family-clinic"), _row(sheet, "riverside-youth-center"), _row(
        sheet, "riverside-warmline")
    assert f"services.csv:{clinic}:15: error: hours: '9am-5pm' is not days and times" in result.stderr
    assert "fix: write each line as days then times" in result.stderr
    assert f"services.csv:{youth}:27: error: verified: '11/5/2026' is not a date written YYYY-MM-DD" in result.stderr
    assert f"services.csv:{warm}:20: error: min_age: 'sixteen' is not a whole number of years" in result.stderr
    assert fingerprint(root, SOURCES) == before
    # what only the gate can judge (a number not valid in the region, a status carepath does not know) is placed
    # in its cell too
    cli(root, "export-services-csv", *TODAY)
    _edit(sheet, {("riverside-help-desk", "phone"): "(413) 555-01", ("riverside-warmline", "status"): "closed"})
    result = cli(root, "import-services-csv", *TODAY)
    assert result.returncode == 1
    desk = _row(sheet, "riverside-help-desk")
    assert f"services.csv:{desk}:7: error: '(413) 555-01' is not a valid phone number for region US" in result.stderr
    assert f"services.csv:{warm}:24: error: 'status': 'closed' is not allowed" in result.stderr
    assert fingerprint(root, SOURCES) == before
