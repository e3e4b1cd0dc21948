"""What the recruiter's text sounds like: the written form turned into words a voice reads right.

Role scripts carry salaries, tech stacks, units, ranges, names, phone numbers and dates: "$80k",
"€1.2M", "F#", "250 ms", "3–5 years", "Dr. Mensah", "Nguyễn", "+44 20 7946 0958", "2027-01-15".
A phonemizer such as espeak-ng (piper's) reads those as "dollar eighty K", "F hash", "M S",
"three five years", a sentence break after "Doctor", a character code, a phone number as a count
of millions or a date as a subtraction.
``spoken_form`` rewrites them as words before synthesis; the transcript keeps the written form.
Numbers become words with ``num2words``; phone numbers are found with ``phonenumbers`` (Google's
libphonenumber metadata) and read digit by digit in their written groups; letters with diacritics
become plain letters with ``anyascii``. Markdown and emoji are dropped, never read aloud.
"""

# ruff: noqa: RUF001, RUF002, RUF003 -- the module reads typographic dashes and quotes: they are its input

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping

import phonenumbers
from anyascii import anyascii
from num2words import num2words

__all__ = ["spoken_form"]

# -- tables --------------------------------------------------------------------------------

_CURRENCY_SYMBOLS = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen", "₹": "rupee"}
_CURRENCY_CODES = {
    "USD": "dollar", "EUR": "euro", "GBP": "pound", "JPY": "yen", "INR": "rupee",
    "CHF": "franc", "CAD": "Canadian dollar", "AUD": "Australian dollar",
}  # fmt: skip
_UNCOUNTED = {"yen"}  # the plural is the singular
_SCALES = {
    "k": 1_000, "K": 1_000, "thousand": 1_000,
    "m": 1_000_000, "M": 1_000_000, "mn": 1_000_000, "million": 1_000_000,
    "b": 1_000_000_000, "B": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
}  # fmt: skip
# Units read after a number: (singular, plural).
_UNITS = {
    "ms": ("millisecond", "milliseconds"), "s": ("second", "seconds"),
    "sec": ("second", "seconds"), "min": ("minute", "minutes"), "h": ("hour", "hours"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "km": ("kilometre", "kilometres"), "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"), "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "%": ("percent", "percent"), "wpm": ("word per minute", "words per minute"),
    "dB": ("decibel", "decibels"), "dBFS": ("decibel full scale", "decibels full scale"),
    "x": ("times", "times"), "yrs": ("year", "years"), "yr": ("year", "years"),
    "mph": ("mile per hour", "miles per hour"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "MB/s": ("megabyte per second", "megabytes per second"),
}  # fmt: skip
# Written forms a phonemizer gets wrong, spelled as they are said. Matched as whole tokens.
_TERMS = {
    "C#": "C sharp", "F#": "F sharp", "C++": "C plus plus", ".NET": "dot net",
    "ASP.NET": "A S P dot net", "Node.js": "Node J S", "Vue.js": "View J S",
    "Next.js": "Next J S", "React.js": "React J S", "k8s": "Kubernetes", "K8s": "Kubernetes",
    "CI/CD": "C I C D", "PostgreSQL": "Postgres Q L", "MySQL": "My S Q L",
    "GraphQL": "Graph Q L", "NoSQL": "No S Q L", "SQL": "S Q L", "iOS": "eye O S",
    "macOS": "mac O S", "UI/UX": "U I U X", "SaaS": "sass", "DevOps": "dev ops",
    "24/7": "twenty-four seven", "w/": "with", "Q&A": "Q and A", "R&D": "R and D",
    "1:1": "one-on-one", "1:1s": "one-on-ones", "A/B": "A B", "I/O": "I O", "TCP/IP": "TCP IP",
    "and/or": "and or", "50/50": "fifty-fifty", "U.S.": "U S", "U.K.": "U K",
    "Ph.D.": "P H D", "p.a.": "per year",
}  # fmt: skip
# Abbreviations with a dot: the dot is not the end of a sentence.
_ABBREVIATIONS = {
    "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Prof.": "Professor",
    "Jr.": "Junior", "Sr.": "Senior", "Mt.": "Mount", "Inc.": "Incorporated",
    "Ltd.": "Limited", "Corp.": "Corporation", "Co.": "Company", "Dept.": "Department",
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
    "approx.": "approximately", "incl.": "including", "a.m.": "A M", "p.m.": "P M",
    "ext.": "extension",
}  # fmt: skip
_SENTENCE_FINAL = {"etc.", "Inc.", "Ltd.", "Corp.", "Co.", "approx."}
_PER = {"hr": "hour", "h": "hour", "mo": "month", "yr": "year"}
_DAYS = {
    "Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday",
    "Sat": "Saturday", "Sun": "Sunday",
}  # fmt: skip
_COMPARISONS = {"<=": "at most", ">=": "at least", "≤": "at most", "≥": "at least",
                "<": "less than", ">": "more than", "~": "about", "≈": "about",
                "±": "plus or minus"}  # fmt: skip

# -- patterns ------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2009"  # no-break, narrow no-break and thin spaces: French groups
# A number as written in several countries: 1,200.50 / 1.200,50 / 1 200 / 1'200 / 1200.5
_NUMBER = rf"\d{{1,3}}(?:[,.'’{_SPACES} ]\d{{3}}(?!\d))+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:k|K|mn|bn|m|M|b|B|thousand|million|billion)\b"
_SYMBOL = "[" + re.escape("".join(_CURRENCY_SYMBOLS)) + "]"
_CODE = "|".join(_CURRENCY_CODES)
_MONEY_BEFORE = re.compile(
    rf"(?P<sym>{_SYMBOL})\s?(?P<a>{_NUMBER})(?:\s?(?P<sa>{_SCALE}))?"
    rf"(?:\s?[–—-]\s?(?:{_SYMBOL})?\s?(?P<b>{_NUMBER})(?:\s?(?P<sb>{_SCALE}))?)?"
)
_MONEY_AFTER = re.compile(
    rf"(?P<a>{_NUMBER})(?:\s?(?P<sa>{_SCALE}))?"
    rf"(?:\s?[–—-]\s?(?P<b>{_NUMBER})(?:\s?(?P<sb>{_SCALE}))?)?"
    rf"\s?(?P<sym>{_SYMBOL}|\b(?:{_CODE})\b)"
)
_UNIT_NAMES = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.])(?P<a>{_NUMBER})(?:\s?(?P<sa>{_SCALE}))?(?:\s?(?P<plus>\+))?"
    rf"(?:\s?(?:[–—-]|to)\s?(?P<b>{_NUMBER})(?:\s?(?P<sb>{_SCALE}))?)?"
    rf"(?:\s?(?P<unit>{_UNIT_NAMES})(?![\w°]))?"
    r"(?![A-Za-z])"  # "1AA" in a postcode, "2FA": a code, read as written
)
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)(?!\d)(?:\s?(am|pm|AM|PM)\b)?")
# A dash between two times of day is "to": 9am-5pm, 9:00-17:30, 9:00 am - 5:30 pm.
_TIME_RANGE = re.compile(
    r"(\d(?::[0-5]\d)?(?:\s?(?:am|pm|AM|PM))?)\s?[-–—]\s?(?=\d{1,2}(?::[0-5]\d|\s?(?:am|pm|AM|PM)\b))"
)
_VERSION = re.compile(
    r"\b(Python|Java|Node|Kubernetes|React|Angular|Vue|Django|Rails|Ruby|Go|Rust|PHP|Postgres|"
    r"PostgreSQL|MySQL|Redis|Spark|Scala|Swift|Kotlin|TypeScript|Android|iOS|Ubuntu|Debian|"
    r"HTTP|TLS|Windows|[Vv]ersion|v)\s?(\d+(?:\.\d+)+)\b"
)

