"""What the DSL and inspectors read: tables and figures from the store's records, and their
renderings (HTML, PDF, CSV), certificates and lesson plans.

Reads the store's API, never SQL. May import the shared helpers (settings, dates, html),
content, engine, store, school and grading; never the apps, the server or the CLI.
"""
