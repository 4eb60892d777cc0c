"""Model stage: turn checked sources into one plain, fully resolved toolkit per language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from phonenumbers import shortnumberinfo

from carepath.fonts import DEFAULT_FAMILIES
from carepath.l10n.review import last_reviewed, review_status
from carepath.load import MarkdownFile, Sources
from carepath.placeholders import PlaceholderError, fill
from carepath.resources import builtin_ui

TOPICS = ("signs", "steps", "pathways", "services")
KINDS = ("feelings", "body", "behaviour", "thinking")
AGES = ("children", "young-people", "adults", "older-adults")


@dataclass(frozen=True)
class Text:
    """A piece of text and the language it is really written in (the source one after fallback)."""

    value: Any
    lang: str

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Locale:
    """A language the toolkit is published in."""

    tag: str
    name: str
    english_name: str
    direction: str
    fonts: tuple[str, ...]
    search_language: str | None
    ui: dict[str, Text]
    theme: dict[str, str]


@dataclass(frozen=True)
class Phone:
    """A phone number: as people read it, and as a `tel:`/`sms:` link needs it (E.164)."""

    display: str
    e164: str


@dataclass(frozen=True)
class OpeningHours:
    """One line of opening hours: some days of the week, from one time to another."""

    days: tuple[str, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class Service:
    """A local service people can be referred to."""

    id: str
    name: Text
    description: Text | None
    eligibility: Text | None
    notes: Text | None
    phone: Phone | None
    sms: Phone | None
    url: str | None
    email: str | None
    address: str | None
    always_open: bool
    hours: tuple[OpeningHours, ...]
    languages: tuple[str, ...]
    cost: str | None
    verified: dt.date
    needs: tuple[str, ...] = ()
    status: str = "active"  # active | temporarily-closed (inactive services are not published)
    alert: Text | None = None  # shown first while today is not past alert_until
    alert_until: dt.date | None = None
    access: tuple[str, ...] = ()  # walk-in, appointment, phone-only, online
    min_age: int | None = None
    max_age: int | None = None
    interpretation: bool | None = None
    accessibility: tuple[str, ...] = ()
    closed: tuple[dt.date, ...] = ()  # dates closed although the hours say open
    latitude: float | None = None
    longitude: float | None = None
    confidential: bool = False  # a place whose address is never printed or published


@dataclass(frozen=True)
class Source:
    """A material the toolkit adapts (text or structure taken from it) or refers to (cited, nothing copied)."""

    title: str
    use: str  # adapted | reference
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    license: str | None = None
    notice: str | None = None  # what the source's licence asks to be printed with what is adapted from it


@dataclass(frozen=True)
class Report:
    """Where residents report wrong information about a service."""

    email: str | None
    sms: Phone | None


@dataclass(frozen=True)
class Sign:
    """A sign of distress, of one kind, typical of some age groups (all when empty)."""

    id: str
    kind: str
    ages: tuple[str, ...]
    text: Text


@dataclass(frozen=True)
class RedFlag:
    """A sign that means someone needs help the same day."""

    id: str
    text: Text


@dataclass(frozen=True)
class Step:
    """One step of first support: what to do, what to avoid and words to say."""

    id: str
    number: int
    principle: str
    title: Text
    summary: Text | None
    do: Text | None
    avoid: Text | None
    say: Text | None


@dataclass(frozen=True)
class ReferralStep:
    """A decision point of the referral pathway: a question, what to do, and who can help."""

    id: str
    number: int
    urgency: str
    emergency: bool
    title: Text | None  # the question, short, as a heading ("Is anyone in danger now?")
    question: Text
    action: Text
    services: tuple[Service, ...]


@dataclass(frozen=True)
class Topic:
    """A structured part of the toolkit as a page: its title, intro and whether text fell back."""

    name: str
    title: Text
    intro: Text | None
    fallback: bool
    outdated: bool = False


@dataclass(frozen=True)
class Page:
    """A free Markdown page; `lang` is the language its body is in (the source one if untranslated)."""

    name: str
    title: Text
    description: Text | None
    body: str
    lang: str
    untranslated: bool
    outdated: bool = False


@dataclass(frozen=True)
class Emergency:
    """The community's emergency contact, shown on every page and every handout."""

    phone: Phone
    label: Text
    when: Text


@dataclass(frozen=True)
class Crisis:
    """The community's crisis contact: the service that answers day and night, and where to walk in."""

    service: Service
    walk_in: Service | None

    @property
    def phone(self) -> Phone:
        """The crisis line's number (the check makes sure it has one)."""
        assert self.service.phone is not None
        return self.service.phone


@dataclass(frozen=True)
class SelfHelp:
    """A short word for a reader who is struggling themselves."""

    title: Text
    text: Text


