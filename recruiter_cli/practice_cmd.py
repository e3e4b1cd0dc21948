"""``recruiter practice-interviewer`` and ``recruiter coach-interview``: the recruiter practises
interviewing a simulated candidate, or has a recorded interview read; both end in a coaching
report on the interviewer."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer
from alembic.util.exc import CommandError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from perception.readings import PerceptionInputError
from recruiter_cli.context import current_settings
from recruiter_coaching.practice import (
    PracticeError,
    calibration,
    load_practice_persona,
    practice_personas,
    practice_roles,
    role_asks,
)
from recruiter_coaching.recording import recording_utterances
from recruiter_coaching.report import coach_interview as coach_utterances
from recruiter_coaching.session import (
    NO_ROLE_NOTE,
    CoachedSession,
    RoleTopics,
    save_coaching,
    typed_utterances,
)
from recruiter_config.assets import AssetError
from rubrics import RoleError, load_role, resolve_local_role
from rubrics.decoding import decode_role_bytes, read_role_file
from rubrics.models import RoleScript
from storage import CoachingRepository, create_database, session_factory

_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)
_END = {"", "/end", "/done", "/quit"}


_INTERVIEWER_HELP = "Who interviewed: your dashboard sign-in, so the dashboard shows your trends."


def _keep(session: CoachedSession, out_dir: Path | None) -> None:
    """Write the report's files, then store the session for the trends. Where neither can be
    written the report is printed whole, so that the session is not lost.

    Raises:
        typer.Exit: (1) the report could be neither written nor stored.
    """
    settings = current_settings()
    _out.print(f"\n[bold]Summary[/bold]\n{escape(session.report.summary)}")
    if session.calibration is not None:
        c = session.calibration
        _out.print(f"Calibration: {c.mean_abs:.2f} rubric points from the known level on "
                   f"average (bias {c.bias:+.2f}).")  # fmt: skip
    folder: Path | None = None
    try:
        folder = save_coaching(out_dir or settings.sessions_dir / "coaching", session)
        _out.print(f"Report: {folder / 'report.md'}")
    except OSError as e:
        _err.print(f"[yellow]the report's files could not be written: {escape(str(e))}")
    try:
        db = session_factory(create_database(settings.resolved_database_url))
        with db.begin() as s:
            row = CoachingRepository(s).add(session.row(folder))
        who = escape(session.interviewer)
        _out.print(f"Kept as coaching session {row.id} for {who}'s trends "
                   "(`recruiter coach trends`).")  # fmt: skip
    except SQLAlchemyError as e:
        why = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        _err.print(f"[yellow]the report could not be kept for the trends: {escape(why)}")
        if folder is None:
            typer.echo(session.markdown())
            raise typer.Exit(1) from e


def _parse_scores(text: str) -> dict[str, int]:
    scores: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise PracticeError(f"'{part}': give scores as competency=level, e.g. motivation=3")
        scores[key.strip()] = int(value)
    return scores


def _ask_scores(role: RoleScript) -> dict[str, int]:
    """The interviewer's scores, asked at the terminal; Enter skips a competency (not asked
    about), and end of input skips the rest."""
    _out.print("\n[bold]Score the candidate on the role's rubric (1-5; Enter skips one).[/bold]")
    scores: dict[str, int] = {}
    for c in role.competencies:
        _out.print(f"\n[bold]{escape(c.name)}[/bold]")
        for level, anchor in sorted(c.rubric.items()):
            _out.print(f"  {level}: {escape(anchor)}")
        while True:
            try:
                value = typer.prompt(f"{c.id}", default="", show_default=False).strip()
            except (typer.Abort, EOFError):
                return scores
            if not value:
                break
            if value.isdigit() and 1 <= int(value) <= 5:
                scores[c.id] = int(value)
                break
            _out.print("  a whole number from 1 to 5, or Enter to skip")
    return scores


def _questions(path: Path | None) -> tuple[list[str], bool]:
    """The questions to ask, and whether they are typed live."""
    if path is not None:
        try:
            data = read_role_file(path, "the questions")
        except RoleError as e:
            raise PracticeError(str(e)) from e
        try:
            text, _guessed = decode_role_bytes(data, str(path))
        except RoleError as e:
            raise PracticeError(f"{e}; save the questions as UTF-8 text, one per line") from e
        lines = text.splitlines()
        return [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")], False
    if not sys.stdin.isatty():
        return [q.strip() for q in sys.stdin.read().splitlines() if q.strip()], False
    return [], True


def practice_interviewer(
    role: str = typer.Option("demo", "--role", help="A shipped role id or a role script path."),
    persona: str = typer.Option("average", "--persona", help="The simulated candidate."),
    questions_file: Path | None = typer.Option(
        None, "--questions", help="Questions to ask, one per line (else typed, or from stdin)."
    ),
    scores: str | None = typer.Option(
        None, "--scores", help="Your scores, e.g. motivation=3,customer-empathy=2 (else asked)."
    ),
    out_dir: Path | None = typer.Option(None, "--out", help="Where the report folder goes."),
    interviewer: str = typer.Option(getpass.getuser(), "--interviewer", help=_INTERVIEWER_HELP),
) -> None:
    """Interview a simulated candidate at a known level, score them on the role's rubric, and
    get a coaching report on your questions and your calibration."""
    try:
        script = load_role(role)
        names = practice_personas(script.id)
        if not names:
            raise PracticeError(f"no practice personas are written for role '{script.id}'; "
                                f"they are for: {', '.join(practice_roles())}")  # fmt: skip
        candidate = load_practice_persona(
            script.id, persona, {q.id: q.text for q in script.questions},
            [c.id for c in script.competencies],
        )  # fmt: skip
        asked, live = _questions(questions_file)
        given = _parse_scores(scores) if scores else None
        if given is not None:  # checked now, not after the interview
            calibration(given, candidate.persona.scores)
        if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
            raise PracticeError(f"{out_dir}: not a folder; --out takes a folder for the report")
    except (RoleError, PracticeError) as e:
        _err.print(f"[red]practice-interviewer: {escape(str(e))}")
        raise typer.Exit(2) from e
    how = ("Ask one question per line; an empty line ends the interview." if live
           else f"Asking the {len(asked)} questions given.")  # fmt: skip
    _out.print(f"[bold]{escape(script.title)}[/bold]: you are the interviewer; the candidate "
               f"is '{persona}'. {how}")  # fmt: skip
    exchanges: list[tuple[str, str]] = []
    while True:
        if live:
            question = typer.prompt("You", default="", show_default=False).strip()
            if question in _END:
                break
        elif len(exchanges) < len(asked):
            question = asked[len(exchanges)]
            _out.print(f"[cyan]You:[/cyan] {escape(question)}")
        else:
            break
        reply = candidate.reply(question)
        _out.print(f"[green]Candidate:[/green] {escape(reply.text)}")
        exchanges.append((question, reply.text))
    if not exchanges:
        _err.print(
            "[red]practice-interviewer: no questions were asked, so there is nothing to coach"
        )
        raise typer.Exit(2)
    if given is None and sys.stdin.isatty():  # typed, or --questions at a terminal
        given = _ask_scores(script)
    calib = calibration(given, candidate.persona.scores) if given else None
    topics = RoleTopics.of(script, role_asks(script.id))
    note = "A typed session: times are what the words take to say at 150 words per minute."
    if calib is None:
        note += " No scores were given, so calibration is not measured."
    _keep(CoachedSession(
        interviewer, "practice", f"Practice interview: {script.title}, candidate '{persona}'",
        topics.coach(typed_utterances(exchanges), every_turn_asks=True), role_id=script.id,
        persona=persona,
        calibration=calib, competency_names=topics.competency_names, note=note,
    ), out_dir)  # fmt: skip


def _coached_role(role: str) -> RoleScript:
    """The role ``role`` names, as ``rubrics.resolve_local_role`` finds it: a role script file
    by path, else the newest stored version of that id (written in the dashboard's editor or
    with ``recruiter roles``), else the shipped one. With the database out of reach, a shipped
    role is used and a warning says so.

    Raises:
        RoleError: no such file, stored or shipped role, or an invalid one.
    """
    try:
        engine = create_database(current_settings().resolved_database_url)
    except (SQLAlchemyError, CommandError) as e:
        why = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        _err.print(f"[yellow]coach-interview: stored roles could not be read ({escape(why)}); "
                   "using the shipped role or the file")  # fmt: skip
        try:
            return load_role(role)
        except RoleError as missing:
            raise RoleError(f"{missing}; stored roles could not be read ({why})") from missing
    try:
        with session_factory(engine)() as s:
            return resolve_local_role(s, role).role
    finally:
        engine.dispose()


def coach_interview(
    file: Path = typer.Argument(..., help="A two-channel recording, one speaker per channel."),
    role: str | None = typer.Option(
        None, "--role", help="For topics and coverage: a stored or shipped role id, or a path."
    ),
    interviewer_channel: int = typer.Option(
        0, "--interviewer-channel", help="0: the interviewer is on the left; 1: on the right."
    ),
    out_dir: Path | None = typer.Option(None, "--out", help="Where the report folder goes."),
    interviewer: str = typer.Option(getpass.getuser(), "--interviewer", help=_INTERVIEWER_HELP),
) -> None:
    """Read a recorded interview and write a coaching report on the interviewer."""
    settings = current_settings()
    try:
        script = _coached_role(role) if role else None
        utterances = recording_utterances(settings, file, interviewer_channel=interviewer_channel)
    except (RoleError, PerceptionInputError, AssetError) as e:
        _err.print(f"[red]coach-interview: {escape(str(e))}")
        raise typer.Exit(2) from e
    if not any(u.speaker == "interviewer" for u in utterances):
        _err.print("[red]coach-interview: no interviewer speech was heard on channel "
                   f"{interviewer_channel}")  # fmt: skip
        raise typer.Exit(2)
    topics = RoleTopics.of(script, role_asks(script.id)) if script else None
    _keep(CoachedSession(
        interviewer, "recording", f"Recorded interview: {file.name}",
        topics.coach(utterances) if topics else coach_utterances(utterances),
        role_id=script.id if script else None,
        competency_names=topics.competency_names if topics else None,
        note=topics.note if topics else NO_ROLE_NOTE,
    ), out_dir)  # fmt: skip
