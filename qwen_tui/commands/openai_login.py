"""`qwen-tui auth login --method openai|anthropic|gemini …`: check a provider's URL and key, then save it.

Plain text on stderr. Exit 0 saved, 1 verification or saving failed (nothing saved when verification fails),
2 usage error (missing or invalid arguments). The key is read from stdin, a named variable or, on a terminal,
a hidden prompt — never from the command line, where other users could see it in the process list. The rules
are the provider form's: both use `core.providers.setup.ProviderDraft`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from qwen_tui.commands.output import LINE_LIMIT, say
from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import LEGACY_IDS, PRESETS, Endpoint, endpoint, preset
from qwen_tui.core.sanitize import clean

if TYPE_CHECKING:
    from qwen_tui.core.providers.setup import ProviderDraft

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Usage(Exception):
    """A usage error: its text is the one line to print (exit 2)."""


def _chosen(preset_id: str | None, region: str | None, method: str) -> Endpoint | None:
    """The endpoint named by `--preset ID [--region R]` (legacy ids too); for anthropic/gemini their preset."""
    if not preset_id:
        if region:
            raise _Usage(t("setup.cli.region_without_preset"))
        return None   # a custom provider of `method` (or the preset its URL names)
    try:
        item = preset(preset_id) if ":" not in preset_id and preset_id not in LEGACY_IDS else None
        if item is not None and len(item.regions) > 1 and region is None:
            regions = ", ".join(r.id for r in item.regions)
            raise _Usage(t("setup.cli.region_needed", preset=item.id, regions=regions))
        return endpoint(f"{preset_id}:{region}" if region else preset_id)
    except KeyError as exc:
        raise _Usage(t("providers.login.unknown_preset", name=preset_id if not region else f"{preset_id} --region "
                       f"{region}", names=", ".join(p.id for p in PRESETS))) from exc


def login(
    *, base_url: str | None, model: str | None, preset_id: str | None = None, region: str | None = None,
    method: str = Protocol.OPENAI, api_key_stdin: bool = False, api_key_env: str | None = None, store: str = "keyring",
    no_verify: bool = False, allow_cleartext: bool = False, chat_check: bool = False, yes: bool = False,
    context: Context, stdin: TextIO | None = None,
) -> int:
    from qwen_tui.core.providers.setup import Field, ProviderDraft

    env = context.env
    try:
        chosen = _chosen(preset_id, region, method)
        protocol_preset = endpoint(method) if method in (Protocol.ANTHROPIC, Protocol.GEMINI) else None
        text = base_url or (chosen or protocol_preset or Endpoint(preset("custom"), None)).base_url
        if not text:
            raise _Usage(t("providers.login.no_base_url"))
        key, reshaped = _read_key(api_key_stdin, api_key_env, env, stdin)
        draft = ProviderDraft(text, (model or "").strip() or (chosen.preset.model_hint or "" if chosen else ""),
                              key, chosen, Protocol(method), chat_check, allow_cleartext).resolved()
        if key is None and _asks(draft, context):
            key, reshaped = _prompt_key()
            draft = replace(draft, key=key)
        problems = draft.problems(context)
        if problems and problems[0].field == Field.KEY and key is None:
            raise _Usage(t("setup.cli.no_key"))
        if problems and problems[0].field == Field.MODEL:
            hint = draft.preset.model_hint if draft.preset else None
            raise _Usage(t("providers.login.no_model_hint", hint=hint) if hint else t("providers.login.no_model"))
        if problems:
            raise _Usage(t("providers.login.failed", reason=problems[0].message))
    except _Usage as usage:
        say(str(usage))
        return EXIT_USAGE
    verify_key = key or (None if draft.keyless else draft.existing_key(context))
    try:
        if not _shared_key_confirmed(draft, key, context, yes):   # asked before anything is sent or saved
            return EXIT_USAGE
        if not no_verify and draft.preset is not None and draft.preset.discovery:
            discovered = asyncio.run(draft.discover(verify_key))
            say(t("setup.discovered", count=len(discovered.models)) if discovered else t("setup.discovery_failed"))
            draft = discovered or draft
        if no_verify:
            say(t("providers.login.not_verified"))
        else:
            results = asyncio.run(draft.verify(verify_key))
            for result in results:
                if not result.ok:
                    detail = result.message + (" " + t("setup.key_reshaped") if reshaped and result.status in (
                        401, 403) else "")
                    say(t("providers.login.verify_failed", message=detail))
                    return EXIT_FAILED
                say(result.message)
        return _save(draft, key, store, context)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _read_key(stdin_flag: bool, env_name: str | None, env: Mapping[str, str],
              stdin: TextIO | None) -> tuple[str | None, bool]:
    """(the normalised key or None, whether normalising changed more than its edges)."""
    from qwen_tui.core.providers.validate import normalize_key_checked

    if stdin_flag:
        key, reshaped = normalize_key_checked((stdin or sys.stdin).read())
        if not key:
            raise _Usage(t("providers.login.empty_stdin"))
        return key, reshaped
    if env_name:
        key, reshaped = normalize_key_checked(env.get(env_name, ""))
        if not key:
            raise _Usage(t("providers.login.env_missing", name=env_name))
        return key, reshaped
    return None, False


def _asks(draft: ProviderDraft, context: Context) -> bool:
    """A key is needed and none is set: ask on a terminal (hidden input), else it is a usage error."""
    needs = not draft.keyless and draft.url is not None
    return needs and sys.stdin.isatty() and draft.existing_key(context) is None


def _prompt_key() -> tuple[str | None, bool]:
    import getpass

    from qwen_tui.core.providers.validate import normalize_key_checked

    try:
        typed = getpass.getpass(t("setup.cli.prompt"), stream=sys.stderr)
    except EOFError:
        return None, False
    key, reshaped = normalize_key_checked(typed)
    return key or None, reshaped


def _shared_key_confirmed(draft: ProviderDraft, key: str | None, context: Context, yes: bool) -> bool:
    """A different key where other providers share the key variable: say which, and ask (or need --yes)."""
    others = draft.shared_with(key, context)
    if not others or yes:
        return True
    names = ", ".join(others)
    if not sys.stdin.isatty():
        say(t("setup.cli.shared_key_needs_yes", name=draft.env_key(), names=names))
        return False
    # Provider names come from settings files (outside text): cleaned like every other line.
    question = clean(t("setup.cli.shared_key_question", name=draft.env_key(), names=names), limit=LINE_LIMIT)
    print(question, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in (t("setup.cli.yes_short"), "y", "yes")


def _save(draft: ProviderDraft, key: str | None, store: str, context: Context) -> int:
    from qwen_tui.core.providers.profiles import KeyStore, ProfileError

    try:
        saved = draft.save(key, KeyStore(store), context)
    except ProfileError as exc:
        say(t("providers.login.failed", reason=exc))
        return EXIT_FAILED
    say(t("providers.login.saved", model=saved.profile.id, url=saved.profile.base_url))
    if saved.key_location:
        say(t("providers.login.key_stored", location=saved.key_location))
    elif key is None and not draft.keyless:
        say(t("providers.login.key_unchanged", name=saved.profile.env_key))
    else:
        say(t("providers.login.key_none"))
    if saved.warning:
        say(saved.warning)
    return EXIT_OK
