"""Only the widgets' messages reach a page's kernel: code sent from a browser is dropped."""

from __future__ import annotations

import json

import pytest

from toolkit.server.channels import ALLOWED, message_type


def binary(msg_type: str) -> bytes:
    """A message in the websocket's binary (v1) form: offsets, then channel, header, ..."""
    parts = [b"shell", json.dumps({"msg_type": msg_type}).encode(), b"{}", b"{}", b"{}"]
    offsets, at = [], 8 * (len(parts) + 1)
    for part in parts:
        offsets.append(at)
        at += len(part)
    head = len(parts).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)


@pytest.mark.parametrize("form", [lambda t: json.dumps({"header": {"msg_type": t}}), binary])
def test_the_type_is_read_in_either_form(form):
    assert message_type(form("comm_msg")) == "comm_msg"
    assert message_type(form("execute_request")) == "execute_request"


@pytest.mark.parametrize("message", ["not json", "[]", json.dumps({"header": 3}), b"\x00" * 3])
def test_an_unreadable_message_has_no_type(message):
    assert message_type(message) is None


def test_code_and_everything_but_the_widgets_messages_are_refused():
    for refused in ("execute_request", "complete_request", "inspect_request", "shutdown_request"):
        assert refused not in ALLOWED
    assert {"comm_msg", "comm_open", "comm_info_request"} <= ALLOWED
