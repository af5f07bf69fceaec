"""The host names the server answers to: its own, never another site's.

A page of another site, opened in a browser that can reach the server, could point its own
name at the server's address (DNS rebinding) and read the training pages as if they were
its own; its requests carry its name in the Host header, so only the server's names are
answered.
"""

from __future__ import annotations

import ipaddress
import logging

import tornado.routing
import tornado.web

from toolkit.server.pages import send_page

WILDCARDS = {"", "0.0.0.0", "::"}


def answered_hosts(listen: str, extra: list[str], machine: str) -> frozenset[str]:
    """The names the server answers to: localhost, the address it listens on, the extra names
    set, and the machine's own name when it listens on every address (what Voila prints)."""
    names = {"localhost", *(name.lower().strip("[]") for name in extra)}
    if listen in WILDCARDS:
        names.add(machine.lower())
    else:
        names.add(listen.lower().strip("[]"))
    return frozenset(names)


def is_answered(host: str, names: frozenset[str]) -> bool:
    """Whether a request's Host (without its port) is one of ours; loopback addresses always are."""
    host = host.lower().strip("[]")
    if host in names:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UnknownHost(tornado.routing.Matcher):
    """Matches the requests whose Host header names another site."""

    def __init__(self, names: frozenset[str]):
        self.names = names

    def match(self, request) -> dict | None:
        return None if is_answered(request.host_name, self.names) else {}


class UnknownHostHandler(tornado.web.RequestHandler):
    """Refuses a request for another site's name, saying what to set if the name is ours."""

    def initialize(self, log: logging.Logger) -> None:
        self.log = log

    def prepare(self) -> None:
        host = self.request.host_name
        self.log.warning("Refused a request for the host name %r: not one of this server's", host)
        send_page(self, "unknown-host.html", 403, host=host)


def refuse_unknown_hosts(
    app: tornado.web.Application, names: frozenset[str], log: logging.Logger
) -> None:
    """Put the host check ahead of every route of the application."""
    rule = tornado.routing.Rule(UnknownHost(names), UnknownHostHandler, {"log": log})
    app.default_router.rules.insert(0, rule)
