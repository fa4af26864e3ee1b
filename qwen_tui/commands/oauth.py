"""`qwen-tui auth login --method qwen-oauth`, `auth token`, `auth logout`: plain text, no TTY needed.

Messages go to stderr (stdout carries only the token of `auth token`), each through `t()`. Ctrl+C ends
with exit code 130 and no traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING

from qwen_tui.commands.output import say
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.i18n import t
from qwen_tui.core.names import SELECTED_TYPE, AuthMethod
from qwen_tui.core.oauth.credentials import Credentials, preferred_store

if TYPE_CHECKING:
    from qwen_tui.core.context import Context

EXIT_INTERRUPTED = 130


def login(context: Context, *, no_browser: bool = False, store: str | None = None) -> int:
    """Run the device flow; on success save the credentials and select Qwen OAuth in the user settings.

    `store` is "file" (Qwen Code's oauth_creds.json) or "keyring"; None: qwen-tui's `oauth_store` preference.
    Changing the preference later is `credentials.move_credentials`, which keeps a single copy.
    """
    try:
        return asyncio.run(_login(no_browser, context, store or preferred_store(context.env)))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


async def _login(no_browser: bool, context: Context, store: str) -> int:
    from qwen_tui.core.oauth import device_flow as flow
    from qwen_tui.core.oauth.browser import open_url
    from qwen_tui.core.urls import browser_safe

    env = context.env
    async for event in flow.DeviceFlow(env).run():
        if isinstance(event, flow.DeviceCodeIssued):
            url = event.verification_uri_complete or event.verification_uri
            say(t("oauth.login.visit", url=url))
            say(t("oauth.login.code", code=event.user_code))  # RFC 8628 §3.3.1: always show the code
            if not no_browser and open_url(url, env):
                say(t("oauth.login.browser_opened"))
            elif not no_browser and not browser_safe(url):
                say(t("security.url.not_opened"))
            minutes = max(1, round((event.expires_at - _now()) / 60))
            say(t("oauth.login.waiting", minutes=minutes))
        elif isinstance(event, flow.SlowedDown):
            say(t("oauth.login.slowed_down", seconds=_seconds(event.new_interval)))
        elif isinstance(event, flow.NetworkRetry):
            say(t("oauth.login.network_retry", reason=event.reason, seconds=_seconds(event.delay)))
        elif isinstance(event, flow.Success):
            return _signed_in(event.credentials, context, store)
        elif isinstance(event, flow.Denied):
            say(t("oauth.login.denied"))
            return 1
        elif isinstance(event, flow.Expired):
            say(t("oauth.login.expired"))
            return 1
        elif isinstance(event, flow.Refused):
            say(t("oauth.login.refused", description=event.error_description or event.error))
            return 1
        elif isinstance(event, flow.Failed):
            say(t("oauth.login.failed", reason=event.reason))
            return 1
    return 1


def _signed_in(creds: Credentials, context: Context, store: str) -> int:
    from qwen_tui.core.oauth.signin import SignInError, finish_sign_in

    try:
        result = finish_sign_in(creds, context, store)
    except SignInError as exc:
        say(str(exc))
        return 1
    if result.warning:
        say(result.warning)
    say(t("oauth.login.success", location=result.location))
    return 0


def token(env: Mapping[str, str]) -> int:
    """Print a valid access token on stdout, refreshing it first when it is (nearly) expired."""
    from qwen_tui.core.oauth.refresh import RefreshError, SignedOut, get_valid_credentials

    try:
        creds = get_valid_credentials(env)
    except SignedOut as exc:
        say(str(exc))
        return 1
    except RefreshError as exc:
        say(t("oauth.token.refresh_failed", reason=exc))
        return 1
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    print(creds.access_token, flush=True)
    return 0


def sign_out(context: Context) -> bool:
    """Remove the credentials (file and keyring) and unselect Qwen OAuth if the user layer selected it; True
    when credentials existed. Raises SettingsError / FileOpError. (`auth logout` and the app's sign-out.)"""
    from qwen_tui.core.oauth.credentials import delete_credentials
    from qwen_tui.core.settings import Scope, load_settings
    from qwen_tui.core.settings_writer import DELETE, update_layer

    removed = delete_credentials(context.env)
    user = load_settings(context).layer(Scope.USER)
    if user.error is not None:
        raise user.error
    if user.get(SELECTED_TYPE) == AuthMethod.QWEN_OAUTH:
        update_layer(Scope.USER, {SELECTED_TYPE: DELETE}, context)
    return removed


def logout(context: Context) -> int:
    """Remove the credentials (file and keyring) and unselect Qwen OAuth if the user layer selected it."""
    from qwen_tui.core.settings import SettingsError

    try:
        removed = sign_out(context)
    except (SettingsError, FileOpError) as exc:
        say(t("oauth.logout.failed", reason=exc))
        return 1
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    say(t("oauth.logout.done") if removed else t("oauth.logout.none"))
    return 0


def _now() -> float:
    import time

    return time.time()


def _seconds(value: float) -> str:
    return f"{value:g}"

