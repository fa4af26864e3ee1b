"""What a successful Qwen OAuth sign-in changes, shared by `qwen-tui auth login` and the TUI's sign-in screen:
the credentials are saved (one store only), and the user settings select Qwen OAuth (with `coder-model`
unless a model is already set), exactly as Qwen Code's own `/auth` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.i18n import t
from qwen_tui.core.names import MODEL_NAME, QWEN_OAUTH_MODEL, SELECTED_TYPE, AuthMethod
from qwen_tui.core.oauth.credentials import Credentials, Location, StoreKind, api_base, preferred_store

if TYPE_CHECKING:
    from qwen_tui.core.context import Context


class SignInError(QwenTuiError):
    """Signed in, but the result could not be kept; the message (one line, no secrets) says what failed."""

    kind = "sign_in"


@dataclass(frozen=True)
class SignedIn:
    location: Location        # where the credentials now are (file path or keyring entry)
    warning: str | None       # e.g. the keyring fell back to a plain 0600 file
    expiry_date: int | float  # epoch milliseconds
    api_base: str             # the OpenAI-compatible base URL these credentials use


def finish_sign_in(creds: Credentials, context: Context, store: StoreKind | str | None = None) -> SignedIn:
    """Save `creds` (in `store`, default: the `oauth_store` preference) and select Qwen OAuth in the user
    settings. Blocking file I/O. Raises SignInError; the settings are not touched when the save failed."""
    from qwen_tui.core.oauth.credentials import save_credentials
    from qwen_tui.core.settings import MISSING, Scope, SettingsError, load_settings
    from qwen_tui.core.settings_writer import update_layer

    env = context.env
    try:
        saved = save_credentials(creds, store or preferred_store(env), env)
    except FileOpError as exc:
        raise SignInError(t("oauth.login.save_failed", reason=exc)) from exc
    try:
        user = load_settings(context).layer(Scope.USER)
        if user.error is not None:
            raise user.error  # never rewrite a layer we could not parse
        changes: dict[str, object] = {SELECTED_TYPE: str(AuthMethod.QWEN_OAUTH)}
        if user.get(MODEL_NAME) in (MISSING, None, ""):
            changes[MODEL_NAME] = QWEN_OAUTH_MODEL
        update_layer(Scope.USER, changes, context)
    except (SettingsError, FileOpError) as exc:
        raise SignInError(t("oauth.login.settings_failed", reason=exc)) from exc
    return SignedIn(saved.location, getattr(saved, "warning", None), creds.expiry_date, api_base(creds))
