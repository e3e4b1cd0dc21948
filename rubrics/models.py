"""Role scripts as pydantic models: what a recruiter writes in YAML, checked on load."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Persona", "Question", "RoleScript"]

_ID = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Persona(_Strict):
    """The recruiter the candidate talks to."""

    name: str = Field(min_length=1)
    introduction: str = Field(min_length=1, description="How they introduce themselves.")
    tone: str = "warm, professional"


class Question(_Strict):
    """One question of the script."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=5)
    kind: Literal["behavioural", "situational", "technical", "motivation", "candidate-questions"]
    time_limit_s: int = Field(default=180, gt=0, le=900)


class RoleScript(_Strict):
    """A role the interviewer can run: who speaks, what it asks, in which order."""

    id: str = Field(pattern=_ID)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    language: str = "en"
    description: str = ""
    duration_minutes: int = Field(gt=0, le=120)
    persona: Persona
    intro: str = Field(min_length=1)
    closing: str = Field(min_length=1)
    mode: Literal["practice", "exam"] = "practice"
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_question_ids(self) -> RoleScript:
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise ValueError(f"questions[{index}].id: duplicate question id '{question.id}'")
            seen.add(question.id)
        return self

    @property
    def opening(self) -> str:
        """What the recruiter says before the first question."""
        return f"{self.persona.introduction} {self.intro}"
