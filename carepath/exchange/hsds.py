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

import uuid
from typing import Any

from carepath.model import LocalizedToolkit, Service

NAMESPACE = uuid.UUID("6f0c3c1e-0d3f-5a52-9d0e-8d1e6a8c2f10")  # carepath's: every export derives its ids from it
STATUS = {"active": "active", "temporarily-closed": "temporarily closed", "inactive": "inactive"}
COST = {"free": "Free", "low-cost": "Low cost", "sliding-scale": "Sliding scale, depending on income", "paid": "Paid"}


def stable_id(*parts: str) -> str:
    """A UUID from the toolkit's own names: the same toolkit gives the same ids in every export."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _schedules(service: Service, sid: str) -> list[dict[str, Any]]:
    """Weekly schedules: one per line of hours (a closing time before the opening one is the next day)."""
    if service.always_open:
        return [{"id": stable_id(sid, "schedule", "24/7"), "service_id": sid, "freq": "WEEKLY",
                 "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "00:00", "closes_at": "23:59",
                 "description": "Open 24 hours a day, every day"}]
    return [
        {"id": stable_id(sid, "schedule", str(i)), "service_id": sid, "freq": "WEEKLY",
         "byday": ",".join(day.upper() for day in line.days), "opens_at": line.opens,
         "closes_at": "23:59" if line.closes == "24:00" else line.closes}
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
    return record


def export_services(toolkit: LocalizedToolkit) -> list[dict[str, Any]]:
    """Every published service of one language as HSDS 3.0 records, in the toolkit's order."""
    organization = {"id": stable_id("organization", str(toolkit.source.tag)),
                    "name": str(toolkit.community.value if toolkit.community else toolkit.title.value),
                    "description": str(toolkit.summary.value if toolkit.summary else toolkit.title.value)}
    return [service_record(toolkit, service, organization) for service in toolkit.services]
