"""The staff app: sign in, my modules, play a scenario, take a quiz, see a summary."""

from __future__ import annotations

import base64
import functools
import logging
import random
from collections.abc import Callable
from datetime import date

import ipywidgets as w

from toolkit.apps.page import HubSignIn, SignInApp, action_button
from toolkit.apps.quiz import Grader, QuizContext, QuizPage
from toolkit.apps.words import say
from toolkit.content import Scenario
from toolkit.engine import ScenarioRun, Taken
from toolkit.html import fragment
from toolkit.reports.certificates import certificate_pdf
from toolkit.school import policy_changes, rules
from toolkit.school.progress import ModuleProgress, completion_dates, module_progress
from toolkit.school.school import School
from toolkit.store import AttemptClosed, ChoiceOutOfStep, Store

log = logging.getLogger(__name__)

TEMPLATE = "apps/staff.html.j2"

SCENARIO_VERB = {
    "not started": say("staff.scenario_start"),
    "in progress": say("staff.scenario_continue"),
    "complete": say("staff.scenario_again"),
}
SCENARIO_STATUS = {
    "not started": say("staff.status_not_started"),
    "in progress": say("staff.status_in_progress"),
    "complete": say("staff.status_complete"),
}
# A quiz's status -> the key of its button's words, which take the title and best score.
QUIZ_BUTTON = {
    "not taken": "staff.quiz_not_taken",
    "failed": "staff.quiz_failed",
    "passed": "staff.quiz_passed",
}

OUTCOME_TEXT = {
    "safe": say("staff.outcome_safe"),
    "risky": say("staff.outcome_risky"),
    "unsafe": say("staff.outcome_unsafe"),
}