@dataclass
class LocalizedToolkit:
    """The whole toolkit in one language, every text resolved (with fallback to the source)."""

    locale: Locale
    source: Locale
    is_source: bool
    example: bool
    region: str
    reviewed: dt.date
    license: str
    version: str | None  # toolkit.yml's version: on every PDF and beside every page's handouts
    title: Text
    summary: Text | None
    audience: Text | None
    community: Text | None
    emergency: Emergency
    crisis: Crisis
    needs: dict[str, Text]  # the services page's groups, in order, with their labels
    self_help: SelfHelp | None
    topics: dict[str, Topic]
    kinds: dict[str, Text]
    ages: dict[str, Text]
    signs: list[Sign]
    red_flags_title: Text
    red_flags_intro: Text | None
    red_flags: list[RedFlag]
    steps: list[Step]
    pathways: list[ReferralStep]
    services: list[Service]
    pages: list[Page]
    redirects: dict[str, str] = field(default_factory=dict)  # an old page name -> the page that replaces it
    timezone: str | None = None  # IANA name: the hours are in it, "Open now" follows it
    # per text file (steps.yml, pages/about.md): when this language's text of it was last reviewed, whole, and
    # when the next review is due (review_every: in toolkit.yml), or None
    review_dates: dict[str, tuple[dt.date, dt.date | None]] = field(default_factory=dict)
    report: Report | None = None
    freshness_days: int = 180
    fallback_keys: list[str] = field(default_factory=list)
    sources: tuple[Source, ...] = ()  # what the toolkit adapts or cites: the about page and the booklet list them

    @property
    def signs_by_kind(self) -> dict[str, list[Sign]]:
        """The signs of each kind that has some, in the order of the kinds (a section each, on paper and online)."""
        groups = {kind: [sign for sign in self.signs if sign.kind == kind] for kind in self.kinds}
        return {kind: signs for kind, signs in groups.items() if signs}

    @property
    def signs_by_age(self) -> dict[str, list[Sign]]:
        """The signs typical of each age group that has some, in the order of the age groups."""
        groups = {age: [sign for sign in self.signs if age in sign.ages] for age in self.ages}
        return {age: signs for age, signs in groups.items() if signs}

    def ui(self, key: str, **values: object) -> Text:
        """An interface string in this language (or the source's, or carepath's English), placeholders filled."""
        text = self.locale.ui.get(key) or self.source.ui.get(key) or Text(builtin_ui().get(key, key), "en")
        if not values:
            return text
        try:  # fill(), never str.format: translators' text must not reach attributes or items of the values
            return Text(fill(str(text.value), values), text.lang)
        except PlaceholderError as error:  # check_placeholders should have refused this text: name it
            raise PlaceholderError(f"interface string '{key}' ({text.lang}): {error}") from None


@dataclass
class Model:
    """Every language of the toolkit, the source language first."""

    toolkits: list[LocalizedToolkit]

    @property
    def source(self) -> LocalizedToolkit:
        """The toolkit in its source language."""
        return self.toolkits[0]


def parse_phone(number: str, region: str) -> Phone:
    """Parse a phone number of `region` into its display and E.164 forms."""
    if shortnumberinfo.is_emergency_number(number, region) or (
        number.isdigit() and len(number) <= 6
    ):
        return Phone(number, number)
    parsed = phonenumbers.parse(number, region)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(parsed) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return Phone(
        phonenumbers.format_number(parsed, fmt),
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
    )


def parse_date(value: str) -> dt.date:
    """Read a YYYY-MM-DD date."""
    return dt.date.fromisoformat(str(value))


class _Texts:
    """Looks up a text in a language's files, falling back to the source language."""

    def __init__(self, sources: Sources, tag: str, source_tag: str) -> None:
        self.sources, self.tag, self.source_tag = sources, tag, source_tag
        self.fallback_keys: list[str] = []

    def _find(self, tag: str, topic: str, keys: tuple[str, ...]) -> Any:
        """Language `tag`'s own text at `keys` of `topic`, or None (the fallback rule of carepath.load)."""
        return self.sources.own_text(tag, topic, keys)

    def get(self, topic: str, *keys: str) -> Text | None:
        """The text at `keys` of `topic` in this language, or the source's, or None."""
        value = self._find(self.tag, topic, keys)
        if value is not None:
            return Text(value, self.tag)
        value = self._find(self.source_tag, topic, keys)
        if value is None:
            return None
        self.fallback_keys.append(".".join((topic, *keys)))
        return Text(value, self.source_tag)

    def need(self, topic: str, *keys: str) -> Text:
        """Like `get`, for a text the source language must have (validation ensured it)."""
        return self.get(topic, *keys) or Text(keys[-1], self.source_tag)


