"""Writing `jupyterhub_config.py`: the Hub in front, the toolkit's pages as its services.

The file is plain JupyterHub configuration that a school's IT can read and change: where the
Hub listens, how people sign in, the two services (the staff and classroom pages at
/services/esafety/, the DSL's page at /services/esafety-dsl/), the roles that open each to the
Hub groups kept in step with the roster, and no server for anyone. Secrets are never written
into it: the OAuth client secret and every ESAFETY_ setting (the database URL with its
password) are read from the environment when the Hub starts.
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from pprint import pformat

from toolkit import resources
from toolkit.html import TEMPLATES
from toolkit.hub.roster_gate import DSL_GROUP, STAFF_GROUP, TRUST_LEAD_GROUP, school_group
from toolkit.server import STAFF_PAGE
from toolkit.trust import Trust

SERVICE = "esafety"
DSL_SERVICE = "esafety-dsl"
TRUST_SERVICE = "esafety-trust"  # the trust lead's view of every school
PROXY = "configurable-http-proxy"
PROXY_IN_CHECKOUT = Path(".node/node_modules/.bin") / PROXY
AUTHENTICATOR = "toolkit.hub.authenticators.{}"
AUTHENTICATORS = {
    "access-code": "AccessCodeAuthenticator",
    "oidc": "SchoolOIDCAuthenticator",
    "entra": "SchoolEntraAuthenticator",
    "google": "SchoolGoogleAuthenticator",
}
# The Hub checks a signed-in person against the roster this often (seconds): a leaver is signed
# out, and a changed role regrouped, within a minute.
REFRESH_SECONDS = 60


class HubConfigError(ValueError):
    """A Hub setting that cannot be used, saying which and what to do."""


@dataclass
class HubOptions:
    home: Path  # the school's data folder; the Hub keeps its own files in hub/ inside it
    school: str  # the school's name, for the file's heading
    sign_in: str = "access-code"  # one of AUTHENTICATORS
    public_url: str = ""  # what people type, e.g. https://esafety.school.example; "" = bind_url
    bind_url: str = "http://127.0.0.1:8000"  # where the Hub's proxy listens
    hub_port: int = 8081  # the Hub itself, on loopback
    proxy_api_port: int = 8001  # the proxy's API, on loopback
    service_port: int = 10101  # the staff and classroom pages, on loopback
    dsl_port: int = 10102  # the DSL's page, on loopback
    client_id: str = ""  # OAuth client id (single sign-on)
    oidc_url: str = ""  # OpenID Connect provider's base URL (sign_in "oidc")
    tenant_id: str = ""  # Entra ID tenant (sign_in "entra")
    domains: list[str] = field(default_factory=list)  # Google Workspace domains (sign_in "google")
    proxy: str = ""  # the proxy's command; "" = found on PATH or in the checkout
    trust: Trust | None = None  # serving a trust: a service per school, and the trust lead's
    trust_file: Path | None = None  # where the services read the trust from

    def check(self) -> None:
        if self.sign_in not in AUTHENTICATORS:
            raise HubConfigError(
                f"sign-in {self.sign_in!r} is not one of {', '.join(AUTHENTICATORS)}"
            )
        needs = {"oidc": ("client_id", "oidc_url"), "entra": ("client_id", "tenant_id")}
        needs["google"] = ("client_id", "domains")
        missing = [name for name in needs.get(self.sign_in, ()) if not getattr(self, name)]
        if missing:
            flags = ", ".join("--" + name.replace("_", "-") for name in missing)
            raise HubConfigError(f"signing in with {self.sign_in} needs {flags}")
        for name in ("public_url", "bind_url", "oidc_url"):
            value = getattr(self, name)
            if value and not value.startswith(("http://", "https://")):
                raise HubConfigError(f"--{name.replace('_', '-')} must start with https://")


def find_proxy() -> str:
    """The configurable-http-proxy command: on PATH, or installed in the checkout by `make`."""
    found = shutil.which(PROXY)
    if found:
        return found
    if not resources.installed() and (resources.CHECKOUT / PROXY_IN_CHECKOUT).exists():
        return str(resources.CHECKOUT / PROXY_IN_CHECKOUT)
    raise HubConfigError(
        f"{PROXY} is not installed: run `make proxy` in the toolkit's folder, or install it "
        f"with `npm install -g {PROXY}` or Debian's node-configurable-http-proxy"
    )


def config_text(options: HubOptions) -> str:
    """The text of jupyterhub_config.py for these options."""
    options.check()
    home = options.home.resolve()
    hub_dir = home / "hub"
    public = (options.public_url or options.bind_url).rstrip("/")
    toolkit_cli = [sys.executable, "-m", "toolkit.cli", "serve", "--hub"]
    settings = {
        "JupyterHub.bind_url": options.bind_url,
        "JupyterHub.hub_bind_url": f"http://127.0.0.1:{options.hub_port}",
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{options.proxy_api_port}",
        "ConfigurableHTTPProxy.command": [options.proxy or find_proxy()],
        "JupyterHub.db_url": f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(hub_dir / "jupyterhub_cookie_secret"),
        "JupyterHub.pid_file": str(hub_dir / "jupyterhub.pid"),
        "JupyterHub.template_paths": [str(TEMPLATES / "hub")],
        "JupyterHub.template_vars": {"school": options.school},
        # No servers: the pages are services; the users' own role grants no server scopes.
        "JupyterHub.spawner_class": "toolkit.hub.spawner.NoServers",
        "JupyterHub.implicit_spawn_seconds": 0,
        "JupyterHub.default_url": f"/services/{SERVICE}/voila/render/{STAFF_PAGE}",
        "JupyterHub.cookie_max_age_days": 1,  # shared computers: a day at most
        "JupyterHub.authenticator_class": AUTHENTICATOR.format(AUTHENTICATORS[options.sign_in]),
        "Authenticator.manage_groups": True,
        "Authenticator.auth_refresh_age": REFRESH_SECONDS,
        "Authenticator.refresh_pre_spawn": True,
        "Authenticator.any_allow_config": True,  # the roster decides (toolkit.hub.roster_gate)
        "JupyterHub.load_roles": [
            {
                "name": "user",
                "description": "Everyone signed in: their own name, and no server.",
                "scopes": ["read:users:name!user", "read:users:groups!user"],
            },
            *_roles(options.trust),
        ],
        **_sign_in(options, public),
    }
    if options.trust is None:
        services = [
            _service(SERVICE, options.service_port, toolkit_cli),
            _service(DSL_SERVICE, options.dsl_port, [*toolkit_cli, "--dsl"]),
        ]
    else:
        del settings["JupyterHub.default_url"]  # a function, written below
        services = _trust_services(options.trust, options.service_port, toolkit_cli)
    lines = [
        f"# JupyterHub configuration for {options.school}'s safeguarding training,",
        f"# written by `esafety hub config` on {date.today():%d %B %Y}. Start it with `esafety hub`.",
        "# Secrets are read from the environment when the Hub starts, never written here:",
        "# OAUTH_CLIENT_SECRET for single sign-on, and the ESAFETY_ settings (the database URL",
        "# with its password), which are handed to the toolkit's services.",
        "import os",
        "",
        f"os.environ.setdefault('ESAFETY_HOME', {str(home)!r})",
        *(
            [f"os.environ.setdefault('ESAFETY_TRUST', {str(options.trust_file)!r})"]
            if options.trust_file
            else []
        ),
        "ESAFETY = {k: v for k, v in os.environ.items() if k.startswith('ESAFETY_')}",
        "c = get_config()  # noqa: F821 (given by JupyterHub)",
        "",
        *(
            f"c.{name} = {pformat(value, width=96, sort_dicts=False)}"
            for name, value in settings.items()
        ),
        "",
        "# The toolkit's pages, each a Voila server managed by the Hub and signed in by its OAuth.",
        "c.JupyterHub.services = [",
        *(
            f"    {{**{pformat(service, width=88, sort_dicts=False)}, 'environment': ESAFETY}},"
            for service in services
        ),
        "]",
        "",
        *(
            [
                "# Serving a trust: each person is sent to their school's page (or a list of",
                "# their pages); the trust file's leads to the trust's view.",
                "from toolkit.hub.trust_pages import landing  # noqa: E402",
                "",
                "c.JupyterHub.default_url = landing",
                "",
            ]
            if options.trust
            else []
        ),
    ]
    return "\n".join(lines)


def _roles(trust: Trust | None) -> list[dict]:
    """Who may open each service: the Hub's groups, which follow the rosters."""
    schools = [None] if trust is None else [school.id for school in trust.schools]
    roles = []
    for school_id in schools:
        at = f" of {school_id}" if school_id else ""
        roles += [
            {
                "name": school_group(STAFF_GROUP, school_id),
                "description": f"The staff and classroom pages{at} (the page checks the role).",
                "scopes": [f"access:services!service={service_name(school_id)}"],
                "groups": [school_group(STAFF_GROUP, school_id)],
            },
            {
                "name": school_group(DSL_GROUP, school_id),
                "description": f"The DSL's page{at}: the DSL and deputy DSL only.",
                "scopes": [f"access:services!service={service_name(school_id, dsl=True)}"],
                "groups": [school_group(DSL_GROUP, school_id)],
            },
        ]
    if trust is not None:
        roles.append(
            {
                "name": TRUST_LEAD_GROUP,
                "description": "The trust's view of every school: the leads in the trust file.",
                "scopes": [f"access:services!service={TRUST_SERVICE}"],
                "groups": [TRUST_LEAD_GROUP],
            }
        )
    return roles


