"""Checks that span fields of a role script: references, uniqueness, coverage, rubric, time.

Each problem carries the path of the field to blame, so the loader can point at its line.
``check_role`` finds errors (the script cannot run); ``warn_role`` finds what runs but should be
fixed: a question asked twice in other words, and rubric anchors that are placeholders.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from recruiter_coding.problems import Problem as CodingProblem
from recruiter_coding.problems import ProblemError, shipped_problems
from rubrics.issues import foreign_letters
from rubrics.models import Competency, Question, RoleScript
from rubrics.substance import stem

__all__ = [
    "NEAR_REPEAT_AT",
    "Problem",
    "anchor_problem",
    "check_references",
    "check_role",
    "content_words",
    "question_similarity",
    "warn_role",
]

Path = tuple[str | int, ...]

LEVELS = (1, 2, 3, 4, 5)
# Each question is also asked and acknowledged: about half a minute of talk beyond its
# answer time is a realistic floor for the length of the interview.
_OVERHEAD_S_PER_QUESTION = 30


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a role script."""

    path: Path
    message: str


def _unknown_competency(ref: object, known: Sequence[str] | set[str]) -> str:
    return f"unknown competency '{ref}'; known: {', '.join(known)}{foreign_letters(str(ref))}"


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def _check_ids(role: RoleScript) -> list[Problem]:
    problems = []
    groups: tuple[tuple[str, Sequence[Competency | Question]], ...] = (
        ("competencies", role.competencies),
        ("questions", role.questions),
    )
    for field, items in groups:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append(
                    Problem((field, index, "id"), f"duplicate id '{item.id}'; ids must be unique")
                )
            seen.add(item.id)
    return problems


def _check_competencies(role: RoleScript) -> list[Problem]:
    problems = []
    measured = {c for q in role.questions for c in q.competencies}
    for index, comp in enumerate(role.competencies):
        if comp.weight <= 0:
            problems.append(
                Problem(
                    ("competencies", index, "weight"),
                    f"weight must be positive, got {comp.weight:g}; use e.g. 1.0",
                )
            )
        levels = sorted(comp.rubric)
        missing = [lvl for lvl in LEVELS if lvl not in comp.rubric]
        extra = [lvl for lvl in levels if lvl not in LEVELS]
        if missing or extra:
            detail = []
            if missing:
                detail.append(f"missing level(s) {', '.join(map(str, missing))}")
            if extra:
                detail.append(f"unknown level(s) {', '.join(map(str, extra))}")
            problems.append(
                Problem(
                    ("competencies", index, "rubric"),
                    f"rubric must have an anchor for each level 1-5: {'; '.join(detail)}",
                )
            )
        for level, anchor in comp.rubric.items():
            if len(anchor.split()) < 4:
                problems.append(
                    Problem(
                        ("competencies", index, "rubric", level),
                        f"anchor for level {level} is too short to score by ({anchor!r}); "
                        "describe what an answer at this level contains",
                    )
                )
        if comp.id not in measured:
            problems.append(
                Problem(
                    ("competencies", index, "id"),
                    f"competency '{comp.id}' is measured by no question; add it to a question's "
                    "competencies or remove it",
                )
            )
    return problems


def _check_questions(role: RoleScript) -> list[Problem]:
    problems = []
    known = [c.id for c in role.competencies]
    written: dict[str, tuple[str, CodingProblem]] = {}  # id: (first question, problem)
    for qi, question in enumerate(role.questions):
        for ci, ref in enumerate(question.competencies):
            if ref not in known:
                problems.append(
                    Problem(
                        ("questions", qi, "competencies", ci),
                        _unknown_competency(ref, known),
                    )
                )
        if question.hints and question.kind not in ("technical", "coding"):
            problems.append(
                Problem(
                    ("questions", qi, "hints"),
                    f"hints are for technical and coding questions; this one is '{question.kind}'",
                )
            )
        stall = question.stall_s if question.kind == "coding" else None
        if stall is not None and stall >= question.time_limit_s:
            problems.append(Problem(("questions", qi, "stall_s"),
                                    f"stall_s ({stall} s) is not under the question's "
                                    f"time_limit_s ({question.time_limit_s} s): no hint would "
                                    "ever come"))  # fmt: skip
        problems += _check_coding(question, qi, written)
        policy = question.follow_up
        for gap in policy.scripted:
            if gap not in policy.probe_for(question.kind):
                problems.append(
                    Problem(
                        ("questions", qi, "follow_up", "scripted", gap),
                        f"scripted follow-up for '{gap}', which is not in probe "
                        f"({', '.join(policy.probe or []) or 'empty'}); add it to probe or "
                        "remove it",
                    )
                )
        if policy.probe is not None and len(set(policy.probe)) != len(policy.probe):
            problems.append(
                Problem(("questions", qi, "follow_up", "probe"), "a gap is listed twice")
            )
    return problems


