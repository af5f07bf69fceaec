"""The pages' own words (buttons, alerts, labels), in one place, ready for translation."""

from __future__ import annotations

from types import MappingProxyType

# Keys are stable names; a `{name}` in a text is filled in by `say`. The words of the
# HTML around the widgets are in toolkit/templates/apps/.
WORDS: MappingProxyType[str, str] = MappingProxyType(
    {
        # Every page: signing in and out, and what goes wrong.
        "page.kept": "Everything you chose before is saved.",
        "page.failed": (
            "Sorry, something went wrong and that did not work. {kept} "
            "Please try again; if it keeps happening, tell {dsl}."
        ),
        "page.failed_plain": "Sorry, something went wrong and that did not work. {kept} Please try again.",
        "page.unavailable": "Sorry, that did not work: {error}. {kept}",
        "page.sign_in_heading": "sign in",
        "page.sign_in_text": "Sign in with your school email and the access code you were given.",
        "page.email": "Email",
        "page.email_placeholder": "you@school.example",
        "page.access_code": "Access code",
        "page.sign_in": "Sign in",
        "page.sign_out": "Sign out",
        "page.sign_in_missing": "Please enter both your email and your access code.",
        "page.sign_in_check": " Check them and try again.",
        "page.sign_in_refused": (
            "{reason}{check} If you have lost your access code, ask {dsl} to issue you a new one."
        ),
        # Signed in by the Hub (the school account): no form, and a way out on shared computers.
        "page.hub_not_on_roster": (
            "You are signed in as {email}, who is not on this school's staff list for the "
            "training (or has been marked as having left). If you should have access, ask {dsl} "
            "to add this exact address."
        ),
        "page.hub_signed_out": (
            "You have signed out of this page, and nothing of yours is left in it. On a shared "
            "computer, also sign out of your school account below before you walk away."
        ),
        "page.sign_in_left": "{reason} If you still work here, ask {dsl} to restore your access.",
        # Pages that cannot start.
        "launch.staff_title": "Social media training",
        "launch.classroom_title": "E-safety lessons",
        "launch.dsl_title": "Training reports",
        "launch.setup_title": "Set up your school's policy",
        "launch.trust_title": "Training across the trust",
        "launch.no_trust": (
            "No trust file is set for this page. Set ESAFETY_TRUST to the trust file's path "
            "(see The trust's view in the deployment guide), then open the page again."
        ),
        "launch.bad_trust": (
            "The trust file cannot be used: {error} Check it with: esafety trust check FILE"
        ),
        "launch.not_set_up": "This school is not set up yet. Ask the DSL to run: esafety init --demo",
        "launch.no_records": (
            "The school's training records cannot be found, so this page cannot start. Ask "
            "the DSL to restore them from backup, or to set the school up: esafety init --demo"
        ),
        "launch.cannot_start": "It cannot start: {error}",
        # The staff page: modules, scenarios and their summary.
        "staff.heading": "social media training",
        "staff.scenario_start": "Start",
        "staff.scenario_continue": "Continue",
        "staff.scenario_again": "Play again",
        "staff.scenario_button": "{verb}: {title} ({status})",
        "staff.status_not_started": "not started",
        "staff.status_in_progress": "in progress",
        "staff.status_complete": "complete",
        "staff.quiz_not_taken": "Take the quiz: {title}",
        "staff.quiz_failed": "Take the quiz again: {title} (best so far {score}%)",
        "staff.quiz_passed": "Take the quiz again: {title} (passed, {score}%)",
        "staff.outcome_safe": "Safe choice",
        "staff.outcome_risky": "Risky choice",
        "staff.outcome_unsafe": "Unsafe choice",
        "staff.no_grader": "Quizzes cannot be marked on this server. Please tell the DSL.",
        "staff.finished_elsewhere": (
            "You finished this scenario in another tab or window. Your result is saved."
        ),
        "staff.moved_elsewhere": (
            "You went on with this scenario in another tab or window, so this page now shows "
            "where you are. Everything you chose is saved."
        ),
        "staff.finish": "Finish and see your summary",
        "staff.continue": "Continue",
        "staff.play_again": "Play this scenario again",
        "staff.back": "Back to my modules",
        "staff.replay_scenario": "Replay, as your policy changed: {title}",
        "staff.replay_quiz": "Take the quiz again, as your policy changed: {title}",
        # The quiz, inside the staff page.
        "quiz.question": "Question {slot}",
        "quiz.reflection": "Reflection",
        "quiz.reflection_placeholder": "A few sentences in your own words.",
        "quiz.submit": "Submit my answers",
        "quiz.unanswered": "Please answer every question first (not yet answered: {missing}).",
        "quiz.reflection_short": (
            "Please write a little more in your reflection before you submit. A useful "
            "reflection is two or three sentences in your own words: what you would do now, "
            "who you would tell, and why. Your answers are kept as they are."
        ),
        "quiz.not_sent": "Your answers were not sent",
        "quiz.passed": "You passed.",
        "quiz.not_passed": "You have not passed yet: the pass mark is {pass_mark}%.",
        "quiz.result_title": "{title}: your result",
        "quiz.retry": "Try again with new questions",
        "quiz.right": "Right.",
        "quiz.partly_right": "Partly right.",
        "quiz.not_right": "Not right.",
        # The classroom page.
        "classroom.kept": "The lesson is where you left it.",
        "classroom.heading": "e-safety lessons",
        "classroom.sign_in_text": (
            "Sign in with your school email and the access code you were given, so the lessons "
            "you teach are recorded as yours."
        ),
        "classroom.not_staff": (
            "Lessons are recorded for teachers and support staff, and the roster lists you "
            "as {role}. If that is wrong, tell {dsl}."
        ),
        "classroom.class": "Class",
        "classroom.class_option": "{name} (ages {band})",
        "classroom.lesson": "Lesson",
        "classroom.start": "Start the lesson",
        "classroom.no_lessons": "There are no lessons for this class's age band yet.",
        "classroom.wrong_band": "That lesson is for another age band. Please choose again.",
        "classroom.back": "Back",
        "classroom.next": "Next",
        "classroom.show_answer": "Show the answer",
        "classroom.real": "Real",
        "classroom.fake": "Fake",
        "classroom.save_changes": "Save the changes",
        "classroom.save": "Save this lesson",
        "classroom.another": "Teach another lesson",
        # The trust's page: every school's figures, and one school's own page opened from it.
        "trust.kept": "Nothing has been changed.",
        "trust.school": "School",
        "trust.open": "Open this school",
        "trust.back": "Back to all schools",
        "trust.reload": "Reload the figures",
        "trust.prepare_downloads": "Prepare the trust's CSV and PDF",
        "trust.not_read": "{school}'s records cannot be opened: {problem}.",
        # The DSL's page.
        "dsl.kept": "Nothing has been changed.",
        "dsl.role": "Role",
        "dsl.group": "Group",
        "dsl.everyone": "Everyone",
        "dsl.learner": "Learner",
        "dsl.choose_learner": "Choose a learner",
        "dsl.learner_option": "{name} ({email})",
        "dsl.behind_only": "Only people with training overdue, expired or failed",
        "dsl.earlier": "Previous {count} people",
        "dsl.later": "Next {count} people",
        "dsl.reload": "Reload the figures",
        "dsl.prepare_downloads": "Prepare CSV and PDF downloads",
        "dsl.history_title": "A learner's choices",
        "dsl.history_when": "When",
        "dsl.history_scenario": "Scenario",
        "dsl.history_choice": "Choice",
        "dsl.history_outcome": "Outcome",
        "dsl.history_empty": "No choices yet.",
        # The setup page: the DSL confirms an imported policy's settings and citations.
        "setup.kept": "What was saved before is kept.",
        "setup.school": "School",
        "setup.answer": "Answer",
        "setup.confirm": "Confirm this answer",
        "setup.confirm_all": "Confirm all as shown",
        "setup.bad_value": "Not saved: {reason}.",
        "setup.this_answer": "this answer",
        "setup.bad_values": "Nothing was saved: {count} answer(s) need changing first (see below).",
        "setup.unit": "Scenario or quiz",
        "setup.scenario_option": "Scenario: {title} ({left} of {total} left to review)",
        "setup.quiz_option": "Quiz: {title} ({left} of {total} left to review)",
        "setup.where_choice": "Step {step}, choice {number}",
        "setup.where_question": "Question {question}",
        "setup.none_applies": "No clause of our policy applies",
        "setup.clause_option": "“{quote}” ({section}, clause {id})",
        "setup.confirm_point": "Confirm this point",
        "setup.tick_something": (
            'Not saved: tick the clauses that support this point, or "No clause of our policy '
            'applies".'
        ),
        "setup.both_ticked": (
            'Not saved: you ticked clauses and "No clause of our policy applies"; untick one '
            "or the other."
        ),
    }
)


def say(key: str, **values: object) -> str:
    """The words for `key`, with its `{name}` placeholders filled from `values`; an unknown
    key raises KeyError, and so does a placeholder left without its value."""
    return WORDS[key].format(**values)
