"""Draft a role script from a job description with an LLM; never return an invalid script.

The model is asked for a compact JSON outline (competencies with five anchors, questions with a
kind and a competency), expanded into a full script with sensible defaults (ids, follow-up
policies, time limits, a duration that fits) and checked like any script. A reply that is not
JSON or does not validate is sent back with the errors; when the retries run out, a plain
outline built from the job description is used instead.

Where the job description says something, it outranks the model (a small model gets it wrong):
seniority from its own words (``rubrics.job_description``); must-haves first, nice-to-haves only
while they leave room (``MAX_NICE_TO_HAVE``, or more only to reach three competencies); a level
anchor the model left empty, short, a placeholder or the same as a lower one
(``rubrics.checks.anchor_problem``) written here as a concrete description of an answer, never a
to-do, and named in the header; a question that nearly repeats an earlier one
(``rubrics.checks.NEAR_REPEAT_AT``) dropped; plain YAML, with no ``&id001`` anchors or aliases.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recruiter_llm.client import ChatClient
from rubrics.checks import NEAR_REPEAT_AT, anchor_problem, content_words, question_similarity
from rubrics.job_description import JobDescription, read_job_description
from rubrics.loading import RoleError, RoleIssue, parse_role_source
from rubrics.models import DEFAULT_PROBES, RoleScript

__all__ = [
    "MAX_COMPETENCIES",
    "MAX_NICE_TO_HAVE",
    "OUTLINE_SCHEMA",
    "Draft",
    "draft_role",
    "expand_outline",
    "template_outline",
]

# The outline is short; 1,800 tokens leave room for five anchors per competency.
_MAX_TOKENS = 1800
# An interview of 20-40 minutes measures three to five things well (the schema's range).
MAX_COMPETENCIES = 5
# The interview's time belongs to what the job cannot do without: one nice-to-have at most.
MAX_NICE_TO_HAVE = 1
_MAX_QUESTIONS = 7  # besides the candidate's own (the schema's maximum)

_KINDS = ["behavioural", "situational", "technical", "motivation"]
_SENIORITY = ["intern", "entry", "junior", "mid", "senior", "lead", "any"]
_PROMPT = Path(__file__).with_name("prompts") / "drafting.txt"
_TEXT = {"type": "string"}

OUTLINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": _TEXT,
        "seniority": {"type": "string", "enum": _SENIORITY},
        "description": _TEXT,
        "competencies": {
            "type": "array",
            "minItems": 3,
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "name": _TEXT,
                    "description": _TEXT,
                    "anchors": {"type": "array", "minItems": 5, "maxItems": 5, "items": _TEXT},
                },
                "required": ["name", "description", "anchors"],
            },
        },
        "questions": {
            "type": "array",
            "minItems": 4,
            "maxItems": 7,
            "items": {
                "type": "object",
                "properties": {
                    "text": _TEXT,
                    "kind": {"type": "string", "enum": _KINDS},
                    "competency": _TEXT,
                },
                "required": ["text", "kind", "competency"],
            },
        },
    },
    "required": ["title", "seniority", "description", "competencies", "questions"],
}

_TIME_LIMITS = {"behavioural": 180, "situational": 150, "technical": 210, "motivation": 120}

# Questions for a competency the model asked nothing about; each frame has words of its own, so
# two of them never repeat each other (tests/unit/test_drafting.py holds them apart).
_FRAMES = (
    ("behavioural", "Tell me about a piece of work where you used {0}. What did you do yourself, "
     "and what came of it?"),
    ("situational", "Suppose your first task here needed {0}. How would you start, and how "
     "would you know it was done well?"),
    ("behavioural", "Describe a problem you solved with {0}. How did you check that your "
     "solution worked?"),
    ("behavioural", "What is the hardest thing you have done involving {0}, and what would you "
     "change if you did it again?"),
    ("situational", "If a colleague asked you to review their work on {0}, what would you look "
     "at first, and why?"),
)  # fmt: skip


@dataclass(frozen=True)
class Draft:
    """A validated draft: the YAML text, its role, how it was made, what to review."""

    text: str
    role: RoleScript
    source: str  # "llm", "llm-repaired" or "template"
    attempts: int
    problems: list[str]
    notes: tuple[str, ...] = ()  # what the job description changed, also in the text's header
    warnings: tuple[RoleIssue, ...] = ()  # rubrics.checks.warn_role's, located in ``text``


# --- the outline, corrected by the job description -----------------------------------------


def _slug(text: str, fallback: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:4]
    # Ids are at most 64 characters, with room for _unique's "-2".
    return "-".join(words)[:60].rstrip("-") or fallback


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


@dataclass
class _Competency:
    name: str
    description: str
    anchors: list[str]
    nice: bool = False
    id: str = ""

    def fit(self, line: str, *, name_only: bool = False) -> int:
        """How well this competency matches a line: shared name words count double."""
        words = set(content_words(line))
        shared = 2 * len(set(content_words(self.name)) & words)
        return shared if name_only else shared + len(set(content_words(self.description)) & words)

    def best(self, lines: tuple[str, ...]) -> tuple[int, str]:
        return max(((self.fit(line), line) for line in lines), default=(0, ""))


def _from_requirement(line: str) -> _Competency:
    """A competency for a requirement line: "good SQL (joins) and Excel" -> "SQL and Excel"."""
    text = re.split(
        r"[;:,.]| for | when | such as | including | and the ", re.sub(r"\(.*?\)", "", line)
    )[0]
    qualifiers = re.compile(
        r"^(?:\d+\+?|years?|of|good|strong|solid|some|excellent|proven|basic|working|experience|"
        r"with|in|knowledge|proficiency|familiarity|understanding|hands-on|you|are|have|a|an|the|"
        r"comfortable|able|to|ability)$",
        re.I,
    )
    words = text.split()
    while len(words) > 1 and qualifiers.match(words[0]):
        words.pop(0)
    name = " ".join(words[:6]) or line[:40]
    return _Competency(name[0].upper() + name[1:], f"{line[0].upper()}{line[1:]}.", [])


def _topic(name: str, job: JobDescription) -> str:
    """The name as it reads mid-sentence: "Attention to detail" -> "attention to detail".

    The first word is lowered when the job description writes it in lower case; a name it
    writes only capitalised ("Python"), or not at all, is kept as the model wrote it.
    """
    first = name.split()[0]
    lowered = not first.isupper() and re.search(rf"\b{re.escape(first.lower())}\b", job.text)
    return name[0].lower() + name[1:] if lowered else name


def _ladder(topic: str, detail: str, seniority: str) -> list[str]:
    """Five concrete anchors for a competency, level 1 to 5."""
    where = " from a job, course or personal project" if seniority in {"intern", "junior"} else ""
    example = f" (for example {detail})" if detail else ""
    last = " and what they would do differently"
    if seniority in {"senior", "lead"}:
        last = ", what they would do differently and how they helped others do the same"
    return [
        f"Gives no example involving {topic}, or says they know it without saying what they did.",
        f"Mentions {topic} in general terms, with no steps of their own and no result.",
        f"Describes a real task{where} involving {topic}{example}: the steps they took "
        "themselves and what it produced.",
        f"Level 3, plus how they checked that the {topic} work was right (a test, a count or a "
        "comparison) and a result they can put a number on.",
        f"Level 4, plus the trade-offs they weighed{last}.",
    ]


def _rubric(comp: _Competency, job: JobDescription, seniority: str) -> dict[int, str]:
    """The model's anchors where usable, else the ladder's at that level."""
    # The description's own examples for it: "good SQL (joins, window functions)".
    fit, line = comp.best(tuple(ln for ln in job.needs + job.duties + job.nice if "(" in ln))
    detail = re.search(r"\(([^)]+)\)", line) if fit else None
    ladder = _ladder(_topic(comp.name, job), detail.group(1) if detail else "", seniority)
    rubric: dict[int, str] = {}
    for level, anchor in enumerate([*comp.anchors, "", "", "", "", ""][:5], 1):
        usable = len(anchor.split()) >= 4 and not anchor_problem(anchor, rubric)
        rubric[level] = anchor if usable else ladder[level - 1]
    return rubric


def _competencies(
    outline: dict[str, Any], job: JobDescription, notes: list[str]
) -> tuple[list[_Competency], list[_Competency]]:
    """(kept, left out): must-haves first, uncovered requirements added, nice-to-haves capped."""
    must: list[_Competency] = []
    nice: list[_Competency] = []
    for index, raw in enumerate(outline["competencies"]):
        name = _clean(raw.get("name")) or f"Competency {index + 1}"
        anchors = [_clean(a) for a in list(raw.get("anchors") or [])[:5]]
        comp = _Competency(name, _clean(raw.get("description")) or name, anchors)
        need, bonus = comp.best(job.needs + job.duties)[0], comp.best(job.nice)[0]
        comp.nice = bonus > need
        (nice if comp.nice else must).append(comp)
    for line in job.needs:
        if len(must) >= 3:
            break
        if not any(c.fit(line, name_only=True) or c.fit(line) >= 2 for c in must):
            must.append(_from_requirement(line))
            notes.append(f"competency '{must[-1].name}' added for the requirement: {line}")
    # One nice-to-have, or more only where the must-haves are fewer than three.
    room = max(0, min(max(MAX_NICE_TO_HAVE, 3 - len(must)), MAX_COMPETENCIES - len(must)))
    return must[:MAX_COMPETENCIES] + nice[:room], must[MAX_COMPETENCIES:] + nice[room:]


def _question(text: str, kind: str, competency: str, ids: set[str]) -> dict[str, Any]:
    return {
        "id": _unique(_slug(text, f"question-{len(ids) + 1}"), ids),
        "text": text,
        "competencies": [competency],
        "kind": kind,
        "difficulty": 2,
        "time_limit_s": _TIME_LIMITS[kind],
        "follow_up": {"max": 1, "probe": list(DEFAULT_PROBES[kind])},
    }


def _repeated(text: str, questions: list[dict[str, Any]]) -> str | None:
    """The id of the question that ``text`` nearly repeats, if any."""
    return next(
        (q["id"] for q in questions if question_similarity(q["text"], text) >= NEAR_REPEAT_AT),
        None,
    )


def _questions(
    outline: dict[str, Any], kept: list[_Competency], left_out: list[_Competency],
    job: JobDescription, notes: list[str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The model's questions less repeats and strays, then one for each unmeasured competency."""
    by_name = {c.name.lower(): c for c in kept}
    gone = [c.name.lower() for c in left_out]
    ids: set[str] = set()
    questions: list[dict[str, Any]] = []
    for raw in outline.get("questions") or []:
        text, wanted = _clean(raw.get("text")), _clean(raw.get("competency")).lower()
        kind = raw.get("kind") if raw.get("kind") in _KINDS else "behavioural"
        named = [n for n in [*by_name, *gone] if wanted and (wanted in n or n in wanted)]
        name = wanted if wanted in by_name or wanted in gone else next(iter(named), "")
        repeats = _repeated(text, questions)
        if repeats or name in gone or len(text) < 5 or len(questions) >= _MAX_QUESTIONS:
            why = (f"it repeats '{repeats}'" if repeats else "its competency is left out"
                   if name in gone else "too short, or too many questions")  # fmt: skip
            notes.append(f"question left out ({why}): {text}")
            continue
        # A competency the draft does not know by name: the one whose words the text shares most.
        comp = by_name.get(name) or max(kept, key=lambda c: c.fit(text))
        questions.append(_question(text, kind, comp.id, ids))
    frames = list(_FRAMES)
    for comp in kept:
        if any(comp.id in q["competencies"] for q in questions):
            continue
        if len(questions) >= _MAX_QUESTIONS:
            questions[-1]["competencies"].append(comp.id)
            continue
        topic = _topic(comp.name, job)
        fresh = [
            (k, f.format(topic)) for k, f in frames if not _repeated(f.format(topic), questions)
        ]
        kind, text = (fresh or [(_FRAMES[0][0], _FRAMES[0][1].format(topic))])[0]
        frames = [f for f in frames if f[1].format(topic) != text] or list(_FRAMES)
        questions.append(_question(text, kind, comp.id, ids))
        notes.append(f"question written for '{comp.name}', which had none: review it")
    # Must-haves first: questions on a nice-to-have go last, in their own order.
    nice = {c.id for c in kept if c.nice}
    questions.sort(key=lambda q: q["competencies"][0] in nice)
    return questions


