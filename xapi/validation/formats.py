"""The value formats xAPI relies on: IRIs, UUIDs, ISO 8601 timestamps and durations, language tags.

Each check returns None when the value is fine, or a short message saying what is wrong, so the
statement validator can collect every problem with its JSON path.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
# RFC 3987 in practice: a scheme, a colon, then no whitespace or characters IRIs may never hold.
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MAILTO_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
LANGUAGE_TAG_RE = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8}|[xX]|[iI])"
                             r"(?:-[A-Za-z0-9]{1,8})*$")
VERSION_1_RE = re.compile(r"^1\.0(?:\.\d+)?$")
VERSION_2_RE = re.compile(r"^2\.0(?:\.\d+)?$")
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$")
_NUM = r"(?:\d+(?:[.,]\d+)?)"
DURATION_RE = re.compile(
    rf"^P(?:{_NUM}W|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)$")
MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(?:\s*;.*)?$")


def check_uuid(value) -> str | None:
    if not isinstance(value, str) or not UUID_RE.match(value):
        return "must be a UUID (RFC 4122, e.g. 12345678-1234-4234-9234-123456789012)"
    return None


# The same IRIs (verbs, activity ids, extension keys) and language tags come back in almost every
# statement of a batch: their checks are pure functions of the string, so remember the answers.
_IRI_PROBLEM = "must be an absolute IRI (a scheme such as http: followed by no spaces)"
_LANGUAGE_TAG_PROBLEM = "must be an RFC 5646 language tag (e.g. zh-TW, en-US)"


@functools.lru_cache(maxsize=16384)
def _iri_ok(value: str) -> bool:
    return IRI_RE.match(value) is not None


@functools.lru_cache(maxsize=1024)
def _language_tag_ok(value: str) -> bool:
    return LANGUAGE_TAG_RE.match(value) is not None


def check_iri(value) -> str | None:
    if not isinstance(value, str) or not _iri_ok(value):
        return _IRI_PROBLEM
    return None


def check_language_tag(value) -> str | None:
    if not isinstance(value, str) or not _language_tag_ok(value):
        return _LANGUAGE_TAG_PROBLEM
    return None


def parse_timestamp(value, *, require_zone: bool = False) -> datetime:
    """An aware UTC datetime, or ValueError with the reason (offset -00:00 is refused by the spec)."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 timestamp string")
    m = TIMESTAMP_RE.match(value)
    if not m:
        raise ValueError("must be an ISO 8601 timestamp such as 2023-02-06T09:00:00.000Z")
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = m.groups()
    if sign:
        hours, minutes = int(oh), int(om or 0)
        if sign == "-" and hours == 0 and minutes == 0:
            raise ValueError("must not use the offset -00:00")
    elif not zulu and require_zone:
        raise ValueError("must include a time zone")
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, timezone.utc)
    except ValueError:
        raise ValueError("is not a real date and time") from None
    if not sign:
        return moment
    if hours > 23 or minutes > 59:
        raise ValueError("has an impossible time-zone offset")
    # Local time minus its offset is UTC, without a timezone object per timestamp.
    offset = timedelta(hours=hours, minutes=minutes)
    return moment - offset if sign == "+" else moment + offset


def check_timestamp(value, *, require_zone: bool = False) -> str | None:
    try:
        parse_timestamp(value, require_zone=require_zone)
    except ValueError as exc:
        return str(exc)
    return None


def check_duration(value) -> str | None:
    if not isinstance(value, str) or not DURATION_RE.match(value):
        return "must be an ISO 8601 duration such as PT1H30M"
    return None


def format_timestamp(moment: datetime) -> str:
    """The LRS's own timestamps: UTC with millisecond precision, as the spec asks."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_duration(seconds: float) -> str:
    """PT…H…M…S for a number of seconds (the emitter's durations)."""
    seconds = max(0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        text += f"{secs:g}S"
    return text
