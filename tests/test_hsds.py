"""The directory as Open Referral HSDS 3.0: export-hsds validates against the vendored compiled service schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
from conftest import ROOT, cli, copy_toolkit

SCHEMA = json.loads((ROOT / "carepath/data/hsds-3.0/service.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def export(root: Path, *args: str) -> list[dict]:
    """`carepath export-hsds ARGS` into the toolkit's hsds/ folder, read back."""
    result = cli(root, "export-hsds", *args)
    assert result.returncode == 0, result.stderr
    tag = args[0] if args else "en"
    return json.loads((root / f"hsds/services-{tag}.json").read_text(encoding="utf-8"))


def test_every_exported_service_validates_and_two_exports_are_identical(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    services = export(root)
    assert len(services) == 10
    for service in services:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(service)]
        assert errors == [], (service["name"], errors)
    first = (root / "hsds/services-en.json").read_bytes()
    export(root)
    assert (root / "hsds/services-en.json").read_bytes() == first  # stable ids, stable order
    broken = copy.deepcopy(services[0])
    broken["status"] = "open"
    broken["phones"][0]["id"] = "not-a-uuid"
    assert len(list(VALIDATOR.iter_errors(broken))) == 2  # the schema does bite


def test_hsds_carries_what_a_211_directory_filters_on(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    by_name = {s["name"]: s for s in export(root)}
    warmline = by_name["Riverside Evening Warmline"]
    assert {"byday": "FR,SA", "opens_at": "20:00", "closes_at": "02:00"}.items() <= warmline["schedules"][1].items()
    assert warmline["minimum_age"] == 16 and warmline["phones"][0]["type"] == "voice"
    crisis = by_name["Riverside Crisis Line"]
    assert [p["type"] for p in crisis["phones"]] == ["voice", "text"]
    assert crisis["interpretation_services"] == "Interpreters available"
    assert [language["code"] for language in crisis["languages"]] == ["en", "es", "ar"]
    assert "service_at_locations" not in by_name["Riverside Safe House"]  # confidential: no place at all
    assert by_name["Riverside Youth Center"]["status"] == "temporarily closed" and by_name[
        "Riverside Youth Center"]["alert"].startswith("Closed for repairs")
    assert by_name["Riverside Crisis Line"]["assured_date"] == "2026-10-15"
    arabic = export(root, "ar")
    assert arabic[0]["name"] == "خط الأزمات في ريفرسايد" and arabic[0]["id"] == crisis["id"]  # same ids, its words
