"""Matching an interviewer's question to a role's topics by meaning (the shipped sentence model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recruiter_coaching.meaning import SentenceEncoder, shipped_encoder
from recruiter_coaching.topics import TopicMatcher
from recruiter_config.assets import AssetError
from rubrics import load_role

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def script_only(installed_models: Path) -> dict[str, list[str]]:
    """The demo role's questions in the script's own words: no other phrasings."""
    return {q.id: [q.text] for q in load_role("demo").questions}


def test_sentences_become_unit_vectors_closer_in_meaning_than_in_words(
    script_only: dict[str, list[str]],
) -> None:
    encoder = shipped_encoder()
    assert encoder is not None  # installed by set-up: the matcher does not fall back here
    angry, furious, cooking = encoder.encode_all(
        ["Tell me about an angry customer.", "Describe a client who was furious with you.",
         "Do you like cooking?"]
    )  # fmt: skip
    assert angry.shape == (384,)
    assert np.linalg.norm(angry) == pytest.approx(1.0, abs=1e-5)
    assert float(angry @ furious) > float(angry @ cooking) + 0.3


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # No word in common with the script's question that words alone could use.
        ("Have you ever had to calm down someone who was furious with your company?",
         "frustrated-customer"),
        ("Two people need help right now; who goes first?", "two-urgent-requests"),
        # Small talk and off-role questions stay unmatched.
        ("How was your journey in?", None),
        ("Can you hear me okay?", None),
        ("Do you like cooking?", None),
    ],
)  # fmt: skip
def test_a_question_in_other_words_finds_its_topic_by_meaning(
    script_only: dict[str, list[str]], question: str, topic: str | None
) -> None:
    assert TopicMatcher(script_only).match(question).topic == topic
    if topic is not None:  # the words alone do not find it
        assert TopicMatcher(script_only, meaning=False).match(question).topic != topic


def test_a_model_that_cannot_be_read_is_an_asset_error(tmp_path: Path) -> None:
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(AssetError, match="the sentence model cannot be loaded"):
        SentenceEncoder(tmp_path)
