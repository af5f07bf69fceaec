"""Voila for a room full of people: kernels capped and started a few at a time, ended when unused.

Voila starts a kernel for every page view. Unmanaged, 30 staff opening the page in the same
minute on two cores start 30 kernels at once, each slowed until Voila gives up waiting for
its output and serves a blank page; and any plain GET starts a kernel that nobody ends.
This launcher is Voila with four changes:

- kernels start at most `start_slots` at a time, each holding its slot until the page's
  notebook has run, with people's pages ahead of refilling the preheated pool;
- at most `max_kernels` kernels exist; past that a page says that many people are signing
  in and retries by itself, never a blank page;
- a kernel whose page has gone without a word is ended after `gone_timeout`, and one whose
  page is open but unused for `idle_timeout`, with the page told why (`/esafety/page/ID`);
- the page's unload beacon can end its kernel (the page gets the `_xsrf` cookie it needs).
"""

from __future__ import annotations

import asyncio
import sys
from collections import OrderedDict
from pathlib import Path

import jinja2
import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Float, Int
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

TEMPLATES = Path(__file__).with_name("templates")
KERNEL_ID = r"(?P<kernel_id>[\w-]+)"
ENDED_KEPT = 5000  # reasons remembered for pages that ask why their kernel ended

_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES / "server"), autoescape=True, trim_blocks=True
)


class SchoolKernelManager(AsyncMappingKernelManager):
    """Kernels for page views, capped, started a few at a time, and ended when unused."""

    max_kernels = Int(120, config=True, help="Most kernels at once, the preheated pool included.")
    start_slots = Int(2, config=True, help="Kernels starting (and running their notebook) at once.")
    start_hold = Float(
        30.0, config=True, help="Longest a starting kernel holds its slot, in seconds."
    )
    gone_timeout = Float(
        60.0, config=True, help="Seconds before a kernel with no page connected is ended."
    )
    idle_timeout = Float(
        1800.0, config=True, help="Seconds before a kernel whose open page is unused is ended."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._changed = asyncio.Condition()
        self._launching = 0  # slots taken by kernels not yet in the table
        self._busy = 0  # slots taken, until each kernel has run its notebook
        self._people_waiting = 0  # page views waiting for a slot: served before pool refills
        self.ended: OrderedDict[str, str] = OrderedDict()  # kernel id -> why it ended

    # --- starting ------------------------------------------------------------------------

    def at_capacity(self) -> bool:
        """No room for another kernel: a new page view should wait (and say so)."""
        return len(self._kernels) + self._launching >= self.max_kernels

    async def start_kernel(self, *args, **kwargs) -> str:
        env = kwargs.get("env") or {}
        person = env.get("VOILA_PREHEAT") != "True"  # a page view, not a pool refill
        await self._take_slot(person)
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        except BaseException:
            self._launching -= 1
            await self._give_slot()
            raise
        self._launching -= 1
        asyncio.ensure_future(self._hold_until_run(kernel_id))
        return kernel_id

    async def _take_slot(self, person: bool) -> None:
        def free() -> bool:
            if not person and self._people_waiting:
                return False
            return self._busy < self.start_slots and not self.at_capacity()

        async with self._changed:
            self._people_waiting += person
            try:
                await self._changed.wait_for(free)
            finally:
                self._people_waiting -= person
            self._busy += 1
            self._launching += 1

    async def _give_slot(self) -> None:
        async with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    async def _hold_until_run(self, kernel_id: str) -> None:
        """Keep the slot until the page's notebook has run: that, not the start, is the work."""
        run = asyncio.Event()
        stream = None
        try:
            kernel = self.get_kernel(kernel_id)
            session = kernel.session
            stream = kernel.connect_iopub()

            def on_message(parts) -> None:
                _, message = session.feed_identities(parts)
                msg = session.deserialize(message)
                if (
                    msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_type") == "execute_request"
                ):
                    run.set()

            stream.on_recv(on_message)
            await asyncio.wait_for(run.wait(), self.start_hold)
        except (TimeoutError, KeyError):
            pass
        except Exception:
            self.log.exception("watching kernel %s start", kernel_id)
        finally:
            if stream is not None:
                stream.close()
            await self._give_slot()

    # --- ending --------------------------------------------------------------------------

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        self._remember(kernel_id, "closed")
        try:
            return await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _remember(self, kernel_id: str, reason: str) -> None:
        self.ended.setdefault(kernel_id, reason)
        while len(self.ended) > ENDED_KEPT:
            self.ended.popitem(last=False)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """End a dead kernel, one whose page has gone, or one whose open page is unused."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or not hasattr(kernel, "last_activity"):
            return
        if not await ensure_async(kernel.is_alive()):
            reason = "stopped"
        else:
            if kernel.execution_state == "busy":
                return
            connected = self._kernel_connections.get(kernel_id, 0) > 0
            idle = (utcnow() - kernel.last_activity).total_seconds()
            if idle <= (self.idle_timeout if connected else self.gone_timeout):
                return
            reason = "idle" if connected else "gone"
        self.log.info("Ending kernel %s: %s", kernel_id, reason)
        self._remember(kernel_id, reason)
        await ensure_async(self.shutdown_kernel(kernel_id))

    def page_state(self, kernel_id: str) -> dict:
        if kernel_id in self._kernels:
            return {"state": "running"}
        return {"state": "ended", "reason": self.ended.get(kernel_id, "unknown")}


class PageHandler(TornadoVoilaHandler):
    """Voila's page, or a page that says to wait while the server has no room for a kernel."""

    @tornado.web.authenticated
    async def get(self, path=None):
        _ = self.xsrf_token  # sets the cookie the page's unload beacon sends to end its kernel
        manager = self.kernel_manager
        pooled = manager.get_pool_size(path) if hasattr(manager, "get_pool_size") else 0
        if not pooled and manager.at_capacity():
            self.set_status(503)
            self.set_header("Retry-After", "5")
            self.set_header("Cache-Control", "no-store")
            self.finish(_pages.get_template("wait.html").render())
            return
        await super().get(path)


class PageStateHandler(JupyterHandler):
    """Whether a page's kernel still runs, and why not: the page tells its reader."""

    @tornado.web.authenticated
    async def get(self, kernel_id: str) -> None:
        manager = self.kernel_manager
        state = manager.page_state(kernel_id)
        if state["state"] == "running":
            kernel = manager.get_kernel(kernel_id)
            if not await ensure_async(kernel.is_alive()):
                state = {"state": "ended", "reason": "stopped"}
        self.set_header("Cache-Control", "no-store")
        self.finish(state)


class SchoolVoila(Voila):
    """Voila with the toolkit's kernel manager, page handler and page template."""

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATES / "voila"))

    def init_handlers(self) -> list:
        handlers = [
            (route, PageHandler if handler is TornadoVoilaHandler else handler, *rest)
            for route, handler, *rest in super().init_handlers()
        ]
        state = url_path_join(self.server_url, rf"/esafety/page/{KERNEL_ID}")
        return [(state, PageStateHandler), *handlers]


def main() -> None:
    sys.exit(SchoolVoila.launch_instance())


if __name__ == "__main__":
    main()
