"""One school, resolved once: its profile, its rendered content and versions, and the rules
that turn its records into progress (pass mark, module complete, certificate validity, due
and overdue).

May import settings, content and store; nothing above them.
"""
