"""Judging and reporting on stored interviews: scores with evidence, reports, progress, review."""