_RATIO = re.compile(r"\b(\d+):(\d+)\b")  # what is left after clock times: 3:1, 16:9
_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name: i for i, name in enumerate(calendar.month_abbr) if name} | {"Sept": 9}
# "Jan. 15": the dot of an abbreviated month is taken only where a figure follows it.
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b(?:\.(?=\s\d))?"
_YEAR4 = r"(?P<year>(?:1[89]|20)\d\d)"
_ISO_DATE = re.compile(rf"\b{_YEAR4}-(?P<m>\d\d)-(?P<d>\d\d)\b")
_NUMERIC_DATE = re.compile(rf"\b(?P<p>\d{{1,2}})([/.])(?P<q>\d{{1,2}})\2{_YEAR4}\b")
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s(?P<day>[1-9]|[12]\d|3[01])(?P<nth>st|nd|rd|th)?\b"
    r"(?!:|\s?(?:am|pm|AM|PM)\b)"
    rf"(?:,?\s{_YEAR4}\b)?"
)
_DAY_MONTH = re.compile(
    rf"\b(?P<day>[1-9]|[12]\d|3[01])(?P<nth>st|nd|rd|th)?(?:\sof)?\s{_MONTH}"
    rf"(?:,?\s{_YEAR4}\b)?"
)
# Regions that write the month before the day (04/03/2027 is April 3rd there); the rest of the
# world writes the day first (CLDR short date patterns).
_MONTH_FIRST = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
_MERIDIEM = re.compile(r"\b(\d{1,2})\s?(am|pm|AM|PM)\b")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DECADE = re.compile(r"(?<![\w.])'?((?:1[89]|20)?\d0)'?s\b")  # the 90s, the 1990s, your 20s
_DAY_RANGE = re.compile(rf"\b({'|'.join(_DAYS)})\s?[–—-]\s?({'|'.join(_DAYS)})\b")
_WORD_RANGE = re.compile(r"(?<=\w)\s?–\s?(?=\w)")  # an en dash between words: a range
_SPACED_DASH = re.compile(r"\s*—\s*|\s+–\s+")  # a dash that sets off a clause
_MARKDOWN = [
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](link)
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+", re.M), ""),  # list bullets
    (re.compile(r"(\*\*|__|\*|`+|~~)"), ""),  # emphasis and code marks
]
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")


