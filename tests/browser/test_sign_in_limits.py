"""Wrong access codes in the page: limited, recorded with the computer's address, never the code;
and the data folder the server writes is closed to everyone but its owner."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_staff_app import STEP_TIMEOUT_MS, open_sign_in, sign_in_with_mouse
from toolkit.store import FAILED_PER_EMAIL, Store

pytestmark = pytest.mark.browser


def recorded(server, email: str, count: int, timeout: float = STEP_TIMEOUT_MS / 1000) -> None:
    """Wait until the store holds this many sign-ins of this email."""
    deadline = time.monotonic() + timeout
    while True:
        store = Store(server.db_url)
        try:
            found = len(store.sign_ins_for(email))
        finally:
            store.close()
        if found >= count or time.monotonic() > deadline:
            assert found == count, f"{found} sign-ins recorded, not {count}"
            return
        time.sleep(0.1)


def test_wrong_codes_pause_sign_in_and_say_how_long(page, server):
    _, email, code = server.learner("forgetful")
    open_sign_in(page, server)
    for attempt in range(FAILED_PER_EMAIL):
        sign_in_with_mouse(page, email, f"WRONG-CODE-{attempt:04d}")
        # The same message shows after each try: wait for this try's record, not the words.
        recorded(server, email, attempt + 1)
        # The page then empties the code field itself; typing before that lands would be lost.
        expect(page.get_by_label("Access code", exact=True)).to_have_value("")
        expect(page.get_by_text("do not match our records")).to_be_visible()
        expect(page.get_by_text(f"WRONG-CODE-{attempt:04d}")).to_have_count(0)
    sign_in_with_mouse(page, email, code)  # even the right code waits now
    expect(page.get_by_text("signing in is paused for 15 minutes")).to_be_visible(
        timeout=STEP_TIMEOUT_MS
    )
    expect(page.locator("h1", has_text="Your training")).to_have_count(0)

    store = Store(server.db_url)
    try:
        seen = store.sign_ins_for(email)
    finally:
        store.close()
    assert [s["outcome"] for s in seen] == ["wrong"] * FAILED_PER_EMAIL + ["limited"]
    assert {s["client"] for s in seen} == {"127.0.0.1"}  # the page's kernel knew the address
    log = (server.home / "logs" / "apps.log").read_text(encoding="utf-8")
    assert f"sign-in wrong: {email} from 127.0.0.1 (staff)" in log
    assert "WRONG-CODE" not in log and code not in log


def test_what_the_server_writes_only_its_owner_can_read(page, server):
    _, email, code = server.learner("private")
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    expect(page.locator("h1", has_text="Your training")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    written = [server.home, *server.home.rglob("*")]
    assert any(p.name.endswith("-wal") for p in written) and any(
        p.suffix == ".log" for p in written
    )
    assert [str(p) for p in written if p.stat().st_mode & 0o077] == []