def _check_coding(
    question: Question, qi: int, written: dict[str, tuple[str, CodingProblem]]
) -> list[Problem]:
    """A coding question names a shipped problem or writes its own (with an id that is neither
    a shipped one nor another written problem's, ``written`` collecting those seen so far); no
    other kind names one or runs past 900 s."""
    if question.kind != "coding":
        problems = []
        if question.problem is not None:
            problems.append(Problem(("questions", qi, "problem"),
                                    f"a problem is for coding questions; this one is "
                                    f"'{question.kind}'"))  # fmt: skip
        if question.time_limit_s > 900:
            problems.append(Problem(("questions", qi, "time_limit_s"),
                                    f"{question.time_limit_s} s is over 900 s, the limit for "
                                    "all but coding questions"))  # fmt: skip
        if question.stall_s is not None:
            problems.append(Problem(("questions", qi, "stall_s"),
                                    f"stall_s is for coding questions; this one is "
                                    f"'{question.kind}'"))  # fmt: skip
        return problems
    where = ("questions", qi, "problem")
    try:
        shipped = shipped_problems()
    except ProblemError as e:  # a broken install: said where, not a server error
        return [Problem(where, f"the shipped coding problems cannot be read: {e}")]
    known = ", ".join(shipped)
    if question.problem is None:
        return [Problem(where, f"a coding question names its problem (or writes one); known: "
                               f"{known}")]  # fmt: skip
    if isinstance(question.problem, CodingProblem):
        own = question.problem.id
        if own in shipped:
            return [Problem((*where, "id"), f"'{own}' is a shipped problem's id: give the problem "
                            f"written here an id of its own, or write `problem: {own}` to ask "
                            "the shipped one")]  # fmt: skip
        first = written.get(own)
        if first is not None and first[1] != question.problem:
            return [Problem((*where, "id"), f"question '{first[0]}' writes a different problem "
                            f"'{own}'; give each problem an id of its own (a problem asked "
                            "twice is written the same both times)")]  # fmt: skip
        written.setdefault(own, (question.id, question.problem))
        return []
    if question.problem not in shipped:
        return [Problem(where, f"unknown problem '{question.problem}'; known: {known}")]
    return []


def _check_flow_and_time(role: RoleScript) -> list[Problem]:
    problems = []
    flow = role.flow
    asked = min(flow.max_questions or len(role.questions), len(role.questions))
    if flow.max_questions is not None and flow.max_questions > len(role.questions):
        problems.append(
            Problem(
                ("flow", "max_questions"),
                f"max_questions is {flow.max_questions} but the script has only "
                f"{len(role.questions)} questions",
            )
        )
    for index, comp in enumerate(role.competencies):
        count = sum(comp.id in q.competencies for q in role.questions)
        if 0 < count < flow.min_coverage:
            problems.append(
                Problem(
                    ("competencies", index, "id"),
                    f"flow.min_coverage is {flow.min_coverage} but only {count} question(s) "
                    f"measure '{comp.id}'",
                )
            )
    budget_min = flow.time_budget_minutes or role.duration_minutes
    if flow.time_budget_minutes is not None and flow.time_budget_minutes > role.duration_minutes:
        problems.append(
            Problem(
                ("flow", "time_budget_minutes"),
                f"time budget {flow.time_budget_minutes} min exceeds the interview's "
                f"duration_minutes ({role.duration_minutes})",
            )
        )
    # The longest questions the flow could pick must fit the time available.
    longest = sorted((q.time_limit_s for q in role.questions), reverse=True)[:asked]
    needed_s = sum(longest) + _OVERHEAD_S_PER_QUESTION * asked
    if needed_s > budget_min * 60:
        problems.append(
            Problem(
                ("duration_minutes",)
                if flow.time_budget_minutes is None
                else ("flow", "time_budget_minutes"),
                f"the question time limits do not fit: {asked} questions need up to "
                f"{needed_s / 60:.1f} min with follow-ups, but {budget_min} min are planned; "
                "raise the duration, shorten time limits or lower flow.max_questions",
            )
        )
    return problems


