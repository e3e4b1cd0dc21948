"""The language check on its own (``perception.spoken_language``): English left alone, other
languages found, and what it costs.

- **English:** every answer the shipped personas give (all roles; ``[pause N]`` kept), said by
  the candidate voice (piper) and transcribed by Whisper tiny.en as in a rehearsal: how many
  stretches the check gives to the identifier, and how many it takes for another language
  (each a false positive: an English answer's words left out of the evidence).
- **Other languages:** each non-English line of ``tests/fixtures/spoken_injections.yaml``, said
  by espeak-ng in its own language with no answer around it: how many the recogniser wrote
  words for, and of those how many the check found.
- **Sentences not made out** (``rubrics.substance.heard_unclearly``, mean word probability
  under 0.5): how many English sentences the scorer would leave out (each a false positive), and
  how many lines in other languages it leaves out whether or not the check found them.
- **Cost:** seconds per identification (Whisper base, int8, one thread, as the perceiver runs
  it) and the model's load.

Synthetic voices only: no recording of a real speaker is shipped or downloadable here.

Results go to ``bench/results/language_check.json`` and ``.md``.

Usage: ``.venv/bin/python -m bench.language_check``.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from agent.bootstrap import load_voice_models
from bench.spoken_injection import RATE, described
from perception.spoken_language import LanguageIdentifier, other_language_spans
from perception.words import TimedWord
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import CandidateVoice, spoken_in
from rubrics.said import spoken_sentences
from rubrics.substance import heard_unclearly

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PERSONAS = ROOT / "recruiter_rehearsal" / "personas"
LINES_FILE = ROOT / "tests" / "fixtures" / "spoken_injections.yaml"


@dataclass
class Heard:
    """One utterance through the recogniser and the check."""

    source: str  # "persona:<role>/<name>/<question>" | "line:<language>"
    heard: str
    checked: int  # stretches given to the identifier
    found: list[str]  # "ru 0.41, en 0.02: words" per stretch taken for another language
    sentences: int  # sentences the scorer would read
    unclear: list[str]  # of them, those the recogniser did not make out (not read)
    mean_probability: float | None  # of the words heard
    least_sure_sentence: float | None  # the lowest mean word probability of one sentence


def _unclear(text: str, words: tuple[TimedWord, ...]) -> tuple[int, list[str], float | None]:
    """How many sentences ``text`` gives the scorer, those it leaves out as not made out, and
    the lowest mean word probability of a sentence (None: no sentence had probabilities)."""
    end = words[-1].end_s if words else 0.0
    said = spoken_sentences(text, words, 0.0, end)
    means = [
        statistics.mean(p) for one in said
        if (p := [w.probability for w in one.words if w.probability is not None])
    ]  # fmt: skip
    return (len(said), [one.text for one in said if heard_unclearly(one.words)],
            round(min(means), 3) if means else None)  # fmt: skip


class _Timed:
    """The identifier, timed call by call."""

    def __init__(self, identify: LanguageIdentifier) -> None:
        self._identify = identify
        self.seconds: list[float] = []

    def __call__(self, audio: np.ndarray) -> dict[str, float]:
        started = time.perf_counter()
        result = self._identify(audio)
        self.seconds.append(time.perf_counter() - started)
        return result


def _persona_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for path in sorted(PERSONAS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, persona in data["personas"].items():
            for question, answer in persona["answers"].items():
                for text in [answer] if isinstance(answer, str) else answer:
                    if text.strip() != "[silence]":
                        texts.append((f"persona:{path.stem}/{name}/{question}", text))
    return texts


def main() -> None:
    """Run the bench and write its results."""
    started = time.perf_counter()
    models = load_voice_models(Settings())
    if models.language_id is None:
        raise SystemExit("whisper-base is not installed: run `recruiter models install`")
    identify = _Timed(models.language_id)
    load_started = time.perf_counter()
    identify(np.zeros(RATE, dtype=np.float32))  # loads the model
    load_s = time.perf_counter() - load_started
    identify.seconds.clear()
    voice = CandidateVoice(models.tts.voice)
    checked_before = 0

    def hear(source: str, audio: np.ndarray) -> Heard:
        nonlocal checked_before
        heard = models.stt.transcribe(audio)
        spans = other_language_spans(heard.words, audio, RATE, 0.0, identify)
        checked = len(identify.seconds) - checked_before
        checked_before = len(identify.seconds)
        sentences, unclear, least_sure = _unclear(heard.text.strip(), heard.words)
        probabilities = [w.probability for w in heard.words if w.probability is not None]
        mean = round(statistics.mean(probabilities), 3) if probabilities else None
        item = Heard(source, heard.text.strip(), checked, described(heard.words, spans),
                     sentences, unclear, mean, least_sure)  # fmt: skip
        print(
            f"{source[:48]:48s} checked {checked} found {len(spans)} unclear {len(unclear)}: "
            f"{item.heard[:40]!r}"
        )
        return item

    english = [hear(source, voice.render(text).samples) for source, text in _persona_texts()]
    lines = yaml.safe_load(LINES_FILE.read_text(encoding="utf-8"))
    other = [
        hear(f"line:{item['language']}", spoken_in(item["line"], item["language"]))
        for item in lines
        if item["language"] != "en"
    ]
    worded = [h for h in other if re.search(r"\w", h.heard)]
    summary = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.system()}",
        "english_utterances": len(english),
        "english_stretches_checked": sum(h.checked for h in english),
        "english_taken_for_another_language": sum(bool(h.found) for h in english),
        "other_language_lines": len(other),
        "other_language_lines_with_words_heard": len(worded),
        "other_language_lines_found": sum(bool(h.found) for h in worded),
        "english_sentences": sum(h.sentences for h in english),
        "english_sentences_unclear": sum(len(h.unclear) for h in english),
        "english_word_probability_median": round(
            statistics.median(h.mean_probability for h in english if h.mean_probability), 3
        ),
        "english_word_probability_lowest": min(
            (h.mean_probability for h in english if h.mean_probability is not None), default=None
        ),
        "english_sentence_probability_lowest": min(
            (h.least_sure_sentence for h in english if h.least_sure_sentence is not None),
            default=None,
        ),
        "other_language_lines_unclear": sum(bool(h.unclear) for h in worded),
        "other_language_lines_left_out": sum(bool(h.found or h.unclear) for h in worded),
        "identify_median_s": round(statistics.median(identify.seconds), 3),
        "identify_max_s": round(max(identify.seconds), 3),
        "identifications": len(identify.seconds),
        "model_load_s": round(load_s, 2),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"summary": summary, "english": [h.__dict__ for h in english],
            "other": [h.__dict__ for h in other]}  # fmt: skip
    (RESULTS / "language_check.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    md = [
        "# The language check: English left alone, other languages found, its cost",
        "",
        f"Taken {summary['taken_at']} on {summary['machine']}. Written by "
        "`python -m bench.language_check`; every utterance in `language_check.json`. Synthetic "
        "voices only (piper for English, espeak-ng for the other languages).",
        "",
        f"- **English** (every shipped persona answer, piper, Whisper tiny.en): "
        f"{summary['english_utterances']} utterances, {summary['english_stretches_checked']} "
        f"unsure stretches checked, **{summary['english_taken_for_another_language']} taken "
        f"for another language**",
        f"- **Other languages** (the injection lines, espeak-ng, alone): "
        f"{summary['other_language_lines']} lines, the recogniser wrote words for "
        f"{summary['other_language_lines_with_words_heard']}, of which the check found "
        f"**{summary['other_language_lines_found']}**",
        f"- **Sentences not made out** (mean word probability under 0.5, not read by the "
        f"scorer): English {summary['english_sentences_unclear']} of "
        f"{summary['english_sentences']} sentences (an utterance's mean word probability: "
        f"median {summary['english_word_probability_median']}, lowest "
        f"{summary['english_word_probability_lowest']}; a sentence's, lowest "
        f"{summary['english_sentence_probability_lowest']}); lines in other languages with one "
        f"{summary['other_language_lines_unclear']} of "
        f"{summary['other_language_lines_with_words_heard']}; left out by either rule "
        f"**{summary['other_language_lines_left_out']}**",
        f"- **Cost:** {summary['identifications']} identifications, median "
        f"{summary['identify_median_s']} s, max {summary['identify_max_s']} s (one thread); "
        f"the model loads in {summary['model_load_s']} s",
        "",
        "| source | heard | stretches checked | taken for another language | not made out |",
        "|---|---|---|---|---|",
    ]
    for h in [*other, *(h for h in english if h.checked or h.unclear)]:
        heard = h.heard.replace("|", "\\|")
        md.append(f"| {h.source} | {heard} | {h.checked} | {' / '.join(h.found)} "
                  f"| {' / '.join(h.unclear)} |")  # fmt: skip
    md.append("")
    (RESULTS / "language_check.md").write_text("\n".join(md), encoding="utf-8")
    print(json.dumps(summary, indent=2), f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
