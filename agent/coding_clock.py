"""When a coding question has stalled or run over its time: the clock ``CodingRound.watch`` ticks.

Kept apart from the room so the rules can be checked on their own. Times are monotonic seconds.
The time limit counts from when the question was first asked (a resumed interview passes how
long ago that was); time the candidate's page spent out of the room counts neither towards the
limit nor as a stall; the recruiter speaking and the candidate speaking are activity, as is an
edit (``CodingClock.active``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dialogue import AnswerOverTime, CodingStalled, PlannedQuestion

__all__ = ["CodingClock"]


@dataclass
class CodingClock:
    """The coding question being timed, when it was asked and when the candidate last acted.

    ``stall_s`` (seconds, ``coding.stall_s``): with neither an edit nor a word for this long,
    the question has stalled; a question's own ``stall_s`` (the role script's) comes first.
    """

    stall_s: float
    asked: str | None = None  # the question id being timed
    asked_at: float = 0.0
    activity: float = 0.0  # the last edit or word
    _ticked: float | None = field(default=None, init=False, repr=False)

    def active(self, now: float) -> None:
        """The candidate edited the code at ``now``."""
        self.activity = now

    def tick(
        self,
        now: float,
        question: PlannedQuestion | None,
        *,
        away: bool = False,
        recruiter_speaking: bool = False,
        candidate_speaking: bool = False,
        asked_before: Callable[[str], float] = lambda _: 0.0,
    ) -> AnswerOverTime | CodingStalled | None:
        """What the flow hears at ``now``, if anything.

        Args:
            now: monotonic seconds.
            question: the coding question being asked, or None (none, or in a follow-up).
            away: the candidate's page is out of the room.
            recruiter_speaking, candidate_speaking: the session's states now.
            asked_before: for a question not yet timed, how long ago (s) it was first asked.

        Returns:
            ``AnswerOverTime`` once past the question's ``time_limit_s`` (then the question is
            no longer timed), ``CodingStalled`` after the question's ``stall_s`` or else this
            clock's with no activity (the stall clock starts again), else None.
        """
        since, self._ticked = (now - self._ticked if self._ticked is not None else 0.0), now
        if question is None:
            self.asked = None
            return None
        if away:
            self.asked_at += since
            self.activity = now
            return None
        if question.id != self.asked:
            self.asked, self.asked_at = question.id, now - asked_before(question.id)
            self.activity = now
            return None
        if recruiter_speaking or candidate_speaking:
            self.activity = now
            if recruiter_speaking:
                return None
        if now - self.asked_at > question.time_limit_s:
            self.asked = None
            return AnswerOverTime("", now - self.asked_at)
        if now - self.activity >= (question.stall_s or self.stall_s):
            quiet, self.activity = now - self.activity, now
            return CodingStalled(quiet)
        return None
