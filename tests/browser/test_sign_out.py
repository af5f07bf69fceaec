"""Signing out on a shared staffroom PC: nothing of the person stays in the page's kernel.

The kernel's widgets are read as the page's own front end reads them, over the kernel's
websocket: a `comm_info_request` lists the open widget comms, and each is asked for its state.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import button
from tests.browser.test_staff_app import open_sign_in, sign_in_with_mouse, start_button
from toolkit.apps.staff import OUTCOME_TEXT

pytestmark = pytest.mark.browser

SCHOOL = "barley-lane-primary"
SCENARIO = "friend-request-from-pupil"
NAME = "Sam Leaver"
REPLY_TIMEOUT_S = 20


def kernel_socket(page: Page) -> str:
    """The websocket URL of the page's kernel, from the configuration Voila writes into the page."""
    config = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
    )
    origin = page.evaluate("() => window.location.origin").replace("http", "ws", 1)
    return f"{origin}{config['baseUrl'].rstrip('/')}/api/kernels/{config['kernelId']}/channels"


def send(socket, msg_type: str, content: dict, session: str) -> str:
    """Send a shell message of the Jupyter protocol (v5.3) in the websocket's JSON form; its id."""
    msg_id = uuid.uuid4().hex
    header = {
        "msg_id": msg_id,
        "msg_type": msg_type,
        "username": "test",
        "session": session,
        "date": datetime.now(UTC).isoformat(),
        "version": "5.3",
    }
    socket.send(
        json.dumps(
            {
                "channel": "shell",
                "header": header,
                "parent_header": {},
                "metadata": {},
                "content": content,
                "buffers": [],
            }
        )
    )
    return msg_id


def answers(socket, wanted: dict[str, str]) -> dict[str, dict]:
    """For each request sent (by id), its reply of the kind wanted: a message type, or for a
    comm message the widget method ("update"). Other messages (the page's own) are passed by."""
    found: dict[str, dict] = {}
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    while len(found) < len(wanted):
        assert time.monotonic() < deadline, f"the kernel did not answer {set(wanted) - set(found)}"
        raw = socket.recv()
        if isinstance(raw, bytes):  # a message with binary buffers: none of ours has any
            continue
        msg = json.loads(raw)
        parent, kind = msg["parent_header"].get("msg_id"), msg["header"]["msg_type"]
        if kind == "comm_msg":
            kind = msg["content"]["data"].get("method")
        if wanted.get(parent) == kind:
            found[parent] = msg
    return found


def read_widget_states(url: str) -> dict[str, dict]:
    """Each widget comm open in the kernel with its state, as the kernel itself reports it."""
    from websocket import create_connection  # websocket-client, which jupyter_server needs

    # No subprotocol asked for: the server then speaks the plain JSON form of the messages.
    socket = create_connection(url, timeout=REPLY_TIMEOUT_S)
    session = uuid.uuid4().hex
    try:
        info = send(socket, "comm_info_request", {"target_name": "jupyter.widget"}, session)
        comms = answers(socket, {info: "comm_info_reply"})[info]["content"]["comms"]
        asked = {
            send(
                socket, "comm_msg", {"comm_id": c, "data": {"method": "request_state"}}, session
            ): c
            for c in comms
        }
        updates = answers(socket, dict.fromkeys(asked, "update"))
        return {asked[m]: msg["content"]["data"]["state"] for m, msg in updates.items()}
    finally:
        socket.close()


def holding(states: dict[str, dict], secrets: list[str]) -> list[str]:
    """The states that hold any of these strings, shortened for a failure message."""
    found = []
    for comm_id, state in states.items():
        text = json.dumps(state)
        for secret in secrets:
            if secret in text:
                at = text.find(secret)
                found.append(
                    f"{comm_id} {state.get('_model_name')}: …{text[max(at - 60, 0) : at + 40]}…"
                )
    return found


def test_signing_out_leaves_nothing_of_the_person_in_the_kernel(page, server, catalogue):
    """After sign-out, does any widget open in the page's kernel hold the person's email, name or code?"""
    _, email, code = server.learner("sam.leaver", NAME)
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    first = scenario.steps[scenario.start].choices[0]
    quiz_title = catalogue.modules["contact"].title
    secrets = [NAME, email, code]

    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    start_button(page).click()
    button(page, first.label).click()
    expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT[first.outcome])
    button(page, "Back to my modules").click()
    page.get_by_role("button", name=f"Take the quiz: {quiz_title}", exact=True).click()
    reflection = page.get_by_label("Reflection", exact=True)
    reflection.fill(f"I am {NAME} ({email}), code {code}.")
    reflection.blur()
    url = kernel_socket(page)
    # The same reading while they are signed in finds them: it does read the kernel's widgets.
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    while len(holding(read_widget_states(url), secrets)) < 3:
        assert time.monotonic() < deadline, "the kernel never held the reflection typed"
        time.sleep(0.2)

    button(page, "Back to my modules").click()
    button(page, "Sign out").click()
    expect(button(page, "Sign in")).to_be_enabled()
    expect(page.get_by_label("Email", exact=True)).to_have_value("")
    assert page.locator("h1", has_text="Your training").count() == 0
    assert page.get_by_role("alert").count() == 0

    states = read_widget_states(url)
    assert any("Sign in" in json.dumps(s) for s in states.values())  # the new sign-in view
    leaks = holding(states, secrets)
    assert not leaks, "after sign-out the kernel still holds:\n" + "\n".join(leaks)
    for secret in secrets:
        assert secret not in page.content()


def test_a_browser_cannot_run_code_in_its_pages_kernel(page, server, tmp_path):
    """Code sent over the page's websocket (an execute_request) never runs: only the widgets'
    messages reach the kernel, which still answers them."""
    from websocket import create_connection

    open_sign_in(page, server)
    marker = tmp_path / "ran"
    socket = create_connection(kernel_socket(page), timeout=REPLY_TIMEOUT_S)
    session = uuid.uuid4().hex
    try:
        code = f"open({str(marker)!r}, 'w').write('code from the browser ran')"
        send(socket, "execute_request", {"code": code, "silent": False}, session)
        info = send(socket, "comm_info_request", {"target_name": "jupyter.widget"}, session)
        assert answers(socket, {info: "comm_info_reply"})[info]["content"]["comms"]
    finally:
        socket.close()
    time.sleep(2)
    assert not marker.exists()
    assert "Dropped a message of type execute_request" in server.log_text()
