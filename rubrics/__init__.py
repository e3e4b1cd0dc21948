"""Role scripts and rubrics: pydantic models, YAML loading with located errors, shipped roles."""

from rubrics.loading import RoleError, load_role, load_role_file, shipped_role_ids
from rubrics.models import Persona, Question, RoleScript

__all__ = [
    "Persona",
    "Question",
    "RoleError",
    "RoleScript",
    "load_role",
    "load_role_file",
    "shipped_role_ids",
]
