"""Who may open the pages: the host names answered, the DSL token's setting, failed guesses."""

from __future__ import annotations

import pytest

from toolkit import settings
from toolkit.server.dsl_token import Failures, without_token
from toolkit.server.hosts import answered_hosts, is_answered


@pytest.mark.parametrize(
    ("listen", "extra", "host", "answered"),
    [
        ("127.0.0.1", [], "localhost", True),
        ("127.0.0.1", [], "127.0.0.1", True),
        ("127.0.0.1", [], "[::1]", True),
        ("127.0.0.1", [], "evil.example", False),
        ("127.0.0.1", [], "localhost.evil.example", False),
        ("127.0.0.1", [], "192.168.1.20", False),
        ("192.168.1.20", [], "192.168.1.20", True),
        ("0.0.0.0", [], "staffroom-pc", True),  # the machine's own name, as Voila prints it
        ("0.0.0.0", [], "0.0.0.0", False),
        ("0.0.0.0", ["Training.School.Example"], "training.school.example", True),
        ("0.0.0.0", ["[fd00::20]"], "[fd00::20]", True),
    ],
)
def test_only_the_servers_own_names_are_answered(listen, extra, host, answered):
    """Is a request answered only for localhost, a loopback address, the address listened on,
    the names set in ESAFETY_HOSTS, and (listening everywhere) the machine's own name?"""
    names = answered_hosts(listen, extra, "Staffroom-PC")
    assert is_answered(host, names) is answered


@pytest.mark.parametrize("value", ["1", "short-token", "x" * 31, "has spaces " * 4, "é" * 40])
def test_a_short_or_odd_dsl_token_is_refused_with_one_clear_line(monkeypatch, value):
    """Does a DSL token under 32 letters, digits, '-' or '_' stop with a message naming the setting?"""
    monkeypatch.setenv("ESAFETY_DSL_TOKEN", value)
    with pytest.raises(settings.SettingError, match="ESAFETY_DSL_TOKEN must be at least 32") as err:
        settings.dsl_token()
    assert "\n" not in str(err.value)
    assert len(value) < 3 or value not in str(err.value)  # a token is never echoed


def test_a_dsl_token_is_used_as_set_or_made_long_and_new(monkeypatch):
    """Is a good token used as set, and without one, a new random one of 32 characters or more?"""
    monkeypatch.setenv("ESAFETY_DSL_TOKEN", "a" * 32)
    assert settings.dsl_token() == "a" * 32
    monkeypatch.delenv("ESAFETY_DSL_TOKEN")
    first, second = settings.dsl_token(), settings.dsl_token()
    assert len(first) >= 32 and first != second


def test_hosts_setting_is_read_and_checked(monkeypatch):
    """Are ESAFETY_HOSTS names read, comma-separated, and a URL or a port refused by name?"""
    monkeypatch.setenv("ESAFETY_HOSTS", " Training.School.Example, 192.168.1.20 ,fd00::20")
    assert settings.hosts() == ["training.school.example", "192.168.1.20", "fd00::20"]
    for bad in ("http://training.school.example", "training.school.example:8866", "a b"):
        monkeypatch.setenv("ESAFETY_HOSTS", bad)
        with pytest.raises(settings.SettingError, match="ESAFETY_HOSTS"):
            settings.hosts()


def test_failures_lock_an_address_after_the_limit_for_the_window():
    """Are 5 wrong tokens in 15 minutes from one address, and only that address, made to wait
    until the oldest of them is 15 minutes old?"""
    now = [1000.0]
    failures = Failures(limit=5, window=900, clock=lambda: now[0])
    for minute in range(4):
        now[0] = 1000.0 + 60 * minute
        failures.add("10.0.0.5")
    assert failures.wait("10.0.0.5") == 0
    assert failures.add("10.0.0.5") == 5
    assert failures.wait("10.0.0.5") == pytest.approx(900 - 180)
    assert failures.wait("10.0.0.6") == 0
    now[0] = 1000.0 + 901
    assert failures.wait("10.0.0.5") == 0  # the first one has gone out of the window


def test_a_refused_token_is_not_carried_into_the_form():
    """Is the token taken out of the link the sign-in form returns to, the rest kept?"""
    assert without_token("/voila/render/dsl.ipynb?token=guess&x=1") == "/voila/render/dsl.ipynb?x=1"
