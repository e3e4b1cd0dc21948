"""Interviewer-question classifier benchmark: precision and recall per label on labelled sets.

Labelled interviewer turns, by hand. Six sets ship in ``recruiter_coaching/labelled`` and
train the learned reader of protected topics: a development set written with the rules; three
tuning sets, each written by someone who had seen neither the rules nor the other sets, whose
mistakes were then used to mend the rules; the second held-out set, written blind and never
used to tune the rules; and the third held-out set (tuning-4), measured blind and then used to
mend the rules. The fourth held-out set (``bench/data``, two parts: written questions and spoken
ones as transcribed) was written blind after all of that and is used by nothing but this
benchmark: its figures are the ones to trust. Hard lawful look-alikes of protected questions are
in every set.

For each label (open, closed, leading, multi-part, protected topic): precision and recall of
``recruiter_coaching.classify_question``. On each shipped set, the learned reader is trained
on the other five (so no set is scored by a model that saw it); on the fourth held-out set, the
shipped model (trained on all six). The rules alone are scored beside. The protected-topic
recall matters most (a missed one is the costly error); a hit counts in a topic's own row only
when the topic matches.

Results go to ``bench/results/coaching.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.coaching``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from recruiter_coaching import PROTECTED_TOPICS, classify_question
from recruiter_coaching.practice import practice_roles, role_asks
from recruiter_coaching.protected_model import (
    TRAINING_SETS,
    ProtectedModel,
    labelled,
    ordinary_turns,
    shipped_model,
)
from recruiter_coaching.topics import TopicMatcher
from rubrics import load_role

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"
# The fourth held-out set: written blind after the rules and the model were built; never shipped.
HELD_OUT = ("interviewer_questions_heldout4a.yaml", "interviewer_questions_heldout4b.yaml")
# Ordinary interviewer turns written blind, none protected: how often a lawful turn is flagged
# where protected questions are rare, as in a real interview.
ORDINARY_HELD_OUT = "ordinary_turns_heldout2.yaml"
HELD_OUT_NAME = "held-out-4"
SETS = [*TRAINING_SETS, HELD_OUT_NAME]


# bench.coaching on each tuning set before any rule was mended on its mistakes (precision /
# recall; 2 December 2026). The second was scored after the first had been used to mend them:
# how far the rules carried to questions nobody had tuned them on.
FIRST_SCORES = {
    "tuning": {
        "protected (any topic)": "0.87 / 0.79",
        "open": "0.87 / 0.88",
        "closed": "0.92 / 0.91",
        "leading": "0.95 / 0.88",
        "multi-part": "0.49 / 0.90",
    },
    "tuning-2": {
        "protected (any topic)": "0.79 / 0.49",
        "open": "0.87 / 0.92",
        "closed": "0.96 / 0.92",
        "leading": "0.96 / 0.88",
        "multi-part": "0.75 / 0.88",
    },
    "tuning-3": {
        "protected (any topic)": "0.79 / 0.62",
        "open": "0.93 / 0.88",
        "closed": "0.93 / 0.96",
        "leading": "1.00 / 0.89",
        "multi-part": "0.59 / 0.77",
    },
    # Measured blind as the third held-out set; with the learned reader, protected 0.69 / 0.93.
    "tuning-4": {
        "protected (any topic)": "0.74 / 0.65",
        "open": "0.97 / 0.98",
        "closed": "0.99 / 0.98",
        "leading": "0.95 / 0.67",
        "multi-part": "0.59 / 0.77",
    },
}


@dataclass(frozen=True)
class Labelled:
    """One labelled turn and what the classifier said of it."""

    text: str
    truth: dict[str, Any]
    found: dict[str, Any]


def load(name: str) -> list[dict[str, Any]]:
    """The labelled questions of set ``name`` (one of ``SETS``)."""
    if name in TRAINING_SETS:
        return labelled(name)
    rows: list[dict[str, Any]] = []
    for file in HELD_OUT:
        rows += yaml.safe_load((DATA / file).read_text("utf-8"))["questions"]
    return rows


def model_for(name: str) -> ProtectedModel:
    """The learned reader to score set ``name`` with: trained on every shipped set but it."""
    if name not in TRAINING_SETS:
        return shipped_model()
    rows = [r for other in TRAINING_SETS if other != name for r in labelled(other)]
    return ProtectedModel.train(rows + ordinary_turns())


def classified(rows: list[dict[str, Any]], learned: ProtectedModel | bool = True) -> list[Labelled]:
    """Each row with the classifier's labels beside its own (``learned`` as in
    ``classify_question``)."""
    out = []
    for row in rows:
        kind = classify_question(row["text"], learned=learned)
        found = {"form": kind.form, "leading": kind.leading, "multi_part": kind.multi_part,
                 "protected": kind.protected}  # fmt: skip
        out.append(Labelled(row["text"], {k: row[k] for k in found}, found))
    return out


def _pr(rows: list[Labelled], truth: Any, found: Any) -> dict[str, Any]:
    """Precision and recall of the rows where ``truth(row)`` holds against ``found(row)``."""
    tp = sum(1 for r in rows if truth(r) and found(r))
    fp = sum(1 for r in rows if not truth(r) and found(r))
    fn = sum(1 for r in rows if truth(r) and not found(r))
    return {
        "n": tp + fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def scores(rows: list[Labelled]) -> dict[str, dict[str, Any]]:
    """Precision and recall per label: form (open, closed), leading, multi-part, any protected
    topic (flagged at all), and each topic (flagged as that topic)."""
    out = {
        "open": _pr(rows, lambda r: r.truth["form"] == "open", lambda r: r.found["form"] == "open"),
        "closed": _pr(
            rows, lambda r: r.truth["form"] == "closed", lambda r: r.found["form"] == "closed"
        ),
        "leading": _pr(rows, lambda r: r.truth["leading"], lambda r: r.found["leading"]),
        "multi-part": _pr(rows, lambda r: r.truth["multi_part"], lambda r: r.found["multi_part"]),
        "protected (any topic)": _pr(
            rows, lambda r: r.truth["protected"], lambda r: r.found["protected"]
        ),
    }
    for topic in PROTECTED_TOPICS:
        out[f"protected: {topic}"] = _pr(
            rows,
            lambda r, t=topic: r.truth["protected"] == t,
            lambda r, t=topic: r.found["protected"] == t,
        )
    return out


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Interviewer questions: the classifier on labelled sets",
        "",
        f"Taken {result['taken']}; `recruiter_coaching.classify_question`: rules, and where they "
        "find no protected topic, the learned reader (`recruiter_coaching.protected_model`).",
        "",
    ]
    held = result["sets"][HELD_OUT_NAME]
    both, rules = held["scores"]["protected (any topic)"], held["rules"]["protected (any topic)"]
    lines += [
        f"**Fourth held-out set ({held['size']} turns, written blind, used by nothing else): "
        f"protected-topic recall {_cell(both['recall'])}, precision {_cell(both['precision'])}** "
        f"(wanted: recall 0.95 or more). The rules alone: recall {_cell(rules['recall'])}, "
        f"precision {_cell(rules['precision'])}.",
        "",
        "On each shipped set the learned reader was trained on the other five; the table's "
        "figures are rules and reader together, the rules alone beside them.",
        "",
        "| set | turns | protected | recall | precision | rules alone: recall | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, block in result["sets"].items():
        b, r = block["scores"]["protected (any topic)"], block["rules"]["protected (any topic)"]
        figures = [b["recall"], b["precision"], r["recall"], r["precision"]]
        cells = " | ".join(_cell(f) for f in figures)
        lines.append(f"| {name} | {block['size']} | {b['n']} | {cells} |")
    lines.append("")
    ordinary = result["ordinary"]
    lines += [
        f"**Ordinary interviewer turns ({ordinary['size']}, written blind, none protected: "
        f"stock questions, probes, small talk, job content): {ordinary['flagged']} flagged as "
        f"protected** ({ordinary['flagged'] / ordinary['size']:.1%}; the rules alone "
        f"{ordinary['rules_flagged']}). In an interview, where protected questions are rare, "
        "this is the rate of false flags to expect per question asked.",
        "",
        *[f"- {t}" for t in ordinary["turns"]],
        "",
    ]
    topics = result["topics"]
    lines += [
        "## Topic matching: a question in the interviewer's own words",
        "",
        f"Each of {topics['asked']} other ways of asking a role's question (the practice "
        "files' `asks`, on every role with one), matched by `TopicMatcher`. Found its question:",
        "",
        "| matched | with the file's other phrasings (the one asked left out) "
        "| against the script's wording alone (a role with no practice file) |",
        "|---|---|---|",
        f"| by meaning (all-MiniLM-L6-v2), words as a second opinion | "
        f"{topics['meaning_with_phrasings']} | {topics['meaning_script_only']} |",
        f"| by words alone (TF-IDF over character n-grams) | "
        f"{topics['words_with_phrasings']} | {topics['words_script_only']} |",
        "",
    ]
    for name, first in FIRST_SCORES.items():
        figures = ", ".join(f"{label} {value}" for label, value in first.items())
        lines += [f"The {name} set, rules only, before its mistakes were used to mend them: "
                  f"{figures}.", ""]  # fmt: skip
    for name, block in result["sets"].items():
        lines += [
            f"## {name} set ({block['size']} turns)",
            "",
            "| label | labelled | precision | recall |",
            "|---|---|---|---|",
        ]
        for label, s in block["scores"].items():
            lines.append(f"| {label} | {s['n']} | {_cell(s['precision'])} | {_cell(s['recall'])} |")
        lines += ["", "Wrong labels:", ""]
        lines += [f"- {m}" for m in block["mistakes"]] or ["- none"]
        lines.append("")
    return "\n".join(lines)


def _mistakes(rows: list[Labelled]) -> list[str]:
    out = []
    for r in rows:
        wrong = [f"{k}: {r.found[k]} (labelled {r.truth[k]})" for k in r.truth
                 if r.found[k] != r.truth[k]]  # fmt: skip
        if wrong:
            out.append(f'"{r.text}": ' + "; ".join(wrong))
    return out


def ordinary_held_out() -> list[str]:
    """The ordinary interviewer turns written blind (none protected), as asked."""
    turns: list[str] = yaml.safe_load((DATA / ORDINARY_HELD_OUT).read_text("utf-8"))["turns"]
    return turns


def ordinary_flags() -> dict[str, Any]:
    """How many of the blind ordinary turns (none protected) are flagged as protected, by the
    rules and reader together and by the rules alone, with the turns flagged."""
    turns = ordinary_held_out()
    flagged = [(t, k.protected) for t in turns if (k := classify_question(t)).protected]
    rules = [t for t in turns if classify_question(t, learned=False).protected]
    return {"size": len(turns), "flagged": len(flagged), "rules_flagged": len(rules),
            "turns": [f'"{t}": {topic}' for t, topic in flagged]}  # fmt: skip


def topic_matching() -> dict[str, Any]:
    """How often a way of asking one of a role's questions finds that question
    (``recruiter_coaching.topics.TopicMatcher``, by meaning and by words alone), on every role
    with a practice file: against the script's own wording alone (a role with no practice
    file), and against it and the file's other phrasings with the one asked left out."""
    found = {"meaning": [0, 0], "words": [0, 0]}  # [script wording only, with phrasings]
    total = 0
    for role_id in practice_roles():
        role = load_role(role_id)
        asks = role_asks(role_id)
        texts = {q.id: [q.text] for q in role.questions}
        alone = {way: TopicMatcher(texts, meaning=way == "meaning") for way in found}
        for topic, phrasings in asks.items():
            if topic not in texts:
                continue  # strengths, weakness, why leaving: no script wording to match
            for i, asked in enumerate(phrasings):
                others = {t: texts[t] + [a for j, a in enumerate(asks.get(t, []))
                                         if (t, j) != (topic, i)] for t in texts}  # fmt: skip
                others |= {t: a for t, a in asks.items() if t not in texts}
                total += 1
                for way, counts in found.items():
                    counts[0] += alone[way].match(asked).topic == topic
                    counts[1] += (
                        TopicMatcher(others, meaning=way == "meaning").match(asked).topic == topic
                    )
    return {"asked": total, **{f"{way}_script_only": c[0] for way, c in found.items()},
            **{f"{way}_with_phrasings": c[1] for way, c in found.items()}}  # fmt: skip


def main() -> int:
    """Score every set and write the results."""
    result: dict[str, Any] = {"taken": datetime.now(UTC).isoformat(timespec="seconds"), "sets": {}}
    for name in SETS:
        rows = load(name)
        found = classified(rows, model_for(name))
        result["sets"][name] = {"size": len(rows), "scores": scores(found),
                                "rules": scores(classified(rows, learned=False)),
                                "mistakes": _mistakes(found)}  # fmt: skip
    result["ordinary"] = ordinary_flags()
    result["topics"] = topic_matching()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "coaching.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "coaching.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
