"""``recruiter rehearse``: a complete headless mock interview on the local models."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session, sessionmaker

from perception.readings import PerceptionInputError
from recruiter_cli.context import current_settings
from recruiter_config.assets import AssetError
from recruiter_config.settings import Settings
from recruiter_devstack.llm_sharing import llm_endpoint
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError
from rubrics import RoleError
from storage import StorageError, create_database, session_factory

if TYPE_CHECKING:
    from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult


async def _run(
    settings: Settings, options: RehearsalOptions, endpoint: LLMEndpoint, console: Console
) -> RehearsalResult:
    # The voice stack loads here, not at import, so `recruiter --help` stays fast.
    from agent.bootstrap import load_voice_models
    from recruiter_llm.client import OpenAIChatClient
    from recruiter_rehearsal.run import run_rehearsal

    models = load_voice_models(settings)
    chat = OpenAIChatClient(endpoint)
    try:
        return await run_rehearsal(
            settings, options, chat=chat, models=models, on_event=lambda m: console.log(m)
        )
    finally:
        await chat.aclose()


def rehearse(
    role: str = typer.Option(
        "demo",
        "--role",
        help="A role id (its latest stored version, else the shipped script) or a script path.",
    ),
    persona: str = typer.Option(
        "prepared",
        "--persona",
        help="The simulated candidate: one written for the role, or 'generic' (any role; the "
        "default for a role without personas).",
    ),
    answers: Path | None = typer.Option(
        None,
        "--answers",
        help="A folder of recorded answers (WAV, FLAC, MP3, M4A, OGG/Opus, WebM; in name "
        "order) instead of a persona.",
    ),
    webcam: Path | None = typer.Option(
        None, "--webcam", help="A video (or image) played as the candidate's camera."
    ),
    candidate: str | None = typer.Option(
        None, "--candidate", help="The candidate's id (from `recruiter candidates add`)."
    ),
    resume: str | None = typer.Option(
        None,
        "--resume",
        metavar="SESSION",
        help="Go on with a stored rehearsal whose process died: its role version and persona "
        "(--role, --persona and --candidate are not used); a session answered from recordings "
        "needs --answers DIR again. One that had ended before its report was written gets the "
        "report, and nothing is asked again.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Run a complete spoken mock interview with a simulated candidate; no mic, no server."""
    from agent.errors import AgentError
    from agent.resume import CannotContinueError, resumption_for
    from recruiter_rehearsal.candidates import check_persona
    from recruiter_rehearsal.run import RehearsalOptions, rehearsal_role
    from recruiter_rehearsal.summary import result_json

    settings = current_settings()
    err = Console(stderr=True, soft_wrap=True)
    out = err if as_json else Console(soft_wrap=True)
    try:
        # Fail fast on a bad role, persona or session, before models load or servers start.
        engine = create_database(settings.resolved_database_url)
        db = session_factory(engine)
        try:
            if resume is not None:
                if _report_after_crash(db, resume, settings, out, as_json=as_json):
                    return
                try:
                    with db() as s:
                        source, resumption = resumption_for(s, resume, channel="headless")
                except CannotContinueError as e:
                    _close_unresumable(db, resume, settings, e, err)
                if resumption.persona is None and answers is None:
                    raise AgentError(f"session {resume} was answered from recordings: give "
                                     "them again with --answers DIR")  # fmt: skip
                checked, persona = source.role, resumption.persona or persona
            else:
                checked = rehearsal_role(db, role).role
        finally:  # the rehearsal opens its own; none is left for the garbage collector
            engine.dispose()
        if answers is None:
            check_persona(checked.id, persona)
        options = RehearsalOptions(
            role=role, persona=persona, answers_dir=answers, webcam=webcam,
            candidate_id=candidate, resume=resume,
        )  # fmt: skip
        with llm_endpoint(settings, on_start=out.log) as endpoint:
            result = asyncio.run(_run(settings, options, endpoint, out))
    except (
        RoleError, AgentError, AssetError, LLMUnavailableError, StorageError, PerceptionInputError,
    ) as e:  # fmt: skip
        err.print(f"[red]rehearsal failed: {e}")
        raise typer.Exit(1) from e
    except KeyboardInterrupt as e:
        err.print("[yellow]rehearsal stopped (Ctrl-C)[/]: every turn stored so far is kept; a "
                  "session it had started (named above) goes on with `recruiter rehearse "
                  "--resume SESSION`")  # fmt: skip
        raise typer.Exit(130) from e
    if as_json:
        print(json.dumps(result_json(result)))
        return
    median = result.median_latency_s
    out.print(f"\n[bold]Interview complete[/] ({len(result.turns)} turns stored)")
    out.print(f"session:  {result.session_id} in {settings.resolved_database_url}")
    out.print(f"audio:    {result.audio_path}")
    out.print(f"report:   {result.report_path}")
    for fmt, path in result.reports.items():
        out.print(f"{fmt + ':':<9} {path}")
    if result.report_build_s is not None:
        out.print(f"scored report built in {result.report_build_s:.1f} s")
    if result.report_error:
        out.print(f"[yellow]scored report not built: {result.report_error}")
    if median is not None:
        out.print(f"latency:  median {median:.2f} s end of speech -> first recruiter audio")


