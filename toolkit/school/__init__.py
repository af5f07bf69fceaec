"""One school, resolved once: its profile, its rendered content and versions, and the rules
that turn its records into progress (pass mark, module complete, certificate validity, due
and overdue).

May import settings, dates, content, engine and store; never apps, reports, server or cli.
"""
