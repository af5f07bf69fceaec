"""`esafety hub`: write the JupyterHub configuration for the school, and start the Hub."""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import sys
from pathlib import Path

from toolkit import settings
from toolkit.cli.errors import CommandError
from toolkit.cli.school import current_school, resolve
from toolkit.cli.scope import in_school, served_trust

DEFAULT_CONFIG = "jupyterhub_config.py"
# The line of a configuration written for a trust that names its trust file.
TRUST_LINE = r"os\.environ\.setdefault\('ESAFETY_TRUST', ('[^'\n]*')\)"


def write_config(args: argparse.Namespace) -> int:
    from toolkit.content.cache import cached_catalogue
    from toolkit.hub.config import HubConfigError, HubOptions, config_text

    if args.trust:
        os.environ[settings.SETTINGS["trust"].env] = str(Path(args.trust).resolve())
    trust = served_trust() if settings.value("trust") else None
    if trust is None:
        catalogue = cached_catalogue(
            settings.content_root(), settings.cache_dir(), settings.schools_root()
        )
        school = resolve(catalogue, current_school()).name
    else:
        school = trust.name
    options = HubOptions(
        home=settings.home(),
        school=school,
        trust=trust,
        trust_file=Path(settings.value("trust")).resolve() if trust else None,
        sign_in=args.sign_in,
        public_url=args.url or "",
        bind_url=args.bind_url,
        hub_port=args.hub_port,
        proxy_api_port=args.proxy_api_port,
        service_port=args.service_port,
        dsl_port=args.dsl_service_port,
        client_id=args.client_id or "",
        oidc_url=args.oidc_url or "",
        tenant_id=args.tenant_id or "",
        domains=args.domain or [],
        proxy=args.proxy or "",
    )
    try:
        text = config_text(options)
    except HubConfigError as err:
        raise CommandError(str(err)) from None
    out = Path(args.out)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        raise CommandError(f"cannot write {out}: {err.strerror}") from None
    print(f"Wrote {out}. Start the Hub with: esafety hub --config {out}")
    if args.sign_in != "access-code":
        print("Set OAUTH_CLIENT_SECRET in the Hub's environment (never in the file).")
    return 0


def start(args: argparse.Namespace) -> int:
    from toolkit.cli.serve import prepare

    config = Path(args.config)
    if not config.is_file():
        raise CommandError(
            f"no Hub configuration at {config}: write one with `esafety hub config --out {config}`"
        )
    settings.make_home_private()
    (settings.home() / "hub").mkdir(parents=True, exist_ok=True)
    # Before the services start, so that two of them never build the same quizzes at once.
    trust_file = settings.value("trust") or trust_in(config)
    if trust_file:
        os.environ[settings.SETTINGS["trust"].env] = trust_file
        prepare_schools(served_trust())
    else:
        prepare()
    hub = shutil.which("jupyterhub", path=os.path.dirname(sys.executable)) or "jupyterhub"
    command = [hub, "-f", str(config.resolve())]
    env = {**os.environ, settings.SETTINGS["home"].env: str(settings.home().resolve())}
    os.chdir(settings.home() / "hub")
    os.execvpe(command[0], command, env)
    return 0  # not reached


def trust_in(config: Path) -> str:
    """The trust file a configuration written for a trust names; "" for one school's."""
    found = re.search(TRUST_LINE, config.read_text(encoding="utf-8"))
    return ast.literal_eval(found.group(1)) if found else ""


def prepare_schools(trust) -> None:
    """Each school of the trust checked and its quizzes built, saying which one fails."""
    from toolkit.cli.serve import prepare

    for school in trust.schools:
        with in_school(trust, school.id):
            try:
                prepare()
            except CommandError as err:
                raise CommandError(f"school {school.id}: {err}") from None


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "hub", help="Start JupyterHub in front of the pages (see `esafety hub config`)."
    )
    p.add_argument("--config", default=DEFAULT_CONFIG, help="The Hub's configuration file.")
    p.set_defaults(func=start)
    hub_sub = p.add_subparsers(dest="hub_command")
    c = hub_sub.add_parser("config", help="Write the Hub's configuration for this school.")
    c.add_argument("--out", default=DEFAULT_CONFIG, help="Where to write it.")
    c.add_argument(
        "--sign-in",
        choices=("access-code", "oidc", "entra", "google"),
        default="access-code",
        help="How staff sign in: the toolkit's access codes, or a school account.",
    )
    c.add_argument("--url", help="The address people type, e.g. https://esafety.school.example.")
    c.add_argument("--bind-url", default="http://127.0.0.1:8000", help="Where the Hub listens.")
    c.add_argument("--hub-port", type=int, default=8081, help="The Hub's own port (loopback).")
    c.add_argument("--proxy-api-port", type=int, default=8001, help="The proxy's API port.")
    c.add_argument("--service-port", type=int, default=10101, help="The pages' port (loopback).")
    c.add_argument("--dsl-service-port", type=int, default=10102, help="The DSL page's port.")
    c.add_argument("--client-id", help="The OAuth client id registered with the provider.")
    c.add_argument("--oidc-url", help="An OpenID Connect provider's address (--sign-in oidc).")
    c.add_argument("--tenant-id", help="The Microsoft Entra ID tenant (--sign-in entra).")
    c.add_argument(
        "--domain", action="append", help="The school's Google Workspace domain (--sign-in google)."
    )
    c.add_argument("--proxy", help="The configurable-http-proxy command, if not on PATH.")
    c.add_argument(
        "--trust",
        help="A trust file (default: ESAFETY_TRUST): a service per school, and the trust "
        "lead's; the services count up from --service-port.",
    )
    c.set_defaults(func=write_config)
