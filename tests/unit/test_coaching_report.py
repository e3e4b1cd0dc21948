"""The coaching report on an interviewer, from utterances with known moments."""

from __future__ import annotations

import pytest

from perception.words import TimedWord
from recruiter_coaching.practice import PracticeError, calibration
from recruiter_coaching.recording import words_to_utterances
from recruiter_coaching.render import report_markdown
from recruiter_coaching.report import SUMMARY_WORDS, CoachingReport, Utterance, coach_interview
from recruiter_coaching.session import RoleTopics, typed_utterances
from rubrics import load_role


def _iv(start: float, end: float, text: str) -> Utterance:
    return Utterance("interviewer", start, end, text)


def _cand(start: float, end: float, text: str) -> Utterance:
    return Utterance("candidate", start, end, text)


# An interview on the demo role with one of each finding at a known time.
INTERVIEW = [
    _iv(0.0, 6.0, "Tell me about a time you helped a frustrated customer."),
    _cand(
        7.0,
        30.0,
        "A customer was upset about a parcel. We talked to the courier and they "
        "sorted it out in the end.",
    ),
    _iv(31.0, 35.0, "You stayed calm the whole time, right?"),
    _cand(36.0, 40.0, "Yes, I think so."),
    _iv(41.0, 47.0, "Are you planning to have children soon?"),
    _cand(48.0, 52.0, "I'd rather not say."),
    _iv(
        53.0, 60.0, "Which request would you handle first, a failed payment or an invoice question?"
    ),
    _cand(61.0, 80.0, "The failed payment first, because it blocks the customer from buying."),
    _iv(75.0, 79.0, "Okay and why is that and what would you tell the other customer?"),
    _cand(80.5, 95.0, "Because it blocks them. I'd tell the other one I'll reply within the hour."),
]


@pytest.fixture(scope="module")
def topics() -> RoleTopics:
    return RoleTopics.of(load_role("demo"))


def test_each_finding_is_tied_to_its_moment(topics: RoleTopics) -> None:
    report = topics.coach(INTERVIEW)
    assert [m.at_s for m in report.leading] == [31.0]
    assert [(m.at_s, m.quote) for m in report.protected] == [
        (41.0, "Are you planning to have children soon?")
    ]
    assert "family" in report.protected[0].finding and report.protected[0].advice
    assert [m.at_s for m in report.interruptions] == [75.0]
    assert "5.0 s before" in report.interruptions[0].finding
    assert [m.at_s for m in report.multi_part] == [75.0]
    # "We ... they sorted it out in the end": no own action and no figure, and no follow-up
    # on that topic asked what they did or how it turned out (the tag question is leading).
    missed = {m.finding for m in report.missed_signals}
    assert missed == {"said what others did, never what they did themselves",
                      "claimed a result with no figure or detail"}  # fmt: skip
    assert all(m.at_s == 7.0 for m in report.missed_signals)


def test_topics_follow_ups_and_coverage(topics: RoleTopics) -> None:
    report = topics.coach(INTERVIEW)
    assert [q.topic for q in report.questions] == [
        "frustrated-customer", "frustrated-customer", None, "payment-or-invoice",
        "payment-or-invoice",
    ]  # fmt: skip
    assert report.follow_ups == {"frustrated-customer": 1, "payment-or-invoice": 1}
    assert report.uncovered == ["Motivation for support work"]
    # 6 + 4 + 6 + 7 + 4 s of the interviewer against 23 + 4 + 4 + 19 + 14.5 s.
    assert report.talk_share == pytest.approx(27 / (27 + 64.5))


def test_three_things_come_most_costly_first_and_the_summary_fits_90_seconds(
    topics: RoleTopics,
) -> None:
    report = topics.coach(INTERVIEW)
    assert len(report.things_to_change) == 3
    assert report.things_to_change[0].startswith("Never ask about protected topics: at 0:41")
    assert report.things_to_change[1].startswith("Ask without suggesting the answer: at 0:31")
    assert "Motivation for support work" in report.things_to_change[2]
    assert len(report.summary.split()) <= SUMMARY_WORDS
    assert "Three things to do differently" in report.summary
    text = report_markdown(report, title="t", competency_names=topics.competency_names)
    assert '**0:41** "Are you planning to have children soon?"' in text