def check_role(role: RoleScript) -> list[Problem]:
    """Every cross-field problem of ``role``, in document order of the checks."""
    return [
        *_check_ids(role),
        *_check_competencies(role),
        *_check_questions(role),
        *_check_flow_and_time(role),
    ]


def _items(data: Mapping[str, object], field: str) -> list[tuple[int, Mapping[str, object]]]:
    items = data.get(field)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]


def check_references(data: Mapping[str, object]) -> list[Problem]:
    """The reference problems of a script that failed its field checks, read from the raw data.

    A script with a wrong field type or a missing field cannot be built into a
    :class:`RoleScript`, so :func:`check_role` cannot run on it; these checks read the parsed
    YAML directly and skip whatever is malformed, so an author sees an unknown competency id,
    a duplicate id or a scripted gap missing from ``probe`` beside the field errors, in one
    pass. The messages are ``check_role``'s own.
    """
    problems: list[Problem] = []
    ids: dict[str, list[str]] = {}
    for field in ("competencies", "questions"):
        ids[field] = []
        for index, item in _items(data, field):
            ident = item.get("id")
            if isinstance(ident, str):
                if ident in ids[field]:
                    message = f"duplicate id '{ident}'; ids must be unique"
                    problems.append(Problem((field, index, "id"), message))
                ids[field].append(ident)
    known, measured = ids["competencies"], set()
    for qi, question in _items(data, "questions"):
        refs = question.get("competencies")
        for ci, ref in enumerate(refs if isinstance(refs, list) else []):
            if not isinstance(ref, str):
                continue
            measured.add(ref)
            if ref not in known:
                message = _unknown_competency(ref, known)
                problems.append(Problem(("questions", qi, "competencies", ci), message))
        policy = question.get("follow_up")
        if isinstance(policy, Mapping):
            probe, scripted = policy.get("probe"), policy.get("scripted")
            if probe is None:  # unset: the scripted lines' gaps are probed first
                continue
            probe = probe if isinstance(probe, list) else []
            for gap in scripted if isinstance(scripted, Mapping) else {}:
                if gap not in probe:
                    problems.append(Problem(
                        ("questions", qi, "follow_up", "scripted", gap),
                        f"scripted follow-up for '{gap}', which is not in probe "
                        f"({', '.join(map(str, probe)) or 'empty'}); add it to probe or remove it",
                    ))  # fmt: skip
    # No questions at all, or a question whose competencies cannot be read, is an error of
    # its own: then which competencies go unmeasured is not known.
    questions = _items(data, "questions")
    asked = bool(questions) and all(isinstance(q.get("competencies"), list) for _, q in questions)
    for index, comp in _items(data, "competencies"):
        ident = comp.get("id")
        if asked and isinstance(ident, str) and ident not in measured:
            problems.append(Problem(
                ("competencies", index, "id"),
                f"competency '{ident}' is measured by no question; add it to a question's "
                "competencies or remove it",
            ))  # fmt: skip
    return problems


# Function words, and the frames every interview question shares ("tell me about a time you...",
# "describe a situation where...", "how would you..."): left in, they make different questions
# look alike (different questions share up to 82% of all their words in the pairs of
# tests/unit/test_role_warnings.py, and up to 55% in the shipped roles).
_FRAME_WORDS = frozenset(
    """
    a an the and or but so to of in on at for with from by about as into than then this that
    these those there is are was were be been being do does did done have has had can could
    would will should may might must i me my we our us you your yours it its they them their he
    she his her what how why when where which who whom tell talk walk through describe give
    example time times situation please just some any also very really one once
""".split()
)

# Two questions that share at least two of every three content words ask the same thing in other
# words. Set on pairs written for this check (tests/unit/test_role_warnings.py): rewordings of
# one question share 73-100% of their content words; different questions on one topic
# ("received" vs "gave difficult feedback") at most 57%; the shipped roles' questions at most 33%.
# A rewording that swaps the main word for a synonym ("worked with SQL", "used SQL") is missed.
NEAR_REPEAT_AT = Fraction(2, 3)

_WORD = re.compile(r"[a-z0-9]+")

