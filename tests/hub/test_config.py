"""`jupyterhub_config.py` as `esafety hub config` writes it: plain JupyterHub configuration,
the pages as services, roles from the roster's groups, no servers, no secrets."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from traitlets.config import Config

from toolkit.hub.config import HubConfigError, HubOptions, config_text, discover


def load(text: str, environ: dict[str, str]) -> Config:
    """The configuration as JupyterHub would load it (run as a config file is run)."""
    config = Config()
    namespace = {"get_config": lambda: config}
    import os
    from unittest import mock

    with mock.patch.dict(os.environ, environ, clear=False):
        exec(compile(text, "jupyterhub_config.py", "exec"), namespace)
    return config


@pytest.fixture
def options(tmp_path: Path) -> HubOptions:
    return HubOptions(home=tmp_path, school="Test School", proxy="/usr/bin/chp")


def test_the_pages_are_services_and_nobody_gets_a_server(options, tmp_path):
    config = load(config_text(options), {"ESAFETY_DATABASE_URL": "postgresql://u:secret@db/x"})
    hub = config.JupyterHub
    assert hub.spawner_class == "toolkit.hub.spawner.NoServers"
    assert hub.authenticator_class.endswith("AccessCodeAuthenticator")
    assert hub.default_url == "/services/esafety/voila/render/staff.ipynb"
    names = [s["name"] for s in hub.services]
    assert names == ["esafety", "esafety-dsl"]
    assert all(s["url"].startswith("http://127.0.0.1:") for s in hub.services)
    assert hub.services[1]["command"][-2:] == ["--hub", "--dsl"]
    # Every ESAFETY_ setting reaches the services from the Hub's environment, not the file.
    assert hub.services[0]["environment"]["ESAFETY_DATABASE_URL"].endswith("secret@db/x")
    assert hub.services[0]["environment"]["ESAFETY_HOME"] == str(tmp_path)
    (user,) = [r for r in hub.load_roles if r["name"] == "user"]
    assert not any(s.startswith(("servers", "access:servers", "self")) for s in user["scopes"])
    roles = {r["name"]: (r["groups"], r["scopes"]) for r in hub.load_roles if "groups" in r}
    assert roles["esafety-staff"] == (["esafety-staff"], ["access:services!service=esafety"])
    assert roles["esafety-dsl"] == (["esafety-dsl"], ["access:services!service=esafety-dsl"])
    assert config.Authenticator.manage_groups is True


def test_no_secret_is_written_into_the_file(options, monkeypatch):
    monkeypatch.setenv("OAUTH_CLIENT_SECRET", "the-client-secret")
    monkeypatch.setenv("ESAFETY_DATABASE_URL", "postgresql://u:db-password@db/x")
    options.sign_in, options.client_id, options.tenant_id = "entra", "client-1", "tenant-1"
    text = config_text(options)
    assert "the-client-secret" not in text and "db-password" not in text
    config = load(text, {})
    assert config.AzureAdOAuthenticator.tenant_id == "tenant-1"
    assert (
        config.AzureAdOAuthenticator.oauth_callback_url
        == "http://127.0.0.1:8000/hub/oauth_callback"
    )


def test_the_redirect_address_is_the_public_one(options):
    options.sign_in, options.client_id, options.domains = "google", "client-1", ["school.example"]
    options.public_url = "https://esafety.school.example/"
    config = load(config_text(options), {})
    google = config.GoogleOAuthenticator
    assert google.oauth_callback_url == "https://esafety.school.example/hub/oauth_callback"
    assert google.hosted_domain == ["school.example"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"sign_in": "ldap"}, "is not one of"),
        ({"sign_in": "entra", "client_id": "x"}, "--tenant-id"),
        ({"sign_in": "google"}, "--client-id, --domains"),
        ({"public_url": "esafety.school.example"}, "must start with https://"),
    ],
)
def test_settings_that_cannot_work_are_refused_saying_what_to_give(options, change, says):
    for name, value in change.items():
        setattr(options, name, value)
    with pytest.raises(HubConfigError, match=says):
        config_text(options)


class Provider(BaseHTTPRequestHandler):
    document: dict = {}

    def do_GET(self):
        body = json.dumps(self.document).encode()
        self.send_response(200 if self.path == "/.well-known/openid-configuration" else 404)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_an_openid_provider_is_read_from_its_discovery_document(provider, options):
    Provider.document = {
        "authorization_endpoint": "https://id.example/auth",
        "token_endpoint": "https://id.example/token",
        "userinfo_endpoint": "https://id.example/me",
    }
    options.sign_in, options.client_id, options.oidc_url = "oidc", "client-1", provider
    generic = load(config_text(options), {}).GenericOAuthenticator
    assert (generic.authorize_url, generic.token_url, generic.userdata_url) == (
        "https://id.example/auth",
        "https://id.example/token",
        "https://id.example/me",
    )


def test_a_provider_that_is_not_one_is_named(provider):
    Provider.document = {"issuer": "x"}
    with pytest.raises(HubConfigError, match="does not give authorization_endpoint"):
        discover(provider)
    with pytest.raises(HubConfigError, match="cannot read the provider's settings"):
        discover("http://127.0.0.1:9")
