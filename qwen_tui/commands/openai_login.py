"""`qwen-tui auth login --method openai …`: check a provider's URL and key, then save the profile.

Plain text on stderr, no TTY needed. Exit 0 saved, 1 verification or saving failed (nothing saved when
verification fails), 2 usage error (missing or invalid arguments). The key is read from stdin or a named
variable — never from the command line, where other users could see it in the process list.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.catalog import PRESETS, Preset, preset, preset_for_base_url

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def preset_ids() -> list[str]:
    return [item.id for item in PRESETS]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def login(
    *, base_url: str | None, model: str | None, preset_id: str | None = None, api_key_stdin: bool = False,
    api_key_env: str | None = None, store: str = "keyring", no_verify: bool = False, allow_cleartext: bool = False,
    env: Mapping[str, str] | None = None, stdin: TextIO | None = None,
) -> int:
    from qwen_tui.core.providers.validate import check_base_url, normalize_key

    env = os.environ if env is None else env
    chosen: Preset | None = None
    if preset_id:
        try:
            chosen = preset(preset_id)
        except KeyError:
            _say(t("providers.login.unknown_preset", name=preset_id, names=", ".join(preset_ids())))
            return EXIT_USAGE
    text = base_url or (chosen.base_url if chosen else None)
    if not text:
        _say(t("providers.login.no_base_url"))
        return EXIT_USAGE
    checked = check_base_url(text)
    if checked.url is None:
        _say(t("providers.login.bad_url", reason=checked.error))
        return EXIT_USAGE
    url = checked.url
    if checked.cleartext_remote and not allow_cleartext:
        _say(t("providers.login.cleartext", url=url))
        return EXIT_USAGE
    if chosen is None or chosen.id == "custom":
        chosen = preset_for_base_url(url) or chosen
    if not model or not model.strip():
        hint = chosen.model_hint if chosen else None
        _say(t("providers.login.no_model_hint", hint=hint) if hint else t("providers.login.no_model"))
        return EXIT_USAGE
    model = model.strip()

    key: str | None = None
    if api_key_stdin:
        key = normalize_key((stdin or sys.stdin).read())
        if not key:
            _say(t("providers.login.empty_stdin"))
            return EXIT_USAGE
    elif api_key_env:
        key = normalize_key(env.get(api_key_env, ""))
        if not key:
            _say(t("providers.login.env_missing", name=api_key_env))
            return EXIT_USAGE
    from qwen_tui.core.providers.profiles import env_key_for, is_keyless

    keyless = is_keyless(url, chosen)

    env_key = env_key_for(url, chosen)
    verify_key = key
    if key is None and not keyless:
        # A key already exported under the profile's variable is fine: it stays where it is.
        verify_key = normalize_key(env.get(env_key, "")) or None
        if verify_key is None:
            _say(t("providers.login.no_key"))
            return EXIT_USAGE

    try:
        if no_verify:
            _say(t("providers.login.not_verified"))
        else:
            result = asyncio.run(_verify(url, verify_key, chosen, model))
            if not result.ok:
                _say(t("providers.login.verify_failed", message=result.message))
                return EXIT_FAILED
            _say(result.message)
        return _save(url, model, key, store, chosen, env_key, env)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


async def _verify(url: str, key: str | None, chosen: Preset | None, model: str):  # -> CheckResult
    from qwen_tui.core.providers.verify import check_key

    return await check_key(url, key, chosen, model=model)


def _save(url: str, model: str, key: str | None, store: str, chosen: Preset | None, env_key: str,
          env: Mapping[str, str]) -> int:
    from qwen_tui.core.providers.profiles import KeyStore, ProfileError, is_keyless, save_profile

    try:
        saved = save_profile(base_url=url, model=model, key=key, store=KeyStore(store), preset=chosen, env=env)
    except ProfileError as exc:
        _say(t("providers.login.failed", reason=exc))
        return EXIT_FAILED
    _say(t("providers.login.saved", model=model, url=url))
    if saved.key_location:
        _say(t("providers.login.key_stored", location=saved.key_location))
    elif key is None and not is_keyless(url, chosen):
        _say(t("providers.login.key_unchanged", name=env_key))
    else:
        _say(t("providers.login.key_none"))
    if saved.warning:
        _say(saved.warning)
    return EXIT_OK

