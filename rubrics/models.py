"""Role scripts as pydantic models: what a recruiter writes in YAML.

The models check the shape of each field; ``rubrics.checks`` checks what spans fields (references,
coverage, time). Unknown keys are rejected everywhere so a typo never passes silently.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    ValidationInfo,
    field_validator,
)

from recruiter_coding.problems import Problem as CodingProblem
from recruiter_coding.problems import shipped_problems

__all__ = [
    "DEFAULT_PROBES",
    "GAPS",
    "Competency",
    "Flow",
    "FollowUpPolicy",
    "Persona",
    "Question",
    "RoleScript",
    "Signals",
]

_ID = r"^[a-z0-9][a-z0-9-]*$"

# A coding question's problem: a shipped problem's id, or a problem written in the script.
SHIPPED, WRITTEN = "shipped-problem", "written-problem"  # the union's tags (in error paths)


def _problem_form(value: Any) -> str:
    return WRITTEN if isinstance(value, dict | CodingProblem) else SHIPPED


ProblemRef = Annotated[
    Annotated[str, Tag(SHIPPED)] | Annotated[CodingProblem, Tag(WRITTEN)],
    Discriminator(_problem_form),
]

Gap = Literal[
    "situation",
    "task",
    "action",
    "result",
    "measurable-outcome",
    "own-role",
    "trade-offs",
    "depth",
]
GAPS: tuple[str, ...] = get_args(Gap)

QuestionKind = Literal[
    "behavioural", "situational", "technical", "coding", "motivation", "candidate-questions"
]

# The gaps a question's follow-ups probe when its script names none, most important first: a
# story's outcome and the candidate's part in it; a plan's steps and what it gives up; how a
# technical answer works; more of the candidate's own reasons. A coding question's follow-ups
# are about its code, and the candidate's own questions get none.
DEFAULT_PROBES: dict[str, tuple[Gap, ...]] = {
    "behavioural": ("result", "measurable-outcome", "own-role"),
    "situational": ("action", "trade-offs"),
    "technical": ("depth", "trade-offs"),
    "motivation": ("depth",),
    "coding": (),
    "candidate-questions": (),
}


class _Strict(BaseModel):
    # No NaN or infinity in a number (a weight of .nan, or "1e999", would be stored as such).
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        """A number field refuses true and false, which pydantic would read as 1 and 0."""
        kinds = {cls.model_fields[str(info.field_name)].annotation}
        kinds |= set(get_args(next(iter(kinds))))
        if isinstance(value, bool) and kinds & {int, float}:
            raise ValueError(f"a number is expected, not {str(value).lower()}")
        return value


class Persona(_Strict):
    """The recruiter the candidate talks to."""

    name: str = Field(min_length=1, description="The recruiter's first name, as spoken.")
    introduction: str = Field(min_length=1, description="How they introduce themselves.")
    tone: str = Field(default="warm, professional", description="How they speak.")


class Signals(_Strict):
    """Phrases or concepts that count as evidence for (or against) a competency."""

    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class Competency(_Strict):
    """A competency the interview measures."""

    id: str = Field(pattern=_ID, max_length=64)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    weight: float = Field(default=1.0, description="Relative weight in the overall score (> 0).")
    rubric: dict[Annotated[int, Strict()], str] = Field(
        description="Anchors for levels 1 to 5: what an answer at that level looks like."
    )
    signals: Signals = Field(default_factory=Signals)


class FollowUpPolicy(_Strict):
    """How the interviewer may follow up on an answer to this question."""

    max: int = Field(default=1, ge=0, le=3, description="Follow-ups at most.")
    # None (unset): the question's kind decides (``probe_for``); read it through that.
    probe: list[Gap] | None = Field(
        default=None,
        description="Gaps worth a follow-up, most important first. Unset: the gaps `scripted` "
        "has lines for, then by the question's kind: behavioural result, measurable-outcome, "
        "own-role; situational action, trade-offs; technical depth, trade-offs; motivation "
        "depth; none for coding and candidate-questions.",
    )
    scripted: dict[Gap, str] = Field(
        default_factory=dict, description="Follow-up questions to use for a gap, word for word."
    )

    def probe_for(self, kind: str) -> tuple[Gap, ...]:
        """The gaps to probe on a question of ``kind``: ``probe`` where the script sets it,
        else the scripted lines' gaps and then ``DEFAULT_PROBES[kind]``."""
        if self.probe is not None:
            return tuple(self.probe)
        return tuple(dict.fromkeys([*self.scripted, *DEFAULT_PROBES[kind]]))