def service_name(school_id: str | None, dsl: bool = False) -> str:
    """A page's service: of the only school served (None), or of one school of the trust."""
    name = f"{SERVICE}-{school_id}" if school_id else SERVICE
    return f"{name}-dsl" if dsl else name


def _trust_services(trust: Trust, first_port: int, toolkit_cli: list[str]) -> list[dict]:
    """The trust lead's service, then each school's two, on ports counted up from the first.
    Each school's service is told its school: it then knows no other's database."""
    services = [_service(TRUST_SERVICE, first_port, [*toolkit_cli, "--trust-lead"])]
    for i, school in enumerate(trust.schools):
        port = first_port + 1 + 2 * i
        for dsl in (False, True):
            command = [*toolkit_cli, *(["--dsl"] if dsl else []), "--school", school.id]
            services.append(_service(service_name(school.id, dsl), port + dsl, command))
    return services


def _service(name: str, port: int, command: list[str]) -> dict:
    return {
        "name": name,
        "url": f"http://127.0.0.1:{port}",
        "command": command,
        "oauth_no_confirm": True,
        "display": False,
    }


def _sign_in(options: HubOptions, public: str) -> dict:
    """The settings of the chosen way to sign in."""
    if options.sign_in == "access-code":
        return {}
    section = {"oidc": "GenericOAuthenticator", "entra": "AzureAdOAuthenticator"}.get(
        options.sign_in, "GoogleOAuthenticator"
    )
    found = {
        f"{section}.client_id": options.client_id,
        f"{section}.oauth_callback_url": f"{public}/hub/oauth_callback",
    }
    if options.sign_in == "oidc":
        provider = discover(options.oidc_url)
        found[f"{section}.authorize_url"] = provider["authorization_endpoint"]
        found[f"{section}.token_url"] = provider["token_endpoint"]
        found[f"{section}.userdata_url"] = provider["userinfo_endpoint"]
    elif options.sign_in == "entra":
        found[f"{section}.tenant_id"] = options.tenant_id
    else:
        found[f"{section}.hosted_domain"] = list(options.domains)
    return found


def discover(issuer: str) -> dict:
    """The provider's endpoints, from its OpenID Connect discovery document."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            found = json.load(response)
    except (OSError, ValueError) as err:
        raise HubConfigError(
            f"cannot read the provider's settings at {url} ({err}): check --oidc-url, the "
            "provider's address that ends before /.well-known/openid-configuration"
        ) from None
    needed = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint")
    missing = [name for name in needed if not isinstance(found.get(name), str)]
    if missing:
        raise HubConfigError(f"{url} does not give {', '.join(missing)}: is it an OpenID provider?")
    return found
