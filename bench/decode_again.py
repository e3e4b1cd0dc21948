"""Decoding again from a drawn word: where the new decode starts (``agent.skipped_speech``).

When Whisper's words skip speech, the audio is decoded again from the drawn word on. Whisper's
word starts run late and a decode that begins on speech drops its first word, so the new decode
may begin a little before the word (a lead) and after some silence. This bench cuts
two-sentence answers (piper joe, rendered afresh each round: piper's noise makes every render
differ) at every word start from the fourth and decodes the rest again several ways. For each
way: the WER the joined words add over the answer's one-piece decode (mean; cuts adding more
than 0.1; cuts adding more than 0.25, about a sentence lost or invented).

Results go to ``bench/results/decode_again.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.decode_again`` (about 15 minutes on 2 cores).
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from agent.skipped_speech import LEAD_S, PAD_S, decoded_again
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from tests.integration.speech import word_error_rate
from tests.integration.test_stt import SENTENCES

RESULTS = Path(__file__).parent / "results"
ROUNDS = 4
WAYS = {
    "from the word's start": (0.0, 0.0),
    "0.3 s silence": (0.0, 0.3),
    "0.05 s lead, 0.3 s silence": (0.05, 0.3),
    "0.15 s lead, 0.3 s silence": (0.15, 0.3),
}
WORSE = 0.1  # WER added by a cut that counts as worse
LOST = 0.25  # WER added by a cut that counts as a sentence lost


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
    (RESULTS / "decode_again.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    """Run the benchmark and write its results."""
    summary = _bench(Settings())
    _write(summary)
    print(json.dumps(summary["ways"], indent=2))


if __name__ == "__main__":
    main()
