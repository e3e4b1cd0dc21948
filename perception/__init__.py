"""What is observed about how the candidate speaks and presents (measurements with a confidence)."""

from perception.pace import words_per_minute
from perception.speech import SpeechMeasures, measure_speech

__all__ = ["SpeechMeasures", "measure_speech", "words_per_minute"]
