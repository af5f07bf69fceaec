"""When the pool of pages made ahead may be refilled: only once the room has finished opening
its pages, so that refills never take the processor from pages still loading."""

from __future__ import annotations

from types import SimpleNamespace

from toolkit.server.serve import SchoolKernelManager


def manager_with_a_page_served() -> SchoolKernelManager:
    manager = SchoolKernelManager(refill_quiet=0.0)
    manager._kernels["page"] = SimpleNamespace()  # a served page's kernel
    manager._unconnected.add("page")
    return manager


def test_no_refill_while_a_served_page_has_not_connected():
    """Does a page served but still loading (not connected yet) hold back the refill?"""
    assert not manager_with_a_page_served().quiet()


def test_the_refill_may_start_once_every_served_page_has_connected():
    """Once the page's websocket has connected, and the quiet moment passed, may it refill?"""
    manager = manager_with_a_page_served()
    manager.notify_connect("page")
    assert manager.quiet()


def test_a_page_whose_kernel_ended_holds_nothing_back():
    """A page that never connected, its kernel ended as gone: is the refill free to start?"""
    manager = manager_with_a_page_served()
    del manager._kernels["page"]
    assert manager.quiet()


def test_the_quiet_moment_still_counts():
    """A page connected a moment ago: does the refill still wait for the quiet moment?"""
    manager = manager_with_a_page_served()
    manager.refill_quiet = 30.0
    manager.notify_connect("page")
    assert not manager.quiet()
