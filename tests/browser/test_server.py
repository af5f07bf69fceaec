"""The server around the pages: what a page fetches and from where, its title, landmarks and
layout, the host names answered, the DSL token and its page, and a quiet log."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import psutil
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.keys import button
from toolkit.store import Store

pytestmark = pytest.mark.browser

RENDER_TIMEOUT_MS = 60_000
STAFF = "voila/render/staff.ipynb"
CLASSROOM = "voila/render/classroom.ipynb"
DSL = "voila/render/dsl.ipynb"
TITLES = {
    STAFF: "Social media training: staff",
    CLASSROOM: "Classroom lessons: online safety",
}
TOKEN = "a-token-for-the-server-tests-0123456789abcdef"
# What the log said at every start before: none of it applies to one server on its own machine.
ALARMING = re.compile(r"warn|error|critical|traceback|not trusted|without encryption", re.I)


def open_page(page, url: str) -> list[str]:
    """Open a page and wait for its widgets; every URL it requested, from the first."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".esafety .jupyter-button").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    return requested


def every_axe_finding(page) -> list[str]:
    """axe's findings of every impact, minor and moderate ones included."""
    return [f"{v['impact']} {v['id']}" for v in Axe().run(page).response["violations"]]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def raw_get(server, path: str, host: str, source: str = "127.0.0.1") -> tuple[int, dict, str]:
    """A GET with the Host header given, from the given local address (as another computer)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(source, 0)
    )
    try:
        conn.request("GET", "/" + path.lstrip("/"), headers={"Host": host})
        reply = conn.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


# The staff and classroom server --------------------------------------------------------------


@pytest.fixture(scope="module")
def school(server):
    """The server, its school given a class and a teacher for the classroom page to list."""
    store = Store(server.db_url)
    try:
        store.add_class("Year 1 Oak", "5-7")
    finally:
        store.close()
    server.learner("ada.park")
    return server


@pytest.mark.parametrize("path", [STAFF, CLASSROOM])
def test_a_page_fetches_everything_from_its_own_server(page, school, path):
    """Does every request a page makes while it opens (stylesheets, fonts, scripts, the
    kernel's websocket) go to the toolkit's own server, none to a CDN a school may block?"""
    requested = open_page(page, school.url + path)
    page.wait_for_load_state("networkidle")
    elsewhere = [url for url in requested if origin(url) != origin(school.url)]
    assert requested and elsewhere == []


@pytest.mark.parametrize("path", [STAFF, CLASSROOM])
def test_a_page_has_a_real_title_a_main_landmark_and_no_axe_findings(page, school, path):
    """Does each page say what it is in its title, hold its content in one main landmark,
    and pass axe with no finding at all (moderate ones included)?"""
    open_page(page, school.url + path)
    assert page.title() == TITLES[path]
    main = page.get_by_role("main")
    expect(main).to_have_count(1)
    expect(main.locator(".esafety").first).to_be_visible()
    assert every_axe_finding(page) == []


BOXES_OUTSIDE = """() => {
  const outside = [];
  for (const el of document.querySelectorAll('.esafety button, .esafety input, .esafety select')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;  // hidden
    const column = el.parentElement.closest('.widget-box') || el.closest('.esafety');
    const room = column.getBoundingClientRect();
    if (box.left < room.left - 0.5 || box.right > room.right + 0.5) {
      outside.push(`${el.tagName} "${(el.textContent || el.value || '').trim().slice(0, 30)}": `
        + `${box.left}-${box.right} in ${room.left}-${room.right}`);
    }
  }
  return outside;
}"""


@pytest.mark.parametrize("path", [STAFF, CLASSROOM])
def test_buttons_and_inputs_lie_inside_their_column(page, school, path):
    """At 1280 px wide, does every button, field and list lie wholly inside its column, so
    that no border is clipped?"""
    open_page(page, school.url + path)
    assert page.viewport_size["width"] == 1280
    assert page.evaluate(BOXES_OUTSIDE) == []


def test_widgets_lie_inside_their_column_in_the_views_after_the_first(page, school):
    """Signed in (the list of modules, a scenario's first step) and with a lesson started on
    the board, does every button, field and list still lie inside its column?"""
    _, email, code = school.learner("column.check")
    open_page(page, school.url + STAFF)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Access code", exact=True).fill(code)
    button(page, "Sign in").click()
    start = page.get_by_role("button", name=re.compile(r"^Start: ")).first
    expect(start).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert page.evaluate(BOXES_OUTSIDE) == [], "the list of modules"
    start.click()
    expect(start).to_have_count(0)
    expect(page.locator(".esafety .jupyter-button").first).to_be_visible()
    assert page.evaluate(BOXES_OUTSIDE) == [], "a scenario"

    open_page(page, school.url + CLASSROOM)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Access code", exact=True).fill(code)
    button(page, "Sign in").click()
    expect(button(page, "Start the lesson")).to_be_enabled()
    assert page.evaluate(BOXES_OUTSIDE) == [], "choosing a lesson"
    button(page, "Start the lesson").click()
    expect(button(page, "Next")).to_be_visible()
    assert page.evaluate(BOXES_OUTSIDE) == [], "a lesson on the board"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8866", "localhost.evil.example"])
def test_a_request_for_another_host_name_is_refused(school, host):
    """Is a request whose Host names another site (a page of that site rebinding its name to
    this machine) refused with a short explanation, whatever the path, and logged?"""
    for path in (STAFF, "voila/static/voila.js", "api/kernels", "esafety/page/x"):
        status, _, body = raw_get(school, path, host)
        assert status == 403, (path, status)
        assert "This server does not answer to that name" in body
        assert "ESAFETY_HOSTS" in body
    assert "Refused a request for the host name 'evil.example'" in school.log_text()


def test_the_servers_own_names_are_answered(school):
    """Are localhost and the loopback address, with or without a port, still answered?"""
    port = urlsplit(school.url).port
    for host in ("localhost", f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        status, _, _ = raw_get(school, "voila/static/voila.js", host)
        assert status == 200, host


def test_the_log_has_no_alarming_lines(page, school):
    """After a start and a page opened, is the log free of warnings that do not apply to one
    server on its own machine (kernels over TCP, untrusted notebooks, deprecated options)?"""
    open_page(page, school.url + STAFF)
    lines = school.log_text().splitlines()
    expected = "Refused a request for the host name"  # the host test's own requests
    alarming = [line for line in lines if ALARMING.search(line) and expected not in line]
    assert alarming == []


# The DSL server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dsl_server(tmp_path_factory):
    with serving(
        tmp_path_factory.mktemp("dsl-server-home"), "--dsl", env_extra={"ESAFETY_DSL_TOKEN": TOKEN}
    ) as running:
        yield running


def test_the_token_is_on_no_command_line_and_in_no_kernel(dsl_server):
    """Can a local user see the token with `ps`, or a page's kernel read it from its
    environment? (The server's own environment is readable by its owner only.)"""
    status, _ = dsl_server.get(f"{DSL}?token={TOKEN}", timeout=60)
    assert status == 200
    server = psutil.Process(dsl_server.pid)
    kernels = dsl_server.kernels()
    assert kernels
    for process in (server, *server.children(recursive=True)):
        assert TOKEN not in " ".join(process.cmdline()), process.cmdline()[:3]
    for kernel in kernels:
        assert TOKEN not in kernel.environ().values()


def test_wrong_tokens_are_limited_per_address_then_a_wait_page(dsl_server):
    """After 5 wrong tokens from one address, is even the right token refused there with a
    page saying to wait, while other addresses are not; and is each failure logged without
    the token?"""
    guesses = [f"guess-number-{n}-" + "x" * 20 for n in range(5)]
    for guess in guesses:
        status, headers, _ = raw_get(dsl_server, f"{DSL}?token={guess}", "127.0.0.1", "127.0.0.2")
        assert status == 302 and "/login" in headers["Location"]
    status, headers, _ = raw_get(dsl_server, f"{DSL}?token={TOKEN}", "127.0.0.1", "127.0.0.2")
    assert status == 302, "the right token was let in during the wait"
    status, headers, body = raw_get(dsl_server, headers["Location"], "127.0.0.1", "127.0.0.2")
    assert status == 429 and int(headers["Retry-After"]) > 60
    assert "Too many wrong tokens" in body and "Please wait" in body
    assert TOKEN not in body
    status, _, _ = raw_get(dsl_server, f"{DSL}?token={TOKEN}", "127.0.0.1", "127.0.0.3")
    assert status == 200
    log = dsl_server.log_text()
    assert log.count("Wrong DSL token from 127.0.0.2") == 5
    assert not [guess for guess in guesses if guess in log]


def test_without_the_token_the_dsl_page_says_what_it_is_and_takes_the_token(page, dsl_server):
    """Without the link's token, does the DSL land on a page that says what this is and how
    to get the link (not a generic Jupyter login), passing axe; and does the token typed in
    its form open the report, with nothing fetched from another site?"""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(dsl_server.url + DSL)
    assert page.title() == "Safeguarding report: link needed"
    expect(page.get_by_role("heading", name="Safeguarding report")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("esafety serve --dsl")
    expect(page.get_by_role("main")).to_contain_text("social media training")
    expect(page.get_by_text("Jupyter")).to_have_count(0)
    assert every_axe_finding(page) == []
    page.get_by_label("Token").fill("not-the-token-" + "y" * 30)
    button(page, "Open the report").click()
    expect(page.get_by_role("alert")).to_contain_text("That token was not right")
    page.get_by_label("Token").fill(TOKEN)
    button(page, "Open the report").click()
    expect(page.get_by_role("heading", name="Completion matrix")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    assert page.title() == "Safeguarding report: social media training"
    assert [url for url in requested if origin(url) != origin(dsl_server.url)] == []
