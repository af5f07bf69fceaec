"""Classes and lesson deliveries: a lesson saved again replaces its tallies."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.store import NewLearner, StoreError


def test_a_delivery_saved_again_is_updated_not_added(any_store):
    """Does update_delivery replace a delivery's date and tallies in place, adding no delivery,
    and refuse a delivery that is not there?"""
    ((learner, _),) = any_store.add_learners(
        [NewLearner("Ms Ada Park", "ada@school.example", "teacher", date(2026, 9, 1))]
    )
    oak = any_store.add_class("Year 1 Oak", "5-7")
    first = [("vote", "ask", 12), ("vote", "send", 3), ("sort", "name", 1)]
    delivery_id = any_store.record_delivery(
        oak.id, "safe-5-7", "v1", learner.id, date(2026, 11, 19), first
    )
    any_store.update_delivery(
        delivery_id, date(2026, 11, 20), [("vote", "ask", 14), ("vote", "send", 1)]
    )
    (delivery,) = any_store.deliveries()
    assert (delivery.id, delivery.class_id, delivery.lesson_id, delivery.teacher_id) == (
        delivery_id,
        oak.id,
        "safe-5-7",
        learner.id,
    )
    assert delivery.delivered_on == date(2026, 11, 20)
    assert sorted(delivery.tallies) == [("vote", "ask", 14), ("vote", "send", 1)]
    with pytest.raises(StoreError, match=f"no lesson delivery with id {delivery_id + 1}"):
        any_store.update_delivery(delivery_id + 1, date(2026, 11, 20), [])
