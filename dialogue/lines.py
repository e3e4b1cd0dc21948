"""The recruiter's scripted lines (questions and acknowledgements aside), by what they are for,
and every line an interview may need, for synthesis ahead of time."""

from __future__ import annotations

from dialogue.acknowledgement import ACKNOWLEDGEMENTS, LEAD_INS
from dialogue.followups import GAP_DESCRIPTIONS, fallback_follow_up
from dialogue.messages import Coach
from dialogue.state import InterviewPlan, InterviewState

__all__ = ["ANOTHER_EXAMPLE", "CLARIFY", "LINES", "TIPS", "choose_cue", "lines_to_prepare"]

LINES = {
    "skip": "No problem, let's move on.",
    "dont-know": "That's completely fine. Let's move on.",
    "silence": "Take your time. Would you like me to repeat the question?",
    "move-on": "Let's move on to the next one.",
    "refusal": "I can't share how answers are assessed or change how this interview works, but "
    "I'm happy to keep going.",
    "their-question": "Thanks for asking. I'll pass that to the hiring team so they can follow "
    "up with you.",
    "over-time": "Thank you, that's really helpful. In the interest of time, let me move us along.",
    "alright": "Alright.",
    "repeat": "Of course.",
    "back": "So, back to my question.",
    "redirect": "Let me bring us back to the question.",
    "repeat-silence": "Let me repeat it.",
    "not-heard": "Sorry, I didn't catch that. Could you say it again?",
    "not-heard-move-on": "I'm sorry, I still couldn't hear that, so let's go on.",
    "not-heard-close": "I'm sorry, I still couldn't hear that, so let's stop here.",
}

CLARIFY = {
    "behavioural": "I'm looking for one real example from your experience: what the situation "
    "was, what you did yourself, and how it turned out.",
    "situational": "Imagine you're in that situation now: what would you do first, and why?",
    "technical": "Think out loud: how would you approach it, and what would you watch out for?",
    "coding": "Write a function that does what the problem on your screen asks; the examples "
    "show what it should return. Talk me through your approach as you go.",
    "motivation": "Just tell me in your own words what interests you about this, and why.",
    "candidate-questions": "Anything you'd like to know about the role, the team or next steps.",
}


TIPS = {
    "pace-fast": "A quick tip: you're speaking quite fast. Slowing down a little helps your "
    "points land.",
    "pace-slow": "A quick tip: a slightly brisker pace will help keep your listener with you.",
    "fillers": "A quick tip: when you need a moment, a short pause works better than um or uh.",
    "looking-away": "A quick tip: try to look toward the camera while you answer.",
    "quiet": "A quick tip: speak up a little, or move closer to your microphone.",
}


ANOTHER_EXAMPLE = (
    "You've already told me a little about this, so I'd like to hear a different example."
)


def lines_to_prepare(plan: InterviewPlan) -> list[str]:
    """What the recruiter may say in this interview, most urgent first, for synthesis ahead.

    Acknowledgements and lead-ins start most replies; then the questions with their scripted
    follow-ups; then the lines for silence, clarification, skipping and the closing.
    """
    lines: list[str] = [*LEAD_INS, *(a for group in ACKNOWLEDGEMENTS.values() for a in group)]
    for q in plan.questions:
        lines.append(q.text)
        lines += [fallback_follow_up(g, q.scripted) for g in q.probe if g in GAP_DESCRIPTIONS]
    lines += [
        ANOTHER_EXAMPLE, *CLARIFY.values(), *TIPS.values(), *LINES.values(), plan.closing,
    ]  # fmt: skip
    return list(dict.fromkeys(lines))


def choose_cue(state: InterviewState) -> Coach | None:
    """A short coaching cue between questions, in practice mode, from perception's cues.

    Perception decides what was observed (pace outside 120-160 words per minute, fillers over
    1.3 per 100 words, looking away, a quiet voice); this picks the first cue with a tip that
    was not the last one given, so the candidate does not hear the same tip twice in a row.
    """
    if state.plan.mode != "practice":
        return None
    for kind in state.last_cues:
        if kind in TIPS and kind != state.last_cue:
            return Coach(TIPS[kind], kind)
    return None
