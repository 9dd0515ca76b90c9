"""Carrier queue names: the queue and the skills its callers need, stable and short."""

import pytest

from ivr.core.routing import carrier_queue_name


def test_queue_names_carry_sorted_skills() -> None:
    assert carrier_queue_name("support", []) == "support"
    assert carrier_queue_name("support", ["tech", "billing"]) == "support+billing+tech"
    with pytest.raises(ValueError, match="longer than 64"):
        carrier_queue_name("q" * 60, ["billing"])
