"""A simulated candidate for interviewer practice: the recruiter asks, the persona answers.

Each persona is written for one role at a known level (``scores``: the level its answers show on
the role's rubric) and answers only from its written story: the first answer on a topic, then one
written answer per kind of follow-up (``topics.PROBES``). Asked the same follow-up again, it says
the same thing again, so a probing interviewer never finds two versions of one story. A question
outside the story gets the persona's ``unknown`` line; a question on a protected topic gets a
polite refusal, as a candidate may give.

Files: ``recruiter_coaching/practice_personas/<role id>.yaml``; ``asks`` there gives, per topic,
other ways an interviewer might ask it (the role's own question text is always one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from recruiter_coaching.questions import classify_question
from recruiter_coaching.topics import PROBES, TopicMatcher, points_back, probe_kind

__all__ = [
    "Calibration",
    "PracticeCandidate",
    "PracticeError",
    "PracticePersona",
    "PracticeReply",
    "calibration",
    "load_practice_persona",
    "practice_personas",
    "practice_roles",
    "role_asks",
]

# What a persona says when asked on a protected topic.
PROTECTED_REPLY = (
    "I'd rather keep that private, if that's all right. Is it something the role needs?"
)
# What it says when a follow-up is asked before any topic.
_NOTHING_YET = "Sorry, could you ask me a question first?"


class PracticeError(Exception):
    """A practice persona that is missing or whose file is invalid (the message says where)."""


class _Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1)
    probes: dict[str, str]
    asks: list[str] = Field(default_factory=list)

    def model_post_init(self, _context: object) -> None:
        missing = sorted(set(PROBES) - set(self.probes))
        unknown = sorted(set(self.probes) - set(PROBES))
        if missing or unknown:
            raise ValueError(
                f"probes must be exactly {', '.join(PROBES)}; "
                f"missing: {missing or 'none'}, unknown: {unknown or 'none'}"
            )


class PracticePersona(BaseModel):
    """One simulated candidate: ``scores`` is competency id -> the level (1-5) its answers show."""

    model_config = ConfigDict(extra="forbid")

    description: str
    scores: dict[str, int]
    story: str
    unknown: str
    answers: dict[str, _Topic] = Field(min_length=1)


class _PracticeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    asks: dict[str, list[str]] = Field(default_factory=dict)
    personas: dict[str, PracticePersona] = Field(min_length=1)


def _folder(directory: Path | None) -> Path:
    return directory or Path(str(resources.files("recruiter_coaching") / "practice_personas"))


def _file(role_id: str, directory: Path | None) -> _PracticeFile | None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", role_id):
        raise PracticeError(f"'{role_id}' is not a role id (lowercase letters, digits, '-')")
    path = _folder(directory) / f"{role_id}.yaml"
    if not path.is_file():
        return None
    try:
        data = _PracticeFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError, UnicodeDecodeError) as e:
        raise PracticeError(f"{path}: invalid practice persona file: {e}") from e
    if data.role != role_id:
        raise PracticeError(f"{path}: says role '{data.role}', expected '{role_id}'")
    return data


def role_asks(role_id: str, *, directory: Path | None = None) -> dict[str, list[str]]:
    """Other ways of asking each of ``role_id``'s questions, from its practice file (question id
    -> phrasings; empty when none is written).

    Raises:
        PracticeError: the file is invalid.
    """
    data = _file(role_id, directory)
    return dict(data.asks) if data else {}


def practice_roles() -> list[str]:
    """The roles practice personas are written for."""
    return sorted(p.stem for p in _folder(None).glob("*.yaml"))


def practice_personas(role_id: str, *, directory: Path | None = None) -> list[str]:
    """Names of the practice personas written for ``role_id`` (none: an empty list)."""
    data = _file(role_id, directory)
    return sorted(data.personas) if data else []


@dataclass(frozen=True)
class _Loaded:
    persona: PracticePersona
    phrasings: dict[str, list[str]]


def load_practice_persona(
    role_id: str,
    name: str,
    question_texts: dict[str, str],
    competencies: list[str],
    *,
    directory: Path | None = None,
) -> PracticeCandidate:
    """The persona ``name`` for ``role_id`` as a candidate to interview.

    ``question_texts``: the role's question id -> text; ``competencies``: the role's competency
    ids, which the persona's ``scores`` must name exactly.

    Raises:
        PracticeError: no such persona or file, or a file that does not fit the role.
    """
    data = _file(role_id, directory)
    if data is None or name not in data.personas:
        known = ", ".join(sorted(data.personas)) if data else "none are written for this role"
        raise PracticeError(f"no practice persona '{name}' for role '{role_id}' ({known})")
    persona = data.personas[name]
    if set(persona.scores) != set(competencies):
        raise PracticeError(
            f"practice persona '{name}' scores {sorted(persona.scores)}, but role '{role_id}' "
            f"has competencies {sorted(competencies)}"
        )
    if bad := [c for c, s in persona.scores.items() if not 1 <= s <= 5]:
        raise PracticeError(f"practice persona '{name}': scores outside 1-5 for {bad}")
    phrasings: dict[str, list[str]] = {}
    for topic, written in persona.answers.items():
        own = [question_texts[topic]] if topic in question_texts else []
        phrasings[topic] = [*own, *data.asks.get(topic, []), *written.asks]
        if not phrasings[topic]:
            raise PracticeError(
                f"practice persona '{name}': topic '{topic}' is not a question of role "
                f"'{role_id}' and has no 'asks' to recognise it by"
            )
    return PracticeCandidate(name, persona, phrasings)


@dataclass(frozen=True)
class PracticeReply:
    """What the persona said to one question: ``topic`` it took the question to be about (None:
    outside its story), ``probe`` the follow-up kind answered (None: a first answer or none),
    ``repeated`` when it had already said this."""

    text: str
    topic: str | None
    probe: str | None
    repeated: bool = False


@dataclass
class PracticeCandidate:
    """A persona answering one interviewer's questions in turn (``reply``)."""

    name: str
    persona: PracticePersona
    phrasings: dict[str, list[str]]
    current: str | None = None
    said: set[tuple[str, str | None]] = field(default_factory=set)
    asked: int = 0

    def __post_init__(self) -> None:
        self._matcher = TopicMatcher(self.phrasings)

    def reply(self, question: str) -> PracticeReply:
        """Answer ``question`` from the story, as a first answer or a follow-up."""
        self.asked += 1
        # The persona declines what the report flags for certain (the rules), and what only
        # the learned reader flags unless it is plainly a follow-up on the story: a probe
        # ("How did you know you had learned it well enough?", health to that reader, tuned for
        # recall) or the same topic again; not "And was that before or after your little one
        # arrived?". The report flags them all.
        read = classify_question(question)
        if read.protected_by == "rules":
            return PracticeReply(PROTECTED_REPLY, None, None)
        match = self._matcher.match(question)
        follow_up = self._matcher.is_follow_up(question, match, self.current)
        plainly = follow_up and (probe_kind(question) is not None or match.topic == self.current)
        if read.protected and not plainly:
            return PracticeReply(PROTECTED_REPLY, None, None)
        if follow_up:
            assert self.current is not None  # is_follow_up says so
            kind = probe_kind(question)
            if kind is None and match.topic == self.current:  # the question asked again
                return self._say(self.current, None, self.persona.answers[self.current].answer)
            return self._probe(self.current, kind or "detail")
        if match.topic is None:
            if self.asked == 1 and points_back(question):
                return PracticeReply(_NOTHING_YET, None, None)
            self.current = None  # a follow-up now asks about what the story does not hold
            return PracticeReply(" ".join(self.persona.unknown.split()), None, None)
        self.current = match.topic
        return self._say(match.topic, None, self.persona.answers[match.topic].answer)

    def _probe(self, topic: str, kind: str) -> PracticeReply:
        return self._say(topic, kind, self.persona.answers[topic].probes[kind])

    def _say(self, topic: str, probe: str | None, text: str) -> PracticeReply:
        text = " ".join(text.split())
        repeated = (topic, probe) in self.said
        self.said.add((topic, probe))
        if repeated:
            text = "As I said, " + (
                text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
            )
        return PracticeReply(text, topic, probe, repeated)


