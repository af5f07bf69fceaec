"""The hosted front door: JupyterHub signs people in, the toolkit's pages run as Hub services.

Owns the Hub's side: the authenticators (school accounts through OAuth, or the store's access
codes), the roster check that every sign-in and refresh passes, the Hub groups kept in step with
the roster, the spawner that starts no servers, and the writing of `jupyterhub_config.py`. Runs
inside the Hub's process; may import the helpers, content, store and school stages, never apps.
"""
