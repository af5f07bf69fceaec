"""The `Store`: every domain operation on the progress store, composed from one mixin per domain."""

from __future__ import annotations

from toolkit.store.classes import ClassesMixin
from toolkit.store.data_rights import DataRightsMixin
from toolkit.store.learners import LearnersMixin
from toolkit.store.lifecycle import LifecycleMixin
from toolkit.store.policy import PolicyMixin
from toolkit.store.standings import StandingsMixin


class Store(
    LearnersMixin, LifecycleMixin, DataRightsMixin, ClassesMixin, StandingsMixin, PolicyMixin
):
    """Domain operations on the progress store; open one per process."""
