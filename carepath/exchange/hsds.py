"""The services directory as Open Referral HSDS 3.0 (the compiled `service` schema), one language at a time.

HSDS has one text per field: an export is of one language, its texts falling back to the source language like
the site's. Ids are UUIDs derived from the toolkit's own ids (uuid5), so the same toolkit exports the same
bytes. What HSDS cannot say the way carepath keeps it is left out, not approximated:
- a street address is one line in carepath; HSDS wants it in parts (city, postal code...), so it is exported as
  the location's description, not as an `addresses` entry;
- closed dates (HSDS has no exceptions to a weekly schedule) and the time zone (HSDS wants a fixed UTC offset,
  which daylight saving breaks) are not exported;
- a confidential place has no location at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from functools import cache
from importlib import resources
from typing import Any

from carepath.exchange.directory import Proposal
from carepath.model import LocalizedToolkit, Service

NAMESPACE = uuid.UUID("6f0c3c1e-0d3f-5a52-9d0e-8d1e6a8c2f10")  # carepath's: every export derives its ids from it
STATUS = {"active": "active", "temporarily-closed": "temporarily closed", "inactive": "inactive"}
END_OF_DAY = "23:59:59"  # carepath's 24:00 (HSDS times are of one day)
TAXONOMY = "carepath"  # the taxonomy of the terms HSDS has no field for
TERM_DESCRIPTIONS = {
    "id": "carepath: the service's id in the toolkit (value), which an import keeps",
    "need": "carepath: a group of needs the services page is organised by",
    "access": "carepath: how people reach the service (walk-in, appointment, phone-only, online)",
    "accessibility": "carepath: an accessibility feature of the place",
    "location": "carepath: the place is confidential; its address is never published",
    "closed": "carepath: dates the service is closed although its hours say open (value: YYYY-MM-DD,...)",
    "alert-until": "carepath: the last day the service's alert is shown (value: YYYY-MM-DD)",
}
COST = {"free": "Free", "low-cost": "Low cost", "sliding-scale": "Sliding scale, depending on income", "paid": "Paid"}


def stable_id(*parts: str) -> str:
    """A UUID from the toolkit's own names: the same toolkit gives the same ids in every export."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _schedules(service: Service, sid: str) -> list[dict[str, Any]]:
    """Weekly schedules: one per line of hours (a closing time before the opening one is the next day)."""
    if service.always_open:
        return [{"id": stable_id(sid, "schedule", "24/7"), "service_id": sid, "freq": "WEEKLY",
                 "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00:00", "closes_at": END_OF_DAY,
                 "description": "Open 24 hours a day, every day"}]
    return [
        {"id": stable_id(sid, "schedule", str(i)), "service_id": sid, "freq": "WEEKLY",
         "byday": ",".join(day.upper() for day in line.days), "opens_at": f"{line.opens}:00",
         "closes_at": END_OF_DAY if line.closes == "24:00" else f"{line.closes}:00"}
        for i, line in enumerate(service.hours)
    ]


def service_record(toolkit: LocalizedToolkit, service: Service, organization: dict[str, Any]) -> dict[str, Any]:
    """One service as HSDS 3.0 `service`, in the toolkit's language."""
    sid = stable_id("service", service.id)
    record: dict[str, Any] = {
        "id": sid,
        "name": str(service.name.value),
        "status": STATUS[service.status],
        "assured_date": service.verified.isoformat(),
        "organization": organization,
        "phones": [
            {"id": stable_id(sid, "phone", kind), "service_id": sid, "number": phone.display, "type": kind}
            for kind, phone in (("voice", service.phone), ("text", service.sms)) if phone is not None
        ],
        "schedules": _schedules(service, sid),
        "languages": [{"id": stable_id(sid, "language", code), "service_id": sid, "code": code}
                      for code in service.languages],
    }
    for field, text in (("description", service.description), ("eligibility_description", service.eligibility),
                        ("alert", service.alert)):
        if text is not None:
            record[field] = str(text.value)
    if service.url:
        record["url"] = service.url
    if service.email:
        record["email"] = service.email
    if service.min_age is not None:
        record["minimum_age"] = service.min_age
    if service.max_age is not None:
        record["maximum_age"] = service.max_age
    if service.interpretation is not None:
        record["interpretation_services"] = "Interpreters available" if service.interpretation else "None"
    if service.cost:
        record["fees_description"] = COST[service.cost]
    if not service.confidential and (service.address or service.latitude is not None):
        lid = stable_id(sid, "location")
        location: dict[str, Any] = {"id": lid, "location_type": "physical", "name": str(service.name.value)}
        if service.address:
            location["description"] = service.address  # one line: HSDS's address parts are not known
        if service.latitude is not None and service.longitude is not None:
            location["latitude"], location["longitude"] = service.latitude, service.longitude
        record["service_at_locations"] = [{"id": stable_id(sid, "service_at_location"), "service_id": sid,
                                           "location_id": lid, "location": location}]
    attributes = _attributes(service, sid)
    if attributes:
        record["attributes"] = attributes
    return record