# Anchors a template or a person left to fill in later: "Level 1 of python: describe what such
# an answer contains.", "TBD", "<level 3>", "to be written".
# Markers in capitals only: "a todo-list app" is an answer, "TODO" is not.
_MARKER = re.compile(r"\b(?:TBD|TBA|TODO|FIXME|XXX)\b")
_TO_DO = re.compile(
    r"^\s*placeholder\b|\b(?:lorem ipsum|fill (?:this|it) in|to be (?:written|defined|determined|"
    r"decided|added|completed))\b",
    re.I,
)
_PLACEHOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*level\s*\d+\s*(of\b|:|-|$)", re.I), "it names the level, not an answer"),
    (re.compile(r"\bdescribe what (such |an |a |the )*answer", re.I), "it is template text"),
    (_MARKER, "it is marked as to be done"),
    (_TO_DO, "it is marked as to be done"),
    (re.compile(r"<[^<>]+>"), "it holds a <placeholder>"),
)


def content_words(text: str) -> Counter[str]:
    """The stems of ``text``'s words, less function words and question frames, with counts."""
    return Counter(stem(w) for w in _WORD.findall(text.lower()) if w not in _FRAME_WORDS)


def question_similarity(a: str, b: str) -> Fraction:
    """How much two questions share: the Dice coefficient of their content words (0 to 1).

    Word order is ignored, since a rewording often moves words ("a project you delivered as
    part of a team" vs "worked in a team to deliver a project"). Two texts with no content words
    are alike only when their words are the same.
    """
    wa, wb = content_words(a), content_words(b)
    total = sum(wa.values()) + sum(wb.values())
    if not total:
        return Fraction(int(_WORD.findall(a.lower()) == _WORD.findall(b.lower())))
    return Fraction(2 * sum((wa & wb).values()), total)


def anchor_problem(anchor: str, lower_levels: Mapping[int, str]) -> str | None:
    """Why ``anchor`` is not a description of an answer, or None.

    A placeholder (template or to-do text) or the same words as one of ``lower_levels`` (level
    numbers aside: "Level 1 of sql" and "Level 2 of sql" are one template).
    """
    why = next((why for pattern, why in _PLACEHOLDERS if pattern.search(anchor)), None)
    if why:
        return f"a placeholder ({why}); write what an answer at this level contains"
    same = [lvl for lvl, other in lower_levels.items() if _letters(other) == _letters(anchor)]
    if same:
        return f"the same as level {same[0]}'s; say what sets this level apart"
    return None


def _letters(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def _repeated_questions(role: RoleScript) -> list[Problem]:
    problems = []
    for j, later in enumerate(role.questions):
        for earlier in role.questions[:j]:
            similarity = question_similarity(earlier.text, later.text)
            if similarity >= NEAR_REPEAT_AT:
                how = (
                    "word for word"
                    if _WORD.findall(earlier.text.lower()) == _WORD.findall(later.text.lower())
                    else f"in other words ({float(similarity):.0%} of content words shared)"
                )
                problems.append(
                    Problem(
                        ("questions", j, "text"),
                        f"question '{later.id}' repeats question '{earlier.id}' {how}; ask "
                        "something else or remove one",
                    )
                )
                break
    return problems


def _placeholder_anchors(role: RoleScript) -> list[Problem]:
    problems = []
    for index, comp in enumerate(role.competencies):
        levels = sorted(comp.rubric)
        for n, level in enumerate(levels):
            anchor = comp.rubric[level]
            if len(anchor.split()) < 4:
                continue  # an error already (check_role): too short to score by
            why = anchor_problem(anchor, {lvl: comp.rubric[lvl] for lvl in levels[:n]})
            if why:
                problems.append(
                    Problem(
                        ("competencies", index, "rubric", level),
                        f"competency '{comp.id}': the level {level} anchor is {why}",
                    )
                )
    return problems


def warn_role(role: RoleScript) -> list[Problem]:
    """What ``role`` runs with but a recruiter should fix: repeated questions, placeholder anchors.

    A question warns when it shares at least ``NEAR_REPEAT_AT`` of its content words with an
    earlier one (see ``question_similarity``); an anchor warns when it is template or to-do text
    or the same as a lower level's (see ``anchor_problem``). Empty and very short anchors
    are errors of ``check_role``, not warnings. Raises nothing: a warning never stops a role.
    """
    return [*_repeated_questions(role), *_placeholder_anchors(role)]