def _words(value: float) -> str:
    """A number in words, without the commas num2words puts between groups."""
    return str(num2words(value)).replace(",", "")


def _parse(number: str) -> float:
    """The value of a number written with any common thousands and decimal separators."""
    digits = re.sub(rf"['’{_SPACES} ]", "", number)
    if "," in digits and "." in digits:  # the later one is the decimal mark
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        digits = digits.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif digits.count(",") > 1 or digits.count(".") > 1:  # repeated: thousands groups
        digits = digits.replace(",", "").replace(".", "")
    elif "," in digits or "." in digits:  # 1,200 and 45.000 are thousands; 1,5 and 1.2 not
        head, tail = re.split(r"[,.]", digits)
        digits = head + tail if len(tail) == 3 else f"{head}.{tail}"
    return float(digits)


def _say_number(value: float) -> str:
    return _words(int(value) if value == int(value) else value)


def _scaled(number: str, scale: str | None) -> tuple[str, float]:
    """ "1.2" with "M": ("one point two million", 1200000.0)."""
    value = _parse(number)
    if scale is None:
        return _say_number(value), value
    factor = _SCALES[scale]
    return f"{_say_number(value)} {_words(factor).split()[-1]}", value * factor


def _figures(match: re.Match[str]) -> tuple[str, float]:
    """The figure or range of figures (groups a, sa, b, sb) in words, and the last value."""
    spoken, last = _scaled(match["a"], match["sa"])
    if match["b"] is not None:
        # "$60–70k": a scale written only after the second figure applies to both.
        second, last = _scaled(match["b"], match["sb"])
        if match["sa"] is None and match["sb"] is not None:
            spoken = _say_number(_parse(match["a"]))
        spoken = f"{spoken} to {second}"
    return spoken, last


def _plural(name: str, value: float) -> str:
    if value == 1 or name in _UNCOUNTED:
        return name
    return name + "s"


def _money(match: re.Match[str]) -> str:
    sym = match["sym"]
    name = _CURRENCY_SYMBOLS.get(sym) or _CURRENCY_CODES[sym]
    spoken, last = _figures(match)
    a = _parse(match["a"])
    whole = int(a)
    cents = round((a - whole) * 100)
    if match["b"] is None and match["sa"] is None and cents and re.search(r"[.,]\d\d$", match["a"]):
        return f"{_words(whole)} {_plural(name, whole)} and {_words(cents)} cents"
    return f"{spoken} {_plural(name, last)}"


