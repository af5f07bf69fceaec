"""The page base: an App with an alert area and a swapped body, sign-in, and shared widget helpers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import ipywidgets as w

from toolkit.apps.words import say
from toolkit.content import Catalogue, SchoolProfile
from toolkit.html import fragment
from toolkit.school.school import School
from toolkit.store import (
    Learner,
    LearnerLeft,
    SignInFailed,
    SignInLimited,
    Store,
    StoreBusy,
    UnknownLearner,
)

log = logging.getLogger(__name__)

TEMPLATE = "apps/page.html.j2"

CSS = """
<style>
.esafety { max-width: 60rem; margin: 0 auto; font-size: 1.1rem; line-height: 1.5; color: #1a1a1a; }
.esafety .widget-html-content { font-size: 1.1rem; line-height: 1.5; }
.esafety .jupyter-button { box-sizing: border-box; }
.esafety h1 { font-size: 1.8rem; margin: 0.5rem 0; line-height: 1.25; }
.esafety h2 { font-size: 1.4rem; margin: 0.75rem 0 0.25rem; }
.esafety .jupyter-button.esafety-action {
  white-space: normal; height: auto; min-height: 2.75rem; padding: 0.5rem 1rem;
  text-align: left; font-size: 1.05rem; line-height: 1.4; border: 2px solid #0b4f8a;
  background: #ffffff; color: #0b4f8a; border-radius: 6px;
}
.esafety .jupyter-button.esafety-primary { background: #0b4f8a; color: #ffffff; }
.esafety .jupyter-button:focus-visible, .esafety input:focus-visible {
  outline: 3px solid #b35900; outline-offset: 2px;
}
.esafety a.esafety-link-button { display: inline-block; padding: 0.5rem 1rem; border-radius: 6px;
  background: #0b4f8a; color: #ffffff; border: 2px solid #0b4f8a; text-decoration: none; }
.esafety a:not(.esafety-link-button) { color: #0b4f8a; text-decoration: underline; }
.esafety a:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.esafety .esafety-alert { border-left: 6px solid #a11d21; background: #fdecea; padding: 0.5rem 1rem; }
.esafety .esafety-notice { border-left: 6px solid #0b4f8a; background: #e8f0f8; padding: 0.5rem 1rem; }
.esafety .esafety-outcome-safe { border-left: 6px solid #1e6b30; background: #e8f5ea; padding: 0.5rem 1rem; }
.esafety .esafety-outcome-risky { border-left: 6px solid #8a5300; background: #fff4e0; padding: 0.5rem 1rem; }
.esafety .esafety-outcome-unsafe { border-left: 6px solid #a11d21; background: #fdecea; padding: 0.5rem 1rem; }
.esafety .esafety-option, .esafety .esafety-option label, .esafety .esafety-option .widget-radio-box {
  height: auto; white-space: normal; line-height: 1.4; font-size: 1.05rem;
}
.esafety .esafety-option .widget-radio-box label {
  display: flex; gap: 0.5rem; padding: 0.3rem 0; align-items: flex-start;
}
.esafety .esafety-option input { margin-top: 0.3rem; flex-shrink: 0; order: -1; }
.esafety .esafety-option.widget-checkbox label { display: flex; gap: 0.5rem; align-items: flex-start; }
.esafety blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid #555; }
.esafety .esafety-muted { color: #4a4a4a; }
.esafety blockquote.esafety-guidance { border-left: 3px dashed #0b4f8a; }
.esafety .esafety-why { color: #4a4a4a; font-style: italic; margin-top: 0; }
.esafety .esafety-title {
  font-size: 1.8rem; font-weight: bold; line-height: 1.25; height: auto; margin: 0.5rem 0;
  white-space: normal;
}
.esafety .esafety-quiz-feedback { margin: 0.25rem 0 0.75rem; }
.esafety h3 { font-size: 1.2rem; margin: 0.75rem 0 0.25rem; }
.esafety h4 { font-size: 1.05rem; margin: 0.5rem 0 0.25rem; }
.esafety .esafety-quiz-review { border-left: 6px solid #4a4a4a; padding-left: 1rem; margin-bottom: 1.5rem; }
.esafety .esafety-quiz-right { border-left-color: #1e6b30; }
.esafety .esafety-quiz-partly { border-left-color: #8a5300; }
.esafety .esafety-quiz-not-right { border-left-color: #a11d21; }
</style>
"""


def action_button(label: str, primary: bool = False) -> w.Button:
    button = w.Button(description=label, tooltip=label, layout=w.Layout(width="100%"))
    button.add_class("esafety-action")
    if primary:
        button.add_class("esafety-primary")
    return button


def widget_tree(roots: Iterable[w.Widget]) -> dict[int, w.Widget]:
    """These widgets and every widget they hold in a synced trait (children, layout, style)."""
    found: dict[int, w.Widget] = {}
    todo = list(roots)
    while todo:
        widget = todo.pop()
        if id(widget) not in found:
            found[id(widget)] = widget
            for name in widget.keys:
                value = getattr(widget, name)
                items = value if isinstance(value, list | tuple) else [value]
                todo += [item for item in items if isinstance(item, w.Widget)]
    return found


def close_widgets(widgets: Iterable[w.Widget], keep: w.Widget) -> None:
    """Close these widgets and all they hold, but what `keep` still shows: ipywidgets keeps a
    widget, and what it holds, in the kernel until it is closed."""
    shown = widget_tree([keep])
    for key, widget in widget_tree(widgets).items():
        if key not in shown:
            widget.close()


class Page:
    """A single-page Voila app: a CSS block, an alert area and a body whose view is swapped."""

    name = "app"
    kept = say("page.kept")

    def __init__(self, css: str = "", *classes: str):
        self.alert = w.HTML()
        self.body = w.VBox()
        self.root = w.VBox([w.HTML(CSS + css), self.alert, self.body])
        for css_class in ("esafety", *classes):
            self.root.add_class(css_class)
        # Who the page is for now: handlers made for an ended session do nothing (see guarded).
        self.session = object()
        self.lock = threading.RLock()  # a marking thread may show a view while a click does

    def failure(self) -> str:
        """What the page says when a handler fails: what is kept, and whom to tell."""
        return say("page.failed_plain", kept=self.kept)

    # --- plumbing ---------------------------------------------------------------------

    def guarded(self, handler: Callable) -> Callable:
        """Show a failure in the page (ipywidgets would swallow it) and log it. A handler made in
        an ended session does nothing: the next person at the screen cannot use the last one's."""
        session = self.session

        def run(*_event):
            if session is not self.session:
                return
            self.alert.value = ""
            try:
                handler()
            except Exception as err:
                log.exception("%s: %r failed", self.name, handler)
                # The database at its limit of connections: say so, since waiting helps.
                message = (
                    say("page.unavailable", error=err, kept=self.kept)
                    if isinstance(err, StoreBusy)
                    else self.failure()
                )
                with self.lock:
                    if session is self.session:
                        self.show_alert(message)

        return run

    def new_session(self) -> None:
        """End the current session: its handlers, and views still being made for it, do nothing."""
        with self.lock:
            self.session = object()

    def show(
        self,
        children: list[w.Widget],
        focus: w.DOMWidget | None = None,
        session: object | None = None,
    ) -> None:
        """Swap the view and close the old one, so nothing of it stays in the kernel; move keyboard
        focus into it so keyboard users need not Tab from the top. A view made for an ended
        `session` (a quiz marked after its learner signed out) is closed, not shown."""
        with self.lock:
            if session is not None and session is not self.session:
                close_widgets(children, keep=self.root)
                return
            old, self.body.children = self.body.children, children
            close_widgets(old, keep=self.root)
        if focus is not None:
            focus.focus()

    def show_alert(self, message: str) -> None:
        self.alert.value = fragment(TEMPLATE, "alert", message=message)

    def show_notice(self, message: str) -> None:
        """Something the learner should know that is not a failure, read out politely."""
        self.alert.value = fragment(TEMPLATE, "notice", message=message)

    def on_click(self, button: w.Button, handler: Callable[[], None]) -> w.Button:
        button.on_click(self.guarded(handler))
        return button


class App(Page):
    """A page of a school in the store: the school's content, its profile and its records."""

    def __init__(
        self,
        store: Store,
        school: School,
        today: Callable[[], date],
        css: str = "",
        *classes: str,
    ):
        super().__init__(css, *classes)
        self.store, self.school, self.today = store, school, today
        self.catalogue: Catalogue = school.catalogue
        self.profile: SchoolProfile = school.profile

    def failure(self) -> str:
        return say("page.failed", kept=self.kept, dsl=self.profile.settings.dsl)


@dataclass(frozen=True)
class HubSignIn:
    """The Hub has signed the person in: who they are (their email, as the server tells the
    page's kernel) and the address that ends their Hub session, on a shared computer too."""

    email: Callable[[], str]
    logout_url: str


class SignInApp(App):
    """A page for one person at a time, who signs in with their email and access code. Signing
    out leaves nothing of them in the page or the kernel: staffroom PCs and classroom boards
    are shared."""

    heading = say("page.sign_in_heading")  # what the page is for, after the school's name
    page = "staff"  # which page a sign-in came from, in the record of sign-ins
    sign_in_text = say("page.sign_in_text")

    learner: Learner | None = None  # who is signed in

    def __init__(
        self,
        store: Store,
        school: School,
        today: Callable[[], date],
        css: str = "",
        *classes: str,
        client_address: Callable[[], str] | None = None,
        hub: HubSignIn | None = None,
    ):
        super().__init__(store, school, today, css, *classes)
        self.client_address = client_address or self.client_address
        self.hub = hub  # signed in by the Hub: no form, and signing out ends the Hub's session

    @staticmethod
    def client_address() -> str:
        """The address the page was opened from, for the limit on failed sign-ins; the app
        builder gives the server's word for it, and "" means not known."""
        return ""

    def signed_in(self) -> None:
        """Show the first view for `self.learner`, who has just signed in."""
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what the page holds of the person signed in; subclasses add their own state."""
        self.learner = None

    def show_sign_in(self) -> None:
        self.learner = None
        if self.hub is not None:
            self.sign_in_from_hub()
            return
        # continuous_update=False: each field sends its value once, when it loses focus, so a
        # quick Tab + Enter cannot click "Sign in" before the last keystrokes reach the kernel
        # (ipywidgets holds back a field's updates while one is in flight; clicks go at once).
        self.email = w.Text(
            description=say("page.email"),
            placeholder=say("page.email_placeholder"),
            continuous_update=False,
            layout=w.Layout(width="100%"),
        )
        self.code = w.Password(
            description=say("page.access_code"),
            continuous_update=False,
            layout=w.Layout(width="100%"),
        )
        # In em, so that "Access code" fits the classroom board's larger type as well.
        self.email.style.description_width = "7.5em"
        self.code.style.description_width = "7.5em"
        self.sign_in_button = self.on_click(
            action_button(say("page.sign_in"), primary=True), self.sign_in
        )
        self.show(
            [
                self.heading_html("sign_in", text=self.sign_in_text),
                self.email,
                self.code,
                self.sign_in_button,
            ],
            focus=self.email,
        )

    def sign_in(self) -> None:
        email, code = self.email.value.strip(), self.code.value
        if not email or not code:
            self.show_alert(say("page.sign_in_missing"))
            return
        try:
            self.learner = self.store.sign_in(
                email, code, client=self.client_address(), page=self.page
            )
        except SignInFailed as err:  # a wrong code, or any refusal the store words itself
            check = "" if isinstance(err, SignInLimited) else say("page.sign_in_check")
            self.refuse(
                say("page.sign_in_refused", reason=err, check=check, dsl=self.profile.settings.dsl)
            )
            return
        except LearnerLeft as err:  # the right code, but the roster says they have left
            self.refuse(say("page.sign_in_left", reason=err, dsl=self.profile.settings.dsl))
            return
        self.signed_in()

    def sign_in_from_hub(self) -> None:
        """Open the page for the person the Hub signed in, if the roster has them (the server
        has checked already; a page is never opened for someone the roster does not hold)."""
        email = self.hub.email()
        try:
            learner = self.store.person(email)
        except UnknownLearner:
            learner = None
        if learner is None or not learner.current:
            self.refuse(say("page.hub_not_on_roster", email=email, dsl=self.profile.settings.dsl))
            return
        self.learner = learner
        self.signed_in()

    def show_hub_exit(self, message: str) -> None:
        """Under the Hub, a page with nothing of the last person: why, and the way out."""
        self.show([self.heading_html("hub_exit", message=message, logout=self.hub.logout_url)])

    def heading_html(self, macro: str, **values) -> w.HTML:
        """The page's heading (the school, what the page is for) and the macro's words."""
        return w.HTML(
            fragment(TEMPLATE, macro, school=self.profile.name, heading=self.heading, **values)
        )

    def refuse(self, message: str) -> None:
        """Stay on the sign-in form, signed out, with the code to type again and why."""
        if self.hub is not None:
            self.learner = None
            self.show_hub_exit(message)
            return
        self.learner = None
        self.code.value = ""
        self.code.focus()
        self.show_alert(message)

    def sign_out(self) -> None:
        """Leave nothing of this person in the page or the kernel: their views are closed and
        forgotten, and their handlers (a quiz being marked too) end."""
        with self.lock:
            self.new_session()
            self.forget()
            frame = (self.root, self.body, self.alert)
            for name, value in list(vars(self).items()):
                items = list(value.values()) if isinstance(value, dict) else value
                items = items if isinstance(items, list | tuple) else [items]
                if any(isinstance(v, w.Widget) and v not in frame for v in items):
                    delattr(self, name)  # their views' widgets: closed as each view is left
            self.alert.value = ""
            if self.hub is not None:
                self.show_hub_exit(say("page.hub_signed_out"))
            else:
                self.show_sign_in()
