"""``recruiter report|review|calibration|fairness|progress|candidates``: judging and data rights."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from recruiter_cli.context import current_settings
from recruiter_config.settings import Settings
from storage import create_database, session_factory

candidates_app = typer.Typer(help="Candidates: add, export or delete everything stored.")
_err = Console(stderr=True, soft_wrap=True)
_out = Console(soft_wrap=True)


def _db(settings: Settings) -> sessionmaker[Session]:
    return session_factory(create_database(settings.resolved_database_url))


def _fail(message: str) -> typer.Exit:
    _err.print(f"[red]{message}")
    return typer.Exit(1)


def report(
    session_id: str = typer.Argument(..., help="The session to report on."),
    formats: list[str] = typer.Option(
        ["json", "html", "pdf"], "--format", "-f", help="json, html and/or pdf (repeatable)."
    ),
    out: Path | None = typer.Option(None, "--out", help="Folder (default: the session's)."),
    llm_judge: bool = typer.Option(
        False, "--llm-judge", help="Also ask the configured LLM (RECRUITER_LLM__BASE_URL)."
    ),
) -> None:
    """Score a session and write its report: scores with quotes, delivery, summary, plan."""
    from reports.files import FORMATS, timed_reports
    from reports.session_view import ReportError

    if llm_judge:
        _judge(session_id)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise _fail(f"unknown format(s) {unknown}; use {', '.join(FORMATS)}")
    settings = current_settings()
    db = _db(settings)
    try:
        with db() as s:
            folder = out or settings.sessions_dir / session_id
            written, took = timed_reports(s, session_id, folder, tuple(formats))
            s.commit()
    except ReportError as e:
        raise _fail(f"report failed: {e}") from e
    for fmt, path in written.items():
        _out.print(f"{fmt}: {path}")
    _out.print(f"built in {took:.1f} s")


def _judge(session_id: str) -> None:
    """The LLM's checked second opinion, stored before the report is built."""
    import asyncio

    from recruiter_devstack.llm_server import resolve_endpoint
    from recruiter_llm.client import LLMUnavailableError, OpenAIChatClient
    from reports.assessment import score_session, second_opinion
    from reports.session_view import ReportError
    from rubrics.second_opinion import judge_validity

    settings = current_settings()
    endpoint = resolve_endpoint(settings)
    if endpoint is None:
        raise _fail(
            "the LLM judge needs a capable LLM: set RECRUITER_LLM__BASE_URL (e.g. vLLM); with "
            "the small embedded model the deterministic scorer decides on its own"
        )

    trust = judge_validity(endpoint.model)
    if not trust.trusted:
        # Asked for by name, so it runs; after an interview it would not (judge_if_trusted).
        _out.print(f"[yellow]note: {trust.describe()}; its scores are a second opinion only")

    async def ask() -> None:
        chat = OpenAIChatClient(endpoint)
        try:
            with _db(settings)() as s:
                score_session(s, session_id)
                results = await second_opinion(s, session_id, chat)
                s.commit()
        finally:
            await chat.aclose()
        flagged = sum(r.needs_review for r in results)
        _out.print(f"LLM judge: {len(results)} competencies, {flagged} flagged for review")

    try:
        asyncio.run(ask())
    except (ReportError, LLMUnavailableError) as e:
        raise _fail(f"LLM judge failed: {e}") from e


def review(
    session_id: str = typer.Argument(..., help="The session to review."),
    recruiter: str = typer.Option(..., "--recruiter", help="Your recruiter id."),
    scores: list[str] = typer.Option(
        [], "--score", help="COMPETENCY=VALUE (1-5), repeatable; stored beside the scorer's."
    ),
    overall: float | None = typer.Option(None, "--overall", min=1.0, max=5.0),
    note: str | None = typer.Option(None, "--note", help="A note on the session."),
) -> None:
    """Add your own scores and notes; the automatic scores are kept as they are."""
    from reports.reviews import ReviewError, record_review

    by_competency: dict[str, float] = {}
    for item in scores:
        cid, _, value = item.partition("=")
        try:
            by_competency[cid] = float(value)
        except ValueError as e:
            raise _fail(f"--score {item}: the value must be a number from 1 to 5") from e
    db = _db(current_settings())
    with db() as s:
        try:
            record_review(
                s, session_id, recruiter, scores=by_competency, overall=overall, note=note
            )
        except ReviewError as e:
            raise _fail("; ".join(e.problems)) from e
        s.commit()
    _out.print(f"review stored for {session_id}")


