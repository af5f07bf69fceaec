"""Serving the pages: the Voila process, its kernel cap and wait page, the host check and
the DSL token.

Runs in the server process, not in the pages' kernels. May import settings and the shared helpers only.
"""

# The served pages, by the notebooks' names: the staff page (and the classroom page) of a
# school, its DSL's page, and a trust's view of every school.
STAFF_PAGE, DSL_PAGE, TRUST_PAGE = "staff.ipynb", "dsl.ipynb", "trust.ipynb"
