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
_DOTTED = re.compile(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{2}|\d{4})$")  # 30.09.24, 31.08.2024, 30-09-2024
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")  # ASCII digits only
# 'Q3 2024/25', 'Q4 24/25' (a financial year: Q1 is April to June), 'Quarter 2 2024' (a calendar year).
_QUARTER = re.compile(r"^(?:q|qtr\.?\s*|quarter\s*)([1-4])[\s,]+(\d{4}|\d{2})(?:\s*[/\-]\s*(\d{2}|\d{4}))?$", re.I)
# Words before a date that do not change it ('by', 'end of'), or make it the end of its week ('w/c').
_LEAD = re.compile(r"^(?:(?:to\s+be\s+)?(?:completed\s+)?by\s+|before\s+|no\s+later\s+than\s+|deadline:?\s+)?"
                   r"(?:(?P<end>(?:the\s+)?end(?:\s+of)?\s+)|(?P<wc>w/?c\.?\s+|week\s+commencing\s+)|"
                   r"(?:w/?e\.?\s+|week\s+ending\s+))?", re.I)
_FORMS = (_ISO, _SLASHED, _DOTTED, _DAY_MONTH_YEAR)  # forms that name a day


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(m: re.Match[str]) -> dt.date:
    q, first = int(m[1]), _year(m[2])
    if m[3]:  # a financial year, April to March
        return _month_end(first + (q == 4), (3 * q + 3 - 1) % 12 + 1)
    return _month_end(first, 3 * q)


def _bare(text: str) -> tuple[str, bool]:
    """The date part of a target ('by end Sept 2024' -> 'Sept 2024'), and whether it names a week
    by its first day ('w/c 24/6/13')."""
    m = _LEAD.match(text)
    return text[m.end():].strip(" .,") if m else text, bool(m and m["wc"])


_APOSTROPHE_YEAR = re.compile(r"\s*[‘’'`´](\d{2})\b")  # 'Sep ‘19', 'Aug ’24'


def _parse(text: str) -> tuple[dt.date | None, str | None]:
    text, week = _bare(_APOSTROPHE_YEAR.sub(r" \1", " ".join(text.split())))
    if m := _ISO.match(text):
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    elif (m := _SLASHED.match(text)) or (m := _DOTTED.match(text)):  # UK order: day/month/year
        day = dt.date(_year(m[3]), int(m[2]), int(m[1]))
    elif m := _DAY_MONTH_YEAR.match(text):
        day = dt.date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    elif m := _MONTH_YEAR.match(text):
        return _month_end(_year(m[2]), _MONTHS[m[1].lower()]), None
    elif m := _QUARTER.match(text):
        return _quarter_end(m), ("a quarter of a financial year (Q1 is April to June) is read as its last day"
                                 if m[3] else "a quarter is read as its last day")
    else:
        return None, None
    if week:
        return day + dt.timedelta(days=6), "'w/c' (week commencing) is read as the last day of that week"
    return day, None


