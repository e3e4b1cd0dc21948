"""Headless rehearsal: a mock interview against a simulated candidate, through the real voice
pipeline, and the offline measurement of a recording.

``run`` drives the interview, ``candidates`` speaks the persona's or the recorded answers,
``result`` holds what came out, ``summary`` writes its short Markdown/JSON summary, and
``analysis`` measures a recording or video the way answers are measured live.
"""
