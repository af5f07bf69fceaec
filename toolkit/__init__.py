"""E-safety training toolkit: each school's own social media policy, taught and tracked.

One package per stage, and data flows one way; a module imports only from its own stage
and the stages before it (tests/test_layout.py checks this):

    settings, resources, dates, html    small shared helpers
    content    the YAML content: schema, checks, the catalogue
    engine     pure state machines of a scenario, quiz or lesson
    store      the only SQL: learners, attempts, choices, deliveries
    school     one school resolved once, and the rules over its records
    grading    the nbgrader course of the module quizzes
    reports    tables and figures for the DSL; HTML, PDF, CSV; certificates, lesson plans
    apps       the Voila pages (widgets render; rules live below)
    server     the Voila process, kernel cap, host check, DSL token
    cli        the esafety command
"""

__version__ = "0.2.0"