def carepath_terms(service: Service) -> list[tuple[str, str]]:
    """What a 211 feed has no field for, as carepath taxonomy codes with a value: groups, access, closed dates."""
    terms = [("id", service.id)] + [(f"need:{n}", "") for n in service.needs]
    terms += [(f"access:{a}", "") for a in service.access]
    terms += [(f"accessibility:{a}", "") for a in service.accessibility]
    if service.confidential:
        terms.append(("location:confidential", ""))
    if service.closed:
        terms.append(("closed", ",".join(d.isoformat() for d in service.closed)))
    if service.alert_until is not None:
        terms.append(("alert-until", service.alert_until.isoformat()))
    return terms


def _attributes(service: Service, sid: str) -> list[dict[str, Any]]:
    """The service's carepath terms as HSDS attributes (taxonomy 'carepath'), each with its taxonomy term."""
    attributes = []
    for code, value in carepath_terms(service):
        term_id = stable_id("taxonomy_term", TAXONOMY, code)
        attributes.append({
            "id": stable_id(sid, "attribute", code), "link_id": sid, "link_type": "service", "link_entity": "service",
            "taxonomy_term_id": term_id, "value": value,
            "taxonomy_term": {"id": term_id, "code": code, "name": code, "taxonomy": TAXONOMY,
                              "description": TERM_DESCRIPTIONS[code.split(":")[0]]},
        })
    return attributes


def organization_record(toolkit: LocalizedToolkit) -> dict[str, Any]:
    """The toolkit's community as the HSDS organization of its services (HSDS requires one)."""
    return {"id": stable_id("organization", str(toolkit.source.tag)),
            "name": str(toolkit.community.value if toolkit.community else toolkit.title.value),
            "description": str(toolkit.summary.value if toolkit.summary else toolkit.title.value)}


def export_services(toolkit: LocalizedToolkit) -> list[dict[str, Any]]:
    """Every published service of one language as HSDS 3.0 records, in the toolkit's order."""
    organization = organization_record(toolkit)
    return [service_record(toolkit, service, organization) for service in toolkit.services]


# --- the tabular data package: one CSV per HSDS table, as the specification's datapackage.json describes --------

# A nested part of a service record -> its table; and the nested parts those carry in turn.
NESTED = {"phones": "phone", "schedules": "schedule", "languages": "language", "attributes": "attribute",
          "service_at_locations": "service_at_location"}
INNER = {"attribute": ("taxonomy_term", "taxonomy_term"), "service_at_location": ("location", "location")}


@cache
def datapackage() -> dict[str, Any]:
    """HSDS 3.0's datapackage.json (vendored): every table's file name and columns, in order."""
    return json.loads(resources.files("carepath").joinpath("data/hsds-3.0/datapackage.json").read_text("utf-8"))


def _columns(table: str) -> list[str]:
    """The columns of an HSDS table, in the specification's order."""
    resource = next(r for r in datapackage()["resources"] if r["name"] == table)
    return [f["name"] for f in resource["schema"]["fields"]]


def _file(table: str) -> str:
    """The CSV file name of an HSDS table (services.csv, service_at_location.csv...)."""
    return str(next(r for r in datapackage()["resources"] if r["name"] == table)["path"])


def _cell(value: Any) -> str:
    """A JSON value as a CSV cell: numbers as written, nothing as an empty cell."""
    return "" if value is None else str(value)


