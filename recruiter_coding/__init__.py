"""The coding round: candidates' code run in a sandbox against a problem's tests."""

from recruiter_coding.sandbox import LANGUAGES, Language, Limits, RunResult, SandboxError, run_code

__all__ = ["LANGUAGES", "Language", "Limits", "RunResult", "SandboxError", "run_code"]
