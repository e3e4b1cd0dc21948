"""Coaching the interviewer: what kind of questions they ask and how the interview went."""

from recruiter_coaching.questions import PROTECTED_TOPICS, QuestionKind, classify_question

__all__ = ["PROTECTED_TOPICS", "QuestionKind", "classify_question"]
