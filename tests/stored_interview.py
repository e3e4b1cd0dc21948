"""A stored interview built through the repositories (no voice pipeline): for judging tests."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from rubrics import load_role_source
from storage import CandidateRepository, NewTurn, RoleRepository, SessionRepository

ANSWERS = {
    "motivation": "I have worked for three years on the help desk of an online bookshop. I like "
    "solving problems for people, and I enjoy the moment when a stressed customer leaves happy.",
    "frustrated-customer": "Um, let me think. Last spring a customer wrote in because his order "
    "had been lost twice. I called him the same day, apologised, and shipped a replacement with "
    "express delivery. He received the parcel the next morning and later left us a five star "
    "review.",
    "two-urgent-requests": "I would, um, just answer them in order, first come first served.",
}


def _face(camera: bool | str) -> dict[str, object] | None:
    if camera is False:
        return None
    if camera is True:
        return {"looking_at_screen_share": {"value": 0.9, "confidence": 1.0}}
    return {"looking_at_screen_share": {"value": None, "confidence": 0.0, "reason": camera}}


def store_interview(
    db: sessionmaker[Session],
    *,
    candidate: bool = True,
    answers: dict[str, str | None] | None = None,
    unsure: frozenset[str] = frozenset(),
    camera: bool | str = True,
    role_id: str = "demo",
    other_language: dict[str, list[dict[str, object]]] | None = None,
) -> tuple[str, str | None]:
    """Store an interview of ``role_id`` (the demo role); return (session id, candidate id).

    ``answers`` maps question ids to what the candidate said (None: asked, no answer); the
    default is three answers, one per competency. Words in ``unsure`` (as spoken, punctuation
    included) get a recogniser probability of 0.2 instead of 0.9. ``camera`` False (a phone
    call): the answers have no face measurements; a text: video was measured but refused with
    that reason. ``other_language`` maps question ids to the clauses of their answer stored as
    heard in another language (``OtherLanguage.as_dict()`` shape).
    """
    answers = ANSWERS if answers is None else answers
    source = load_role_source(role_id)
    role = source.role
    with db() as s:
        RoleRepository(s).store(
            role_id=role.id, version=role.version, title=role.title, content=source.text
        )
        person = CandidateRepository(s).create(display_name="Test Person") if candidate else None
        repo = SessionRepository(s)
        record = repo.create(
            role_id=role.id,
            role_version=role.version,
            persona="prepared",
            channel="headless",
            llm_model=None,
            stt_model="whisper-tiny.en",
        )
        record.candidate_id = person.id if person else None
        t = 2.0
        for question in role.questions:
            if question.id not in answers:
                continue
            repo.add_turn(
                record.id, NewTurn("recruiter", question.text, t, t + 4.0, question_id=question.id)
            )
            t += 5.0
            text = answers[question.id]
            if text is None:
                t += 8.0  # silence, then the next question
                continue
            words = [
                {
                    "word": w,
                    "start": t + 0.42 * i,
                    "end": t + 0.42 * i + 0.3,
                    "p": 0.2 if w in unsure else 0.9,
                }
                for i, w in enumerate(text.split())
            ]
            end = words[-1]["end"]
            fillers = round(100 * text.lower().count("um,") / len(words), 2)
            turn = repo.add_turn(
                record.id, NewTurn("candidate", text, t, end, question_id=question.id, words=words)
            )
            speech = {
                "words": len(words),
                "words_per_minute": round(len(words) * 60 / (end - t), 1),
                "fillers_per_100_words": fillers,
                "pauses_over_2s": 0,
                "response_latency_s": 1.0,
            }
            repo.add_measurement(
                record.id,
                turn.index,
                {
                    "speech": speech,
                    "voice": None,
                    "face": _face(camera),
                    "language": [],
                    # The tip the recruiter gives when the stored figure crosses its band.
                    "cues": [{"kind": "fillers", "value": fillers, "threshold": 1.3}]
                    if fillers > 1.3
                    else [],
                    "flags": [],
                    "other_language": (other_language or {}).get(question.id, []),
                },
            )
            t = end + 1.0
        s.commit()
        return record.id, person.id if person else None
