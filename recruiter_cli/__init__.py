"""The ``recruiter`` command line."""
