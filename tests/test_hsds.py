"""The directory as Open Referral HSDS 3.0: export-hsds validates against the vendored compiled service schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
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
    night = {"byday": "FR,SA", "opens_at": "20:00:00", "closes_at": "02:00:00"}
    assert night.items() <= warmline["schedules"][1].items()
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


@pytest.mark.slow
def test_the_tabular_package_validates_and_reads_back_as_the_json(tmp_path: Path) -> None:
    import frictionless

    from carepath.exchange.hsds import proposal_from_hsds, read_tabular

    root = copy_toolkit(tmp_path / "toolkit")
    services = export(root)
    report = frictionless.validate(str(root / "hsds/en/datapackage.json"))  # types, required, uuids, foreign keys
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    tables = read_tabular({f.name: f.read_text(encoding="utf-8") for f in (root / "hsds/en").glob("*.csv")})
    assert [proposal_from_hsds(r, "x", "f") for r in tables] == [proposal_from_hsds(r, "x", "f") for r in services]
    (root / "hsds/en/schedules.csv").write_text("id,service_id,opens_at\nnot-a-uuid,x,9 am\n", encoding="utf-8")
    assert not frictionless.validate(str(root / "hsds/en/datapackage.json")).valid  # the validator does bite


def _keep_only(root: Path, keep: set[str]) -> None:
    """Delete every service but `keep` from the toolkit's files (facts and every language's texts)."""
    import yaml

    path = root / "content/services.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["services"] = [s for s in data["services"] if s["id"] in keep]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for texts in root.glob("content/*/services.yml"):
        data = yaml.safe_load(texts.read_text(encoding="utf-8"))
        data["services"] = {k: v for k, v in data["services"].items() if k in keep}
        texts.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = root / "content/pathways.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for pathway in data["pathways"]:
        pathway["services"] = [s for s in pathway.get("services", []) if s in keep]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.slow
def test_an_export_imported_into_a_directory_without_those_services_reproduces_them(tmp_path: Path) -> None:
    import yaml

    root = copy_toolkit(tmp_path / "toolkit")
    original = {s["id"]: s for s in yaml.safe_load((root / "content/services.yml").read_text())["services"]}
    names = yaml.safe_load((root / "content/en/services.yml").read_text())["services"]
    export(root)
    referenced = {"riverside-crisis-line", "riverside-crisis-center", "riverside-help-desk",
                  "riverside-counseling-center"}  # the crisis card's and a pathway's (the others are dropped)
    _keep_only(root, referenced)
    result = cli(root, "import-hsds", str(root / "hsds/services-en.json"), "--today", "2026-12-03")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 added, 0 changed (not applied), 4 skipped" in result.stdout, result.stdout
    back = {s["id"]: s for s in yaml.safe_load((root / "content/services.yml").read_text())["services"]}
    texts = yaml.safe_load((root / "content/en/services.yml").read_text())["services"]
    for sid in set(original) - referenced:
        theirs, ours = dict(original[sid]), dict(back[sid])
        assert ours.pop("unverified").startswith("imported from services-en.json on 2026-12-03; the feed says")
        theirs.pop("verified")
        if "address" in theirs and "location" in ours:  # the same place, written as a location with coordinates
            ours["location"].pop("address", None)
        assert ours == theirs, sid
        assert texts[sid] == {k: v for k, v in names[sid].items() if k != "notes"}, sid  # HSDS has no notes
    check = cli(root, "check", "--today", "2026-12-03")
    assert check.returncode == 0 and "service 'riverside-warmline' is not verified yet" in check.stderr
    release = cli(root, "check", "--release", "--today", "2026-12-03")
    assert release.returncode == 1
    assert "content/services.yml:" in release.stderr and "a release may not carry details nobody has checked" in \
        release.stderr
    again = cli(root, "import-hsds", str(root / "hsds/services-en.json"), "--today", "2026-12-03")
    assert "0 added" in again.stdout and "not published (inactive or unverified)" in again.stdout


def test_a_feed_in_a_translation_s_words_is_the_same_directory(tmp_path: Path) -> None:
    root = copy_toolkit(tmp_path / "toolkit")
    export(root, "ar")  # HSDS holds one language: the Arabic export's names are the Arabic translation's
    result = cli(root, "import-hsds", str(root / "hsds/ar"), "--today", "2026-12-03")  # the tabular package
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 changed (not applied), 10 skipped, 0 refused; wrote no file" in result.stdout


FEED = [
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000001", "name": "Hilltop Night Line", "status": "active",
     "description": "Someone to talk to at night.", "assured_date": "2026-11-20",
     "phones": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000002", "number": "(413) 555-0199", "type": "voice"}],
     "schedules": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000003", "freq": "WEEKLY", "byday": "FR,SA",
                    "opens_at": "22:00", "closes_at": "02:00"}],
     "languages": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000004", "code": "en"}]},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000011", "name": "London Friends",
     "phones": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000012", "number": "020 7946 0000", "type": "voice"}]},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000013", "name": "London Friends Abroad",
     "phones": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000014", "number": "+44 20 7946 0000", "type": "voice"}]},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000021", "name": "Κέντρο Στήριξης", "url": "https://kentro.example/"},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000022", "name": "مركز الأمل", "url": "https://amal.example/"},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000031", "name": "Hilltop Shelter",
     "phones": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000032", "number": "(413) 555-0198"}],
     "attributes": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000033", "value": "",
                     "taxonomy_term": {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000034", "code": "location:confidential",
                                       "name": "confidential", "description": "x", "taxonomy": "carepath"}}],
     "service_at_locations": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000035",
                               "location": {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000036",
                                            "description": "12 Secret Lane"}}]},
    {"id": "0a6f3c2e-1111-4c1e-9d7a-000000000041", "name": "Riverside Crisis Line",
     "phones": [{"id": "0a6f3c2e-1111-4c1e-9d7a-000000000042", "number": "(413) 555-0109", "type": "voice"}]},
]


def test_import_proposes_what_is_new_refuses_what_check_would_and_never_overwrites(tmp_path: Path) -> None:
    import yaml

    root = copy_toolkit(tmp_path / "toolkit")
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(FEED, ensure_ascii=False), encoding="utf-8")
    before = (root / "content/services.yml").read_text(encoding="utf-8")
    result = cli(root, "import-hsds", str(feed), "--today", "2026-12-03")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "changed   riverside-crisis-line: the feed differs in phone; not applied" in out
    assert "refused   london-friends: check would fail on it" in out and \
        "'020 7946 0000' is not a valid phone number for region US" in out  # another region's national format
    assert "refused   service-2:" in out and "has no glyph in this language's print fonts" in out  # Arabic in en
    assert "4 added, 1 changed (not applied), 0 skipped, 2 refused" in out
    after = (root / "content/services.yml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # appended: every comment and existing line kept
    added = {s["id"]: s for s in yaml.safe_load(after)["services"]}
    assert added["hilltop-night-line"]["hours"] == [{"days": ["fr", "sa"], "opens": "22:00", "closes": "02:00"}]
    assert added["london-friends-abroad"]["phone"] == "+44 20 7946 0000"
    assert added["hilltop-shelter"]["location"] == {"confidential": True} and "address" not in added["hilltop-shelter"]
    assert "12 Secret Lane" not in after
    assert "phone" not in added["service"] and "no phone number" in out
    texts = yaml.safe_load((root / "content/en/services.yml").read_text(encoding="utf-8"))["services"]
    assert texts["service"]["name"] == "Κέντρο Στήριξης"
    assert added["riverside-crisis-line"]["phone"] == "(413) 555-0100"  # the feed's number was not applied
    assert cli(root, "check", "--today", "2026-12-03").returncode == 0
