"""Turn settings refuse endpointing delays that cannot be ordered."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recruiter_config.settings import TurnSettings


def test_a_minimum_delay_above_the_maximum_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"turn.min_delay_s \(4.0 s\) is above"):
        TurnSettings(min_delay_s=4.0, max_delay_s=3.0)


def test_equal_delays_are_accepted() -> None:
    assert TurnSettings(min_delay_s=2.0, max_delay_s=2.0).max_delay_s == 2.0
