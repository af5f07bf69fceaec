"""Serving the pages: the Voila process, its kernel cap and wait page, the host check and
the DSL token.

Runs in the server process, not in the pages' kernels. May import settings and the shared helpers only.
"""
