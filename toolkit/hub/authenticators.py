"""The Hub's ways to sign in: a school account (Microsoft Entra ID, Google Workspace or any
OpenID Connect provider, the email claim as the name), or for schools without single sign-on
the access codes the toolkit issues, checked against the store's scrypt hashes.

Every way passes the roster (toolkit.hub.roster_gate). With access codes, failed sign-ins are
limited per email and per address, as on the standalone pages (the store counts and logs
them, never the code), and the form says why a sign-in was refused.
"""

from __future__ import annotations

from jupyterhub.auth import Authenticator
from jupyterhub.handlers.login import LoginHandler
from oauthenticator.azuread import AzureAdOAuthenticator
from oauthenticator.generic import GenericOAuthenticator
from oauthenticator.google import GoogleOAuthenticator
from oauthenticator.oauth2 import OAuthenticator
from traitlets import default

from toolkit.hub.roster_gate import Refused, RosterGate, _store, rosters, trust_handlers
from toolkit.store import SignInFailed, SignInLimited, StoreError, UnknownLearner
from toolkit.store.errors import LearnerLeft

WRONG_CODE = (
    "That email and access code do not match the school's records. Check them and try again."
)


class AccessCodeLoginHandler(LoginHandler):
    """The Hub's sign-in form, saying why a sign-in was refused (a wrong code, a pause after
    too many, an address not on the roster) instead of one word for every case."""

    async def post(self):
        data = {
            name: self.get_argument(name, strip=name == "username")
            for name in self.request.body_arguments
            if name != "_xsrf"
        }
        try:
            user = await self.login_user(data)
        except Refused as err:
            self.set_status(403)
            email = data.get("username", "")[:254]
            self.finish(await self._render(login_error=err.jupyterhub_message, username=email))
            return
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        self.set_status(403)
        username = data.get("username", "")[:254]
        self.finish(await self._render(login_error=WRONG_CODE, username=username))


class AccessCodeAuthenticator(RosterGate, Authenticator):
    """Email and access code, checked by the store: the same codes as the standalone pages, with
    the Hub's sign-in, sessions and cookies."""

    def get_handlers(self, app) -> list:
        return [("/login", AccessCodeLoginHandler), *trust_handlers()]

    async def authenticate(self, handler, data: dict) -> dict | None:
        email = (data.get("username") or "").strip().lower()
        code = data.get("password") or ""
        if not email or not code:
            return None
        client = handler.request.remote_ip or ""
        urls = [url for _, url in rosters()]
        if len(urls) > 1:
            # A trust: the code is checked by the schools whose roster holds the email, so that
            # no school's records hold another's sign-ins. (An email on no roster has nothing
            # to guess: it is refused without a check.)
            urls = [url for url in urls if _on_roster(email, url)]
        refused = None
        for url in urls:
            try:
                person = _store(url).sign_in(email, code, client=client, page="hub")
            except SignInLimited as err:
                refused = Refused("Signing in is paused", str(err))
            except LearnerLeft:
                refused = refused or Refused(
                    "Training account closed",
                    "The school has marked this person as having left, so the training no "
                    "longer opens for this account. If this is a mistake, ask your school's "
                    "Designated Safeguarding Lead.",
                )
            except SignInFailed:
                continue
            else:
                return {"name": person.email}
        if refused is not None:
            raise refused
        return None


class SchoolAccount(RosterGate, OAuthenticator):
    """A school account through OAuth: the email claim is the name; the roster decides the rest."""

    account = "your school account"  # on the Hub's button: "Sign in with ..."

    @default("username_claim")
    def _username_claim(self) -> str:
        return "email"

    @default("scope")
    def _scope(self) -> list[str]:
        return ["openid", "email", "profile"]

    @default("login_service")
    def _login_service(self) -> str:
        return self.account


class SchoolOIDCAuthenticator(SchoolAccount, GenericOAuthenticator):
    """Any OpenID Connect provider."""


class SchoolEntraAuthenticator(SchoolAccount, AzureAdOAuthenticator):
    """Microsoft Entra ID (Azure AD)."""

    account = "your Microsoft school account"


class SchoolGoogleAuthenticator(SchoolAccount, GoogleOAuthenticator):
    """Google Workspace: `hosted_domain` limits it to the school's own accounts."""

    account = "your Google school account"


def _on_roster(email: str, url: str) -> bool:
    try:
        _store(url).person(email)
    except (UnknownLearner, StoreError):
        return False
    return True


AUTHENTICATORS = {
    "access-code": AccessCodeAuthenticator,
    "oidc": SchoolOIDCAuthenticator,
    "entra": SchoolEntraAuthenticator,
    "google": SchoolGoogleAuthenticator,
}
