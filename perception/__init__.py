"""What is observed about how the candidate speaks and presents (measurements with a confidence)."""

from perception.pace import words_per_minute

__all__ = ["words_per_minute"]
