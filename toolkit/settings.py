"""Deployment settings, declared once with a default and a help string, read from the environment."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from toolkit.resources import shipped_root

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN_LENGTH = 32  # shortest DSL token accepted: guessing it must be hopeless

# The header through which the server tells a page's kernel the address the page was opened
# from; the server sets it on every page request, replacing any a browser sent.
CLIENT_HEADER = "X-Esafety-Client"
# Under the Hub, the header through which the server tells a page's kernel who signed in (the
# Hub's name for them, their email); set on every page request, replacing any a browser sent.
PERSON_HEADER = "X-Esafety-Person"
# Set in a Hub-managed service's environment (and so its kernels'): where the service is served.
HUB_PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"


@dataclass(frozen=True)
class Setting:
    env: str
    help: str
    default: str
    secret: bool = False  # never printed, only whether it is set


SETTINGS = {
    "home": Setting(
        "ESAFETY_HOME",
        "Folder holding the school's data (the progress database, quiz submissions and logs).",
        "var",
    ),
    "database_url": Setting(
        "ESAFETY_DATABASE_URL",
        "SQLAlchemy URL of the progress store; empty means a SQLite file in the data folder.",
        "",
    ),
    "trust": Setting(
        "ESAFETY_TRUST",
        "The trust file (trust.yaml) when one server serves the schools of a trust; with it, "
        "each command works on the school its --school names (see docs/deploy.md).",
        "",
    ),
    "school": Setting(
        "ESAFETY_SCHOOL",
        "The school of the trust a command works on when it is not given --school.",
        "",
    ),
    "schools": Setting(
        "ESAFETY_SCHOOLS",
        "Folder of the schools' own imported policies (`esafety policy import`); empty means "
        "schools/ in the data folder.",
        "",
    ),
    "grading": Setting(
        "ESAFETY_GRADING",
        "The nbgrader course folder of the module quizzes, with the learners' submissions and "
        "the gradebook; empty means grading/ in the data folder.",
        "",
    ),
    "db_pool_size": Setting(
        "ESAFETY_DB_POOL_SIZE",
        "Connections each page's kernel keeps open to a PostgreSQL store. 0 opens one for each "
        "query and closes it (about 5 ms), so hundreds of pages fit in PostgreSQL's usual limit "
        "of 100 connections; 1 keeps one per open page: only behind PgBouncer, or when the "
        "database's max_connections is above the number of pages open at once.",
        "0",
    ),
    "content": Setting(
        "ESAFETY_CONTENT",
        "Folder holding policies/ and scenarios/; empty means the content shipped in the toolkit.",
        "",
    ),
    # Serving many people at once (see toolkit.server.serve and docs/performance.md).
    "pool_size": Setting(
        "ESAFETY_POOL_SIZE",
        "Staff sign-in pages kept ready, each in a kernel of about 96 MB: a room signing in at "
        "once gets them at once.",
        "30",
    ),
    "max_kernels": Setting(
        "ESAFETY_MAX_KERNELS",
        "Most pages open at once (each a kernel of 60 to 110 MB); past it, a page asks people to "
        "wait a moment. 120 suits a server with 24 GB.",
        "120",
    ),
    "start_slots": Setting(
        "ESAFETY_START_SLOTS",
        "Pages opening at once; the others queue. Empty means the number of processor cores.",
        "",
    ),
    "gone_seconds": Setting(
        "ESAFETY_GONE_SECONDS",
        "Seconds before the kernel of a page that was closed without a word is ended.",
        "90",
    ),
    "idle_minutes": Setting(
        "ESAFETY_IDLE_MINUTES",
        "Minutes (decimals allowed) before an open but unused page is closed; progress is saved "
        "and the page says so.",
        "30",
    ),
    # Who may open the pages (see toolkit.access).
    "dsl_token": Setting(
        "ESAFETY_DSL_TOKEN",
        f"The DSL app's token, at least {TOKEN_LENGTH} letters, digits, '-' or '_'; empty means a "
        "new random one at each start (printed in the link).",
        "",
        secret=True,
    ),
    "hosts": Setting(
        "ESAFETY_HOSTS",
        "Further names people type to reach the server (e.g. the school server's name or address), "
        "separated by commas; localhost and the --host address are always answered.",
        "",
    ),
    # How the server listens and waits (see toolkit.cli.serve).
    "port": Setting(
        "ESAFETY_PORT",
        "Port of the staff and classroom pages; 'esafety serve --port' overrides it.",
        "8866",
    ),
    "dsl_port": Setting(
        "ESAFETY_DSL_PORT",
        "Port of the DSL app ('esafety serve --dsl'); --port overrides it.",
        "8867",
    ),
    "page_timeout": Setting(
        "ESAFETY_PAGE_TIMEOUT",
        "Seconds a page's kernel may take to start, and then to show its first output: on a "
        "loaded server this can take many seconds, and a page that gives up stays blank.",
        "120",
    ),
    "keep_alive_seconds": Setting(
        "ESAFETY_KEEP_ALIVE_SECONDS",
        "Seconds an unused browser connection is kept open for its next request.",
        "5",
    ),
    "cull_seconds": Setting(
        "ESAFETY_CULL_SECONDS",
        "How often, in seconds, the server looks for kernels to end (see ESAFETY_GONE_SECONDS "
        "and ESAFETY_IDLE_MINUTES).",
        "10",
    ),
}


class SettingError(ValueError):
    """A setting with a value that cannot be used; the message names it and says what to set."""


def _read(name: str) -> str:
    setting = SETTINGS[name]
    return os.environ.get(setting.env, "") or setting.default


def source(name: str) -> str | None:
    """The environment variable the setting's value comes from; None when it is the default."""
    env = SETTINGS[name].env
    return env if os.environ.get(env) else None


