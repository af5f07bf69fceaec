"""Keyboard and locator helpers shared by the browser tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

ACTIVE_ELEMENT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  return {
    tag: e.tagName.toLowerCase(),
    type: e.getAttribute('type'),
    label: e.labels && e.labels.length ? e.labels[0].textContent.trim() : null,
    text: (e.textContent || '').replace(/\\s+/g, ' ').trim(),
  };
}"""


def squash(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def tab_to(page: Page, wanted: Callable[[dict], bool], what: str, limit: int = 120) -> None:
    """Press Tab until the focused element is the one wanted (it may be already); fail if it never comes."""
    seen = []
    for _ in range(limit):
        active = page.evaluate(ACTIVE_ELEMENT)
        if active and wanted(active):
            return
        page.keyboard.press("Tab")
        seen.append(active and f"{active['tag']}:{active['label'] or active['text'][:40]}")
    pytest.fail(f"Tab never reached {what}; focus went through {seen}")


def tab_to_field(page: Page, label: str) -> None:
    tab_to(page, lambda a: a["tag"] == "input" and a["label"] == label, f"the {label!r} field")


def tab_to_button(page: Page, text: str) -> None:
    text = squash(text)
    tab_to(page, lambda a: a["tag"] == "button" and a["text"] == text, f"the {text!r} button")


def button(page: Page, name: str):
    return page.get_by_role("button", name=squash(name), exact=True)


def tab_until(page: Page, target, what: str, limit: int = 150) -> None:
    """Press Tab until the given element has the focus (it may have it already)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {what}")


def axe_findings(page: Page, where: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
        lines.append(
            f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {targets})"
        )
    print("\n".join(lines) or f"{where}: no violations")
    return [
        line
        for line, v in zip(lines, violations, strict=True)
        if v["impact"] in ("serious", "critical")
    ]