def _quantity(match: re.Match[str]) -> str:
    a_text, unit = match["a"], match["unit"]
    if (
        match["b"] is None and match["sa"] is None and unit is None and not match["plus"]
        and _YEAR.match(a_text)
    ):  # fmt: skip
        return str(num2words(int(a_text), to="year"))
    spoken, last = _figures(match)
    if match["plus"]:
        spoken += " or more"
        last = 2
    if unit is not None:
        singular, plural = _UNITS[unit]
        spoken += " " + (singular if last == 1 else plural)
    return spoken


def _decade(digits: str) -> str:
    """ "90" -> "nineties", "1990" -> "nineteen nineties"."""
    value = int(digits)
    said = str(num2words(value, to="year")) if value >= 1000 else _words(value)
    return said[:-1] + "ies" if said.endswith("y") else said + "s"


def _clock(match: re.Match[str]) -> str:
    hour, minute, meridiem = int(match[1]), int(match[2]), match[3]
    said = _words(hour) + (" o'clock" if minute == 0 and not meridiem else "")
    if minute:
        said += (" oh " if minute < 10 else " ") + _words(minute)
    return said + (f" {meridiem[0].upper()} M" if meridiem else "")


def _replace_tokens(text: str, table: Mapping[str, str]) -> str:
    if not table:
        return text
    names = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.#+/])({names})(?![\w#+/]|\.\w)")
    return pattern.sub(lambda m: table[m[1]], text)


def _abbreviation(match: re.Match[str]) -> str:
    written = match[1]
    said = _ABBREVIATIONS[written]
    # Kept as a sentence end only where a new sentence (or the text) really ends there.
    rest = match.string[match.end() :]
    ends = not rest.strip() or (written in _SENTENCE_FINAL and re.match(r"\s+[A-Z]", rest))
    return said + ("." if ends else "")


_ABBREVIATION = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in _ABBREVIATIONS) + r")(?!\w)"
)


def _version(match: re.Match[str]) -> str:
    """ "Python 3.12" -> "Python three point twelve"."""
    return f"{match[1]} " + " point ".join(_words(int(p)) for p in match[2].split("."))


def _phone_numbers(text: str, region: str) -> str:
    """Each phone number read digit by digit, in its written groups: "+44 20 7946 0958" ->
    "plus four four, two zero, seven nine four six, zero nine five eight". National numbers
    are found for ``region`` (ISO 3166 code); "+" numbers everywhere."""
    pieces: list[str] = []
    done = 0
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        raw = match.raw_string
        if raw.isdigit():
            continue  # "4155552671 requests": a count; a number to call is written in groups
        extension = match.number.extension
        if extension:
            raw = raw[: raw.rfind(extension)]
        groups = [" ".join(_words(int(d)) for d in g) for g in re.findall(r"\d+", raw)]
        said = ("plus " if raw.lstrip().startswith("+") else "") + ", ".join(groups)
        if extension:
            said += ", extension " + " ".join(_words(int(d)) for d in extension)
        pieces += [text[done : match.start], said]
        done = match.end
    return "".join(pieces) + text[done:]


def _say_date(month: int, day: int, year: str | None, region: str) -> str:
    """ "January fifteenth, twenty twenty-seven" (month-first regions) or "the fifteenth of
    January twenty twenty-seven"."""
    name, nth = calendar.month_name[month], str(num2words(day, to="ordinal"))
    said = f"{name} {nth}" if region in _MONTH_FIRST else f"the {nth} of {name}"
    if year:
        said += ("," if region in _MONTH_FIRST else "") + " " + str(num2words(int(year), to="year"))
    return said


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _dates(text: str, region: str) -> str:
    """ISO dates (2027-01-15), numeric ones with a four-digit year (15/01/2027, 01.15.2027)
    and a month name with a day ("March 3", "3rd March 2027") said as a person says them. A
    numeric date whose day and month could be swapped is read in ``region``'s order."""

    def iso(m: re.Match[str]) -> str:
        month, day = int(m["m"]), int(m["d"])
        if not _valid_date(int(m["year"]), month, day):
            return m[0]
        return _say_date(month, day, m["year"], region)

    def numeric(m: re.Match[str]) -> str:
        p, q, year = int(m["p"]), int(m["q"]), int(m["year"])
        month_first = q > 12 or (p <= 12 and region in _MONTH_FIRST)
        month, day = (p, q) if month_first else (q, p)
        if not _valid_date(year, month, day):
            return m[0]
        return _say_date(month, day, m["year"], region)

    def named(m: re.Match[str]) -> str:
        month, day = _MONTHS[m["month"]], int(m["day"])
        if not _valid_date(int(m["year"] or 2024), month, day):  # 2024: Feb 29 exists
            return m[0]
        if m["month"] == "May" and not (m["nth"] or m["year"]):
            return m[0]  # "May 5 people": the verb as often as the month; say it as written
        return _say_date(month, day, m["year"], region)

    text = _ISO_DATE.sub(iso, text)
    text = _NUMERIC_DATE.sub(numeric, text)
    text = _MONTH_DAY.sub(named, text)
    return _DAY_MONTH.sub(named, text)


