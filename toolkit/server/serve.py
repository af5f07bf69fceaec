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

Who may open the pages is in toolkit.server.hosts (the names answered) and toolkit.server.dsl_token.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import socket
import sys
import time
from collections import OrderedDict

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Bool, Dict, Float, Int, List, Unicode
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from toolkit import settings
from toolkit.html import TEMPLATES
from toolkit.server.channels import WidgetsOnlyChannels
from toolkit.server.dsl_token import TokenIdentityProvider
from toolkit.server.hosts import answered_hosts, refuse_unknown_hosts
from toolkit.server.pages import send_page

KERNEL_ID = r"(?P<kernel_id>[\w-]+)"
ENDED_KEPT = 5000  # reasons remembered for pages that ask why their kernel ended


class SchoolKernelManager(AsyncMappingKernelManager):
    """Kernels for page views, capped, started a few at a time, and ended when unused."""

    max_kernels = Int(120, config=True, help="Most kernels at once, the preheated pool included.")
    start_slots = Int(2, config=True, help="Kernels starting (and running their notebook) at once.")
    refill_quiet = Float(
        30.0,
        config=True,
        help="Seconds without a page opening, once every page served has connected, before the "
        "preheated pool is refilled.",
    )
    start_hold = Float(
        30.0, config=True, help="Longest a starting kernel holds its slot, in seconds."
    )
    gone_timeout = Float(
        90.0, config=True, help="Seconds before a kernel with no page connected is ended."
    )
    idle_timeout = Float(
        1800.0, config=True, help="Seconds before a kernel whose open page is unused is ended."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._changed = asyncio.Condition()
        self._admitted = 0  # page views let in whose kernel is not in the table yet
        self._refilling = 0  # pool refills launching, their kernel not in the table yet
        self._busy = 0  # start slots taken, each until its kernel has run its notebook
        self._people_waiting = 0  # page views waiting for a slot: served before pool refills
        self.ended: OrderedDict[str, str] = OrderedDict()  # kernel id -> why it ended
        self._watches: set[asyncio.Future] = set()
        self._promised: set[asyncio.Task] = set()  # pool pages still coming, handed to people
        self._last_opened = 0.0  # when a page was last served or connected (monotonic)
        self._unconnected: set[str] = set()  # kernels of pages served, their page not connected

    # --- starting ------------------------------------------------------------------------
    #
    # Room is counted so that the cap holds and nobody waits on a kernel that cannot start:
    # kernels in the table, page views admitted and pool pages still coming (Voila's pool
    # tasks not done: refills waiting for a slot or for room, or launching, including those
    # already handed to a page view) together stay within max_kernels. A pool refill takes
    # room only once there is some, and after people; one handed to a person already has it.

    def _pool(self, notebook: str) -> list:
        return getattr(self, "_pools", {}).get(notebook, [])  # Voila's preheated pool

    def _coming(self) -> int:
        pools = getattr(self, "_pools", {}).values()
        return sum(not t.done() for t in [*self._promised, *(t for pool in pools for t in pool)])

    def room(self) -> int:
        """Kernels that may still start for page views, beyond those already promised."""
        return self.max_kernels - len(self._kernels) - self._admitted - self._coming()

    def pooled(self, notebook: str) -> str:
        """ "ready": a page rendered ahead waits; "coming": one is being made; "": none.
        Voila hands out the pool's first page, ready or not, while the pool has any."""
        pool = self._pool(notebook)
        for task in [t for t in pool if t.done() and (t.cancelled() or t.exception())]:
            pool.remove(task)  # a failed start: handing it out would fail the page
        if not pool:
            return ""
        return "ready" if pool[0].done() else "coming"

    def promise(self, notebook: str) -> bool:
        """Hand the pool's page still coming to a page view, if there is room for it (it stays
        counted until its kernel is in the table, and then starts without waiting for room)."""
        if self.room() < 0:
            return False
        task = self._pool(notebook)[0]
        self._promised.add(task)
        task.add_done_callback(self._promised.discard)
        return True

    def opening(self) -> None:
        """A page is being served or is connecting: the pool's refill waits a little longer."""
        self._last_opened = time.monotonic()

    def quiet(self) -> bool:
        """No page served or connected for `refill_quiet` seconds, and every page served has
        connected (or its kernel has ended): a room's browsers have finished loading, which on
        a busy machine takes far longer than the quiet moment itself."""
        since = time.monotonic() - self._last_opened
        self._unconnected &= self._kernels.keys()
        return since >= self.refill_quiet and not self._unconnected

    def admit(self) -> Admission | None:
        """Room for a page view's kernel, kept for it until it starts; None past the cap."""
        if self.room() <= 0:
            return None
        self._admitted += 1
        return Admission(self)

    async def start_kernel(self, *args, **kwargs) -> str:
        admission = _admission.get()
        if admission is not None and not admission.used:
            admission.used = True  # from here this start, not the request, holds the room
            try:
                await self._take_slot(person=True)
                kernel_id = await self._start(*args, **kwargs)
                self._unconnected.add(kernel_id)
                return kernel_id
            finally:
                self._admitted -= 1  # now counted in the table, or never to be
        # A pool refill, counted as coming until now; one promised to a page view has room.
        # The others wait for a quiet moment: refilling while a room opens its pages would
        # take the processor from the very pages being opened.
        task = asyncio.current_task()
        while task not in self._promised and not self.quiet():
            await asyncio.sleep(0.5)
        await self._take_slot(person=False, promised=task in self._promised)
        self._refilling += 1
        try:
            return await self._start(*args, **kwargs)
        finally:
            self._refilling -= 1

    async def _start(self, *args, **kwargs) -> str:
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        except BaseException:
            await self._give_slot()
            raise
        watch = asyncio.ensure_future(self._hold_until_run(kernel_id))
        self._watches.add(watch)  # a task nobody refers to may be collected before it ends
        watch.add_done_callback(self._watches.discard)
        return kernel_id

    async def _take_slot(self, person: bool, promised: bool = False) -> None:
        """Wait for a start slot; a pool refill also waits for people, and for room."""

        def free() -> bool:
            if self._busy >= self.start_slots:
                return False
            if person or promised:
                return True
            started = len(self._kernels) + self._admitted + self._refilling
            return not self._people_waiting and started < self.max_kernels

        async with self._changed:
            self._people_waiting += person
            try:
                await self._changed.wait_for(free)
            finally:
                self._people_waiting -= person
            self._busy += 1

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
        except TimeoutError:
            self.log.warning(
                "kernel %s did not run its notebook in %s s", kernel_id, self.start_hold
            )
        except KeyError:  # ended before it ran
            pass
        except Exception:
            self.log.exception("watching kernel %s start", kernel_id)
        finally:
            if stream is not None:
                stream.close()
            await self._give_slot()

    # --- ending --------------------------------------------------------------------------
    #
    # A page's kernel counts as unused from its last message, its page's last connection or
    # disconnection, or the moment its page was handed out (a pooled page was rendered long
    # before): so a page still loading on a busy machine is not taken for one that has gone.

    def handing_out(self, notebook: str) -> None:
        """The pool's first page is being served now: its kernel's wait for a page starts."""
        kernel_id = self._pool(notebook)[0].result()["kernel_id"]
        self._unconnected.add(kernel_id)
        self._touch(kernel_id)

    def _touch(self, kernel_id: str) -> None:
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = utcnow()

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._unconnected.discard(kernel_id)
        self._touch(kernel_id)
        self.opening()

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        self._touch(kernel_id)

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


class Admission:
    """A page view's claim on room for one kernel, from the cap check until its kernel starts."""

    def __init__(self, manager: SchoolKernelManager):
        self.manager, self.used = manager, False

    def release(self) -> None:
        """The request ended without starting a kernel (an error, or a pooled page)."""
        if not self.used:
            self.used = True
            self.manager._admitted -= 1


_admission: contextvars.ContextVar[Admission | None] = contextvars.ContextVar(
    "admission", default=None
)


class PageHandler(TornadoVoilaHandler):
    """Voila's page, or a page that says to wait while the server has no room for a kernel."""

    @tornado.web.authenticated
    async def get(self, path=None):
        _ = self.xsrf_token  # sets the cookie the page's unload beacon sends to end its kernel
        # The page's kernel learns where it was opened from (for sign-in limits); a browser's
        # own header of that name is replaced, never believed.
        self.request.headers[settings.CLIENT_HEADER] = self.request.remote_ip or ""
        self.request.headers.pop(settings.PERSON_HEADER, None)
        if self.settings.get("esafety_hub"):  # signed in by the Hub: the roster says which pages
            from toolkit.server.hub_access import admit

            if not admit(self, path, self.current_user.username):
                return
        manager = self.kernel_manager
        manager.opening()
        pooled = manager.pooled(path)
        if pooled == "ready":
            manager.handing_out(path)
        if pooled == "ready" or (pooled == "coming" and manager.promise(path)):
            await super().get(path)  # a page rendered ahead, in a kernel counted already
            return
        admission = None if pooled else manager.admit()
        if admission is None:
            self.set_header("Retry-After", "5")
            send_page(self, "wait.html", 503)
            return
        _admission.set(admission)
        try:
            await super().get(path)
        finally:
            admission.release()


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


class UntrustedNotebookFilter(logging.Filter):
    """Drops the warning that a served notebook is "not trusted": trust only decides whether
    saved outputs are shown, and the served notebooks are saved without outputs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Notebook %s is not trusted"


class SchoolVoila(Voila):
    """Voila with the toolkit's kernel manager, page handler, page template and access rules;
    it serves its pages and no other files."""

    need_token = Bool(
        False,
        config=True,
        help=f"Open pages only with the DSL's token, read from {settings.SETTINGS['dsl_token'].env} "
        "in the environment (never the command line, where anyone on the machine could read it).",
    )
    hosts = List(
        Unicode(),
        config=True,
        help="Host names answered besides localhost, the loopback addresses and the address "
        "listened on.",
    )
    hub = Bool(
        False,
        config=True,
        help="Served as a JupyterHub service: the Hub signs people in (HubOAuth) and the roster "
        "says who may open which page (toolkit.server.hub_access).",
    )
    pool_sizes = Dict(
        value_trait=Int(),
        config=True,
        help="Pages rendered ahead, by notebook (e.g. staff.ipynb=30); others none.",
    )

    def init_settings(self) -> dict:
        self.log.addFilter(UntrustedNotebookFilter())
        self.voila_configuration.file_allowlist = []
        pools = {"default": {"pool_size": 0}}
        pools.update({page: {"pool_size": size} for page, size in self.pool_sizes.items()})
        self.config.VoilaKernelManager.kernel_pools_config = pools
        if self.hub:
            from toolkit.server.hub_access import HubIdentity

            self.identity_provider_class = HubIdentity
            return {**super().init_settings(), "esafety_hub": True}
        self.identity_provider_class = TokenIdentityProvider
        if self.need_token:
            self.token = self._token_from_environment()
        return super().init_settings()

    def _token_from_environment(self) -> str:
        """The token, taken out of the environment so that the pages' kernels never see it."""
        env = settings.SETTINGS["dsl_token"].env
        if not settings.source("dsl_token"):
            self.log.critical("%s is not set: start the DSL app with 'esafety serve --dsl'", env)
            self.exit(1)
        try:
            return settings.dsl_token()
        except settings.SettingError as err:
            self.log.critical("%s", err)
            self.exit(1)
        finally:
            os.environ.pop(env, None)

    def listen(self) -> None:
        if not self.hub:  # under the Hub, reached only through its proxy, with its cookies
            names = answered_hosts(self.ip, self.hosts, socket.gethostname())
            refuse_unknown_hosts(self.app, names, self.log)
        super().listen()

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATES / "voila"))

    def init_handlers(self) -> list:
        # Voila's contents API (a listing of the served folder, and each notebook's source)
        # is not served: the pages do not use it, and nobody needs it.
        replaced = {
            TornadoVoilaHandler: PageHandler,
            VoilaKernelWebsocketHandler: WidgetsOnlyChannels,
        }
        handlers = [
            (route, replaced.get(handler, handler), *rest)
            for route, handler, *rest in super().init_handlers()
            if handler is not VoilaContentsHandler
        ]
        state = url_path_join(self.server_url, rf"/esafety/page/{KERNEL_ID}")
        return [(state, PageStateHandler), *handlers]


def main() -> None:
    settings.keep_private()
    sys.exit(SchoolVoila.launch_instance())


if __name__ == "__main__":
    # Run the module's importable copy: Voila loads the kernel manager class by its name,
    # and one copy of this module must hold the handlers and the manager alike.
    from toolkit.server.serve import main as importable_main

    importable_main()
