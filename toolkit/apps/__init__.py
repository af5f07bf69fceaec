"""The pages people use: the page base, the staff, quiz, classroom, DSL and setup pages, and the
launch functions the notebooks call.

Widgets only render: the rules live in toolkit.engine and toolkit.school. May import
settings, content, engine, store, school, grading and reports; never the server or the CLI.
"""

from toolkit.apps.launch import classroom_app, dsl_app, setup_app, staff_app, trust_app

__all__ = ["classroom_app", "dsl_app", "setup_app", "staff_app", "trust_app"]