def tabular_package(records: list[dict[str, Any]]) -> dict[str, str]:
    """The services as HSDS tables: file name -> CSV text, plus the datapackage.json that describes them."""
    rows: dict[str, dict[str, dict[str, Any]]] = {}  # table -> id -> row, first seen first

    def add(table: str, row: dict[str, Any]) -> None:
        rows.setdefault(table, {}).setdefault(row["id"], row)

    for record in records:
        service = {k: v for k, v in record.items() if not isinstance(v, list | dict)}
        service["organization_id"] = record["organization"]["id"]
        add("organization", record["organization"])
        add("service", service)
        for key, table in NESTED.items():
            for item in record.get(key, []):
                inner = INNER.get(table)
                row = {k: v for k, v in item.items() if not inner or k != inner[0]}
                add(table, row)
                if inner and inner[0] in item:
                    add(inner[1], item[inner[0]])
    files: dict[str, str] = {}
    package = dict(datapackage())
    for resource in package["resources"]:  # every table, the empty ones too: the package's foreign keys name them
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = [f["name"] for f in resource["schema"]["fields"]]
        writer.writerow(columns)
        for row in rows.get(resource["name"], {}).values():
            writer.writerow([_cell(row.get(c)) for c in columns])
        files[resource["path"]] = out.getvalue()
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    return files


