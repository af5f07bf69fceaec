"""Scenarios on paper: every step, choice, outcome, feedback and citation as one school's staff
see them, gathered once and rendered as a printable HTML page or as plain text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from toolkit.content import Scenario
from toolkit.html import render, split_paragraphs
from toolkit.school.school import School
from toolkit.school.sources import Sources

TEMPLATE = "report/scenarios.html.j2"
WIDTH = 80  # columns of the plain text

# The words both renderings use; the outcomes are named as the staff page names them, so that
# no outcome is told by colour alone.
WORDS = {
    "safe": "Safe choice",
    "risky": "Risky choice",
    "unsafe": "Unsafe choice",
    "provenance": "Your policy:",
    "guidance": "National guidance:",
    "why": "Why it applies:",
    "silent": "Your school's policy is silent on this.",
}


@dataclass(frozen=True)
class PrintedChoice:
    label: str
    outcome: str  # safe, risky or unsafe, as this school's settings decide
    outcome_text: str
    feedback: str
    next_step: int | None  # the number of the step that follows; None: the scenario ends
    sources: Sources


@dataclass(frozen=True)
class PrintedStep:
    number: int
    step_id: str
    text: str
    choices: list[PrintedChoice]  # none: the scenario ends at this step


@dataclass(frozen=True)
class PrintedScenario:
    id: str
    module: str  # the module's title
    title: str
    summary: str
    steps: list[PrintedStep]


@dataclass(frozen=True)
class Printout:
    school: str
    policy: str
    scenarios: list[PrintedScenario]


def step_order(scenario: Scenario) -> list[str]:
    """The scenario's step ids from its start, breadth first in the order of the choices, so
    that steps are numbered as a reader meets them; any others follow in the file's order."""
    order, queue = [scenario.start], [scenario.start]
    while queue:
        for choice in scenario.steps[queue.pop(0)].choices:
            if choice.next is not None and choice.next not in order:
                order.append(choice.next)
                queue.append(choice.next)
    return order + [s for s in scenario.steps if s not in order]


def printed_scenario(school: School, scenario_id: str) -> PrintedScenario:
    """One scenario as the school's staff see it, its steps numbered from its start."""
    scenario = school.scenario(scenario_id)
    order = step_order(scenario)
    number = {step_id: i for i, step_id in enumerate(order, 1)}
    steps = []
    for step_id in order:
        step = scenario.steps[step_id]
        choices = [
            PrintedChoice(
                label=choice.label,
                outcome=choice.outcome,
                outcome_text=WORDS[choice.outcome],
                feedback=choice.feedback,
                next_step=None if choice.next is None else number[choice.next],
                sources=school.sources(choice),
            )
            for choice in step.choices
        ]
        steps.append(PrintedStep(number[step_id], step_id, step.text, choices))
    module = school.catalogue.modules[scenario.module].title
    return PrintedScenario(scenario.id, module, scenario.title, scenario.summary, steps)


def gather(school: School, scenario_ids: list[str]) -> Printout:
    """The scenarios named, in that order, as the school's staff see them."""
    printed = [printed_scenario(school, scenario_id) for scenario_id in scenario_ids]
    return Printout(school.name, school.profile.policy.title, printed)


def as_html(printout: Printout) -> str:
    """A printable page: a contents list when there is more than one scenario, then each
    scenario on a new page."""
    return render(TEMPLATE, printout=printout, words=WORDS)


def as_text(printout: Printout) -> str:
    """Plain text wrapped at 80 columns, for a reviewer's editor or a quick print."""
    lines = [*_heading(f"Scenarios for {printout.school}", "="), ""]
    lines += _wrap(
        "As this school's staff see them, with the clauses each choice cites from the "
        f"school's “{printout.policy}” and the national guidance it rests on, each with why "
        "it applies."
    )
    if len(printout.scenarios) > 1:
        lines += ["", *_heading("Contents", "-")]
        module = None
        for i, scenario in enumerate(printout.scenarios, 1):
            if scenario.module != module:
                module = scenario.module
                lines += ["", *_wrap(module)]
            lines += _wrap(f"{i}. {scenario.title}", indent="  ", hang="     ")
    for scenario in printout.scenarios:
        lines += ["", "", *_scenario_text(scenario)]
    return "\n".join(lines).rstrip() + "\n"


def _scenario_text(scenario: PrintedScenario) -> list[str]:
    lines = [*_heading(scenario.title, "="), *_wrap(f"Module: {scenario.module}")]
    lines += _paragraphs(scenario.summary)
    for step in scenario.steps:
        lines += ["", *_heading(f"Step {step.number}", "-"), *_paragraphs(step.text)]
        if not step.choices:
            lines += ["", *_wrap("The scenario ends here.")]
        for letter, choice in zip("ABCDEFGHIJ", step.choices, strict=False):
            lines += ["", *_wrap(f"{letter}. {choice.label}", hang="   ")]
            lines += _wrap(f"[{choice.outcome_text}]", indent="   ")
            lines += _paragraphs(choice.feedback, indent="   ")
            following = (
                "The scenario ends."
                if choice.next_step is None
                else f"Then go to step {choice.next_step}."
            )
            lines += ["", *_wrap(following, indent="   ")]
            lines += _sources_text(choice.sources)
    return lines


def _sources_text(sources: Sources) -> list[str]:
    """Each quote under its label ("Your policy:", "National guidance:") and why it applies."""
    lines = []
    if not sources.policy:
        lines += ["", *_wrap(WORDS["silent"], indent="   ")]
    labelled = [(WORDS["provenance"], q) for q in sources.policy]
    labelled += [(WORDS["guidance"], q) for q in sources.guidance]
    for label, quote in labelled:
        lines += ["", *_wrap(f"{label} {quote.where}:", indent="   ")]
        lines += _paragraphs(quote.text, "     ", "“")
        if quote.why:
            lines += _wrap(f"{WORDS['why']} {quote.why}", indent="     ")
    return lines


def _heading(text: str, rule: str) -> list[str]:
    wrapped = _wrap(text)
    return [*wrapped, rule * max(len(line) for line in wrapped)]


def _paragraphs(text: str, indent: str = "", quote: str = "") -> list[str]:
    """Each paragraph wrapped, with a blank line before it; a quotation in curly quotes."""
    parts = split_paragraphs(text)
    if quote and parts:
        parts[0] = f"“{parts[0]}"
        parts[-1] = f"{parts[-1]}”"
    lines: list[str] = []
    for part in parts:
        lines += ["", *_wrap(part, indent=indent)]
    return lines


def _wrap(text: str, indent: str = "", hang: str | None = None) -> list[str]:
    """One paragraph in lines of at most 80 columns; `hang` indents the lines after the first."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else indent + hang,
        break_on_hyphens=False,
    ) or [indent.rstrip()]
