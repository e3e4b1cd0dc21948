"""Role scripts written in the browser: checked as they are typed (every located error at
once, and warnings), compared with the role's newest version, and drafted from a job
description by the LLM, the draft ending in the editor for review.

The comparison is a unified diff (``difflib`` from the standard library).
"""

from __future__ import annotations

import asyncio
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy.orm import Session

from recruiter_devstack.llm_server import resolve_endpoint
from recruiter_llm.client import LLMUnavailableError, OpenAIChatClient
from rubrics import RoleError, load_role_source, parse_role_source, resolve_role, version_conflict
from rubrics.drafting import Draft, draft_role
from web.actions import MAX_ROLE_BYTES, DashboardError
from web.context import WebContext

__all__ = [
    "DRAFT_LIMIT_S", "ORIGIN", "RoleCheck", "check_role_text", "draft_from_job", "editor_lines",
    "editor_text",
]  # fmt: skip

ORIGIN = "editor.yaml"  # how errors name the text in the editor
# A draft is up to 3 LLM answers; the embedded 0.5B model gives one in 20-30 s here.
DRAFT_LIMIT_S = 240.0


@dataclass(frozen=True)
class RoleCheck:
    """What checking the editor's text found.

    ``errors`` are every located error (``editor.yaml:LINE:COL field: message``); ``diff`` is
    the change from the role's newest stored (or shipped) version ``previous_version``, empty
    for a new role or no change.
    """

    valid: bool
    role_id: str | None
    version: str | None
    title: str | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    previous_version: str | None = None
    diff: str = ""


def _declared_id(text: str) -> str | None:
    """The ``id:`` an unparseable-as-a-role text declares, if its YAML says one."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def editor_lines(text: str) -> str:
    """The editor's text with Unix line ends: browsers send a textarea's with CRLF, which
    would make every line differ from the same script uploaded as a file."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_role_text(s: Session, text: str) -> RoleCheck:
    """Check ``text`` as a role script (nothing is stored) and compare it with the role's
    newest version."""
    text = editor_lines(text)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:  # a lone surrogate, which JSON can carry
        return RoleCheck(False, None, None, None, [f"{ORIGIN}: not valid text ({e.reason})"])
    if size > MAX_ROLE_BYTES:
        return RoleCheck(False, None, None, None,
                         [f"a role script is at most {MAX_ROLE_BYTES // 1024} KiB"])  # fmt: skip
    try:
        source = parse_role_source(text, ORIGIN)
    except RoleError as e:
        role_id = _declared_id(text)
        errors = [str(i) for i in e.issues] or [str(e)]
        valid, version, title, warnings = False, None, None, []
    else:
        role = source.role
        role_id, version, title = role.id, role.version, role.title
        conflict = version_conflict(s, role.id, role.version, text)
        errors = [f"{ORIGIN}: {conflict}"] if conflict else []
        valid, warnings = not errors, [str(w) for w in source.warnings]
    previous, diff = None, ""
    if role_id:
        try:
            before = resolve_role(s, role_id, None)
        except RoleError:
            before = None  # a new role (or a stored one that no longer parses)
        if before is not None:
            previous = before.role.version
            diff = "".join(difflib.unified_diff(
                before.text.splitlines(keepends=True), text.splitlines(keepends=True),
                f"{role_id} v{previous}", "editor",
            ))  # fmt: skip
    return RoleCheck(valid, role_id, version, title, errors, warnings, previous, diff)


def editor_text(s: Session, role_id: str | None) -> str:
    """The text to start editing: the role's newest version, or (a new role) the shipped demo
    role as an example to change.

    Raises:
        DashboardError: 404 for an unknown role.
    """
    if not role_id:
        example = load_role_source("demo").text
        example = example.replace("id: demo\n", "id: new-role\n", 1)
        example = re.sub(r"(?m)^version: .*$", 'version: "1"', example, count=1)
        return (
            "# A new role, from the demo's script: change the id, title and the rest.\n" + example
        )
    try:
        return resolve_role(s, role_id, None).text
    except RoleError as e:
        raise DashboardError(404, [str(e)]) from e


async def draft_from_job(ctx: WebContext, job_description: str) -> Draft:
    """A validated draft role script from ``job_description``, by the configured LLM.

    Raises:
        DashboardError: 422 for an empty description; 503 when no LLM is reachable.
    """
    if not job_description.strip():
        raise DashboardError(422, ["paste the job description to draft from"])
    endpoint = resolve_endpoint(ctx.settings)
    if endpoint is None:
        raise DashboardError(503, ["no LLM is configured for the web app: start it with "
                                   "`recruiter up`, or set RECRUITER_LLM__BASE_URL"])  # fmt: skip
    client = OpenAIChatClient(endpoint, timeout_s=300)
    header = f"# Drafted from a job description by {endpoint.model}; review every line."
    try:
        async with asyncio.timeout(DRAFT_LIMIT_S):
            return await draft_role(job_description, client, header=header)
    except TimeoutError as e:
        late = f"the LLM did not finish the draft within {DRAFT_LIMIT_S:.0f} s; try again"
        raise DashboardError(503, [f"{late}, or draft with `recruiter roles draft`"]) from e
    except LLMUnavailableError as e:
        raise DashboardError(503, [f"the LLM could not draft: {e}"]) from e
    finally:
        await client.aclose()