def parse_date(value: object) -> dt.date | None:
    """A date from the forms the import format allows: a bare month means its last day, a quarter its
    last day, a week named by its first day ('w/c 24/6/13') its last day; 'by', 'end of' are dropped."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return _parse(value)[0]
    except ValueError:  # 31/02/2013 and the like
        return None


def date_note(value: object) -> str | None:
    """How a date that needed reading was read ('a quarter is read as its last day'), for a warning;
    None for a plain date."""
    if not isinstance(value, str):
        return None
    try:
        return _parse(value)[1]
    except ValueError:
        return None


def impossible_date(value: object) -> bool:
    """Text shaped like a date that names no day of the calendar: '31/13/2026', '30/02/2024', '2024-02-30',
    '31.09.24'."""
    if not isinstance(value, str):
        return False
    text = _bare(" ".join(value.split()))[0]
    return parse_date(value) is None and any(p.match(text) for p in _FORMS)


_DATE_TOKEN = re.compile(rf"(?<![\d/.\-])(?:\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|"
                         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_RE})\.?,?\s+\d{{4}})(?![\d/\-]|\.\d)", re.I)


def impossible_dates_in(text: str) -> list[str]:
    """Dates written inside running text or any cell that name no day ('due 31/09/2024'): slashed,
    ISO and day-month-year forms only, since dotted numbers are as often section numbers."""
    return [m[0] for m in _DATE_TOKEN.finditer(text) if impossible_date(m[0])]


# Every date the map holds or a user asks about lies in this range: wide enough for any register,
# narrow enough that date arithmetic (months back, periods ahead) never leaves the calendar.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
DATE_FORM = f"YYYY-MM-DD, from {EARLIEST.isoformat()} to {LATEST.isoformat()}"
# The form and the years of that range as a pattern, for documents that describe dates (the API's).
DATE_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


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
    "everyweek": "weekly",
    "fortnightly": "fortnightly",
    "biweekly": "fortnightly",
    "everyfortnight": "fortnightly",
    "monthly": "monthly",
    "everymonth": "monthly",
    "bimonthly": "bi-monthly",
    "quarterly": "quarterly",
    "everyquarter": "quarterly",
    "biannual": "biannual",
    "biannually": "biannual",
    "halfyearly": "biannual",
    "sixmonths": "biannual",
    "annual": "annual",
    "annually": "annual",
    "yearly": "annual",
    "everyyear": "annual",
    "adhoc": "adhoc",
    "asrequired": "adhoc",
    "asneeded": "adhoc",
    "asandwhenrequired": "adhoc",
}
# A number of times a year that has a word of its own.
_TIMES_WORDS = {52: "weekly", 26: "fortnightly", 12: "monthly", 6: "bi-monthly", 4: "quarterly", 2: "biannual",
                1: "annual"}
_NUMBERS = {"once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_N = r"(\d{1,3}|" + "|".join(_NUMBERS) + ")"
_PER_ANNUM = re.compile(r"^(\d{1,6})\s*(?:per\s*annum|pa|p\.a\.)$", re.I)
_TIMES = re.compile(rf"^(?:at\s+least\s+|up\s+to\s+|about\s+|around\s+)?{_N}(?:\s*times|\s*x)?\s*"
                    r"(?:a|per|each|every)?\s*(?:year|annum|yearly|annually)$", re.I)
_EVERY = re.compile(rf"^(?:every\s+{_N}\s*(weeks?|months?)|{_N}[\s\-]*(weekly|monthly))$", re.I)
_AMBIGUOUS = {"biweekly": "'bi-weekly' is read as fortnightly (every two weeks), though it can mean twice a week"}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _times(n: int) -> str | None:
    return _TIMES_WORDS.get(n) or (f"{n} per annum" if n > 0 else None)


def parse_frequency(value: object) -> str | None:
    """The canonical frequency word or 'N per annum', or None when the text is not understood:
    'Four times a year' is quarterly, 'Twice yearly' biannual, '6 monthly' biannual, 'Every 8 weeks'
    6 per annum (whole times a year, rounded down, so a source never counts as stale early)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).lower().strip(" .")
    if m := _PER_ANNUM.match(text):
        n = int(m[1])
        return f"{n} per annum" if n > 0 else None
    if m := _TIMES.match(text):
        return _times(_number(m[1]))
    if text in ("twice yearly", "twice a year", "twice annually"):
        return "biannual"
    if m := _EVERY.match(text):
        n, unit = (_number(m[1]), m[2]) if m[1] else (_number(m[3]), m[4])
        if n <= 0:
            return None
        return _times(max(1, (52 if unit.startswith("week") else 12) // n))
    word = re.sub(r"[\s\-_.]", "", text)
    return _FREQUENCY_WORDS.get(word)


def frequency_note(value: object) -> str | None:
    """Why a frequency understood is worth a second look ('bi-weekly' can mean two things), or None."""
    if not isinstance(value, str):
        return None
    return _AMBIGUOUS.get(re.sub(r"[\s\-_.]", "", value.lower()))


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


_PRODUCT = re.compile(r"(?:\bL\s*)?(\d{1,2})\s*[x×*]\s*(?:I\s*)?(\d{1,2})(?:\s*=\s*(\d{1,2}))?", re.I)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})(?![\d.])")


def parse_score(value: object) -> tuple[int | None, int | None, int | None]:
    """(score, likelihood, impact) from a risk score cell: '16', '4 x 4 = 16', 'L4 x I4', '16 (L4 x I4)'.
    A likelihood and impact without a total give their product; a score outside 1-25 is None."""
    if isinstance(value, bool) or value is None:
        return None, None, None
    if isinstance(value, int | float):
        n = int(value)
        return (n if 1 <= n <= 25 and n == value else None), None, None
    text = str(value)
    likelihood = impact = None
    total: int | None = None
    if m := _PRODUCT.search(text):
        likelihood, impact = int(m[1]), int(m[2])
        total = int(m[3]) if m[3] else None
        rest = text[:m.start()] + " " + text[m.end():]
    else:
        rest = text
    if total is None and (number := _NUMBER.search(rest)):
        total = int(number[1])
    if total is None and likelihood is not None and impact is not None:
        total = likelihood * impact
    return (total if total is not None and 1 <= total <= 25 else None), likelihood, impact


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
