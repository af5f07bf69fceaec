"""Completion certificates: who gets one, what it says, and the staff app's download link."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from tests.apps.test_staff import sign_in
from tests.conftest import SCHOOL
from toolkit.apps.staff import StaffApp
from toolkit.dates import add_months
from toolkit.reports.certificates import certificate_pdf
from toolkit.school.progress import completion_dates
from toolkit.store import NewLearner
from toolkit.store import clock as store_clock

TODAY = date(2026, 9, 5)


def complete_modules(store, catalogue, learner, skip: str | None = None) -> None:
    """Play every scenario to the end and pass every quiz of the learner's modules but `skip`."""
    for module in catalogue.modules_for(learner.role):
        if module.id == skip:
            continue
        for scenario in catalogue.scenarios_in(module.id):
            version = catalogue.version(scenario.id, SCHOOL)
            store.complete_attempt(store.start_attempt(learner.id, scenario.id, version), 100)
        if module.id in catalogue.quizzes:
            version = catalogue.quiz_version(module.id, SCHOOL)
            attempt = store.start_quiz(learner.id, module.id, version, [])
            store.record_quiz_result(attempt, [], 100, True)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def certificate_widget(app: StaffApp):
    found = [c for c in app.body.children if "Your certificate" in getattr(c, "value", "")]
    assert len(found) <= 1
    return found[0] if found else None


def linked_pdf(widget) -> bytes:
    match = re.search(
        r'<a download="certificate.pdf" href="data:application/pdf;base64,([^"]+)">', widget.value
    )
    assert match, widget.value
    return base64.b64decode(match.group(1))


@pytest.fixture
def app(store, catalogue, school):
    return StaffApp(store, school, today=lambda: TODAY)


def test_completion_dates_list_every_module_once_all_are_complete(
    store, catalogue, learner_and_code, school
):
    """Does a learner who finished everything get each module's title with the day it was done?"""
    learner = learner_and_code[0]
    before = datetime.now(UTC).date()
    complete_modules(store, catalogue, learner)
    after = datetime.now(UTC).date()
    dates = completion_dates(store, school, learner)
    assert [title for title, _ in dates] == [m.title for m in catalogue.modules_for("teacher")]
    assert all(before <= day <= after for _, day in dates)


def test_a_module_is_dated_by_its_last_scenario_or_quiz_pass(
    store, catalogue, learner_and_code, monkeypatch, school
):
    """Is a module's day the latest of its scenarios' completions and its quiz pass?"""
    learner = learner_and_code[0]
    monkeypatch.setattr(store_clock, "now", lambda: datetime(2026, 9, 3, 10, tzinfo=UTC))
    complete_modules(store, catalogue, learner)
    monkeypatch.setattr(store_clock, "now", lambda: datetime(2026, 9, 8, 10, tzinfo=UTC))
    attempt = store.start_quiz(learner.id, "contact", catalogue.quiz_version("contact", SCHOOL), [])
    store.record_quiz_result(attempt, [], 100, True)
    monkeypatch.setattr(store_clock, "now", lambda: datetime(2026, 9, 10, 10, tzinfo=UTC))
    attempt = store.start_quiz(learner.id, "contact", catalogue.quiz_version("contact", SCHOOL), [])
    store.record_quiz_result(attempt, [], 20, False)  # a later failed retake does not move the day
    scenario = catalogue.scenarios_in("safeguarding")[0].id
    version = catalogue.version(scenario, SCHOOL)
    store.complete_attempt(store.start_attempt(learner.id, scenario, version), 50)
    dates = dict(completion_dates(store, school, learner))
    assert dates[catalogue.modules["contact"].title] == date(2026, 9, 8)
    assert dates[catalogue.modules["safeguarding"].title] == date(2026, 9, 10)
    assert dates[catalogue.modules["online-presence"].title] == date(2026, 9, 3)


def test_the_staff_app_links_a_certificate_once_everything_is_complete(
    app, store, catalogue, learner_and_code
):
    """Does a finisher see a download link to a PDF naming them, their school and the dates?"""
    learner, code = learner_and_code
    complete_modules(store, catalogue, learner)
    sign_in(app, learner.email, code)
    assert app.alert.value == ""
    widget = certificate_widget(app)
    assert widget is not None and "<h2>Your certificate</h2>" in widget.value
    assert "Download your certificate (PDF)</a>" in widget.value
    pdf = linked_pdf(widget)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    profile = catalogue.profile(SCHOOL)
    assert "Certificate of completion" in text and learner.name in text
    assert (
        f"has completed the social media and e-safety training on {profile.name}'s "
        f"{profile.policy.title}" in text
    )
    for module in catalogue.modules_for(learner.role):
        assert module.title in text
    assert profile.settings.refresher_months == 12
    assert "Issued on 5 September 2026. Refresher due by 5 September 2027." in text


@pytest.mark.parametrize("skip", ["safeguarding", "failed quiz"])
def test_no_certificate_until_every_module_is_complete(
    app, store, catalogue, learner_and_code, skip, school
):
    """Does a learner missing one module, or one quiz pass, get no certificate link?"""
    learner, code = learner_and_code
    complete_modules(store, catalogue, learner, skip="safeguarding")
    if skip == "failed quiz":
        for scenario in catalogue.scenarios_in("safeguarding"):
            version = catalogue.version(scenario.id, SCHOOL)
            store.complete_attempt(store.start_attempt(learner.id, scenario.id, version), 100)
        version = catalogue.quiz_version("safeguarding", SCHOOL)
        store.record_quiz_result(
            store.start_quiz(learner.id, "safeguarding", version, []), [], 40, False
        )
    assert completion_dates(store, school, learner) is None
    sign_in(app, learner.email, code)
    assert app.alert.value == "" and app.learner == learner
    assert certificate_widget(app) is None


def test_a_hostile_name_is_drawn_as_plain_text(app, store, catalogue):
    """Does a name with HTML and mathtext in it show as typed, in the page and in the PDF?"""
    name = "<img src=x> $x^2$"
    person = NewLearner(name, "odd@school.example", "governor", date(2026, 9, 1))
    ((learner, code),) = store.add_learners([person])
    complete_modules(store, catalogue, learner)
    sign_in(app, learner.email, code)
    assert "<img src=x>" not in "".join(getattr(c, "value", "") for c in app.body.children)
    assert name in pdf_text(linked_pdf(certificate_widget(app)))


def test_the_certificate_is_one_a4_landscape_page_even_with_many_modules():
    """Is a certificate with many modules and a long name one A4 landscape page listing them all?"""
    modules = [(f"Module {i}: a fairly long title", date(2026, 9, i + 1)) for i in range(14)]
    pdf = certificate_pdf(
        "Alexandra Featherstonehaugh-Smythe-Worthington",
        "St Example's Church of England Primary School and Nursery",
        "Staff Social Media, Online Safety and Acceptable Use Policy",
        modules,
        date(2026, 9, 20),
        date(2027, 9, 20),
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    assert "Module 13: a fairly long title 14 September 2026" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 9, 5), 12, date(2027, 9, 5)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    """Does a refresher date exist even when the month is shorter?"""
    assert add_months(day, months) == expected
