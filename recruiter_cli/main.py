"""``recruiter``: the command-line entry point; builds the settings once and hands them down."""

from __future__ import annotations

import logging

import typer

from recruiter_cli import (
    analyze_cmd,
    coach_cmd,
    coding_cmd,
    console_cmd,
    llm_cmd,
    models_cmd,
    phone_cmd,
    practice_cmd,
    recruiters_cmd,
    rehearse_cmd,
    report_cmd,
    roles_cmd,
    up_cmd,
    web_cmd,
    worker_cmd,
)
from recruiter_cli.context import build_settings

app = typer.Typer(
    name="recruiter",
    help="A virtual recruiter that holds spoken mock interviews, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(models_cmd.app, name="models")
app.add_typer(llm_cmd.app, name="llm")
app.add_typer(roles_cmd.app, name="roles")
app.add_typer(recruiters_cmd.app, name="recruiters")
app.add_typer(analyze_cmd.app, name="analyze")
app.add_typer(phone_cmd.app, name="phone")
app.add_typer(coding_cmd.app, name="coding")
app.add_typer(coach_cmd.app, name="coach")
app.add_typer(report_cmd.candidates_app, name="candidates")
app.command("report")(report_cmd.report)
app.command("review")(report_cmd.review)
app.command("calibration")(report_cmd.calibration)
app.command("fairness")(report_cmd.fairness)
app.command("progress")(report_cmd.progress)
app.command("rehearse")(rehearse_cmd.rehearse)
app.command("console")(console_cmd.console)
app.command("worker")(worker_cmd.worker)
app.command("web")(web_cmd.web)
app.command("invite")(web_cmd.invite)
app.command("up")(up_cmd.up)
app.command("practice-interviewer")(practice_cmd.practice_interviewer)
app.command("coach-interview")(practice_cmd.coach_interview)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    build_settings()


if __name__ == "__main__":
    app()