@dataclass(frozen=True)
class Calibration:
    """How far an interviewer's scores are from the persona's known level.

    ``rows``: (competency id, the interviewer's score, the known score), in the role's order;
    ``mean_abs``: the mean absolute difference in rubric points; ``bias``: the mean signed
    difference (above 0: more lenient than the answers warrant, below 0: harsher).
    """

    rows: list[tuple[str, int, int]]
    mean_abs: float
    bias: float


def calibration(given: dict[str, int], known: dict[str, int]) -> Calibration:
    """Compare ``given`` (competency id -> 1-5; a competency left unscored, e.g. never asked
    about, is left out) with the persona's ``known`` scores.

    Raises:
        PracticeError: ``given`` is empty, names a competency the role does not have, or holds
            a score outside 1-5.
    """
    if unknown := [c for c in given if c not in known]:
        raise PracticeError(f"no competency {', '.join(unknown)}; the role's: {', '.join(known)}")
    if not given:
        raise PracticeError(f"score at least one competency: {', '.join(known)}")
    if bad := [c for c, s in given.items() if not 1 <= s <= 5]:
        raise PracticeError(f"scores are 1 to 5; outside that: {', '.join(bad)}")
    rows = [(c, given[c], known[c]) for c in known if c in given]
    diffs = [g - k for _, g, k in rows]
    return Calibration(rows, sum(abs(d) for d in diffs) / len(diffs), sum(diffs) / len(diffs))