def build_locale(sources: Sources, tag: str, source_tag: str) -> Locale:
    """Build a Locale from locales/<tag>.yml."""
    data = sources.locales[tag].data
    return Locale(
        tag=tag,
        name=data["name"],
        english_name=data.get("english_name", data["name"]),
        direction=data["direction"],
        fonts=tuple(data.get("fonts") or DEFAULT_FAMILIES),
        search_language=data.get("search_language"),
        ui={k: Text(v, tag) for k, v in (data.get("ui") or {}).items()},
        theme=dict(data.get("theme") or {}),
    )


def _services(sources: Sources, texts: _Texts, region: str) -> list[Service]:
    """The services directory in one language."""
    services = []
    for item in sources.neutral["services"].data["services"]:
        sid = item["id"]
        if item.get("status") == "inactive" or "verified" not in item:
            continue  # kept in the file for the record, or not checked by anyone yet: never published
        hours = item.get("hours")
        location = item.get("location") or {}
        ages = item.get("ages") or {}
        services.append(Service(
            id=sid,
            name=texts.need("services", "services", sid, "name"),
            description=texts.get("services", "services", sid, "description"),
            eligibility=texts.get("services", "services", sid, "eligibility"),
            notes=texts.get("services", "services", sid, "notes"),
            phone=parse_phone(item["phone"], region) if item.get("phone") else None,
            sms=parse_phone(item["sms"], region) if item.get("sms") else None,
            url=item.get("url"),
            email=item.get("email"),
            address=None if location.get("confidential") else (item.get("address") or location.get("address")),
            always_open=hours == "24/7",
            hours=tuple(
                OpeningHours(tuple(h["days"]), h["opens"], h["closes"])
                for h in (hours if isinstance(hours, list) else [])
            ),
            languages=tuple(item.get("languages") or ()),
            cost=item.get("cost"),
            verified=parse_date(item["verified"]),
            needs=tuple(item.get("needs") or ()),
            status=item.get("status") or "active",
            alert=texts.get("services", "services", sid, "alert") if item.get("alert_until") else None,
            alert_until=parse_date(item["alert_until"]) if item.get("alert_until") else None,
            access=tuple(item.get("access") or ()),
            min_age=ages.get("min"),
            max_age=ages.get("max"),
            interpretation=item.get("interpretation"),
            accessibility=tuple(item.get("accessibility") or ()),
            closed=tuple(parse_date(d) for d in item.get("closed") or ()),
            latitude=None if location.get("confidential") else location.get("latitude"),
            longitude=None if location.get("confidential") else location.get("longitude"),
            confidential=bool(location.get("confidential")),
        ))
    return services


def _page(page: MarkdownFile, lang: str, untranslated: bool, outdated: bool = False) -> Page:
    """A free page from its Markdown file."""
    meta = page.meta.data or {}
    return Page(
        name=page.name,
        title=Text(meta.get("title", page.name), lang),
        description=Text(meta["description"], lang) if meta.get("description") else None,
        body=page.body,
        lang=lang,
        untranslated=untranslated,
        outdated=outdated,
    )


def _pages(
    sources: Sources, tag: str, source_tag: str, order: list[str], outdated: set[str]
) -> list[Page]:
    """Free pages in one language, the source's standing in for untranslated ones."""
    source_pages = sources.pages.get(source_tag, {})
    names = [n for n in order if n in source_pages] + sorted(set(source_pages) - set(order))
    own = sources.pages.get(tag, {})
    return [
        _page(own[n], tag, False, f"pages/{n}.md" in outdated) if n in own
        else _page(source_pages[n], source_tag, True)
        for n in names
    ]


def _review_dates(
    sources: Sources, tag: str, source_tag: str, every: int | None
) -> dict[str, tuple[dt.date, dt.date | None]]:
    """Each text file's last complete review in language `tag`, and the next one's due date."""
    status = review_status(sources, tag, source_tag)
    dates = {}
    for file in sorted({r.unit.file for r in status.reviews}):
        last = last_reviewed(status, file)
        if last is not None:
            dates[file] = (last, last + dt.timedelta(days=every) if every else None)
    return dates


