"""The coding round's clock: when a coding question has stalled or run over its time limit."""

from __future__ import annotations

from agent.coding_clock import CodingClock
from dialogue import AnswerOverTime, CodingStalled, PlannedQuestion

PAIRS = PlannedQuestion(id="pairs", text="Write pair_with_sum.", kind="coding", time_limit_s=300)
MERGE = PlannedQuestion(id="merge", text="Write merge_bookings.", kind="coding", time_limit_s=300)


def _ticks(clock: CodingClock, start: int, end: int, **state: object) -> list[object]:
    """Tick once a second from ``start`` to ``end`` (exclusive) on PAIRS; what the flow heard."""
    heard = []
    for now in range(start, end):
        event = clock.tick(float(now), PAIRS, **state)  # type: ignore[arg-type]
        if event is not None:
            heard.append((now, event))
    return heard


def test_a_silent_candidate_stalls_every_stall_s_and_an_edit_starts_the_count_again() -> None:
    clock = CodingClock(stall_s=60.0)
    assert _ticks(clock, 0, 121) == [(60, CodingStalled(60.0)), (120, CodingStalled(60.0))]
    clock.active(150.0)  # an edit
    heard = _ticks(clock, 121, 220)
    assert heard == [(210, CodingStalled(60.0))]


def test_speaking_is_activity_and_the_recruiter_speaking_is_never_a_stall() -> None:
    clock = CodingClock(stall_s=60.0)
    assert _ticks(clock, 0, 100, candidate_speaking=True) == []
    assert _ticks(clock, 100, 200, recruiter_speaking=True) == []
    assert _ticks(clock, 200, 261) == [(259, CodingStalled(60.0))]


def test_the_time_limit_counts_from_the_asking_and_not_while_the_page_is_away() -> None:
    clock = CodingClock(stall_s=1000.0)
    assert _ticks(clock, 0, 100) == []
    assert _ticks(clock, 100, 400, away=True) == []  # 300 s out of the room: not counted
    heard = _ticks(clock, 400, 900, candidate_speaking=True)
    assert heard == [(601, AnswerOverTime("", 301.0))]  # 100 s before + 201 s after, told once


def test_the_time_limit_waits_while_the_recruiter_speaks() -> None:
    clock = CodingClock(stall_s=1000.0)
    assert _ticks(clock, 0, 290) == []
    assert _ticks(clock, 290, 320, recruiter_speaking=True) == []  # not cut off mid-sentence
    assert clock.tick(320.0, PAIRS) == AnswerOverTime("", 320.0)


def test_a_resumed_question_keeps_the_time_already_spent_and_a_new_one_starts_at_zero() -> None:
    clock = CodingClock(stall_s=1000.0)
    assert clock.tick(0.0, PAIRS, asked_before=lambda _: 290.0) is None
    assert clock.tick(5.0, PAIRS) is None
    assert clock.tick(11.0, PAIRS) == AnswerOverTime("", 301.0)
    assert clock.tick(12.0, MERGE) is None  # the next question is timed from its asking
    assert clock.tick(300.0, MERGE) is None
    assert clock.tick(313.0, MERGE) == AnswerOverTime("", 301.0)


def test_no_coding_question_or_a_follow_up_times_nothing() -> None:
    clock = CodingClock(stall_s=10.0)
    assert all(clock.tick(float(t), None) is None for t in range(100))
    assert clock.tick(100.0, PAIRS) is None  # timed from here
    assert clock.tick(109.0, PAIRS) is None
    assert clock.tick(110.0, PAIRS) == CodingStalled(10.0)


def test_a_question_with_its_own_stall_time_stalls_on_it() -> None:
    """A role script's ``stall_s`` on a coding question comes before the deployment's."""
    quick = PlannedQuestion(id="quick", text="Write it.", kind="coding", time_limit_s=300,
                            stall_s=20.0)  # fmt: skip
    clock = CodingClock(stall_s=60.0)
    heard = [(t, e) for t in range(0, 61) if (e := clock.tick(float(t), quick)) is not None]
    assert heard == [(t, CodingStalled(20.0)) for t in (20, 40, 60)]
    assert _ticks(clock, 61, 122) == [(121, CodingStalled(60.0))]  # PAIRS: the deployment's
