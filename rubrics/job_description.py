"""What a job description says that a drafted role must respect: title, seniority, must-haves.

``read_job_description`` splits a description into requirement, duty and nice-to-have lines by
its headings ("Requirements", "You will", "Nice to have") and by lines that say "a plus" or
"preferred", and reads the level from the title, a level word before a role noun, or the years
of experience asked for. ``rubrics.drafting`` uses it to correct what the model drafts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["JobDescription", "read_job_description"]

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_NICE = re.compile(
    r"nice[- ]to[- ]have|\bbonus\b|desirable|preferred|\ba plus\b|good to have|ideally|"
    r"would be (?:great|nice)|\boptional\b",
    re.I,
)
_SECTIONS = (
    ("nice", _NICE),
    ("duties", re.compile(r"\b(?:you will|you'll|responsibilit\w*|what you(?:'ll| will)? do|"
                          r"the role|day[- ]to[- ]day|in this role)\b", re.I)),
    ("needs", re.compile(r"\b(?:you have|you(?:'ll| will)? need|you bring|requirements?|"
                         r"required|must|essential|qualifications?|skills|experience|about you|"
                         r"who you are|look(?:ing)? for)\b", re.I)),
)  # fmt: skip
# Conditions of employment, not things to interview for.
_NOT_SKILLS = re.compile(r"right to work|visa|\bdegree\b|licen[cs]e|relocat|based in|salary", re.I)
_LEVEL_WORDS = {
    "intern": r"intern|interns|internship",
    "junior": r"junior|graduate|grad|entry[- ]level|entry|trainee|apprentice",
    "senior": r"senior|sr|staff|principal|lead",
    "mid": r"mid[- ]level|mid|intermediate",
}
# In the body a level word counts before a role noun ("a junior data engineer", not "you will
# lead the migration"), or as a phrase that names the level on its own.
_ROLE = (
    r"engineers?|developers?|analysts?|scientists?|managers?|designers?|architects?|consultants?|"
    r"administrators?|specialists?|associates?|programmers?|researchers?|role|position|hire|level|"
    r"scheme|programme|program"
)
_ALONE = {"intern": r"|\binternships?\b", "junior": r"|\bentry[- ]level\b|\b(?:new|recent) grad"}
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:(?:-|\u2013|to)\s*\d{1,2}\s*)?years?\b", re.I)


@dataclass(frozen=True)
class JobDescription:
    """What a job description says that a draft must respect."""

    title: str
    seniority: str | None  # None when the description names no level
    needs: tuple[str, ...]  # requirements ("You have", "Requirements")
    duties: tuple[str, ...]  # responsibilities ("You will")
    nice: tuple[str, ...]  # nice-to-haves ("Nice to have", "... is a plus")
    text: str


def _seniority(title: str, body: str) -> str | None:
    """The level the title names, else the first level the body names, else years asked for."""
    found = []
    for level, words in _LEVEL_WORDS.items():
        found += [(m.start(), level) for m in re.finditer(rf"\b(?:{words})\b", title, re.I)]
        in_body = rf"\b(?:{words})\b[\s-]+(?:[\w-]+\s+){{0,2}}?(?:{_ROLE})\b{_ALONE.get(level, '')}"
        found += [(len(title) + m.start(), level) for m in re.finditer(in_body, body, re.I)]
    if found:
        return min(found)[1]
    years = _YEARS.search(body)
    if years is None:
        return None
    # Five or more years is what job boards call senior; up to two is junior.
    n = int(years.group(1))
    return "senior" if n >= 5 else "mid" if n >= 3 else "junior"


def read_job_description(text: str) -> JobDescription:
    """The title, seniority and requirement, duty and nice-to-have lines of a job description.

    The title is the first line when it has 12 words or fewer. Lines under a heading such as
    "Requirements" or "You have" are needs, under "You will" or "Responsibilities" duties, under
    "Nice to have" or "Bonus" nice-to-haves; a line saying "a plus" or "preferred" is a
    nice-to-have wherever it is. Seniority: junior, graduate, entry-level or trainee is "junior";
    senior, lead, staff or principal "senior"; mid-level "mid"; intern "intern"; with no such
    word, the years of experience asked for (5 or more: senior, 3-4: mid, fewer: junior).
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0].strip("#* ") if lines else ""
    title = first if len(first.split()) <= 12 else ""
    body = lines[1:] if title else lines
    found: dict[str, list[str]] = {"needs": [], "duties": [], "nice": [], "other": []}
    section = "other"
    for line in body:
        item = _BULLET.sub("", line).strip("#* ;.,")
        head, colon, rest = item.partition(":")
        if not _BULLET.match(line) and (line.startswith("#") or (colon and len(head.split()) <= 5)):
            section = next((name for name, rx in _SECTIONS if rx.search(head)), "other")
            item = rest.strip(" ;.,")
        if item and section != "other" and not _NOT_SKILLS.search(item):
            found["nice" if _NICE.search(item) else section].append(item)
    needs, duties, nice = (tuple(found[k]) for k in ("needs", "duties", "nice"))
    return JobDescription(title, _seniority(title, "\n".join(body)), needs, duties, nice, text)
