"""The interview itself: a pure ``step(state, event) -> (state, actions)`` machine, no I/O."""

from dialogue.acknowledgement import (
    acknowledgement_messages,
    fallback_acknowledgement,
    validate_acknowledgement,
)
from dialogue.flow import (
    Acknowledge,
    Action,
    AskQuestion,
    CandidateAnswered,
    EndInterview,
    Event,
    InterviewPlan,
    InterviewState,
    Phase,
    PlannedQuestion,
    Say,
    start,
    step,
)
from dialogue.thinking import sounds_unfinished

__all__ = [
    "Acknowledge",
    "Action",
    "AskQuestion",
    "CandidateAnswered",
    "EndInterview",
    "Event",
    "InterviewPlan",
    "InterviewState",
    "Phase",
    "PlannedQuestion",
    "Say",
    "acknowledgement_messages",
    "fallback_acknowledgement",
    "sounds_unfinished",
    "start",
    "step",
    "validate_acknowledgement",
]
