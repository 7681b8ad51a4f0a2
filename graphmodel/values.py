"""Parsing the loose values found in registers: dates and frequencies.

Both return a canonical value when the text is understood and None otherwise, so
callers can keep the raw text and warn rather than fail.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import Problem, ValidationError
from .schema import FREQUENCIES, NORMALISERS, SchemaError

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s\-]+({_MONTH_RE})\.?,?[\s\-]+(\d{{2}}|\d{{4}})$", re.I)
_MONTH_YEAR = re.compile(rf"^({_MONTH_RE})\.?[\s\-]+(\d{{2}}|\d{{4}})$", re.I)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")  # ASCII digits only


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: object) -> dt.date | None:
    """A date from the forms the import format allows; a bare month means its last day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _SLASHED.match(text):  # UK order: day/month/year
            return dt.date(_year(m[3]), int(m[2]), int(m[1]))
        if m := _DAY_MONTH_YEAR.match(text):
            return dt.date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if m := _MONTH_YEAR.match(text):
            return _month_end(_year(m[2]), _MONTHS[m[1].lower()])
    except ValueError:  # 31/02/2013 and the like
        return None
    return None


def impossible_date(value: object) -> bool:
    """Text shaped like a date that names no day of the calendar: '31/13/2026', '30/02/2024', '2024-02-30'."""
    if not isinstance(value, str):
        return False
    text = " ".join(value.split())
    return parse_date(text) is None and any(p.match(text) for p in (_ISO, _SLASHED, _DAY_MONTH_YEAR))


# Every date the map holds or a user asks about lies in this range: wide enough for any register,
# narrow enough that date arithmetic (months back, periods ahead) never leaves the calendar.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
DATE_FORM = f"YYYY-MM-DD, from {EARLIEST.isoformat()} to {LATEST.isoformat()}"


def in_range(date: dt.date) -> dt.date:
    if not EARLIEST <= date <= LATEST:
        raise ValueError(f"{date.isoformat()} is outside the dates accepted ({DATE_FORM})")
    return date


def strict_date(value: object) -> dt.date:
    """A date as programs send it: a date, or text in the form YYYY-MM-DD, within EARLIEST..LATEST.
    Numbers (seconds since 1970?) and other forms are refused with a ValueError naming the form."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return in_range(value)
    m = _ISO.match(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise ValueError(f"not a date; write it as {DATE_FORM}")
    try:
        date = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"no such date; write it as {DATE_FORM}") from None
    return in_range(date)


def as_of_date(text: str | None, where: str = "--as-of") -> dt.date | None:
    """The date a user asks the rules to be judged at, in any form `parse_date` reads, within
    EARLIEST..LATEST; None when not given. Anything else is a ValidationError naming `where`."""
    if text is None or not text.strip():
        return None
    date = parse_date(text)
    if date is None:
        raise ValidationError([Problem("not a date; use e.g. 2024-03-31, 31/03/2024 or 31 March 2024",
                                       field=where, value=text)])
    try:
        return in_range(date)
    except ValueError as exc:
        raise ValidationError([Problem(str(exc), field=where, value=text)]) from None


_FREQUENCY_WORDS = {
    "weekly": "weekly",
    "fortnightly": "fortnightly",
    "biweekly": "fortnightly",
    "monthly": "monthly",
    "bimonthly": "bi-monthly",
    "everytwomonths": "bi-monthly",
    "quarterly": "quarterly",
    "biannual": "biannual",
    "biannually": "biannual",
    "twiceayear": "biannual",
    "sixmonthly": "biannual",
    "halfyearly": "biannual",
    "sixmonths": "biannual",
    "annual": "annual",
    "annually": "annual",
    "yearly": "annual",
    "everyyear": "annual",
    "adhoc": "adhoc",
    "asrequired": "adhoc",
    "asneeded": "adhoc",
}
_PER_ANNUM = re.compile(r"^(\d{1,6})\s*(?:per\s*annum|pa|times\s*a\s*year|times\s*per\s*year|per\s*year)$", re.I)


def parse_frequency(value: object) -> str | None:
    """The canonical frequency word or 'N per annum', or None when the text is not understood."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).lower()
    if m := _PER_ANNUM.match(text):
        n = int(m[1])
        return f"{n} per annum" if n > 0 else None
    word = re.sub(r"[\s\-_.]", "", text)
    return _FREQUENCY_WORDS.get(word)


def normalise_frequency(value: str) -> str:
    """Canonical form when understood, else the raw text unchanged (it then counts as adhoc)."""
    return parse_frequency(value) or value


def per_annum(frequency: str | None) -> float | None:
    """How many times a year a canonical frequency recurs; None for adhoc or unknown text."""
    if frequency is None:
        return None
    if m := re.match(r"^(\d+) per annum$", frequency):
        return float(m[1])
    return {"weekly": 52.0, "fortnightly": 26.0, "monthly": 12.0, "bi-monthly": 6.0,
            "quarterly": 4.0, "biannual": 2.0, "annual": 1.0}.get(frequency)


def same_area(a: str | None, b: str | None) -> bool:
    """Areas are named by people: "people" and "People" are one area (lower() matches Cypher's toLower)."""
    return (a or "").lower() == (b or "").lower()


def _check() -> None:
    """The schema's words and normalisers are the ones this module reads."""
    if set(FREQUENCIES) != set(_FREQUENCY_WORDS.values()):
        raise SchemaError(f"the schema's frequencies {sorted(FREQUENCIES)} differ from those parse_frequency "
                          f"gives, {sorted(set(_FREQUENCY_WORDS.values()))}")
    missing = [n for n in NORMALISERS if not callable(globals().get(f"normalise_{n}"))]
    if missing:
        raise SchemaError(f"no normalise_<name> function for the normaliser(s) {', '.join(missing)}")


_check()