def test_a_probe_that_asks_what_was_missing_clears_the_signal(topics: RoleTopics) -> None:
    probed = [
        *INTERVIEW[:2],
        _iv(31.0, 34.0, "What did you do yourself, and how did it end?"),
        _cand(35.0, 45.0, "I called the courier twice and got it delivered in two days."),
    ]
    assert topics.coach(probed).missed_signals == []


def test_a_good_interview_has_nothing_costly_to_change(topics: RoleTopics) -> None:
    good = typed_utterances(
        [
            (
                "What draws you to customer support work?",
                "I worked two years on a help desk and answered about forty calls a day. " * 4,
            ),
            (
                "Tell me about a time you helped a frustrated customer.",
                "A customer's order was lost twice. I called him the same day, sent a "
                "replacement by express, and he got it the next morning and left a five star "
                "review. " * 2,
            ),
            (
                "Which would you handle first, a failed payment or a question about an invoice?",
                "The failed payment, because it blocks the customer; I'd tell the other customer "
                "I would answer within the hour. " * 2,
            ),
        ]
    )
    report = topics.coach(good)
    assert report.protected == report.leading == report.multi_part == []
    assert report.uncovered == [] and report.interruptions == []
    assert report.talk_share is not None and report.talk_share < 0.3
    assert not any(t.startswith(("Never", "Ask without")) for t in report.things_to_change)


def test_no_role_means_no_topics_or_coverage() -> None:
    report = coach_interview(INTERVIEW)
    assert report.uncovered == [] and all(q.topic is None for q in report.questions)
    assert len(report.protected) == 1 and len(report.leading) == 1


def test_calibration_against_the_known_level() -> None:
    result = calibration({"a": 4, "b": 2, "c": 3}, {"a": 2, "b": 2, "c": 4})
    assert result.rows == [("a", 4, 2), ("b", 2, 2), ("c", 3, 4)]
    assert result.mean_abs == pytest.approx(1.0) and result.bias == pytest.approx(1 / 3)
    # A competency left unscored (never asked about) is left out.
    partial = calibration({"b": 4}, {"a": 2, "b": 2})
    assert partial.rows == [("b", 4, 2)] and partial.bias == pytest.approx(2.0)
    with pytest.raises(PracticeError, match="no competency x"):
        calibration({"x": 4}, {"a": 2, "b": 2})
    with pytest.raises(PracticeError, match="score at least one"):
        calibration({}, {"a": 2})
    with pytest.raises(PracticeError, match="outside that: a"):
        calibration({"a": 7, "b": 2}, {"a": 2, "b": 2})


def test_requests_are_questions_and_sign_offs_are_not(topics: RoleTopics) -> None:
    turns = [
        _iv(0.0, 4.0, "Please tell me about a time you helped a frustrated customer."),
        _cand(5.0, 20.0, "I called the courier twice and got it delivered in two days."),
        _iv(21.0, 25.0, "Next, walk me through what draws you to customer support."),
        _cand(26.0, 40.0, "I have worked on a help desk for three years and like it."),
        _iv(41.0, 42.0, "Will do."),
        _iv(43.0, 44.0, "Talk soon."),
    ]
    report = topics.coach(turns)
    assert [q.topic for q in report.questions] == ["frustrated-customer", "motivation"]
    # In a practice session every turn was put to the candidate, so every turn counts.
    assert len(topics.coach(turns, every_turn_asks=True).questions) == 4


def test_a_new_topic_asked_with_pointing_words_moves_on(
    topics: RoleTopics,
) -> None:
    turns = [
        _iv(0.0, 4.0, "Tell me about a time you helped a frustrated customer."),
        _cand(5.0, 20.0, "We talked to the courier and they sorted it out in the end."),
        _iv(21.0, 26.0, "Now, when lots of customers complained at once, how did you handle that?"),
        _cand(27.0, 40.0, "I answered the ones who had paid first and posted an update."),
        _iv(41.0, 44.0, "So what draws you to this kind of work?"),
        _cand(45.0, 50.0, "Helping people."),
        _iv(51.0, 53.0, "How many was that?"),
    ]
    report = topics.coach(turns)
    assert [(q.topic, q.follow_up) for q in report.questions] == [
        ("frustrated-customer", False), ("many-unhappy-customers", False),
        ("motivation", False), ("motivation", True),
    ]  # fmt: skip
    # The first answer's open claims were never probed: the new topics do not count as probes.
    assert len(report.missed_signals) == 2
    no_role = coach_interview(turns)
    assert [q.follow_up for q in no_role.questions] == [False, False, False, True]


