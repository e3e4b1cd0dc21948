"""Turn settings refuse endpointing delays that cannot be ordered, and hold a turn longer over
the network."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recruiter_config.settings import TurnSettings


def test_a_minimum_delay_above_the_maximum_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"turn.min_delay_s \(4.0 s\) is above"):
        TurnSettings(min_delay_s=4.0, max_delay_s=3.0)


def test_equal_delays_are_accepted() -> None:
    assert TurnSettings(min_delay_s=2.0, max_delay_s=2.0).max_delay_s == 2.0


def test_audio_over_the_network_holds_the_turn_a_little_longer_and_stays_ordered() -> None:
    room = TurnSettings().over_network()
    assert room.min_delay_s == pytest.approx(TurnSettings().min_delay_s + room.network_hold_s)
    assert room.max_delay_s == TurnSettings().max_delay_s  # already the longer
    tight = TurnSettings(min_delay_s=1.5, max_delay_s=1.5, network_hold_s=0.2).over_network()
    assert (tight.min_delay_s, tight.max_delay_s) == pytest.approx((1.7, 1.7))
    assert TurnSettings(network_hold_s=0.0).over_network() == TurnSettings(network_hold_s=0.0)