def expand_outline(
    outline: dict[str, Any], job_description: str = "", *, role_id: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """A full role script (as data) from a compact outline, and notes on what was changed.

    Defaults fill what the outline leaves out; the job description corrects the outline as the
    module docstring says (seniority, must-haves first, anchors, repeated questions). The notes
    name each correction, for the recruiter to review.

    Raises:
        ValueError: the outline has no competencies.
    """
    if not outline.get("competencies"):
        raise ValueError("the outline has no competencies")
    job = read_job_description(job_description)
    notes: list[str] = []
    title = _clean(outline.get("title") or job.title or "Untitled role")[:80]
    said = str(outline.get("seniority")) if outline.get("seniority") in _SENIORITY else "any"
    seniority = job.seniority or said
    if seniority != said:
        notes.append(f"seniority '{seniority}' from the job description (the model said '{said}')")
    kept, left_out = _competencies(outline, job, notes)
    for comp in left_out:
        what = "a nice-to-have" if comp.nice else f"must-haves beyond {MAX_COMPETENCIES}"
        notes.append(f"competency '{comp.name}' left out ({what}): must-haves come first, and "
                     f"{MAX_NICE_TO_HAVE} nice-to-have at most")  # fmt: skip
    comp_ids: set[str] = set()
    competencies = []
    for index, comp in enumerate(kept):
        comp.id = _unique(_slug(comp.name, f"competency-{index + 1}"), comp_ids)
        rubric = _rubric(comp, job, seniority)
        if list(rubric.values()) != comp.anchors:
            notes.append(f"anchors for '{comp.name}' written from the job description: review")
        competencies.append({"id": comp.id, "name": comp.name, "description": comp.description,
                             "weight": 1.0, "rubric": rubric})  # fmt: skip
    questions = _questions(outline, kept, left_out, job, notes)
    questions.append(
        {
            "id": _unique("your-questions", {q["id"] for q in questions}),
            "text": "What would you like to ask me about the role or the team?",
            "competencies": [kept[0].id],
            "kind": "candidate-questions",
            "difficulty": 1,
            "time_limit_s": 120,
            "follow_up": {"max": 0, "probe": []},
        }
    )
    needed_s = sum(q["time_limit_s"] + 30 for q in questions)
    data = {
        "id": role_id or _slug(title, "drafted-role"),
        "version": "1",
        "title": title,
        "seniority": seniority,
        "language": "en",
        "description": _clean(outline.get("description") or title),
        "duration_minutes": math.ceil(needed_s / 60) + 2,
        "mode": "practice",
        "persona": {
            "name": "Alex",
            "introduction": "Hi, I'm Alex, and I'll be your interviewer today.",
            "tone": "warm, professional",
        },
        "intro": f"This is a practice interview for the {title} role. Take your time.",
        "closing": "That's all my questions. Thank you for your time today. Goodbye!",
        "competencies": competencies,
        "questions": questions,
        "flow": {"order": "fixed", "max_questions": len(questions), "min_coverage": 1},
    }
    return data, notes


def template_outline(job_description: str) -> dict[str, Any]:
    """A plain outline built without a model: competencies from the job's requirements.

    Up to four requirement lines become competencies (``expand_outline`` writes their anchors
    and questions); a description with fewer than three gets three general ones.
    """
    job = read_job_description(job_description)
    title = job.title[:80] or "Drafted role"
    needs = [_from_requirement(line) for line in job.needs[:4]]
    generic = [
        ("Role knowledge", "Knows the tools, methods and vocabulary the job description names."),
        ("Problem solving", "Breaks a problem down, chooses an approach and checks the result."),
        ("Communication", "Explains clearly, with structure, and adapts to the listener."),
    ]
    chosen = [(c.name, c.description) for c in needs] if len(needs) >= 3 else generic
    return {
        "title": title,
        "seniority": job.seniority or "any",
        "description": f"Draft script for {title} (from a template: edit before use).",
        "competencies": [
            {"name": name, "description": desc, "anchors": []}
            for name, desc in chosen
        ],
        "questions": [
            {"text": f"What draws you to this {title} role?", "kind": "motivation",
             "competency": chosen[0][0]},
        ],
    }  # fmt: skip


class _PlainDumper(yaml.SafeDumper):
    """Writes a value that occurs twice out twice: no ``&id001`` anchors or ``*id001`` aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _to_yaml(data: dict[str, Any], header: str, notes: list[str]) -> str:
    body = yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    return header + "\n" + "".join(f"# {note}\n" for note in notes) + body


def _shape_problem(outline: Any) -> str | None:
    """What makes a reply unusable as an outline, or None."""
    if not isinstance(outline, dict):
        return "the reply is not a JSON object"
    parts = [outline.get("competencies"), outline.get("questions")]
    if not all(isinstance(p, list) and p and all(isinstance(i, dict) for i in p) for p in parts):
        return "'competencies' and 'questions' must be non-empty lists of objects"
    return None


async def draft_role(
    job_description: str,
    chat: ChatClient,
    *,
    role_id: str | None = None,
    retries: int = 2,
    header: str = "# Draft role script: review every line before using it.",
) -> Draft:
    """Draft a validated role script from ``job_description``.

    Args:
        job_description: the job description's text.
        chat: the LLM; its ``complete_json`` gets the messages and ``OUTLINE_SCHEMA``.
        role_id: the id to give the role (default: from the title).
        retries: repair attempts after the first answer.
        header: a YAML comment put at the top of the draft; the notes follow it as comments.

    Raises:
        LLMUnavailableError: the LLM could not be reached (a useless reply is not an error: it
            is repaired, and the template is the last resort).
    """
    messages = [
        {"role": "system", "content": _PROMPT.read_text(encoding="utf-8").strip()},
        {"role": "user", "content": f"Job description:\n{job_description.strip()[:6000]}"},
    ]
    problems: list[str] = []
    for attempt in range(1, retries + 2):
        reply = await chat.complete_json(messages, OUTLINE_SCHEMA, max_tokens=_MAX_TOKENS)
        try:
            outline = json.loads(reply)
            shape = _shape_problem(outline)
            if shape:
                raise ValueError(shape)
            data, notes = expand_outline(outline, job_description, role_id=role_id)
            text = _to_yaml(data, header, notes)
            source = parse_role_source(text, "draft")
        except (ValueError, RoleError) as e:
            problem = str(e).splitlines()[0] if str(e) else type(e).__name__
            problems.append(f"attempt {attempt}: {problem}")
            messages += [
                {"role": "assistant", "content": reply[:4000]},
                {
                    "role": "user",
                    "content": f"That outline could not be used: {e}. Reply with the corrected "
                    "JSON outline only.",
                },
            ]
            continue
        how = "llm" if attempt == 1 else "llm-repaired"
        return Draft(text, source.role, how, attempt, problems, tuple(notes), source.warnings)
    data, notes = expand_outline(template_outline(job_description), job_description,
                                 role_id=role_id)  # fmt: skip
    text = _to_yaml(data, header, notes)
    source = parse_role_source(text, "draft")
    return Draft(
        text, source.role, "template", retries + 1, problems, tuple(notes), source.warnings
    )
