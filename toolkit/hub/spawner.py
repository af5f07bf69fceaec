"""No one gets a server of their own: the Hub serves the toolkit's pages as services only.

The users' role in the config grants no server scopes, so the Hub refuses to start one; this
spawner is the second lock, should a role ever grant it: it starts nothing and says why.
"""

from __future__ import annotations

from jupyterhub.spawner import Spawner


class NoServers(Spawner):
    """A spawner that never starts a server (no JupyterLab, contents or terminals for anyone)."""

    async def start(self):
        raise RuntimeError(
            "This training server gives no one a Jupyter server of their own: the training "
            "pages are at /services/esafety/."
        )

    async def stop(self, now=False):
        return None

    async def poll(self):
        return 0  # never running
