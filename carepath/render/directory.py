"""What a service's card says beyond its contacts, the same on the web page and on paper, and the data the
services page's finder filters on.

Plain data from the model: texts in the reader's language (falling back like every interface string), links,
and short attribute values the finder script reads. The templates only lay them out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import escape

from carepath import formatting
from carepath.model import LocalizedToolkit, Service, Text

# The facts of a card, in the order they are shown: (the label's interface string, the fact's name).
FACT_LABELS = (
    ("services.access", "access"),
    ("services.ages", "ages"),
    ("services.interpretation", "interpretation"),
    ("services.accessibility", "accessibility"),
    ("services.closed", "closed"),
)


def _joined(toolkit: LocalizedToolkit, texts: list[Text]) -> Text:
    """Interface strings as one list the reader's way, in their language (the page's if they differ)."""
    langs = {text.lang for text in texts}
    lang = langs.pop() if len(langs) == 1 else toolkit.locale.tag
    return Text(formatting.list_of([str(text.value) for text in texts], toolkit.locale.tag), lang)


def age_range(toolkit: LocalizedToolkit, service: Service) -> Text | None:
    """The ages a service takes, e.g. '12 to 24 years', '60 years and older'; None for every age."""
    low, high = service.min_age, service.max_age
    if low is not None and high is not None:
        return toolkit.ui("ages.range", min=low, max=high)
    if low is not None:
        return toolkit.ui("ages.from", min=low)
    if high is not None:
        return toolkit.ui("ages.to", max=high)
    return None


def closed_days(toolkit: LocalizedToolkit, service: Service) -> Text | None:
    """The dates a service is closed although its hours say open, in the reader's language."""
    if not service.closed:
        return None
    tag = toolkit.locale.tag
    return Text(formatting.list_of([formatting.long_date(day, tag) for day in service.closed], tag), tag)


def service_facts(toolkit: LocalizedToolkit, service: Service) -> list[dict[str, Any]]:
    """The card's facts beyond phone, web, address and hours: each a label and a value."""
    values: dict[str, Text | None] = {
        "access": _joined(toolkit, [toolkit.ui(f"access.{a}") for a in service.access]) if service.access else None,
        "ages": age_range(toolkit, service),
        "interpretation": toolkit.ui("interpretation.yes") if service.interpretation else None,
        "accessibility": _joined(toolkit, [toolkit.ui(f"accessibility.{a}") for a in service.accessibility])
        if service.accessibility else None,
        "closed": closed_days(toolkit, service),
    }
    return [{"name": name, "label": toolkit.ui(label), "value": value} for label, name in FACT_LABELS
            if (value := values[name]) is not None]


def report_links(toolkit: LocalizedToolkit, service: Service) -> list[dict[str, str]]:
    """'Report wrong information': an e-mail and a text message to the maintainers, naming the service and page."""
    report = toolkit.report
    if report is None:
        return []
    message = toolkit.ui("report.message", name=service.name.value, id=service.id,
                         language=formatting.language_name(toolkit.locale.tag, toolkit.locale.tag))
    body = quote(str(message.value), safe="")
    links = []
    if report.email:
        links.append({"href": f"mailto:{report.email}?subject={body}", "kind": "email"})
    if report.sms:
        links.append({"href": f"sms:{report.sms.e164}?body={body}", "kind": "sms"})
    return links


def map_link(service: Service) -> str | None:
    """A geo: link that opens the reader's own map app at the service (no map is loaded from anywhere)."""
    if service.confidential or service.latitude is None or service.longitude is None:
        return None
    return f"geo:{service.latitude:.6f},{service.longitude:.6f}"


def finder_data(service: Service) -> dict[str, str]:
    """What the services page's finder filters on, as short attribute values (data-cp-*)."""
    data: dict[str, str] = {
        "languages": " ".join(service.languages),
        "cost": service.cost or "",
        "access": " ".join(service.access),
        "accessibility": " ".join(service.accessibility),
        "ages": f"{'' if service.min_age is None else service.min_age}-"
                f"{'' if service.max_age is None else service.max_age}",
        "closed": " ".join(day.isoformat() for day in service.closed),
        "status": service.status,
    }
    if service.always_open:
        data["hours"] = "24/7"
    elif service.hours:  # "mo,tu 09:00-17:00;sa 10:00-14:00": a closing time before the opening one is the next day
        data["hours"] = ";".join(f"{','.join(h.days)} {h.opens}-{h.closes}" for h in service.hours)
    return data


def attributes(data: dict[str, Any]) -> str:
    """data-cp-* attributes for raw HTML, values escaped."""
    return " ".join(f'data-cp-{name}="{escape(value)}"' for name, value in data.items())


def _field(toolkit: LocalizedToolkit, name: str, label: str, options: list[tuple[str, Text]]) -> dict[str, Any]:
    """One choice of the finder: its name, label and options (value, words), only the values some service has."""
    return {"name": name, "label": toolkit.ui(label), "options": [{"value": v, "label": t} for v, t in options]}


def finder(toolkit: LocalizedToolkit) -> dict[str, Any]:
    """The services page's finder, as the theme lays it out: its words, and the choices the services offer."""
    services = toolkit.services
    tag = toolkit.locale.tag
    spoken = sorted({code for s in services for code in s.languages},
                    key=lambda code: formatting.language_name(code, tag))
    fields = [
        _field(toolkit, "language", "finder.language",
               [(code, Text(formatting.language_name(code, tag), tag)) for code in spoken]),
        _field(toolkit, "cost", "services.cost", [(c, toolkit.ui(f"cost.{c}")) for c in
               ("free", "low-cost", "sliding-scale", "paid") if any(s.cost == c for s in services)]),
        _field(toolkit, "access", "services.access", [(a, toolkit.ui(f"access.{a}")) for a in
               ("walk-in", "appointment", "phone-only", "online") if any(a in s.access for s in services)]),
        _field(toolkit, "accessibility", "services.accessibility", [(a, toolkit.ui(f"accessibility.{a}")) for a in (
            "step-free", "accessible-toilet", "hearing-loop", "sign-language", "large-print", "braille", "quiet-room")
            if any(a in s.accessibility for s in services)]),
    ]
    return {
        "title": toolkit.ui("finder.title"),
        "any": toolkit.ui("finder.any"),
        "age": toolkit.ui("finder.age"),
        "fields": [f for f in fields if f["options"]],
        "ages": any(s.min_age is not None or s.max_age is not None for s in services),
        # "Open now" needs the time zone the hours are in; without one it is left out, not guessed
        "open_now": toolkit.ui("finder.open_now") if toolkit.timezone else None,
        "timezone": toolkit.timezone or "",
        "count": toolkit.ui("finder.count"),
        "none": toolkit.ui("finder.none"),
        "reset": toolkit.ui("finder.reset"),
    }
