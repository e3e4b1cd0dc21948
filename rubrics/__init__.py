"""Role scripts and rubrics: pydantic models, YAML loading with located errors, shipped roles."""

from rubrics.checks import Problem, check_role
from rubrics.loading import (
    RoleError,
    RoleIssue,
    RoleSource,
    load_role,
    load_role_file,
    load_role_source,
    parse_role,
    parse_role_bytes,
    parse_role_source,
    roles_dir,
    shipped_role_ids,
)
from rubrics.models import (
    GAPS,
    Competency,
    Flow,
    FollowUpPolicy,
    Persona,
    Question,
    RoleScript,
    Signals,
)
from rubrics.planning import plan_for
from rubrics.resolving import resolve_local_role, resolve_role, version_conflict

__all__ = [
    "GAPS",
    "Competency",
    "Flow",
    "FollowUpPolicy",
    "Persona",
    "Problem",
    "Question",
    "RoleError",
    "RoleIssue",
    "RoleScript",
    "RoleSource",
    "Signals",
    "check_role",
    "load_role",
    "load_role_file",
    "load_role_source",
    "parse_role",
    "parse_role_bytes",
    "parse_role_source",
    "plan_for",
    "resolve_local_role",
    "resolve_role",
    "roles_dir",
    "shipped_role_ids",
    "version_conflict",
]
