"""The two authentication methods of the notice, and whose terms apply to each.

Links come from the notice (shared/seed/tos-privacy.fr.md) and the providers reference table.
"""

from __future__ import annotations

from qwen_tui.core.names import AuthMethod
from qwen_tui.core.record import record


@record   # not a dataclass (built by exec-ing generated code): the chooser's launch path
class MethodInfo:
    """One authentication method as the chooser offers it, with whose terms then apply."""
    method: AuthMethod
    key: str                     # the chooser's digit
    title_msg: str               # i18n keys
    provider_msg: str
    description_msg: str
    terms_url: str | None        # None: depends on the provider the user picks
    privacy_url: str | None


QWEN_TERMS_URL = "https://qwen.ai/termsservice"
QWEN_PRIVACY_URL = "https://qwen.ai/privacypolicy"
QWEN_OAUTH_FREE_TIER_END = "2026-04-15"

METHODS: tuple[MethodInfo, ...] = (
    MethodInfo(
        AuthMethod.QWEN_OAUTH, "1", "method.qwen_oauth.title", "method.qwen_oauth.provider",
        "method.qwen_oauth.description", QWEN_TERMS_URL, QWEN_PRIVACY_URL,
    ),
    MethodInfo(
        AuthMethod.OPENAI, "2", "method.openai.title", "method.openai.provider",
        "method.openai.description", None, None,
    ),
)


def method_info(method: AuthMethod | str) -> MethodInfo:
    return next(info for info in METHODS if info.method == method)
