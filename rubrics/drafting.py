"""Draft a role script from a job description with an LLM; never return an invalid script.

The model is asked for a compact JSON outline (competencies with five anchors, questions with a
kind and a competency). The outline is expanded into a full role script with sensible defaults
(ids, follow-up policies, time limits, a duration that fits) and checked like any script. A reply
that is not JSON, or whose script does not validate, is sent back with the errors for a repair;
when the retries run out, a plain template built from the job description is returned instead.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from recruiter_llm.client import ChatClient
from rubrics.loading import RoleError, parse_role
from rubrics.models import RoleScript

__all__ = [
    "OUTLINE_SCHEMA",
    "Draft",
    "draft_role",
    "expand_outline",
    "template_outline",
]

# The outline is short; 1,800 tokens leave room for five anchors per competency.
_MAX_TOKENS = 1800

_KINDS = ["behavioural", "situational", "technical", "motivation"]
_SENIORITY = ["intern", "entry", "junior", "mid", "senior", "lead", "any"]

OUTLINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "seniority": {"type": "string", "enum": _SENIORITY},
        "description": {"type": "string"},
        "competencies": {
            "type": "array",
            "minItems": 3,
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "anchors": {
                        "type": "array",
                        "minItems": 5,
                        "maxItems": 5,
                        "items": {"type": "string"},
                    },
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
                    "text": {"type": "string"},
                    "kind": {"type": "string", "enum": _KINDS},
                    "competency": {"type": "string"},
                },
                "required": ["text", "kind", "competency"],
            },
        },
    },
    "required": ["title", "seniority", "description", "competencies", "questions"],
}

_SYSTEM = (
    "You write structured interview scripts for recruiters. From the job description, produce "
    "a JSON outline: the role title, its seniority, a one-sentence description, 3 to 5 "
    "competencies the role needs (each with a description and exactly five rubric anchors, "
    "level 1 to level 5, each a concrete sentence about what an answer at that level contains), "
    "and 4 to 7 interview questions (each with its kind and the name of the competency it "
    "measures). Questions are spoken aloud: one sentence or two, no lists."
)

_PROBES = {
    "behavioural": ["result", "own-role", "measurable-outcome"],
    "situational": ["action", "trade-offs"],
    "technical": ["depth", "trade-offs"],
    "motivation": ["depth"],
}
_TIME_LIMITS = {"behavioural": 180, "situational": 150, "technical": 210, "motivation": 120}


@dataclass(frozen=True)
class Draft:
    """A validated draft: the YAML text, its role, how it was made."""

    text: str
    role: RoleScript
    source: str  # "llm", "llm-repaired" or "template"
    attempts: int
    problems: list[str]


def _slug(text: str, fallback: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:4]
    return "-".join(words) or fallback


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _anchor(text: str, level: int, name: str) -> str:
    text = " ".join(str(text).split())
    if len(text.split()) >= 4:
        return text
    return f"Level {level} of {name.lower()}: describe what such an answer contains."


def expand_outline(outline: dict[str, Any], *, role_id: str | None = None) -> dict[str, Any]:
    """A full role script (as data) from a compact outline, with defaults for everything else."""
    title = " ".join(str(outline.get("title") or "Untitled role").split())[:80]
    comp_ids: set[str] = set()
    competencies: list[dict[str, Any]] = []
    for index, comp in enumerate(outline.get("competencies") or []):
        name = " ".join(str(comp.get("name") or f"Competency {index + 1}").split())
        anchors = list(comp.get("anchors") or [])[:5]
        anchors += [""] * (5 - len(anchors))
        competencies.append(
            {
                "id": _unique(_slug(name, f"competency-{index + 1}"), comp_ids),
                "name": name,
                "description": str(comp.get("description") or name),
                "weight": 1.0,
                "rubric": {lvl: _anchor(anchors[lvl - 1], lvl, name) for lvl in range(1, 6)},
            }
        )
    by_name = {c["name"].lower(): c["id"] for c in competencies}
    q_ids: set[str] = set()
    questions: list[dict[str, Any]] = []
    for index, q in enumerate(outline.get("questions") or []):
        kind = q.get("kind") if q.get("kind") in _KINDS else "behavioural"
        wanted = str(q.get("competency") or "").lower()
        ref = by_name.get(wanted) or next(
            (cid for name, cid in by_name.items() if wanted and (wanted in name or name in wanted)),
            competencies[index % len(competencies)]["id"] if competencies else "general",
        )
        questions.append(
            {
                "id": _unique(_slug(str(q.get("text", "")), f"question-{index + 1}"), q_ids),
                "text": " ".join(str(q.get("text") or "").split()),
                "competencies": [ref],
                "kind": kind,
                "difficulty": 2,
                "time_limit_s": _TIME_LIMITS[kind],
                "follow_up": {"max": 1, "probe": _PROBES[kind]},
            }
        )
    # Every competency must be measured: attach unmeasured ones to the closest-kind question.
    measured = {c for q in questions for c in q["competencies"]}
    for comp in competencies:
        if comp["id"] not in measured and questions:
            questions[len(measured) % len(questions)]["competencies"].append(comp["id"])
            measured.add(comp["id"])
    questions.append(
        {
            "id": _unique("your-questions", q_ids),
            "text": "What would you like to ask me about the role or the team?",
            "competencies": [competencies[0]["id"]] if competencies else ["general"],
            "kind": "candidate-questions",
            "difficulty": 1,
            "time_limit_s": 120,
            "follow_up": {"max": 0, "probe": []},
        }
    )
    needed_s = sum(q["time_limit_s"] + 30 for q in questions)
    return {
        "id": role_id or _slug(title, "drafted-role"),
        "version": "1",
        "title": title,
        "seniority": outline.get("seniority") if outline.get("seniority") in _SENIORITY else "any",
        "language": "en",
        "description": " ".join(str(outline.get("description") or title).split()),
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


def template_outline(job_description: str) -> dict[str, Any]:
    """A plain outline built without a model, from the job description's first line."""
    first = next((ln.strip(" #*-") for ln in job_description.splitlines() if ln.strip()), "")
    title = first[:80] or "Drafted role"
    generic = [
        ("Role knowledge", "Knows the tools, methods and vocabulary the job description names."),
        ("Problem solving", "Breaks a problem down, chooses an approach and checks the result."),
        ("Communication", "Explains clearly, with structure, and adapts to the listener."),
    ]
    anchors = [
        "Gives no relevant example or says nothing about how they worked.",
        "Gives a general example without their own actions or an outcome.",
        "Describes a concrete example with their own actions and an outcome.",
        "Concrete example, own actions and a measurable outcome.",
        "Measurable outcome plus the trade-offs weighed and lessons drawn.",
    ]
    return {
        "title": title,
        "seniority": "any",
        "description": f"Draft script for {title} (from a template: edit before use).",
        "competencies": [
            {"name": name, "description": desc, "anchors": anchors} for name, desc in generic
        ],
        "questions": [
            {"text": f"What draws you to this {title} role?", "kind": "motivation",
             "competency": "Role knowledge"},
            {"text": "Tell me about a piece of work from a similar role that you are proud of.",
             "kind": "behavioural", "competency": "Role knowledge"},
            {"text": "Tell me about a difficult problem you solved. What did you do?",
             "kind": "behavioural", "competency": "Problem solving"},
            {"text": "How would you explain your last project to someone outside your field?",
             "kind": "situational", "competency": "Communication"},
        ],
    }  # fmt: skip


def _to_yaml(data: dict[str, Any], header: str) -> str:
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return f"{header}\n{body}"


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
        header: a YAML comment put at the top of the draft.

    Raises:
        LLMUnavailableError: the LLM could not be reached (a useless reply is not an error: it
            is repaired, and the template is the last resort).
    """
    messages = [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": f"Job description:\n{job_description.strip()[:6000]}"},
    ]
    problems: list[str] = []
    for attempt in range(1, retries + 2):
        reply = await chat.complete_json(messages, OUTLINE_SCHEMA, max_tokens=_MAX_TOKENS)
        try:
            outline = json.loads(reply)
            if not isinstance(outline, dict):
                raise ValueError("the reply is not a JSON object")
            text = _to_yaml(expand_outline(outline, role_id=role_id), header)
            role = parse_role(text, "draft")
            if not outline.get("competencies") or not outline.get("questions"):
                raise ValueError("the outline has no competencies or no questions")
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
        return Draft(text, role, "llm" if attempt == 1 else "llm-repaired", attempt, problems)
    text = _to_yaml(expand_outline(template_outline(job_description), role_id=role_id), header)
    return Draft(text, parse_role(text, "draft"), "template", retries + 1, problems)