def read_tabular(files: dict[str, str]) -> list[dict[str, Any]]:
    """Services as nested HSDS records from a tabular package's CSV texts (by file name), joined on their ids."""
    tables = {}
    for resource in datapackage()["resources"]:
        text = files.get(resource["path"])
        if text is not None:
            types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
            tables[resource["name"]] = [
                {k: _typed(v, types.get(k, "string")) for k, v in row.items() if k and v not in ("", None)}
                for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
    by_id = {table: {row.get("id"): row for row in rows} for table, rows in tables.items()}
    records = []
    for row in tables.get("service", []):
        record = dict(row)
        organization = by_id.get("organization", {}).get(row.get("organization_id"))
        if organization:
            record["organization"] = organization
        for key, table in NESTED.items():
            items = []
            for item in tables.get(table, []):
                if item.get("link_id" if table == "attribute" else "service_id") != row.get("id"):
                    continue
                item = dict(item)
                inner = INNER.get(table)
                if inner:
                    ref = item.get(f"{inner[0]}_id")
                    if ref in by_id.get(inner[1], {}):
                        item[inner[0]] = by_id[inner[1]][ref]
                items.append(item)
            if items:
                record[key] = items
        records.append(record)
    return records


def _typed(value: str, kind: str) -> Any:
    """A CSV cell as the JSON type the table schema gives its column (a cell that is not one stays text)."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        pass
    return value


# --- import: an HSDS service as a carepath service, to be checked by a person before it is published ---------

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
VOICE, TEXT = ("voice", "cell"), ("text",)


def _time(value: Any) -> str | None:
    """An HSDS time (HH:MM, HH:MM:SS, an offset after it) as carepath's HH:MM; 23:59:59 is the day's end."""
    match = re.match(r"^(\d{2}):(\d{2})(?::(\d{2}))?", str(value or ""))
    if not match:
        return None
    if f"{match[1]}:{match[2]}:{match[3] or '00'}" == END_OF_DAY:
        return "24:00"
    return f"{match[1]}:{match[2]}"


def _hours(schedules: list[dict[str, Any]], notes: list[str]) -> str | list[dict[str, Any]] | None:
    """Weekly schedules as carepath hours ('24/7' or lines of days and times); any other kind is left out."""
    lines = []
    for schedule in schedules:
        days = [d.strip().lower() for d in str(schedule.get("byday") or "").split(",") if d.strip()]
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        if str(schedule.get("freq") or "WEEKLY").upper() != "WEEKLY" or not days or not set(days) <= set(DAYS) \
                or opens is None or closes is None:
            notes.append(f"hours left out: a schedule carepath cannot read ({schedule.get('description') or schedule})"
                         "; write the hours by hand")
            return None
        lines.append({"days": days, "opens": opens, "closes": closes})
    if len(lines) == 1 and len(lines[0]["days"]) == 7 and (lines[0]["opens"], lines[0]["closes"]) == ("00:00", "24:00"):
        return "24/7"
    return lines or None


def _terms(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The service's carepath taxonomy terms (code, value), from its attributes."""
    found = []
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == TAXONOMY and term.get("code"):
            found.append((str(term["code"]), str(attribute.get("value") or "")))
    return found


def _place(record: dict[str, Any]) -> tuple[str | None, float | None, float | None]:
    """The first physical location's one-line address (its address parts, else its description) and coordinates."""
    for at in record.get("service_at_locations") or []:
        location = at.get("location") or {}
        parts = next(iter(location.get("addresses") or []), None)
        address = ", ".join(str(parts[k]) for k in ("address_1", "address_2", "city", "state_province", "postal_code")
                            if parts.get(k)) if parts else location.get("description")
        return address or None, location.get("latitude"), location.get("longitude")
    return None, None, None


def proposal_from_hsds(record: dict[str, Any], sid: str, origin: str) -> Proposal:
    """One HSDS service as a carepath service marked unverified (`origin`: where it came from)."""
    notes: list[str] = []
    phones = record.get("phones") or []
    voice = [p["number"] for p in phones if p.get("number") and (p.get("type") or "voice") in VOICE]
    text = [p["number"] for p in phones if p.get("number") and p.get("type") in TEXT]
    others = [f"{p.get('type')} {p.get('number')}" for p in phones
              if p.get("number") and p["number"] not in voice[:1] + text[:1]]
    if others:
        notes.append(f"left out: other numbers ({', '.join(others)}); carepath shows one phone and one text line")
    terms = _terms(record)
    coded = {code: value for code, value in terms}
    address, latitude, longitude = _place(record)
    confidential = "location:confidential" in coded
    location: dict[str, Any] | None = None
    if confidential:
        location = {"confidential": True}
    elif latitude is not None and longitude is not None:
        location = {k: v for k, v in (("address", address), ("latitude", latitude), ("longitude", longitude)) if v}
    cost = next((key for key, label in COST.items() if label == record.get("fees_description")), None)
    if record.get("fees_description") and cost is None:
        notes.append(f"cost left out: '{record['fees_description']}' is not one of free, low-cost, sliding-scale, "
                     "paid; set cost: by hand")
    interpretation = record.get("interpretation_services")
    ages = {k: record[f] for k, f in (("min", "minimum_age"), ("max", "maximum_age")) if record.get(f) is not None}
    status = next((key for key, label in STATUS.items() if label == record.get("status")), "active")
    assured = f"; the feed says it was checked on {record['assured_date']}" if record.get("assured_date") else ""
    facts: dict[str, Any] = {
        "needs": [c.split(":", 1)[1] for c in coded if c.startswith("need:")] or None,
        "phone": voice[0] if voice else None,
        "sms": text[0] if text else None,
        "url": record.get("url"), "email": record.get("email"),
        "address": None if location is not None else address,
        "location": location,
        "hours": _hours(record.get("schedules") or [], notes),
        "closed": [d for d in coded.get("closed", "").split(",") if d] or None,
        "languages": [lang["code"] for lang in record.get("languages") or [] if lang.get("code")] or None,
        "cost": cost,
        "access": [c.split(":", 1)[1] for c in coded if c.startswith("access:")] or None,
        "ages": ages or None,
        "interpretation": None if not interpretation else interpretation != "None",
        "accessibility": [c.split(":", 1)[1] for c in coded if c.startswith("accessibility:")] or None,
        "status": None if status == "active" else status,
        "alert_until": coded.get("alert-until") or None,
        "unverified": f"imported from {origin}{assured}",
    }
    texts = {"name": str(record.get("name") or ""), "description": record.get("description"),
             "eligibility": record.get("eligibility_description"),
             "alert": record.get("alert") if coded.get("alert-until") else None}
    if record.get("alert") and not coded.get("alert-until"):
        notes.append("alert left out: the feed gives no end date; add it with alert_until: if it still holds")
    if not voice and not text:
        notes.append("no phone number: people can reach it only by the web, e-mail or in person")
    return Proposal(sid, {k: v for k, v in facts.items() if v is not None},
                    {k: str(v) for k, v in texts.items() if v}, notes)


def carepath_id(record: dict[str, Any]) -> str | None:
    """The toolkit id a carepath export gave the service (its 'id' term), if it is one carepath accepts."""
    sid = dict(_terms(record)).get("id")
    return sid if sid and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", sid) else None