def test_talking_over_the_candidate_is_an_interruption_even_without_a_question(
    topics: RoleTopics,
) -> None:
    turns = [
        _iv(0.0, 4.0, "Tell me about a time you helped a frustrated customer."),
        _cand(5.0, 20.0, "Last spring a customer wrote in because his order was lost twice."),
        _iv(15.0, 17.0, "Okay, okay, let's move on."),
    ]
    report = topics.coach(turns)
    assert [m.at_s for m in report.interruptions] == [15.0]


def test_a_flag_of_the_learned_reader_alone_is_put_as_one_to_check(topics: RoleTopics) -> None:
    turns = [_iv(0.0, 4.0, "Sorry, is it Miss or Mrs? Just for the paperwork.")]
    report = topics.coach(turns)
    (flag,) = report.protected
    assert not flag.certain and flag.finding.startswith("may touch on family")
    # After what is certain (here, the competencies no question was about): it is lawful about
    # one time in six.
    assert report.things_to_change[0].startswith("Cover every competency")
    assert report.things_to_change[1].startswith("Check a question for a protected topic")


def _coached(
    answers: list[Utterance], asked: list[TimedWord], said: list[TimedWord]
) -> CoachingReport:
    """The report on the candidate's ``answers`` and the interviewer's words ``asked``."""
    questions = words_to_utterances(asked, "interviewer", said)
    return coach_interview(sorted(answers + questions, key=lambda u: u.start_s))


def test_an_answer_cut_off_and_the_next_one_are_two_utterances() -> None:
    # The candidate stops at 48.2 s when the interviewer cuts in at 46.2 s and answers again at
    # 49.1 s, 0.9 s later: two answers (and the interruption 2.0 s before the first ended).
    said = [TimedWord("so", 40.0, 40.4), TimedWord("we", 40.5, 46.0),
            TimedWord("shipped", 46.1, 48.2), TimedWord("yes", 49.1, 49.5)]  # fmt: skip
    asked = [TimedWord("sorry", 46.2, 46.6), TimedWord("why", 46.7, 48.9)]
    assert len(words_to_utterances(said, "candidate")) == 1  # by its own pauses alone
    answers = words_to_utterances(said, "candidate", asked)
    assert [(u.start_s, u.end_s) for u in answers] == [(40.0, 48.2), (49.1, 49.5)]
    report = _coached(answers, asked, said)
    assert [m.at_s for m in report.interruptions] == [46.2]
    assert "2.0 s before" in report.interruptions[0].finding


def test_a_result_already_probed_is_no_missed_signal(topics: RoleTopics) -> None:
    turns = [
        _iv(0.0, 4.0, "Tell me about a time you helped a frustrated customer."),
        _cand(5.0, 12.0, "A customer's parcel was lost twice, so I called the courier."),
        _iv(13.0, 16.0, "How did that end up? How many were affected?"),
        _cand(17.0, 22.0, "Ten customers got refunds within two days."),
        _iv(23.0, 25.0, "What did you do yourself?"),
        _cand(26.0, 30.0, "I found the fault and fixed it myself."),
    ]
    late = topics.coach(turns).missed_signals
    assert not [m for m in late if "fixed it myself" in m.quote]
    # Without the probes before it, the same claim is one to probe.
    alone = topics.coach([turns[0], _cand(5.0, 9.0, "I found the fault and fixed it myself.")])
    assert [m.quote for m in alone.missed_signals] == ["I found the fault and fixed it myself."]


def test_an_interviewer_cutting_in_at_a_pause_is_still_an_interruption() -> None:
    # The interviewer begins in a 0.2 s pause of the candidate, who goes on: one answer, cut into.
    said = [TimedWord("wait", 36.5, 37.26), TimedWord("I", 37.48, 37.64),
            TimedWord("would", 37.64, 38.9), TimedWord("reply", 38.9, 40.1)]  # fmt: skip
    asked = [TimedWord("and", 37.3, 37.97), TimedWord("why", 37.97, 38.7)]
    answers = words_to_utterances(said, "candidate", asked)
    assert [(u.start_s, u.end_s) for u in answers] == [(36.5, 40.1)]
    report = _coached(answers, asked, said)
    assert [m.at_s for m in report.interruptions] == [37.3]
