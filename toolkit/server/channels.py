"""A page's kernel takes only what its widgets send: no code from the browser.

The pages' kernels run the toolkit with the server's rights (its database, the quiz sources).
Voila's websocket passes every message a browser sends to the kernel, so anyone with a page
open could send an `execute_request` and run code of their own. Only the messages the widgets
use (comms, and the kernel's info) reach the kernel; anything else is dropped and logged.
"""

from __future__ import annotations

import json
import logging

from voila.tornado.kernel_websocket_handler import (
    VoilaKernelWebsocketHandler,
    read_header_from_binary_message,
)

log = logging.getLogger(__name__)

ALLOWED = frozenset(
    {"comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"}
)


def message_type(message: str | bytes) -> str | None:
    """The type of a message from the browser, in the JSON or the binary (v1) form; None if it
    cannot be read."""
    try:
        if isinstance(message, bytes):
            header = read_header_from_binary_message(message)
        else:
            header = json.loads(message).get("header")
        return header.get("msg_type") if isinstance(header, dict) else None
    except (ValueError, AttributeError, IndexError):
        return None


class WidgetsOnlyChannels(VoilaKernelWebsocketHandler):
    """The kernel's websocket, passing on only the widgets' messages."""

    def on_message(self, ws_message):
        kind = message_type(ws_message)
        if kind not in ALLOWED:
            log.warning(
                "Dropped a message of type %s sent to a page's kernel", kind or "(unreadable)"
            )
            return None
        return super().on_message(ws_message)