_STEPS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_DAY_RANGE, lambda m: f"{_DAYS[m[1]]} to {_DAYS[m[2]]}"),
    (_VERSION, _version),
    (
        re.compile(rf"\b({'|'.join(_CURRENCY_CODES)})\s?({_NUMBER}(?:\s?{_SCALE})?)"),
        lambda m: f"{m[2]} {m[1]}",
    ),
    (_TIME_RANGE, r"\1 to "),
    (
        re.compile(r"/(hour|hr|h|day|week|month|mo|year|yr|annum|person|user|head)\b"),
        lambda m: " per " + _PER.get(m[1], m[1]),
    ),
    (_ABBREVIATION, _abbreviation),
    (_MONEY_BEFORE, _money),
    (_MONEY_AFTER, _money),
    (_CLOCK, _clock),
    (_RATIO, lambda m: f"{_words(int(m[1]))} to {_words(int(m[2]))}"),
    (_MERIDIEM, lambda m: f"{_words(int(m[1]))} {m[2][0].upper()} M"),
    (_ORDINAL, lambda m: str(num2words(int(m[1]), to="ordinal"))),
    (_DECADE, lambda m: _decade(m[1])),
    (re.compile(r"(?<=[a-z])/(?=[a-z])"), " or "),
    (re.compile(r"#(?=\d)|\bNo\.\s?(?=\d)"), "number "),
    (re.compile(r"(<=|>=|≤|≥|<|>|≈|±)\s?(?=\d)"), lambda m: _COMPARISONS[m[1]] + " "),
    (re.compile(r"(?<![\w~])~\s?(?=\d)"), "about "),
    (_QUANTITY, _quantity),
    (re.compile(r"\s?&\s?"), " and "),
    (re.compile(r"(?<=\w)@(?=\w)"), " at "),
    (re.compile(r"(?<=[a-z%])\+(?=\s|$|[.,;:!?)])"), " or more"),
    (_SPACED_DASH, ", "),
    (_WORD_RANGE, " to "),
]


def spoken_form(text: str, lexicon: Mapping[str, str] | None = None, *, region: str = "US") -> str:
    """``text`` as it should be spoken: numbers, money, units, ranges and symbols in words.

    Args:
        text: what the recruiter says, as written (a role script line, a reply).
        lexicon: extra whole-token pronunciations, e.g. ``{"Acme": "Ack me"}``, applied first.
        region: ISO 3166 country code the script is written for: which national phone numbers
            are recognised ("020 7946 0958" needs "GB") and whether 04/03/2027 is April 3rd
            ("US") or the 4th of March (most other regions).

    Returns:
        Plain text for a TTS voice: no markdown, no emoji, only ASCII letters, digits spelled
        out. Sentence ends are kept; dots of abbreviations are not.
    """
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    text = _EMOJI.sub("", text)
    text = _replace_tokens(text, dict(lexicon or {}))
    text = _replace_tokens(text, _TERMS)
    text = _phone_numbers(text, region)
    text = _VERSION.sub(_version, text)  # "Version 2.1.2020" is a version, not a date
    text = _dates(text, region)
    for pattern, rule in _STEPS:
        text = pattern.sub(rule, text)
    text = anyascii(text)
    return " ".join(text.split())
