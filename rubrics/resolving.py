"""Which text a role name means: one answer for the worker, the CLI, the web app and rehearse."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from rubrics.loading import RoleError, RoleSource, load_role_source, parse_role, shipped_role_ids
from storage import RoleRepository, content_sha256

__all__ = ["resolve_local_role", "resolve_role", "version_conflict"]


def resolve_role(session: Session, role_id: str, version: str | None = None) -> RoleSource:
    """The role script ``role_id`` names: the stored ``version`` if one is given, else the latest
    stored version, else the shipped file. A ``version`` that is not stored is still found when
    it is the shipped file's own version.

    Only ids are resolved, never paths: the worker and the web app pass ids that came from
    outside (job metadata, a form), and a path there would read a file on the server.

    Raises:
        RoleError: the role is neither stored nor shipped, the version is neither stored nor
            shipped (the message lists the stored versions), or the text is invalid (with the
            line and field).
    """
    repo = RoleRepository(session)
    record = repo.get(role_id, version) if version else repo.latest(role_id)
    if record is not None:
        origin = f"stored {record.role_id} v{record.version}"
        return RoleSource(parse_role(record.content, origin), record.content, origin)
    if role_id in shipped_role_ids():
        source = load_role_source(role_id)
        if version is None or source.role.version == version:
            return source
    known = [v.version for v in repo.versions(role_id)]
    if not known and role_id not in shipped_role_ids():
        raise RoleError(
            f"no role {role_id!r} is stored or shipped; shipped roles: "
            + ", ".join(shipped_role_ids())
        )
    detail = f"stored versions: {', '.join(known)}" if known else "no stored versions"
    raise RoleError(f"role {role_id!r} has no version {version!r}; {detail}")


def resolve_local_role(session: Session, role: str) -> RoleSource:
    """For commands run on the user's own machine (rehearse, console): the role script file
    when ``role`` is a path to one, else what ``resolve_role`` finds for the id.

    Raises:
        RoleError: no such file or role, or the script is invalid (with the line and field).
    """
    if Path(role).suffix in {".yaml", ".yml"} or Path(role).exists():
        return load_role_source(role)
    try:
        return resolve_role(session, role)
    except RoleError as e:
        raise RoleError(f"{e} (or give the path of a role script file)") from e


def version_conflict(s: Session, role_id: str, version: str, text: str) -> str | None:
    """Why ``text`` cannot be stored as ``role_id`` ``version``: that version is stored, or
    ships with the product, with other content (versions are immutable); None when it can."""
    stored = RoleRepository(s).get(role_id, version)
    if stored is not None and stored.content_sha256 != content_sha256(text):
        return (f"role '{role_id}' version {version} is already stored with other content; "
                "versions are immutable, so give the changed script a new version")  # fmt: skip
    if stored is None and role_id in shipped_role_ids():
        shipped = load_role_source(role_id)
        if shipped.role.version == version and shipped.text != text:
            return (f"role '{role_id}' version {version} ships with the product with other "
                    "content; give the changed script a new version")  # fmt: skip
    return None
