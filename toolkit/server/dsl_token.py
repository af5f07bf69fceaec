"""The DSL app's token: checked in constant time, wrong guesses limited per client address.

An address that gives 5 wrong tokens in 15 minutes is refused, even with the right one,
until the oldest of them is 15 minutes old; each wrong token is logged with its address,
never the token. Without a token the DSL lands on a page saying what the app is and how to
get its link.
"""

from __future__ import annotations

import hmac
import time
from collections import OrderedDict, deque
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from traitlets import Float, Int

from toolkit.server.pages import send_page

ADDRESSES_KEPT = 10_000  # addresses whose recent failures are remembered


class Failures:
    """Recent failed attempts per client address, forgotten once older than the window."""

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._by_address: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str) -> deque[float]:
        times = self._by_address.get(address)
        if times is None:
            return deque()
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        if not times:
            del self._by_address[address]
        return times

    def add(self, address: str) -> int:
        """Record a failure; the number within the window, this one included."""
        times = self._recent(address)
        times.append(self.clock())
        self._by_address[address] = times
        self._by_address.move_to_end(address)
        while len(self._by_address) > ADDRESSES_KEPT:
            self._by_address.popitem(last=False)
        return len(times)

    def wait(self, address: str) -> float:
        """Seconds before the address may try again; 0 while it is under the limit."""
        times = self._recent(address)
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[-self.limit] + self.window - self.clock())


class TokenIdentityProvider(IdentityProvider):
    """The DSL app's token: compared in constant time, guesses limited per client address.

    With no token set (the staff and classroom server) nobody signs in here: the pages have
    their own sign-in, and everyone is let through as an anonymous visitor.
    """

    max_failures = Int(5, config=True, help="Wrong tokens allowed per address in the window.")
    failure_window = Float(
        900.0, config=True, help="Seconds a wrong token counts against its address."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.failures = Failures(self.max_failures, self.failure_window)

    @property
    def auth_enabled(self) -> bool:
        return bool(self.token)

    def get_handlers(self) -> list:
        return [(r"/login", TokenLoginHandler)] if self.auth_enabled else []

    def accept(self, handler: tornado.web.RequestHandler, given: str) -> bool:
        """Whether a token given by a request opens the app; a wrong one counts against its address."""
        address = handler.request.remote_ip or "unknown"
        if self.failures.wait(address):
            self.log.warning("Refused a DSL token from %s: too many wrong tokens, waiting", address)
            return False
        if hmac.compare_digest(given.encode(), self.token.encode()):
            return True
        count = self.failures.add(address)
        self.log.warning(
            "Wrong DSL token from %s (%d of %d allowed in %d minutes)",
            address,
            count,
            self.max_failures,
            self.failure_window // 60,
        )
        return False

    async def get_user_token(self, handler: tornado.web.RequestHandler) -> User | None:
        given = self.get_token(handler)
        if not (self.token and given and self.accept(handler, given)):
            return None
        user = self.get_user_cookie(handler)
        if not isinstance(user, User) and user is not None:
            user = await user
        return user or self.generate_anonymous_user(handler)

    def process_login_form(self, handler: tornado.web.RequestHandler) -> User | None:
        given = handler.get_argument("password", default="").strip()
        if given and self.accept(handler, given):
            return self.generate_anonymous_user(handler)
        return None


def without_token(url: str) -> str:
    """A link with its token taken out, so that a refused token is not carried into a form."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class TokenLoginHandler(LoginFormHandler):
    """Says what the DSL app is and how to get its link, with a form for the token; while an
    address is refused for wrong tokens, says how long to wait instead."""

    def _next(self) -> str:
        return self.get_argument("next", default=self.base_url)

    def _page(self, refused: bool) -> None:
        wait = self.identity_provider.failures.wait(self.request.remote_ip or "unknown")
        if wait:
            self.set_header("Retry-After", str(int(wait) + 1))
        send_page(
            self,
            "login.html",
            429 if wait else 401 if refused else 200,
            next=without_token(self._next()),
            refused=refused,
            wait_minutes=int(wait // 60) + 1 if wait else 0,
            xsrf_token=self.xsrf_token.decode(),
        )

    @allow_unauthenticated
    def get(self) -> None:
        if self.current_user:
            self._redirect_safe(self._next())
            return
        # Sent here from a link whose token was refused: say so rather than ask in silence.
        self._page(refused="token" in dict(parse_qsl(urlsplit(self._next()).query)))

    @allow_unauthenticated
    def post(self) -> None:
        user = self.identity_provider.process_login_form(self)
        if user is None:
            self._page(refused=True)
            return
        self.identity_provider.set_login_cookie(self, user)
        self._redirect_safe(without_token(self._next()))