class Question(_Strict):
    """One question of the script."""

    id: str = Field(pattern=_ID, max_length=64)
    text: str = Field(min_length=5)
    competencies: list[str] = Field(min_length=1)
    kind: QuestionKind
    difficulty: int = Field(default=2, ge=1, le=3)
    time_limit_s: int = Field(
        default=180, gt=0, le=3600, description="Up to 900 s; a coding question up to 3600 s."
    )
    follow_up: FollowUpPolicy = Field(default_factory=FollowUpPolicy)
    strong_answer_notes: str = Field(
        default="", description="What a strong answer contains; never spoken."
    )
    hints: list[str] = Field(
        default_factory=list, description="Technical and coding questions only."
    )
    stall_s: int | None = Field(
        default=None,
        ge=10,
        le=900,
        description="Coding questions only: seconds with neither an edit nor a word before a "
        "hint (practice) and an inactivity signal; unset: the deployment's coding.stall_s "
        "(120 s by default). Under 10 s would interrupt someone reading the statement; at least "
        "the question's time_limit_s is refused (no hint would come).",
    )
    problem: ProblemRef | None = Field(
        default=None,
        description="Coding questions: a shipped problem's id (`recruiter coding problems`), or "
        "the problem written here (statement, starter code per language, examples, hidden "
        "tests, hints, expected complexity and growth; `recruiter roles schema` lists them).",
    )

    @property
    def problem_id(self) -> str | None:
        """The id of the question's problem (written or shipped), or None."""
        return self.problem.id if isinstance(self.problem, CodingProblem) else self.problem

    def coding_problem(self) -> CodingProblem | None:
        """The problem written in the script, or the shipped one its id names (None when it
        names none, or an unknown id; ``rubrics.checks`` refuses both for coding questions).

        Raises:
            recruiter_coding.problems.ProblemError: a shipped problem file is broken.
        """
        if self.problem is None or isinstance(self.problem, CodingProblem):
            return self.problem
        return shipped_problems().get(self.problem)


class Flow(_Strict):
    """How questions are chosen and how long the interview may take."""

    order: Literal["fixed", "adaptive"] = "fixed"
    max_questions: int | None = Field(default=None, gt=0)
    min_coverage: int = Field(default=1, ge=0, description="Questions asked per competency.")
    time_budget_minutes: int | None = Field(default=None, gt=0)


class RoleScript(_Strict):
    """A role the interviewer can run: who speaks, what it measures and asks, in which order."""

    id: str = Field(pattern=_ID, max_length=64)
    version: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1)
    seniority: Literal["intern", "entry", "junior", "mid", "senior", "lead", "any"] = "any"
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    description: str = ""
    duration_minutes: int = Field(gt=0, le=120)
    mode: Literal["practice", "exam"] = "practice"
    persona: Persona
    intro: str = Field(min_length=1)
    # Said in place of ``intro`` when the interview runs in exam mode (an invitation's mode may
    # differ from the script's): e.g. without the hints a practice round offers.
    exam_intro: str | None = Field(default=None, min_length=1)
    closing: str = Field(min_length=1)
    exam_closing: str | None = Field(default=None, min_length=1)  # as exam_intro, for closing
    # At most: ten times the most a shipped role has (5 competencies, 7 questions) and more;
    # checks that compare every pair of questions stay quick (a 3,500-question upload took
    # over a minute).
    competencies: list[Competency] = Field(min_length=1, max_length=50)
    questions: list[Question] = Field(min_length=1, max_length=200)
    flow: Flow = Field(default_factory=Flow)

    @property
    def opening(self) -> str:
        """What the recruiter says before the first question (``exam_intro`` in exam mode,
        where the script has one)."""
        intro = self.exam_intro if self.mode == "exam" and self.exam_intro else self.intro
        return f"{self.persona.introduction} {intro}"

    @property
    def closing_line(self) -> str:
        """What the recruiter says last (``exam_closing`` in exam mode, where there is one)."""
        return self.exam_closing if self.mode == "exam" and self.exam_closing else self.closing

    def competency(self, competency_id: str) -> Competency:
        """The competency with this id."""
        return next(c for c in self.competencies if c.id == competency_id)