def _judging(settings: Settings, stack: contextlib.ExitStack, out: Console) -> LLMEndpoint | None:
    """Where to ask the LLM judge for a report written after a crash: the configured endpoint;
    the embedded server, started on ``stack`` for that alone, only when its model is trusted
    as a judge. None otherwise, or when the validity table cannot be read or the server does
    not start: that is said in one line on ``out``, and the report is written without it."""
    from recruiter_devstack.llm_server import resolve_endpoint
    from rubrics.second_opinion import judge_validity

    endpoint = resolve_endpoint(settings)
    if endpoint is not None:
        return endpoint
    try:
        if not judge_validity(settings.llm.gguf).trusted:
            return None
        return stack.enter_context(llm_endpoint(settings, on_start=out.log))
    except (OSError, ValueError, AssetError, LLMUnavailableError) as e:
        out.print(f"[yellow]the LLM judge is not asked: {escape(str(e))}")
        return None


def _report_after_crash(
    db: sessionmaker[Session], session_id: str, settings: Settings, out: Console, *,
    as_json: bool,
) -> bool:  # fmt: skip
    """``rehearse --resume`` of a rehearsal that had ended but whose process was stopped
    before its report was written: the report is written now, with the LLM judge's second
    opinion where the rehearsal would have asked it (a trusted model; the embedded server is
    started only for that). Whether it was such a session.

    Raises:
        AgentError: the report could not be built (the role version it ran is needed).
    """
    from agent.abandoned import judge_with, write_missing_report
    from agent.errors import AgentError
    from agent.resume import unreported_sessions

    with db() as s:
        found = dict(unreported_sessions(s, ended_s=(0.0, float("inf")), channel="headless"))
    if session_id not in found:
        return False
    with contextlib.ExitStack() as stack:
        judge = judge_with(_judging(settings, stack, out))
        written = write_missing_report(db, session_id, found[session_id], settings, judge)
    if not written:
        raise AgentError(f"session {session_id} had ended, but its report could not be "
                         "built (the role version it ran is needed)")  # fmt: skip
    folder = settings.sessions_dir / session_id
    report = folder / "report.html"
    if as_json:
        print(json.dumps({"session_id": session_id, "report_path": str(report)}))
        return True
    out.print(f"session {session_id} had ended; its process stopped before the report "
              f"was written, and it is written now\nreport:   {report}")  # fmt: skip
    for fmt in ("json", "pdf"):
        if (folder / f"report.{fmt}").is_file():
            out.print(f"{fmt + ':':<9} {folder / f'report.{fmt}'}")
    return True


def _close_unresumable(
    db: sessionmaker[Session], session_id: str, settings: Settings, why: Exception,
    err: Console,
) -> NoReturn:  # fmt: skip
    """``rehearse --resume`` of a session that cannot go on: it is closed as interrupted and
    what was answered is scored, so nothing stays half open; then exit 1 saying so."""
    from agent.interview import close_interrupted
    from agent.resume import CLOSED_AS

    reason = f"{CLOSED_AS} the interview's process stopped and it could not go on from its record"
    built = close_interrupted(db, session_id, settings, reason=reason)
    scored = (f"the answers given were scored: {settings.sessions_dir / session_id}" if built
              else "its report could not be built (the role version it ran is needed)")  # fmt: skip
    err.print(f"[red]rehearsal failed: {escape(str(why))}[/]\nsession {session_id} is closed as "
              f"interrupted; {scored}")  # fmt: skip
    raise typer.Exit(1) from why
