"""The store's own errors, so callers can tell a missing learner from a broken database."""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's own errors."""


class UnknownLearner(StoreError):
    pass


class DuplicateLearner(StoreError):
    def __init__(self, emails: list[str]):
        self.emails = emails
        super().__init__(f"already on the roster: {', '.join(emails)}")


class SignInFailed(StoreError):
    def __init__(
        self, message: str = "That email and access code do not match our records."
    ) -> None:
        super().__init__(message)


class SignInLimited(SignInFailed):
    """Too many failed sign-ins for this email or from this computer: wait, then try again."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(
            "Too many sign-ins that did not match, so signing in is paused for "
            f"{minutes} minute{'s' if minutes != 1 else ''}. Please wait, then try again."
        )


class LearnerLeft(StoreError):
    """The right code, but the person has left the school: their records stay, signing in stops."""

    def __init__(self, left_on) -> None:
        self.left_on = left_on
        super().__init__(
            f"Our records show that you left the school on {left_on:%d/%m/%Y}, so you can no "
            "longer sign in."
        )


class DuplicateClass(StoreError):
    pass


class UnknownClass(StoreError):
    pass


class UnknownAttempt(StoreError):
    pass


class AttemptClosed(StoreError):
    pass


class ChoiceOutOfStep(StoreError):
    """A choice that does not follow the attempt's saved path: it moved on elsewhere (another tab)."""


class StoreUnavailable(StoreError):
    pass


class StoreBusy(StoreUnavailable):
    """The database has no connection free (it is at its limit): try again in a moment."""

    def __init__(self) -> None:
        super().__init__(
            "the training records cannot be reached just now, as their database is at its "
            "limit of connections; try again in a minute, and if it keeps happening, the DSL "
            "can raise the limit (see Connections in the deployment guide)"
        )


class StoreMissing(StoreUnavailable):
    """The SQLite file is not there, or not the one opened: never start afresh in silence."""