def calibration(
    role: str | None = typer.Option(None, "--role", help="Only sessions of this role."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """AI-vs-human agreement: mean absolute difference, rank correlation, drift by month."""
    from reports.calibration import agreement
    from reports.progress import calibration_pairs

    with _db(current_settings())() as s:
        result = agreement(calibration_pairs(s, role))
    if as_json:
        print(json.dumps(asdict(result)))
        return
    _out.print(
        f"pairs: {result.pairs}; mean absolute difference: "
        f"{result.mean_absolute_difference}; rank correlation: {result.rank_correlation}"
    )
    for month, mad in result.drift:
        _out.print(f"  {month}: {mad}")


def fairness(
    labels: Path = typer.Option(..., "--labels", help="CSV with candidate_id and cohort columns."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Scoring-rate impact ratios per cohort (NYC Local Law 144); ratios under 0.8 are flagged."""
    from reports.calibration import impact_ratios
    from reports.progress import overall_by_candidate

    try:
        with labels.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        cohorts = {r["candidate_id"]: r["cohort"] for r in rows}
    except (OSError, KeyError, csv.Error) as e:
        raise _fail(f"{labels}: needs a header with candidate_id and cohort ({e})") from e
    with _db(current_settings())() as s:
        ratios = impact_ratios(overall_by_candidate(s), cohorts)
    if as_json:
        print(json.dumps([asdict(r) for r in ratios]))
        return
    for r in ratios:
        flag = "  [red]below 0.8: review[/]" if r.flagged else ""
        _out.print(
            f"{r.cohort}: n={r.candidates} rate={r.scoring_rate} ratio={r.impact_ratio}{flag}"
        )


def progress(
    candidate: str = typer.Option(..., "--candidate", help="The candidate's id."),
    fmt: str = typer.Option("html", "--format", help="html, png or json."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: print json)."),
) -> None:
    """A candidate's scores and delivery across sessions, with the target bands."""
    from html import escape

    from reports.charts import png_data_uri
    from reports.progress import progress as load_progress
    from reports.progress import progress_chart_png
    from storage import CandidateRepository

    with _db(current_settings())() as s:
        if CandidateRepository(s).get(candidate) is None:
            raise _fail(f"no candidate {candidate!r}")
        data = load_progress(s, candidate)
    if fmt == "json" or out is None:
        print(json.dumps(data))
        return
    png = progress_chart_png(data)
    if fmt == "png":
        out.write_bytes(png)
    elif fmt == "html":
        rows = "".join(
            f"<tr><td>{escape(x['started_at'][:16])}</td><td>{escape(x['role_id'])}</td>"
            f"<td>{x['overall']}</td></tr>"
            for x in data["sessions"]
        )
        out.write_text(
            "<!doctype html><meta charset=utf-8><title>Progress</title>"
            f"<h1>Progress</h1><img alt='progress' src='{png_data_uri(png)}'>"
            f"<table><tr><th>When</th><th>Role</th><th>Overall</th></tr>{rows}</table>",
            encoding="utf-8",
        )
    else:
        raise _fail(f"unknown format {fmt!r}; use html, png or json")
    _out.print(f"progress: {out}")


@candidates_app.command("add")
def candidates_add(
    name: str | None = typer.Option(None, "--name"),
    email: str | None = typer.Option(None, "--email"),
) -> None:
    """Register a candidate; prints the id to pass to `rehearse --candidate`."""
    from storage import CandidateRepository

    with _db(current_settings())() as s:
        record = CandidateRepository(s).create(display_name=name, email=email)
        s.commit()
        print(record.id)


@candidates_app.command("export")
def candidates_export(
    candidate_id: str = typer.Argument(...),
    out: Path = typer.Option(Path("candidate-export"), "--out", help="Folder to write."),
) -> None:
    """Write everything stored about a candidate: data.json plus audio and reports."""
    from reports.data_rights import export_candidate
    from storage import CandidateRepository

    settings = current_settings()
    with _db(settings)() as s:
        if CandidateRepository(s).get(candidate_id) is None:
            raise _fail(f"no candidate {candidate_id!r}")
        path = export_candidate(s, candidate_id, settings.sessions_dir, out)
    _out.print(f"exported: {path}")


@candidates_app.command("delete")
def candidates_delete(
    candidate_id: str = typer.Argument(...),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a candidate: audio, transcripts, measurements, scores, notes and reports."""
    from reports.data_rights import delete_candidate
    from storage import CandidateRepository

    settings = current_settings()
    with _db(settings)() as s:
        if CandidateRepository(s).get(candidate_id) is None:
            raise _fail(f"no candidate {candidate_id!r}")
        if not yes and not typer.confirm(f"Delete everything about {candidate_id}?"):
            raise typer.Exit(1)
        removed = delete_candidate(s, candidate_id, settings.sessions_dir)
        s.commit()
    _out.print(
        f"deleted {len(removed['sessions'])} session(s) and {len(removed['removed'])} file(s)"
        " or folder(s)"
    )


@candidates_app.command("expire-audio")
def candidates_expire_audio(
    days: int | None = typer.Option(
        None, "--days", help="Default: RECRUITER_AUDIO_RETENTION_DAYS."
    ),
) -> None:
    """Delete candidate audio older than the retention period (transcripts and scores stay)."""
    from reports.data_rights import expire_audio

    settings = current_settings()
    keep = days or settings.audio_retention_days
    if keep is None:
        _out.print("audio retention is off (RECRUITER_AUDIO_RETENTION_DAYS unset)")
        return
    with _db(settings)() as s:
        removed = expire_audio(s, keep)
        s.commit()
    _out.print(f"removed {len(removed)} audio file(s) older than {keep} days")
