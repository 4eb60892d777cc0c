"""Address checks: web addresses, e-mail addresses, phone links and language tags."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna
import langcodes
import phonenumbers
from confusable_homoglyphs import categories, confusables
from email_validator import EmailNotValidError, validate_email
from phonenumbers import shortnumberinfo

from carepath.messages import fragment

SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
WEB_SCHEMES = ("http", "https")
HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
# Browsers drop these before they read a scheme, so "java\tscript:" still runs code.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\\]+")

Finding = tuple[str, dict[str, object]]  # a message code and its values
# Names reserved for documentation and tests (RFC 2606, RFC 6761): they reach no one.
EXAMPLE_DOMAINS = ("example", "test", "invalid", "localhost", "example.com", "example.org", "example.net")


def scheme_of(url: str) -> str:
    """The scheme of an address as a browser reads it (lower case, blanks and controls dropped), or ''."""
    compact = IGNORED_IN_SCHEME.sub("", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    return match.group(1) if match else ""


def _host_problem(host: str) -> str | None:
    """Why a web site's name is not valid, in plain words, or None."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    name = host.rstrip(".")
    if not name:
        return fragment("url.no_host")
    bad = sorted({c for c in name if not (c.isalnum() or c in ".-")})
    if bad:
        return fragment("url.bad_characters", host=host, characters=", ".join(repr(c) for c in bad))
    labels = name.split(".")
    if "" in labels:
        return fragment("url.double_dot", host=host)
    if len(labels) < 2:
        return fragment("url.no_dot", host=host)
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return fragment("url.hyphen", host=host)
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        return fragment("url.idna", host=host)
    if not all(HOST_LABEL.match(label) for label in ascii_name.split(".")):
        return fragment("url.long_label", host=host)
    return None


def host_findings(address: str, host: str, intended: frozenset[str] = frozenset()) -> list[Finding]:
    """A host name that mixes scripts or uses characters confusable with others (UTS #39): a look-alike site."""
    try:
        shown = idna.decode(host) if "xn--" in host.lower() else host
    except idna.IDNAError:
        shown = host
    if shown.lower() in intended or host.lower() in intended:
        return []
    for label in shown.split("."):
        if confusables.is_mixed_script(label) or confusables.is_dangerous(label):
            scripts = sorted(categories.unique_aliases(label))
            return [("url.confusable", {"address": address, "host": shown, "label": label,
                                        "scripts": " and ".join(s.title() for s in scripts)})]
    return []


def url_findings(url: str, intended: frozenset[str] = frozenset()) -> list[Finding]:
    """Problems of a web address: malformed (error), not https (warning), or a scheme that is not the web."""
    scheme = scheme_of(url)
    if scheme in SCRIPT_SCHEMES:
        return [("html.script_url", {"url": url, "scheme": scheme})]
    if scheme not in WEB_SCHEMES:
        return [("url.scheme", {"url": url, "scheme": scheme})]
    reason = None
    if any(c.isspace() for c in url):
        reason = fragment("url.space")
    else:
        parts = urlsplit(url)
        if not url.lower().startswith(f"{parts.scheme}://"):
            reason = fragment("url.no_slashes", scheme=parts.scheme)
        elif "@" in parts.netloc:
            reason = fragment("url.userinfo")
        else:
            try:
                parts.port  # noqa: B018 (reading it checks it)
            except ValueError:
                reason = fragment("url.port")
            reason = reason or _host_problem(parts.hostname or "")
    if reason:
        return [("url.malformed", {"url": url, "reason": reason})]
    confusable = host_findings(url, urlsplit(url).hostname or "", intended)
    if confusable:
        return confusable
    if scheme == "http":
        return [("url.http", {"url": url, "https": "https" + url.strip()[4:]})]
    return []


def email_findings(address: str, intended: frozenset[str] = frozenset()) -> list[Finding]:
    """Problems of an e-mail address (its form only: nothing is sent and no server is asked)."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return [("email.invalid", {"email": address, "detail": str(error).rstrip(".")})]
    return host_findings(address, address.rpartition("@")[2], intended)


def tel_findings(href: str, region: str) -> list[Finding]:
    """A tel:/sms: link must hold an E.164 number (+ country code, digits only) or a short number."""
    number = href.split(":", 1)[1].split(";")[0].split("?")[0]
    if E164.match(number) or (number.isdigit() and shortnumberinfo.is_emergency_number(number, region)):
        return []
    try:
        parsed = phonenumbers.parse(number, region)
        if number.isdigit() and shortnumberinfo.is_valid_short_number_for_region(parsed, region):
            return []
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        valid = phonenumbers.is_valid_number(parsed)
    except phonenumbers.NumberParseException:
        valid = False
    scheme = href.split(":", 1)[0].lower()
    suggestion = fragment("tel.e164", scheme=scheme, number=e164) if valid else fragment("tel.e164_form", scheme=scheme)
    return [("tel.not_e164", {"href": href, "e164": suggestion})]


def tag_findings(tag: str) -> list[Finding]:
    """A language tag must be a valid BCP 47 tag, written with hyphens."""
    if "_" not in tag and langcodes.tag_is_valid(tag):
        return []
    try:
        better = langcodes.standardize_tag(tag.replace("_", "-"))
    except (ValueError, LookupError):
        better = ""
    if better and better != tag and langcodes.tag_is_valid(better):
        suggestion = fragment("did_you_mean", choice=better)
    else:
        suggestion = fragment("tag.registry")
    return [("locale.bad_tag", {"tag": tag, "suggestion": suggestion})]


def example_findings(value: str, kind: str, region: str) -> list[Finding]:
    """For a release: a web or e-mail address under an example name, or a fictional phone number."""
    if kind in ("url", "email"):
        host = (urlsplit(value).hostname or "") if kind == "url" else value.rpartition("@")[2]
        host = host.lower().rstrip(".")
        if any(host == d or host.endswith(f".{d}") for d in EXAMPLE_DOMAINS):
            return [("release.example_contact", {"value": value, "why": fragment("example.domain"),
                                                 "kind": fragment(f"kind.{kind}")})]
        return []
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return []
    national = number.national_number or 0
    if number.country_code == 1 and 5550100 <= national % 10_000_000 <= 5550199:
        return [("release.example_contact", {"value": value, "why": fragment("example.phone"),
                                             "kind": fragment("kind.phone")})]
    return []
