"""Decoding again from a drawn word: where the new decode starts (``agent.skipped_speech``).

When Whisper's words skip speech, the audio is decoded again from the drawn word on. Whisper's
word starts run late and a decode that begins on speech drops its first word, so the new decode
may begin a little before the word (a lead) and after some silence. This bench cuts
two-sentence answers (piper joe, rendered afresh each round: piper's noise makes every render
differ) at every word start from the fourth and decodes the rest again several ways. For each
way: the WER the joined words add over the answer's one-piece decode (mean; cuts adding more
than 0.1; cuts adding more than 0.25, about a sentence lost or invented).

Then where the audio is decoded again from: lines Whisper cannot make out (Chinese characters
read by piper's English voice, Spanish and Russian said by espeak-ng) said before the strong
answer of ``bench.spoken_injection``, and the answer alone, each rendered afresh
``LINE_ROUNDS`` times and heard three ways: decoded once; decoded again from a drawn word's
start only (as before 6 December); and as the product does (``skipped_from``: also speech no
word covers, and from a pause inside). For each: how often the answer's first sentence was
lost, and the mean WER of the answer's words.

Results go to ``bench/results/decode_again.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.decode_again`` (about 20 minutes on 2 cores; ``... lines``
for the lines alone, about 5).
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from agent.skipped_speech import LEAD_S, PAD_S, decoded_again, skipped_from
from agent.stt_whisper import SAMPLE_RATE, WhisperOptions, WhisperSTT, speech_windows
from agent.tts_piper import load_voice
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice, spoken_in
from tests.integration.speech import normalise, word_error_rate
from tests.integration.test_stt import SENTENCES

RESULTS = Path(__file__).parent / "results"
INJECTIONS = Path(__file__).parents[1] / "tests" / "fixtures" / "spoken_injections.yaml"
ROUNDS = 4
LINE_ROUNDS = 8  # renders of each line before the answer
WAYS = {
    "from the word's start": (0.0, 0.0),
    "0.3 s silence": (0.0, 0.3),
    "0.05 s lead, 0.3 s silence": (0.05, 0.3),
    "0.15 s lead, 0.3 s silence": (0.15, 0.3),
}
WORSE = 0.1  # WER added by a cut that counts as worse
LOST = 0.25  # WER added by a cut that counts as a sentence lost


STRONG = (
    "Last spring a customer wrote in because his order had been lost twice. I called him the "
    "same day, listened, apologised, and shipped a replacement with express delivery. He "
    "received the parcel the next morning and later left us a five star review."
)
# Lines before the answer (``bench.spoken_injection``'s): (its language, said by espeak-ng
# in it, or read in one breath with the answer by piper's English voice).
LINES = {
    "Chinese, read by piper": ("zh", False),
    "Spanish, espeak-ng": ("es", True),
    "Russian, espeak-ng": ("ru", True),
    "none (the answer alone)": ("", False),
}
HEARD = ("decoded once", "again from a drawn word's start", "the product's")


def _heard(stt: WhisperSTT, audio: np.ndarray, way: str) -> str:
    """``audio`` transcribed as ``WhisperSTT.transcribe`` cuts it, each window decoded again
    (or not) the ``way`` named."""
    once = partial(stt._transcribe_window, again=False)
    texts = []
    for start, end in speech_windows(audio):
        window = audio[start:end]
        words = once(window).words
        skip = None if way == HEARD[0] else skipped_from(words, window, pauses=way == HEARD[2])
        if skip is not None:
            words = decoded_again(window, words, skip.word, once, from_s=skip.from_s)
        texts += [w.word for w in words]
    return " ".join(texts)


def _lines(stt: WhisperSTT, voice: CandidateVoice) -> dict[str, Any]:
    first = normalise(STRONG.split(". ")[0]).split()
    said = yaml.safe_load(INJECTIONS.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for name, (language, espeak) in LINES.items():
        # The last line in the language (Spanish: the one Whisper took the answer with).
        line = [i["line"] for i in said if i["language"] == language][-1] if language else ""
        lost = dict.fromkeys(HEARD, 0)
        wer: dict[str, list[float]] = {way: [] for way in HEARD}
        for _ in range(LINE_ROUNDS):
            if not espeak:
                audio = voice.render(f"{line} {STRONG}".strip()).samples
            else:
                gap = np.zeros(round(0.3 * SAMPLE_RATE), dtype=np.float32)
                audio = np.concatenate([spoken_in(line, language), gap,
                                        voice.render(STRONG).samples])  # fmt: skip
            audio = np.asarray(audio, dtype=np.float32)
            for way in HEARD:
                heard = _heard(stt, audio, way).split()
                tail = " ".join(heard[-len(STRONG.split()) - 3 :])
                found = set(normalise(tail).split())
                lost[way] += sum(w in found for w in first) < len(first) / 2
                wer[way].append(word_error_rate(STRONG, tail))
        out[name] = {way: {"first_sentence_lost": lost[way],
                           "answer_wer": round(float(np.mean(wer[way])), 3)}
                     for way in HEARD}  # fmt: skip
    return out


def _bench(settings: Settings) -> dict[str, Any]:
    stt = WhisperSTT(WhisperOptions(model_dir=settings.models_dir / "whisper-tiny.en"))
    voice = CandidateVoice(load_voice(settings.models_dir / "piper-joe/en_US-joe-medium.onnx"))
    once = partial(stt._transcribe_window, again=False)  # the product's decode, once
    gap = np.zeros(MIC_RATE // 2, dtype=np.float32)
    added: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(ROUNDS):
        for pair in (SENTENCES[:2], SENTENCES[2:]):
            audio = np.concatenate([voice.render(pair[0]).samples, gap,
                                    voice.render(pair[1]).samples])  # fmt: skip
            said = " ".join(pair)
            words = stt.transcribe(audio).words
            whole = word_error_rate(said, " ".join(w.word for w in words))
            for i in range(3, len(words) - 1):
                for way, (lead, pad) in WAYS.items():
                    again = decoded_again(audio, words, i, once, lead_s=lead, pad_s=pad)
                    joined = " ".join(w.word for w in again)
                    added[way].append(word_error_rate(said, joined) - whole)
    return {
        "lines": _lines(stt, voice),
        "line_rounds": LINE_ROUNDS,
        "rounds": ROUNDS,
        "cuts": len(added["from the word's start"]),
        "ways": {
            way: {
                "lead_s": WAYS[way][0],
                "pad_s": WAYS[way][1],
                "added_wer_mean": round(float(np.mean(v)), 3),
                "cuts_worse": sum(x > WORSE for x in v),
                "cuts_lost": sum(x > LOST for x in v),
            }
            for way, v in added.items()
        },
    }


def _write(summary: dict[str, Any]) -> None:
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {"taken": taken, "machine": platform.machine(), **summary}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "decode_again.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Decoding again from a drawn word: where the new decode starts",
        "",
        f"Taken {taken} on {summary['machine']}; {summary['cuts']} cuts ({summary['rounds']}"
        " renders of two two-sentence answers, every word start from the fourth), whisper tiny.en.",
        "",
        f"| way | lead (s) | silence (s) | WER added, mean | cuts adding more than {WORSE}"
        f" | cuts adding more than {LOST} |",
        "|---|---|---|---|---|---|",
    ]
    for way, r in summary["ways"].items():
        used = " (the product's)" if (r["lead_s"], r["pad_s"]) == (LEAD_S, PAD_S) else ""
        lines.append(f"| {way}{used} | {r['lead_s']} | {r['pad_s']} | {r['added_wer_mean']}"
                     f" | {r['cuts_worse']} | {r['cuts_lost']} |")  # fmt: skip
    lines += [
        "",
        "## Where from: lines Whisper cannot make out, said before an answer",
        "",
        f"Each line before the strong answer of `bench.spoken_injection`, {summary['line_rounds']}"
        " renders; the answer's first sentence lost (more than half its words missing from the"
        " answer's part of the transcript) and the answer's WER, heard three ways.",
        "",
        "| line | " + " | ".join(f"{way}: sentence lost, WER" for way in HEARD) + " |",
        "|---|" + "---|" * len(HEARD),
    ]
    for name, ways in summary["lines"].items():
        cells = [f"{w['first_sentence_lost']}, {w['answer_wer']}" for w in ways.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    (RESULTS / "decode_again.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    """Run the benchmark and write its results; with the argument ``lines``, only the lines
    said before an answer are measured again (the cuts' figures are kept from the last run)."""
    settings = Settings()
    if sys.argv[1:] == ["lines"]:
        stt = WhisperSTT(WhisperOptions(model_dir=settings.models_dir / "whisper-tiny.en"))
        voice = CandidateVoice(load_voice(settings.models_dir / "piper-joe/en_US-joe-medium.onnx"))
        last = json.loads((RESULTS / "decode_again.json").read_text())
        summary = {k: last[k] for k in ("rounds", "cuts", "ways")}
        summary["lines"] = _lines(stt, voice)
        summary["line_rounds"] = LINE_ROUNDS
    else:
        summary = _bench(settings)
    _write(summary)
    print(json.dumps(summary["lines"], indent=2))


if __name__ == "__main__":
    main()