def value(name: str) -> str:
    """The setting's value as given (or its default), before any check."""
    return _read(name)


def home() -> Path:
    """The data folder, made absolute so that Voila kernels started elsewhere agree."""
    return Path(_read("home")).expanduser().resolve()


def keep_private() -> None:
    """Make every file and folder this process (and the kernels it starts) creates readable by
    its owner alone: 0600 and 0700. The records are about people; the quiz sources hold answers."""
    os.umask(0o077)


def make_home_private() -> None:
    """Close a data folder made by an older release to everyone but its owner."""
    folder = home()
    if folder.is_dir() and folder.stat().st_uid == os.getuid():
        folder.chmod(0o700)


def database_url() -> str:
    return _read("database_url") or f"sqlite:///{home() / 'esafety.db'}"


# user:password@ in a URL such as a PostgreSQL database's, to the last "@" (a password may
# hold one unencoded): the password is never printed.
_URL_PASSWORD = re.compile(r"(://[^/@:]*:).*@", re.DOTALL)


def shown_url(url: str) -> str:
    """A database URL as it may be shown on a screen others can see: its password as ***."""
    return _URL_PASSWORD.sub(r"\1***@", url)


def cache_dir() -> Path:
    """Where validated content is kept for the pages' kernels (see toolkit.content.cache)."""
    return home() / "cache"


def content_root() -> Path:
    configured = _read("content")
    return Path(configured).expanduser().resolve() if configured else shipped_root()


def schools_root() -> Path:
    """Schools whose own policy was imported (`esafety policy import`) are school data too."""
    configured = _read("schools")
    return Path(configured).expanduser().resolve() if configured else home() / "schools"


def grading_root() -> Path:
    """Submissions and grades are school data, so they live in the data folder; the rest of
    the course is built again from the content (`esafety init`, or `esafety serve` if missing)."""
    configured = _read("grading")
    return Path(configured).expanduser().resolve() if configured else home() / "grading"


def whole_number(name: str, minimum: int = 0) -> int:
    """A setting that is a whole number, checked so a typo stops the server with a clear message."""
    setting, raw = SETTINGS[name], _read(name)
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise SettingError(
            f"{setting.env} must be a whole number of {minimum} or more, not {raw!r} "
            f"({setting.help})"
        )
    return value


def start_slots() -> int:
    return whole_number("start_slots", 1) if _read("start_slots") else max(1, os.cpu_count() or 1)


def minutes(name: str) -> float:
    """A setting in minutes, as seconds; more than zero."""
    setting, raw = SETTINGS[name], _read(name)
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise SettingError(f"{setting.env} must be a number of minutes above 0, not {raw!r}")
    return value * 60


def dsl_token() -> str:
    """The DSL app's token as set, checked; a new random one when none is set."""
    setting, raw = SETTINGS["dsl_token"], _read("dsl_token")
    if not raw:
        return secrets.token_urlsafe(TOKEN_LENGTH)
    if len(raw) < TOKEN_LENGTH or not re.fullmatch(r"[A-Za-z0-9_-]+", raw):
        raise SettingError(
            f"{setting.env} must be at least {TOKEN_LENGTH} letters, digits, '-' or '_' "
            f"(it has {len(raw)}): unset it for a random one at each start, or make "
            "one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return raw


def hosts() -> list[str]:
    """The further host names set, lower-case; each a plain name or address, no port."""
    setting = SETTINGS["hosts"]
    names = [name.strip().lower() for name in _read("hosts").split(",") if name.strip()]
    for name in names:
        if not _is_host(name):
            raise SettingError(
                f"{setting.env}: {name!r} is not a host name or address: give names such as "
                "training.school.example or 192.168.1.20, separated by commas, without "
                "http:// or a port"
            )
    return names


def _is_host(name: str) -> bool:
    if ":" in name:  # only an IPv6 address has one
        try:
            ipaddress.IPv6Address(name.strip("[]"))
        except ValueError:
            return False
        return True
    return re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", name) is not None