class StaffApp(SignInApp):
    """One page: sign in, my modules, play a scenario, summary; no re-sign-in between them."""

    name = "staff app"
    heading = say("staff.heading")

    def __init__(
        self,
        store: Store,
        school: School,
        grader: Grader | None = None,
        today: Callable[[], date] = date.today,
        rng: random.Random | None = None,
        client_address: Callable[[], str] | None = None,
        hub: HubSignIn | None = None,
    ):
        super().__init__(store, school, today, client_address=client_address, hub=hub)
        self.grader, self.rng = grader, rng or random.Random()
        self.quiz: QuizPage | None = None
        self.run: ScenarioRun | None = None
        self.attempt_id: int | None = None
        self.last_seq = 0  # the place of the attempt's last saved choice, as this page knows
        policy_changes.record(store, school)  # so staff are told when the clauses change
        self.show_sign_in()

    # --- sign in ----------------------------------------------------------------------

    def signed_in(self) -> None:
        self.show_modules()

    def forget(self) -> None:
        super().forget()
        self.quiz = self.run = self.attempt_id = None

    # --- my modules -------------------------------------------------------------------

    def show_modules(self) -> None:
        self.run = self.attempt_id = None
        self.scenario_buttons: dict[str, w.Button] = {}
        self.quiz_buttons: dict[str, w.Button] = {}
        children: list[w.Widget] = [
            w.HTML(
                fragment(
                    TEMPLATE, "modules_heading", learner=self.learner.name, school=self.profile.name
                )
            )
        ]
        unfinished: list[w.Button] = []
        children += self.policy_replays(unfinished)
        for progress in module_progress(self.store, self.school, self.learner):
            children.append(w.HTML(self.module_heading(progress)))
            for scenario_id, scenario in progress.scenarios.items():
                verb = SCENARIO_VERB[scenario.status]
                title = self.rendered(scenario_id).title
                button = action_button(
                    say(
                        "staff.scenario_button",
                        verb=verb,
                        title=title,
                        status=SCENARIO_STATUS[scenario.status],
                    )
                )
                self.scenario_buttons[scenario_id] = self.on_click(
                    button, functools.partial(self.play, scenario_id)
                )
                children.append(button)
                if scenario.status != "complete":
                    unfinished.append(button)
            if progress.quiz is not None:
                quiz, module = progress.quiz, progress.module
                label = say(QUIZ_BUTTON[quiz.status], title=module.title, score=quiz.best_score)
                button = self.on_click(
                    action_button(label), functools.partial(self.take_quiz, module.id)
                )
                self.quiz_buttons[module.id] = button
                children.append(button)
                if quiz.status != "passed":
                    unfinished.append(button)
        certificate = self.certificate_link()
        if certificate is not None:
            children.append(certificate)
        sign_out = self.on_click(action_button(say("page.sign_out")), self.sign_out)
        self.show([*children, sign_out], focus=(unfinished or [sign_out])[0])

    def policy_replays(self, unfinished: list[w.Button]) -> list[w.Widget]:
        """If the school's policy changed in substance since the learner trained, the changed
        clauses and a button for each scenario or quiz to replay; none otherwise."""
        replays = policy_changes.learner_replays(self.store, self.school, self.learner)
        self.replay_buttons: dict[str, w.Button] = {}
        if not replays:
            return []
        notice = w.HTML(
            fragment(
                TEMPLATE,
                "policy_changed",
                policy=self.profile.policy.title,
                changes=replays.changes,
            )
        )
        for scenario_id in replays.scenarios:
            title = self.rendered(scenario_id).title
            button = action_button(say("staff.replay_scenario", title=title))
            self.replay_buttons[scenario_id] = self.on_click(
                button, functools.partial(self.play, scenario_id)
            )
        for module_id in replays.quizzes:
            title = self.catalogue.modules[module_id].title
            button = action_button(say("staff.replay_quiz", title=title))
            self.replay_buttons[f"quiz:{module_id}"] = self.on_click(
                button, functools.partial(self.take_quiz, module_id)
            )
        unfinished.extend(self.replay_buttons.values())
        return [notice, *self.replay_buttons.values()]

    def certificate_link(self) -> w.HTML | None:
        """Once every module for the learner's role is complete, a link to their PDF certificate."""
        modules = completion_dates(self.store, self.school, self.learner)
        if modules is None:
            return None
        issued = self.today()
        valid_until = rules.certificate_valid_until(self.school, issued)
        try:
            pdf = certificate_pdf(
                self.learner.name,
                self.profile.name,
                self.profile.policy.title,
                modules,
                issued,
                valid_until,
            )
        except Exception:  # the module list must still show if the drawing fails
            log.exception("%s: certificate for learner %s failed", self.name, self.learner.id)
            return w.HTML(fragment(TEMPLATE, "certificate_failed", dsl=self.profile.settings.dsl))
        data = base64.b64encode(pdf).decode("ascii")
        return w.HTML(fragment(TEMPLATE, "certificate", valid_until=valid_until, data=data))

    def module_heading(self, progress: ModuleProgress) -> str:
        module, quiz = progress.module, progress.quiz
        return fragment(
            TEMPLATE,
            "module",
            title=module.title,
            summary=module.summary,
            state=progress.state(self.today()),
            due=progress.due,
            quiz_status=quiz.status if quiz else None,
            quiz_score=quiz.best_score if quiz else None,
            minutes=module.minutes,
        )

    # --- module quiz ------------------------------------------------------------------

    def take_quiz(self, module_id: str) -> None:
        if self.grader is None:
            self.show_alert(say("staff.no_grader"))
            return
        self.run = self.attempt_id = None
        context = QuizContext(
            store=self.store,
            learner=self.learner,
            module=self.catalogue.modules[module_id],
            bank=self.school.quiz(module_id),
            version=self.school.quiz_version(module_id),
            school=self.school,
            grader=self.grader,
            show=functools.partial(self.show, session=self.session),
            guarded=self.guarded,
            alert=self.show_alert,
            back=self.back_button,
            retake=functools.partial(self.take_quiz, module_id),
            sign_out=self.sign_out,
            dsl=self.profile.settings.dsl,
            rng=self.rng,
        )
        self.quiz = QuizPage(context)

    # --- play a scenario --------------------------------------------------------------

    def rendered(self, scenario_id: str) -> Scenario:
        """The scenario as this school reads it."""
        return self.school.scenario(scenario_id)

    def on_view_click(self, button: w.Button, handler: Callable[[], None]) -> w.Button:
        """Bind a handler that does nothing once the button's view has been replaced: by a
        double-click's second click, the first has already moved the learner on."""
        guarded = self.guarded(handler)

        def run(clicked: w.Button) -> None:
            if clicked in self.body.children:
                guarded()

        button.on_click(run)
        return button

    def play(self, scenario_id: str) -> None:
        scenario = self.rendered(scenario_id)
        version = self.school.scenario_version(scenario_id)
        self.attempt_id = self.store.open_attempt(self.learner.id, scenario_id, version)
        if self.attempt_id is None:
            self.attempt_id = self.store.start_attempt(self.learner.id, scenario_id, version)
            self.run, self.last_seq = ScenarioRun(scenario), 0
        else:
            self.resume(scenario)
        self.show_step()

    def resume(self, scenario: Scenario) -> None:
        """Rebuild the run from the saved choices. Choices off the path (two at one step, from
        a double-click before choices were checked) are removed, so the learner can go on."""
        saved = self.store.choices_for(self.attempt_id)
        moves = [(c.step_id, c.choice_index) for c in saved]
        self.run, skipped = ScenarioRun.salvage(scenario, moves)
        if skipped:
            self.store.drop_choices(self.attempt_id, [saved[i] for i in skipped])
        kept = [c.seq for i, c in enumerate(saved) if i not in skipped]
        self.last_seq = kept[-1] if kept else 0

    def decision(self) -> int:
        """Which decision of the scenario the learner is at, counting from 1."""
        return len(self.run.path) + (self.run.phase == "choosing")

    def show_step(self) -> None:
        run = self.run
        if run.phase == "feedback":
            self.show_feedback(run.last)
            return
        if run.ended:
            self.finish()
            return
        self.step_text = w.HTML(
            fragment(
                TEMPLATE,
                "step",
                title=run.scenario.title,
                decision=self.decision(),
                text=run.step.text,
            )
        )
        self.choice_buttons = [
            self.on_view_click(action_button(choice.label), functools.partial(self.choose, i))
            for i, choice in enumerate(run.step.choices)
        ]
        self.show(
            [self.step_text, *self.choice_buttons, self.back_button()], focus=self.choice_buttons[0]
        )

    def choose(self, index: int) -> None:
        run = self.run
        choice = run.choice_for(index)  # the engine first: only a choice it allows is saved
        # Save first: a choice shown as made is a choice in the store.
        try:
            self.last_seq = self.store.record_choice(
                self.attempt_id, run.step_id, index, choice.outcome, after=self.last_seq
            )
        except ChoiceOutOfStep:
            self.moved_on_elsewhere(run.scenario.id)
            return
        except AttemptClosed:
            self.show_modules()
            self.show_notice(say("staff.finished_elsewhere"))
            return
        self.show_feedback(run.choose(index))

    def moved_on_elsewhere(self, scenario_id: str) -> None:
        """Another tab or window went on with this attempt: show where the learner is now."""
        log.info("%s: attempt %s moved on elsewhere; reloading it", self.name, self.attempt_id)
        self.play(scenario_id)
        self.show_notice(say("staff.moved_elsewhere"))

    def show_feedback(self, taken: Taken) -> None:
        choice = taken.choice
        self.feedback = w.HTML(
            fragment(
                TEMPLATE,
                "feedback",
                title=self.run.scenario.title,
                decision=self.decision(),
                label=choice.label,
                outcome=choice.outcome,
                outcome_text=OUTCOME_TEXT[choice.outcome],
                text=choice.feedback,
                sources=self.school.sources(choice),
            )
        )
        last = choice.next is None
        self.continue_button = self.on_view_click(
            action_button(say("staff.finish" if last else "staff.continue"), primary=True),
            self.proceed,
        )
        self.show(
            [self.feedback, self.continue_button, self.back_button()], focus=self.continue_button
        )

    def proceed(self) -> None:
        self.run.proceed()
        self.show_step()

    def finish(self) -> None:
        run = self.run
        try:
            self.store.complete_attempt(self.attempt_id, run.score)
        except AttemptClosed:  # finished in another tab too, on the same saved path
            log.info("%s: attempt %s was already complete", self.name, self.attempt_id)
        counts = {o: sum(t.choice.outcome == o for t in run.path) for o in OUTCOME_TEXT}
        self.summary = w.HTML(
            fragment(
                TEMPLATE,
                "summary",
                title=run.scenario.title,
                closing=run.closing_text or "",
                path=[
                    {"outcome": OUTCOME_TEXT[t.choice.outcome], "label": t.choice.label}
                    for t in run.path
                ],
                safe=counts["safe"],
                risky=counts["risky"],
                unsafe=counts["unsafe"],
                score=run.score,
            )
        )
        scenario_id = run.scenario.id
        again = self.on_view_click(
            action_button(say("staff.play_again")), functools.partial(self.play, scenario_id)
        )
        self.run = self.attempt_id = None
        back = self.back_button(primary=True)
        self.show([self.summary, back, again], focus=back)

    def back_button(self, primary: bool = False) -> w.Button:
        return self.on_click(action_button(say("staff.back"), primary=primary), self.show_modules)
