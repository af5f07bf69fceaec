"""Pages behind the Hub: the person comes from the Hub, not a form; the roster still decides;
signing out leaves nothing of them and offers the way out of the Hub's session."""

from __future__ import annotations

from datetime import date

import ipywidgets as w

from toolkit.apps.classroom import ClassroomApp
from toolkit.apps.page import HubSignIn, widget_tree
from toolkit.apps.staff import StaffApp
from toolkit.store import NewLearner

LOGOUT = "/services/esafety/logout"


def hub(email: str) -> HubSignIn:
    return HubSignIn(email=lambda: email, logout_url=LOGOUT)


def texts(app) -> str:
    return " ".join(
        widget.value if isinstance(widget, w.HTML) else getattr(widget, "description", "")
        for widget in widget_tree([app.root]).values()
    )


def buttons(app) -> dict[str, w.Button]:
    return {b.description: b for b in widget_tree([app.root]).values() if isinstance(b, w.Button)}


def test_the_staff_page_opens_for_the_person_the_hub_signed_in(store, school, learner_and_code):
    learner, _ = learner_and_code
    app = StaffApp(store, school, today=lambda: date(2026, 9, 5), hub=hub(learner.email))
    assert app.learner == learner
    assert not hasattr(app, "code")  # no form of its own
    assert "Take the quiz" in texts(app)

    buttons(app)["Sign out"].click()
    shown = texts(app)
    assert app.learner is None and learner.name not in shown
    assert "nothing of yours is left" in shown and f'href="{LOGOUT}"' in shown


def test_someone_the_roster_does_not_hold_gets_no_page(store, school, learner_and_code):
    learner, _ = learner_and_code
    store.leave(learner.email)
    for email in ("stranger@elsewhere.example", learner.email):
        app = StaffApp(store, school, today=lambda: date(2026, 9, 5), hub=hub(email))
        assert app.learner is None
        assert "who is not on this school" in texts(app)
        assert "Take the quiz" not in texts(app)


def test_the_classroom_teacher_is_the_person_signed_in(store, school):
    ((teacher, _), (volunteer, _)) = store.add_learners(
        [
            NewLearner("Tea Cher", "teacher@school.example", "teacher", date(2026, 9, 1)),
            NewLearner("Vol Unteer", "vol@school.example", "volunteer", date(2026, 9, 1)),
        ]
    )
    app = ClassroomApp(store, school, hub=hub(teacher.email))
    assert app.learner == teacher and "Tea Cher" in texts(app)
    assert "Vol Unteer" not in texts(app)  # no list of staff to pick from

    refused = ClassroomApp(store, school, hub=hub(volunteer.email))
    assert refused.learner is None and f'href="{LOGOUT}"' in texts(refused)
