"""What comes after choosing a method: the one place that maps a method to the screen that sets it up."""

from __future__ import annotations

from textual.screen import Screen

from qwen_tui.core.names import AuthMethod


def next_step_screen(method: AuthMethod) -> Screen:
    """The Qwen OAuth device-flow sign-in, or the OpenAI-compatible provider form."""
    if method == AuthMethod.QWEN_OAUTH:
        from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen

        return OAuthSignInScreen()
    from qwen_tui.ui.screens.provider_form import ProviderFormScreen

    return ProviderFormScreen()
