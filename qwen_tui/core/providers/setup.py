"""One provider-setup path for `auth login` and the provider form: a draft, validated, verified, saved.

`ProviderDraft.problems()` applies the same rules everywhere (the URL, cleartext consent, preset fallback
from the URL, a model, a key unless the server is keyless or a key is already set for its variable, the
preset's key rule); `verify()` runs the preset's key check and, when asked, the 1-token chat check;
`save()` installs the provider as Qwen Code's `/auth` does. No Textual, no printing: callers show the lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import (
    Endpoint,
    KeyCheck,
    Preset,
    endpoint_for_base_url,
    endpoints,
)
from qwen_tui.core.providers.validate import check_base_url

if TYPE_CHECKING:
    from qwen_tui.core.providers.profiles import KeyStore, SaveResult
    from qwen_tui.core.providers.verify import CheckResult
    from qwen_tui.core.secrets import SecretStore


class Field(StrEnum):
    """Where a problem belongs (the form shows it under that field; the CLI exits 2)."""

    URL = "url"
    KEY = "key"
    MODEL = "model"


@dataclass(frozen=True)
class Problem:
    field: Field
    message: str            # one localised line
    cleartext: bool = False  # the only problem is plain http:// to another machine: consent can lift it


@dataclass(frozen=True)
class ProviderDraft:
    base_url: str                                # as typed (normalised by `url`)
    model: str
    key: str | None = None                       # already normalised (validate.normalize_key)
    endpoint: Endpoint | None = None             # None or the custom preset: found from the URL
    protocol: Protocol = Protocol.OPENAI         # a custom provider's protocol
    chat_check: bool = False
    allow_cleartext: bool = False
    models: tuple[str, ...] = field(default=())  # a fetched model list to install instead of the built-ins

    @property
    def url(self) -> str | None:
        return check_base_url(self.base_url).url

    def resolved(self) -> ProviderDraft:
        """The draft with its endpoint found from the URL when none (or custom) was chosen: preset fallback."""
        url = self.url
        if url is None or (self.endpoint is not None and self.endpoint.preset.id != "custom"):
            return self
        found = endpoint_for_base_url(url)
        # Only a preset of the same protocol: MiniMax's host also serves an Anthropic-style path.
        if found is None or (found.preset.protocol != self.protocol and not found.preset.local):
            return self
        return replace(self, endpoint=found)

    @property
    def preset(self) -> Preset | None:
        return self.endpoint.preset if self.endpoint is not None and self.endpoint.preset.id != "custom" else None

    @property
    def effective_protocol(self) -> Protocol:
        return self.preset.protocol if self.preset is not None else self.protocol

    @property
    def keyless(self) -> bool:
        from qwen_tui.core.providers.profiles import is_keyless

        return is_keyless(self.url, self.preset)

    def env_key(self) -> str | None:
        from qwen_tui.core.providers.install import env_key_for

        url = self.url
        return env_key_for(url, self.preset, self.effective_protocol) if url else None

    def problems(self, context: Context, *, need_model: bool = True,
                 known_key: bool | None = None) -> list[Problem]:
        """Everything that stops this draft from being checked or saved, in field order.

        `known_key` says whether a key is already stored for it (None: look it up — disk and keyring)."""
        found: list[Problem] = []
        checked = check_base_url(self.base_url)
        if checked.url is None:
            found.append(Problem(Field.URL, checked.error or ""))
        elif checked.cleartext_remote and not self.allow_cleartext:
            found.append(Problem(Field.URL, t("setup.cleartext", url=checked.url), cleartext=True))
        key_issue = key_problem(self.preset, self.key) if self.key else None
        if key_issue:
            found.append(Problem(Field.KEY, key_issue))
        elif not self.key and checked.url and not self.keyless and not (
                known_key if known_key is not None else self.existing_key(context) is not None):
            found.append(Problem(Field.KEY, t("setup.key_required")))
        if need_model and not self.model.strip():
            hint = self.preset.model_hint if self.preset else None
            found.append(Problem(Field.MODEL, t("setup.model_hint", hint=hint) if hint else t("setup.model_required")))
        return found

    def existing_key(self, context: Context, secrets: SecretStore | None = None) -> str | None:
        """A key already set for this provider's variable (environment, .env, settings env, keyring) in
        `context`; `secrets`: the store whose keyring the caller probed already, else a new one."""
        from qwen_tui.core.resolver import ConfigLookup

        name = self.env_key()
        if name is None:
            return None
        lookup = ConfigLookup.load(context)
        lookup.secrets = secrets
        return lookup.secret(name).value

    async def verify(self, key: str | None, *, timeout: float | None = None) -> list[CheckResult]:
        """The key check in the provider's own dialect, then the chat check when asked (not twice)."""
        from qwen_tui.core.providers.verify import DEFAULT_TIMEOUT, check_chat, check_key

        url = self.url
        assert url is not None, "verify() after problems() found none"
        seconds = DEFAULT_TIMEOUT if timeout is None else timeout
        model = self.model.strip() or None
        results = [await check_key(url, key, self.preset, model=model, timeout=seconds, protocol=self.protocol)]
        chat_done = self.preset is not None and self.preset.key_check == KeyCheck.CHAT
        openai = self.effective_protocol == Protocol.OPENAI
        if results[0].ok and self.chat_check and model and not chat_done and openai:
            results.append(await check_chat(url, key, model, preset=self.preset, timeout=seconds))
        return [self._with_region_hint(result) for result in results]

    def _with_region_hint(self, result: CheckResult) -> CheckResult:
        """A key rejected by one region of a provider: name the others (keys belong to one region)."""
        from qwen_tui.core.providers.verify import ErrorKind

        if result.kind != ErrorKind.KEY_REJECTED or self.endpoint is None or self.endpoint.region is None:
            return result
        others = [r.label for r in self.endpoint.preset.regions if r.id != self.endpoint.region.id]
        if not others:
            return result
        hint = t("setup.other_regions", region=self.endpoint.region.label, others=", ".join(others))
        return replace(result, message=f"{result.message} {hint}")

    async def discover(self, key: str | None) -> ProviderDraft | None:
        """Coding Plan and Token Plan list their models for the key (as Qwen Code's `/auth` does): the draft with
        that list (and its first model when none was chosen); None when the list is unavailable (the built-in
        list stays)."""
        from qwen_tui.core.providers.verify import discover_models

        url = self.url
        if self.preset is None or not self.preset.discovery or not key or url is None:
            return None
        found = await discover_models(url, key)
        if not found:
            return None
        chosen = self.model.strip()
        model = chosen if chosen and chosen != self.preset.model_hint else found[0]
        return replace(self, models=tuple(found), model=model)

    def shared_with(self, key: str | None, context: Context, secrets: SecretStore | None = None) -> list[str]:
        """The other providers a save of `key` would change: they share this endpoint's key variable (as in
        Qwen Code) and a different key is stored there now. Empty when nothing else changes. `secrets`: as for
        existing_key; the save then uses it too, and a keyring that let this read run out its cap is not waited
        for a second time."""
        from qwen_tui.core.providers.profiles import install_plan, key_users

        url, name = self.url, self.env_key()
        if key is None or url is None or name is None:
            return []
        existing = self.existing_key(context, secrets)
        if existing is None or existing == key:
            return []
        plan = install_plan(url, self.model, self.preset, self.endpoint if self.preset else None,
                            list(self.models) or None, self.effective_protocol)
        return key_users(name, context, besides=plan)

    def save(self, key: str | None, store: KeyStore, context: Context,
             secrets: SecretStore | None = None) -> SaveResult:
        """`secrets`: the store whose keyring the caller probed already (the form's), else a new one probes."""
        from qwen_tui.core.providers.profiles import save_profile

        url = self.url
        assert url is not None, "save() after problems() found none"
        return save_profile(base_url=url, model=self.model, key=key, store=store, preset=self.preset,
                            context=context, endpoint=self.endpoint if self.preset else None,
                            models=list(self.models) or None, protocol=self.effective_protocol, secrets=secrets)


def key_problem(preset: Preset | None, key: str) -> str | None:
    """The preset's own key rule (Qwen Code's message), or a hint naming the preset a key belongs to."""
    coding_plan = "sk-sp-"
    if preset is not None and preset.key_prefix and not key.startswith(preset.key_prefix):
        # Qwen Code's validateApiKey text, then which preset such a key belongs to.
        rule = t("setup.key_rule_coding_plan") if preset.key_prefix == coding_plan else t(
            "setup.key_rule", prefix=preset.key_prefix)
        return f"{rule} {t('setup.key_hint_standard')}" if key.startswith("sk-") else rule
    if preset is not None and preset.group == "alibaba" and preset.key_prefix is None and key.startswith(coding_plan):
        return t("setup.key_hint_coding_plan", preset=preset.name)
    return None


def preset_choices() -> list[str]:
    """The `--preset` values: every endpoint key (`id` or `id:region`)."""
    return [item.key for item in endpoints()]