def build_toolkit(
    sources: Sources, tag: str, locales: dict[str, Locale], outdated: set[str] | None = None
) -> LocalizedToolkit:
    """Resolve the whole toolkit in language `tag`; `outdated` names texts whose source changed."""
    outdated = outdated or set()
    facts = sources.neutral["toolkit"].data
    source_tag = facts["source_locale"]
    region = facts["region"]
    texts = _Texts(sources, tag, source_tag)
    services = _services(sources, texts, region)
    by_id = {s.id: s for s in services}
    headings = {name: (texts.need(name, "title"), texts.get(name, "intro")) for name in TOPICS}
    signs_data = sources.neutral["signs"].data
    signs = [
        Sign(s["id"], s["kind"], tuple(s.get("ages") or ()), texts.need("signs", "signs", s["id"]))
        for s in signs_data["signs"]
    ]
    red_flags = [
        RedFlag(r["id"], texts.need("signs", "red_flags", r["id"])) for r in signs_data["red_flags"]
    ]
    steps = [
        Step(
            id=s["id"], number=n, principle=s["principle"],
            title=texts.need("steps", "steps", s["id"], "title"),
            summary=texts.get("steps", "steps", s["id"], "summary"),
            do=texts.get("steps", "steps", s["id"], "do"),
            avoid=texts.get("steps", "steps", s["id"], "avoid"),
            say=texts.get("steps", "steps", s["id"], "say"),
        )
        for n, s in enumerate(sources.neutral["steps"].data["steps"], start=1)
    ]
    pathways = [
        ReferralStep(
            id=p["id"], number=n, urgency=p["urgency"], emergency=bool(p.get("emergency")),
            title=texts.get("pathways", "pathways", p["id"], "title"),
            question=texts.need("pathways", "pathways", p["id"], "question"),
            action=texts.need("pathways", "pathways", p["id"], "action"),
            services=tuple(by_id[s] for s in p.get("services") or [] if s in by_id),
        )
        for n, p in enumerate(sources.neutral["pathways"].data["pathways"], start=1)
    ]
    kinds = {k: texts.need("signs", "kinds", k) for k in KINDS}
    ages = {a: texts.need("signs", "ages", a) for a in AGES}
    red_flags_title = texts.need("signs", "red_flags_title")
    red_flags_intro = texts.get("signs", "red_flags_intro")
    # a topic page fell back if any of its texts did
    fell_back = {key.split(".")[0] for key in texts.fallback_keys}
    stale = {key.split(".")[0] for key in outdated}
    topics = {n: Topic(n, *headings[n], n in fell_back, n in stale) for n in TOPICS}
    emergency = Emergency(
        phone=parse_phone(str(facts["emergency"]["phone"]), region),
        label=texts.need("toolkit", "emergency", "label"),
        when=texts.need("toolkit", "emergency", "when"),
    )
    crisis = facts["crisis"]
    self_title, self_text = texts.get("toolkit", "self_help", "title"), texts.get("toolkit", "self_help", "text")
    needs = [n for n in facts.get("needs") or []]
    locale = locales[tag]
    return LocalizedToolkit(
        locale=locales[tag],
        source=locales[source_tag],
        is_source=tag == source_tag,
        example=bool(facts.get("example")),
        region=region,
        reviewed=parse_date(facts["reviewed"]),
        license=facts["license"],
        version=str(facts["version"]) if facts.get("version") is not None else None,
        title=texts.need("toolkit", "title"),
        summary=texts.get("toolkit", "summary"),
        audience=texts.get("toolkit", "audience"),
        community=texts.get("toolkit", "community"),
        emergency=emergency,
        crisis=Crisis(by_id[crisis["service"]], by_id.get(crisis.get("walk_in") or "")),
        needs={n: locale.ui.get(f"needs.{n}") or locales[source_tag].ui.get(f"needs.{n}") or Text(n, source_tag)
               for n in needs},
        self_help=SelfHelp(self_title, self_text) if self_title and self_text else None,
        topics=topics,
        kinds=kinds,
        ages=ages,
        signs=signs,
        red_flags_title=red_flags_title,
        red_flags_intro=red_flags_intro,
        red_flags=red_flags,
        steps=steps,
        pathways=pathways,
        services=services,
        pages=_pages(sources, tag, source_tag, list(facts.get("pages") or []), outdated),
        redirects={str(old): str(new) for old, new in (facts.get("redirects") or {}).items()},
        timezone=facts.get("timezone"),
        review_dates=_review_dates(sources, tag, source_tag, facts.get("review_every")),
        report=Report(report.get("email"), parse_phone(report["sms"], region) if report.get("sms") else None)
        if (report := facts.get("report") or {}) else None,
        freshness_days=int(facts.get("freshness_days") or 180),
        fallback_keys=list(texts.fallback_keys),
        sources=tuple(Source(str(s["title"]), str(s["use"]), s.get("publisher"), s.get("year"), s.get("url"),
                             s.get("license"), s.get("notice")) for s in facts.get("sources") or []),
    )


def locale_order(sources: Sources) -> list[str]:
    """Languages to publish: the source first, then the others by tag."""
    source_tag = sources.neutral["toolkit"].data["source_locale"]
    others = sorted(t for t in sources.locales if t != source_tag)
    return [source_tag, *others]


def build_model(sources: Sources, outdated: dict[str, set[str]] | None = None) -> Model:
    """Build the toolkit in every language; sources must have passed validation."""
    order = locale_order(sources)
    source_tag = order[0]
    locales = {tag: build_locale(sources, tag, source_tag) for tag in order}
    outdated = outdated or {}
    return Model([build_toolkit(sources, tag, locales, outdated.get(tag)) for tag in order])
