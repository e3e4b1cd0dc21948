"""``recruiter web`` (the web app) and ``recruiter invite`` (an invitation link, from the shell)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import typer
from rich.console import Console

from recruiter_cli.context import current_settings, web_secret
from recruiter_config.settings import Settings

if TYPE_CHECKING:
    from web.actions import InviteResult

_err = Console(stderr=True, soft_wrap=True)


def web() -> None:
    """Serve the candidate pages, the recruiter dashboard and the HTTP API (uvicorn)."""
    import uvicorn

    from web.app import create_app

    settings = current_settings()
    try:
        app = create_app(settings)
    except ValueError as e:
        _err.print(f"[red]web failed: {e}")
        raise typer.Exit(1) from e
    # uvicorn's access log prints paths, and candidate links carry invitation tokens: off.
    # Behind a reverse proxy, its address in RECRUITER_WEB__TRUSTED_PROXIES lets the client's own
    # address (X-Forwarded-For) through, which the sign-in throttle counts.
    proxies = settings.web.trusted_proxies
    uvicorn.run(app, host=settings.web.host, port=settings.web.port, access_log=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)  # fmt: skip


def invite(
    role: str = typer.Option("demo", "--role", help="A shipped or stored role id."),
    candidate: str | None = typer.Option(None, "--candidate", help="An existing candidate id."),
    name: str | None = typer.Option(None, "--name", help="Or a new candidate's display name."),
    mode: str | None = typer.Option(None, "--mode", help="practice or exam (default: the role's)."),
) -> None:
    """Print an invitation link for one candidate and one interview (RECRUITER_WEB__SECRET),
    and, when the phone line is enabled, the same invitation's code for it."""
    settings = current_settings()
    result = invite_result(settings, role=role, candidate=candidate, name=name, mode=mode)
    print(result.link)
    if result.phone_code:
        print(f"by phone: call {result.phone_number} and key in {result.phone_code}")


def invite_link(
    settings: Settings, *, role: str, candidate: str | None, name: str | None, mode: str | None
) -> str:
    """A signed invitation link; a bad role, candidate or mode exits 1 with the reason."""
    return invite_result(settings, role=role, candidate=candidate, name=name, mode=mode).link


def invite_result(
    settings: Settings, *, role: str, candidate: str | None, name: str | None, mode: str | None
) -> InviteResult:
    """A signed invitation (link and phone code); a bad role, candidate or mode exits 1."""
    from storage import create_database, session_factory
    from web.actions import DashboardError
    from web.actions import invite as make_invite
    from web.context import WebContext
    from web.invites import Invitations

    secret = web_secret(settings, create=False)
    if secret and not settings.web.secret:
        _err.print(f"signing with the secret `recruiter up` keeps in {settings.home}",
                   highlight=False)  # fmt: skip
    if not secret:
        _err.print("[red]set RECRUITER_WEB__SECRET (the web app's) to sign the link, or run "
                   "`recruiter up` once with this RECRUITER_HOME to make a local one")  # fmt: skip
        raise typer.Exit(1)
    modes: dict[str | None, Literal["practice", "exam"] | None] = {
        None: None, "practice": "practice", "exam": "exam",
    }  # fmt: skip
    if mode not in modes:
        _err.print("[red]--mode is practice or exam")
        raise typer.Exit(1)
    db = session_factory(create_database(settings.resolved_database_url))
    ctx = WebContext(settings, db, Invitations(secret, settings.web.invite_ttl_hours), secret)
    try:
        with db() as s:
            result = make_invite(
                s, ctx, role_id=role, candidate_id=candidate, candidate_name=name,
                mode=modes[mode],
            )  # fmt: skip
            s.commit()
    except DashboardError as e:
        _err.print("[red]" + "; ".join(e.errors), highlight=False)
        raise typer.Exit(1) from e
    return result
