"""Score a stored interview and store the scores with their evidence (rerunnable, identical)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from dialogue import strip_manipulation
from reports.coding import code_outcomes
from reports.session_view import load_session
from rubrics.scoring import ScoreSheet, score_interview
from rubrics.second_opinion import (
    SECOND_OPINION_MAX_TOKENS,
    SECOND_OPINION_SCHEMA,
    SecondOpinion,
    judge_validity,
    normalise,
    parse_second_opinion,
    second_opinion_messages,
)
from storage.assessment_repository import AssessmentRepository, NewEvidence, NewScore

if TYPE_CHECKING:
    from recruiter_llm.client import ChatClient

__all__ = ["judge_if_trusted", "score_session", "second_opinion"]

logger = logging.getLogger("recruiter.reports")
# The judge asks once per competency; past this the report is built without its opinion.
JUDGE_TIMEOUT_S = 180.0


def score_session(db: Session, session_id: str) -> ScoreSheet:
    """Run the deterministic scorer on a session and replace its automatic scores (caller commits).

    Raises:
        ReportError: unknown session or role version.
    """
    view = load_session(db, session_id)
    sheet = score_interview(view.role, view.candidate_turns, code_outcomes(db, view.record))
    evidence = [
        NewEvidence(
            turn_index=q.turn,
            question_id=a.question_id,
            competency_id=q.competency_id,
            quote=q.text,
            start_s=q.start_s,
            end_s=q.end_s,
            stance=q.stance,
            signal=q.signal,
        )
        for a in sheet.answers
        for q in a.evidence
    ]
    scores = [
        NewScore(
            "answer",
            f"{a.question_id}/{a.competency_id}",
            a.level,
            "deterministic",
            sheet.scorer,
            a.rationale,
            # Part of it was left out (another language, or not made out): a person checks.
            needs_review=a.needs_review,
        )
        for a in sheet.answers
        if not a.credited  # shown in passing: its quotes count for the competency, not the question
    ]
    unread = {a.competency_id for a in sheet.answers if a.needs_review}
    scores += [
        NewScore(
            "competency", cid, value, "deterministic", sheet.scorer, needs_review=cid in unread
        )
        for cid, value in sheet.competencies.items()
    ]
    if sheet.overall is not None:
        scores.append(NewScore("overall", None, sheet.overall, "deterministic", sheet.scorer))
    AssessmentRepository(db).replace_automatic(session_id, evidence, scores)
    return sheet


async def second_opinion(db: Session, session_id: str, chat: ChatClient) -> list[SecondOpinion]:
    """Ask the LLM to score each answered competency; store what survives checking.

    Run :func:`score_session` first: the judge is compared with its scores. The caller commits.

    Raises:
        ReportError: unknown session or role version.
        LLMUnavailableError: the LLM could not be reached.
    """
    view = load_session(db, session_id)
    assessments = AssessmentRepository(db)
    deterministic = {
        s.target: s.value
        for s in assessments.scores(session_id, source="deterministic")
        if s.scope == "competency"
    }
    turns = view.candidate_turns
    evidence: list[NewEvidence] = []
    scores: list[NewScore] = []
    results = []
    for competency in view.role.competencies:
        asked = {q.id for q in view.role.questions if competency.id in q.competencies}
        mine = [t for t in turns if t.question_id in asked]
        if not mine:
            continue
        # One line per part: a quote is verified against each on its own (``read_parts``).
        answers = "\n".join(strip_manipulation(part) for t in mine for part in t.read_parts)
        raw = await chat.complete_json(
            second_opinion_messages(competency, answers),
            SECOND_OPINION_SCHEMA,
            max_tokens=SECOND_OPINION_MAX_TOKENS,
        )
        result = parse_second_opinion(raw, answers, deterministic.get(competency.id))
        results.append(result)
        if result.score is None:
            continue
        rationale = result.rationale + (f" [{result.problem}]" if result.problem else "")
        scores.append(
            NewScore(
                "competency",
                competency.id,
                result.score,
                "llm",
                chat.model,
                rationale.strip(),
                needs_review=result.needs_review,
            )
        )
        for quote in result.quotes:
            # The quote is verified against each part of the answers; cite the turn holding it.
            turn = next(
                (t for t in mine if any(normalise(quote) in normalise(p) for p in t.read_parts)),
                mine[0],
            )
            evidence.append(
                NewEvidence(
                    turn.index,
                    turn.question_id,
                    competency.id,
                    quote,
                    turn.start_s,
                    turn.end_s,
                    "supports",
                    "llm judge",
                    "llm",
                )
            )
    assessments.replace_automatic(session_id, evidence, scores, source="llm")
    return results


async def judge_if_trusted(
    db: sessionmaker[Session], session_id: str, chat: ChatClient, *, table: Path | None = None
) -> list[SecondOpinion] | None:
    """After an interview: the LLM's second opinion, only when its model is trusted as a judge.

    Trusted means its recorded agreement with the validity sets reaches
    ``JUDGE_MIN_AGREEMENT`` (:func:`rubrics.second_opinion.judge_validity`); otherwise nothing
    is asked and None is returned. Disagreements with the deterministic score are stored
    flagged for review. A judge that fails or takes more than ``JUDGE_TIMEOUT_S`` (dead server,
    bad JSON, an unreadable table) leaves the deterministic scores as they are: the failure is
    logged, not raised, and the report is built without it. ``table`` replaces the shipped
    validity table (``rubrics/judge_validity.yaml``).
    """
    try:
        trust = judge_validity(chat.model) if table is None else judge_validity(chat.model, table)
    except (OSError, ValueError, AttributeError) as e:
        logger.error("LLM judge not run: the validity table cannot be read (%s)", e)
        return None
    if not trust.trusted:
        logger.info("LLM judge not run: %s", trust.describe())
        return None
    try:
        async with asyncio.timeout(JUDGE_TIMEOUT_S):
            with db() as s:
                score_session(s, session_id)
                results = await second_opinion(s, session_id, chat)
                s.commit()
    except Exception as e:  # whatever happened, the report is built without it
        logger.error("the LLM judge failed: %s", type(e).__name__)
        return None
    flagged = sum(r.needs_review for r in results)
    logger.info("LLM judge: %d competencies, %d flagged for review", len(results), flagged)
    return results
