"""The one answer to "which configuration would Qwen Code use, and where does each value come from?".

Applies Qwen Code's rules (settings layers, environment, the first `.env` found, `settings.env`,
`modelProviders`, `security.auth.enforcedType`) and returns every value with its source. `qwen-tui status`,
the home screen, the chooser's preselection and the forms all use `resolve()`.

The model, checked with the real CLIs (core/model_choice.py): from 0.15.6 on settings `model.name` beats OPENAI_MODEL
/ QWEN_MODEL (ANTHROPIC_MODEL, GEMINI_MODEL) from anywhere; 0.12.0 put the variable first: the model shown follows
the installed `qwen`'s version, and the entry it names decides the key and URL shown.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from qwen_tui.core.context import Context
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t
from qwen_tui.core.names import (
    API_KEY,
    AUTH_BASE_URL,
    ENFORCED_TYPE,
    ENV,
    MODEL_BASE_URL,
    MODEL_NAME,
    MODEL_PROVIDERS,
    QWEN_OAUTH_MODEL,
    SELECTED_TYPE,
    USAGE_STATS,
    AuthMethod,
    Protocol,
    providers_key,
)
from qwen_tui.core.record import field, record, replace

if TYPE_CHECKING:
    from qwen_tui.core.dotenv import DotenvFile
    from qwen_tui.core.secrets import SecretStore
    from qwen_tui.core.settings import Layer, LoadedSettings
    from qwen_tui.core.telemetry.consent import Consent

T = TypeVar("T")


class KeyringNeeded(QwenTuiError):
    """A resolution told not to ask the keyring (it may take seconds) would have had to."""

    kind = "keyring_needed"


class SourceKind(StrEnum):
    SETTINGS = "settings"          # a settings.json layer: path + key as written
    ENV = "env"                    # the process environment: key = variable name
    DOTENV = "dotenv"              # the .env file that was loaded: path + variable name
    SETTINGS_ENV = "settings-env"  # a layer's `env` block: path + `env.NAME`
    KEYRING = "keyring"            # the OS keyring: key = secret name
    SECRET_FILE = "secret-file"    # qwen-tui's explicit 0600 secrets file: path + name
    OAUTH_CREDS = "oauth-creds"    # <QWEN_HOME>/oauth_creds.json
    DEFAULT = "default"            # Qwen Code's built-in default
    NONE = "none"                  # nothing provides it


@record
class Source:
    """Where a value came from: a settings layer and key, a .env file, the environment, the keyring…"""
    kind: SourceKind
    path: Path | None = None
    key: str | None = None
    scope: str | None = None       # settings layer scope, for SETTINGS / SETTINGS_ENV

    def describe(self, path_text: Callable[[Path], str] = str) -> str:
        """A short localised description, e.g. `user settings (~/.qwen/settings.json) security.auth.selectedType`;
        `path_text` writes the path (the UI shortens it). The path and key may come from a cloned repository (a
        directory or `.env` name): shown sanitised."""
        from qwen_tui.core.sanitize import clean  # its patterns compile on import: not on `run`'s path

        scope = t(f"source.scope.{self.scope}") if self.scope in _SCOPES else self.scope or ""
        path = clean(path_text(self.path)) if self.path else ""
        return t(f"source.{self.kind}", path=path, key=clean(self.key or ""), scope=scope)


_SCOPES = ("user", "workspace", "system", "system-defaults")   # translated in the description
NOT_SET = Source(SourceKind.NONE)


@record
class Value(Generic[T]):
    """A resolved value and its source."""
    value: T = field(repr=False)   # may be a secret (a key found by ConfigLookup.secret): never in a repr
    source: Source = NOT_SET


@record
class Credential:
    """Whether the active method has a credential, shown masked, and where it is."""
    present: bool
    masked: str | None = None      # e.g. "sk-…cdef"; never the secret itself
    source: Source = NOT_SET
    detail: str | None = None      # e.g. OAuth token expiry (ISO 8601)
    variable: str | None = None    # the environment variable `qwen` reads it from (an API key's envKey)
    secret: str | None = field(default=None, repr=False, compare=False)  # the key itself, for `qwen-tui run`


@record
class Resolution:
    """Everything Qwen Code would use, each value with its source, and the problems found on the way."""
    auth_type: Value[str | None]
    enforced_type: Value[str | None]
    base_url: Value[str | None]
    model: Value[str | None]
    credential: Credential
    usage_stats: Value[bool]       # Qwen Code's effective flag (default True when absent)
    usage_stats_chosen: bool       # True only when a settings layer sets it explicitly
    dotenv_path: Path | None
    shadowed_dotenv: tuple[Path, ...] = ()
    problems: tuple[str, ...] = field(default=())   # one-line problems (unparsable layer, enforced mismatch, …)
    usage_consent: Consent | None = None   # qwen-tui's own consent rule over the layers (telemetry.gate.consent)
    # The files this was resolved from, for what else a screen derives from them (the saved providers, the
    # OPENAI_* values): one load per refresh. None when no files were read (a resolver failure).
    lookup: ConfigLookup | None = field(default=None, repr=False, compare=False)

    @property
    def enforced_mismatch(self) -> bool:
        return bool(self.enforced_type.value) and self.enforced_type.value != self.auth_type.value

    @property
    def ok(self) -> bool:
        """An auth method resolves, has its credential, and is allowed."""
        return bool(self.auth_type.value) and self.credential.present and not self.enforced_mismatch


def mask_secret(secret: str) -> str:
    """`sk-abc…cdef` style: keep a recognisable prefix and the last 4 characters, never more than 1/3."""
    if len(secret) < 12:
        return "…" * 3
    prefix = secret[:3] if secret[:3].isascii() and secret[2] == "-" else ""
    return f"{prefix}…{secret[-4:]}"


# Qwen Code refuses an OpenAI-compatible provider without some key, even a local server that needs none
# (Qwen Code #3384). For keyless local servers qwen-tui writes this placeholder: it is not a secret.
KEYLESS_PLACEHOLDER = "not-needed"
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
# The model Qwen Code 0.21.2 and later ask an OpenAI-compatible server for when none is configured (seen in the
# interop runs; older ones: model_choice.OPENAI_OLD_DEFAULT_MODEL): status must name the model `qwen` will really use.
OPENAI_DEFAULT_MODEL = "qwen3.7-max"


def resolve(context: Context, *, keyring: bool = True, qwen: Path | None = None) -> Resolution:
    """Resolve the effective auth configuration for the `qwen` at `qwen` (else the context's) started in `context`.
    With `keyring=False`, KeyringNeeded where a value could only come from the keyring."""
    from qwen_tui.core.telemetry.consent import consent

    lookup = ConfigLookup.load(context, keyring=keyring, qwen=qwen)
    env = lookup.env
    settings, dotenv = lookup.settings, lookup.dotenv
    problems = [str(error) for error in settings.errors]
    if dotenv.error:
        problems.append(dotenv.error)

    auth_type = lookup.auth_type()
    enforced = lookup.setting(ENFORCED_TYPE)
    if auth_type.value == AuthMethod.QWEN_OAUTH:
        base_url, model, credential = _qwen_oauth(lookup)
    elif auth_type.value == AuthMethod.OPENAI:
        base_url, model, credential = _openai(lookup)
    elif auth_type.value in _OTHER_PROTOCOLS:
        base_url, model, credential = _other_protocol(lookup, auth_type.value)
    else:
        # No method, or one qwen-tui does not configure (vertex-ai): report no credential rather than guess,
        # and never probe the keyring for one.
        base_url, model, credential = Value(None), Value(None), Credential(False)
        if auth_type.value is not None:
            problems.append(t("resolver.unsupported_type", type=auth_type.value))
    if auth_type.value == AuthMethod.OPENAI and not credential.present:
        problems.append(t("resolver.missing_api_key"))
    elif auth_type.value in _OTHER_PROTOCOLS and not credential.present:
        problems.append(t("setup.missing_key", protocol=auth_type.value, name=_OTHER_PROTOCOLS[auth_type.value][0]))
    problems += _plaintext_keys(settings)
    usage = lookup.setting(USAGE_STATS)
    usage_chosen = isinstance(usage.value, bool)
    resolution = Resolution(
        auth_type=auth_type,
        enforced_type=enforced,
        base_url=base_url,
        model=model,
        credential=credential,
        usage_stats=usage if usage_chosen else Value(True, Source(SourceKind.DEFAULT)),
        usage_stats_chosen=usage_chosen,
        usage_consent=consent(settings, env),
        dotenv_path=dotenv.path,
        shadowed_dotenv=dotenv.shadowed,
        problems=tuple(problems),
        lookup=lookup,
    )
    if resolution.enforced_mismatch:
        problems.append(
            t("resolver.enforced_mismatch", enforced=enforced.value, selected=auth_type.value or "-")
        )
        resolution = replace(resolution, problems=tuple(problems))
    return resolution


class ConfigLookup:
    """Finds one value with its source, in Qwen Code's order for each kind of value."""

    def __init__(self, settings: LoadedSettings, dotenv: DotenvFile, context: Context, *,
                 keyring: bool = True, qwen: Path | None = None) -> None:
        self.settings = settings
        self.dotenv = dotenv
        self.context = context
        self.env = context.env
        self.keyring = keyring   # False: KeyringNeeded rather than asking it
        self.qwen = qwen         # the `qwen` to answer for; None: the one on the PATH
        self._home: list[tuple[Path, dict[str, str]]] | None = None
        self.secrets: SecretStore | None = None   # secret()'s one store for every key, or a caller's that probed

    @classmethod
    def load(cls, context: Context, *, keyring: bool = True, qwen: Path | None = None) -> ConfigLookup:
        """Read the settings layers and the `.env` file Qwen Code would load in `context`."""
        from qwen_tui.core.dotenv import load_dotenv
        from qwen_tui.core.settings import load_settings

        dotenv = load_dotenv(context)
        # Qwen Code loads `.env` before it expands `$VAR`s in settings; `.env` never overrides the environment.
        expand = {**dotenv.values, **context.env}
        return cls(load_settings(context, expand_env=expand), dotenv, context, keyring=keyring, qwen=qwen)

    def setting(self, dotted: str) -> Value[Any]:
        found = self.settings.lookup(dotted)
        if found is None:
            return Value(None)
        value, layer = found
        return Value(value, _settings_source(layer, layer.key_as_written(dotted)))

    def variable(self, name: str) -> Value[str | None]:
        """The environment, then the loaded `.env` and the home ones (never overriding it), then the layers'
        `env` blocks."""
        if self.env.get(name):
            return Value(self.env[name], Source(SourceKind.ENV, key=name))
        if self.dotenv.values.get(name):
            return Value(self.dotenv.values[name], Source(SourceKind.DOTENV, self.dotenv.path, name))
        for path, values in self._home_dotenvs():
            if values.get(name):
                return Value(values[name], Source(SourceKind.DOTENV, path, name))
        found = self.settings.lookup(f"{ENV}.{name}")
        if found is not None and isinstance(found[0], str) and found[0]:
            return Value(found[0], _settings_source(found[1], f"{ENV}.{name}", SourceKind.SETTINGS_ENV))
        return Value(None)

    def auth_type(self) -> Value[str | None]:
        selected = self.setting(SELECTED_TYPE)
        if isinstance(selected.value, str) and selected.value:
            return selected
        qwen_oauth = self.variable("QWEN_OAUTH")
        if qwen_oauth.value:
            return Value(str(AuthMethod.QWEN_OAUTH), qwen_oauth.source)
        key, base_url = self.variable("OPENAI_API_KEY"), self.variable("OPENAI_BASE_URL")
        if key.value and base_url.value and (self.variable("OPENAI_MODEL").value or self._qwen_model_selects()):
            return Value(str(AuthMethod.OPENAI), key.source)
        return Value(None)

    def _qwen_model_selects(self) -> bool:
        """Whether QWEN_MODEL stands in for OPENAI_MODEL in choosing the method (from 0.21.2: core/launch.py)."""
        from qwen_tui.core.launch import FIRST_INFERRING_FROM_QWEN_MODEL
        return bool(self.variable("QWEN_MODEL").value) and self.qwen_is_at_least(FIRST_INFERRING_FROM_QWEN_MODEL)

    def secret(self, name: str) -> Value[str | None]:
        """A key named `name`: environment chain first, then qwen-tui's secret store."""
        found = self.variable(name)
        if found.value:
            return found
        if not self.keyring:
            raise KeyringNeeded(name)
        from qwen_tui.core.secrets import SecretLocation, SecretStore

        self.secrets = self.secrets or SecretStore(self.env)   # a keyring that ran out one read's cap: not again
        stored = self.secrets.get(name)
        if stored.value is None:
            return Value(None)
        kind = SourceKind.KEYRING if stored.location == SecretLocation.KEYRING else SourceKind.SECRET_FILE
        return Value(stored.value, Source(kind, stored.path, name))

    def qwen_is_at_least(self, first: tuple[int, int, int]) -> bool:
        """Whether this `qwen` is `first` or later (unknown or not installed: as a current one is): core/launch.py."""
        return self._installed is None or self._installed >= first

    @cached_property
    def _installed(self) -> tuple[int, int, int] | None:
        from qwen_tui.core.launch import installed_version  # read once, only where versions differ
        return installed_version(self.qwen, self.env)

    def _home_dotenvs(self) -> list[tuple[Path, dict[str, str]]]:
        """The home `.env` files after the one the search stopped at (a project's): `qwen` 0.24.4 loads them
        too, for the variables still unset (checked with the real one; up to 0.15.10 it did not: core/launch.py)."""
        if self._home is None:
            from qwen_tui.core.dotenv import home_dotenv_paths, read_dotenv_file

            self._home = [(path, read_dotenv_file(path)) for path in home_dotenv_paths(self.env)
                          if path != self.dotenv.path]
        return self._home


def _plaintext_keys(settings: LoadedSettings) -> list[str]:
    """A problem line per API key kept in plain text in a settings `env` block (what Qwen Code's `/auth`
    writes, Qwen Code #4016): `qwen-tui auth move-key --to keyring` takes it out."""
    names: set[str] = set()
    for layer in settings.layers:
        providers = layer.get(MODEL_PROVIDERS)
        lists = [v for v in providers.values() if isinstance(v, list)] if isinstance(providers, dict) else []
        names.update(e["envKey"] for entries in lists for e in entries
                     if isinstance(e, dict) and isinstance(e.get("envKey"), str))
    found = []
    for layer in settings.layers:
        block = layer.get(ENV)
        for name, value in block.items() if isinstance(block, dict) else ():
            if (name in names or name.endswith("_API_KEY")) and isinstance(value, str) and value:
                found.append((name, value, layer.path))
    return [t("keys.problem.plaintext", name=name, path=path) for name, value, path in found
            if value != KEYLESS_PLACEHOLDER]


def _settings_source(layer: Layer, key: str, kind: SourceKind = SourceKind.SETTINGS) -> Source:
    return Source(kind, layer.path, key, str(layer.scope))


def _first(*values: Value[Any]) -> Value[Any]:
    """The first non-empty string: a key, URL or model name of another JSON type (a workspace file may hold
    anything) counts as unset rather than reaching the screens."""
    return next((value for value in values if isinstance(value.value, str) and value.value), Value(None))


def provider_index(lookup: ConfigLookup, protocol: str, model: Value[Any]) -> int | None:
    """The index in `modelProviders.<protocol>` of the entry Qwen Code 0.24.4 uses for `model`, None: none.

    With a model from settings and `model.baseUrl` persisted beside it (its `/model` and qwen-tui's activate
    write it to tell same-named models apart), the entry of that id at that URL, else the first of that id
    (resolveCliGenerationConfig, chunks/chunk-Z4RLAAF3.js 184-196: `p.id === resolvedModel && p.baseUrl ===
    persistedBaseUrl`, falling back to the first id match)."""
    found = lookup.settings.lookup(providers_key(protocol))
    if not model.value or found is None or not isinstance(found[0], list):
        return None
    entries = found[0]
    matches = [index for index, entry in enumerate(entries)
               if isinstance(entry, dict) and entry.get("id") == model.value]
    persisted = lookup.setting(MODEL_BASE_URL).value if model.source.kind == SourceKind.SETTINGS else None
    if isinstance(persisted, str) and persisted:
        exact = next((index for index in matches if entries[index].get("baseUrl") == persisted), None)
        if exact is not None:
            return exact
    return matches[0] if matches else None


def _active_provider(lookup: ConfigLookup, model: Value[Any],
                     protocol: str) -> tuple[Value[str | None], Value[str | None], str | None]:
    """The base URL and key of the `modelProviders.<protocol>` entry Qwen Code picks for the selected model
    (provider_index), and its `envKey` (the name `qwen-tui run` passes the key under); empty values without one."""
    index = provider_index(lookup, protocol, model)
    found = lookup.settings.lookup(providers_key(protocol))
    if index is None or found is None:
        return Value(None), Value(None), None
    entry, where = found[0][index], f"{providers_key(protocol)}[{index}].baseUrl"
    base = entry.get("baseUrl")
    base_url: Value[str | None] = Value(base, _settings_source(found[1], where)) if isinstance(base, str) \
        else Value(None)
    env_key = entry.get("envKey") if isinstance(entry.get("envKey"), str) else None
    return base_url, lookup.secret(env_key) if env_key is not None else Value(None), env_key


def _openai(lookup: ConfigLookup) -> tuple[Value[Any], Value[Any], Credential]:
    from qwen_tui.core.launch import FIRST_KEEPING_OUTSIDE_BASE_URL
    from qwen_tui.core.model_choice import choose_model, unnamed_model

    model = choose_model(lookup, Protocol.OPENAI)
    if not model.value:
        model = unnamed_model(lookup)
    provider_base, provider_key, env_key = _active_provider(lookup, model, Protocol.OPENAI)
    # `qwen` looks in OPENAI_API_KEY when the active model has no envKey (or it is unset).
    variable = env_key if env_key is not None else "OPENAI_API_KEY"
    outside = (lookup.variable("OPENAI_BASE_URL"), lookup.setting(AUTH_BASE_URL))
    # Its default model's entry keeps an outside URL from 0.21.2 on (model_choice.unnamed_model).
    keeps_outside = model.source.kind == SourceKind.DEFAULT and lookup.qwen_is_at_least(FIRST_KEEPING_OUTSIDE_BASE_URL)
    first = (*outside, provider_base) if keeps_outside else (provider_base, *outside)
    base_url = _first(*first)   # never model.baseUrl alone: 0.15.10 and 0.24.4 asked api.openai.com (measured)
    if not base_url.value:
        base_url = Value(OPENAI_DEFAULT_BASE_URL, Source(SourceKind.DEFAULT))
    key = _first(provider_key, lookup.variable("OPENAI_API_KEY"), lookup.setting(API_KEY))
    if not key.value:
        key = lookup.secret("OPENAI_API_KEY")
    if isinstance(key.value, str) and key.value:
        variable = variable if key is provider_key else "OPENAI_API_KEY"
        credential = Credential(True, mask_secret(key.value), key.source, variable=variable, secret=key.value)
    else:
        credential = Credential(False, variable=variable)
    return base_url, model, credential


# Qwen Code's validateAuthMethod (chunk-WH7PDTZL.js 813-885): the model's entry's key, else the protocol's variable;
# the entry's URL (Gemini: from 0.15.6 on), else ANTHROPIC_BASE_URL / GOOGLE_GEMINI_BASE_URL (Google's SDK reads it),
# else the protocol's default; never model.baseUrl (0.12.0 to 0.24.4: tests/interop/test_unnamed_model_other.py).
_OTHER_PROTOCOLS: dict[str, tuple[str, str, str]] = {
    Protocol.ANTHROPIC: ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    Protocol.GEMINI: ("GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL", "https://generativelanguage.googleapis.com"),
}


def _other_protocol(lookup: ConfigLookup, protocol: str) -> tuple[Value[Any], Value[Any], Credential]:
    from qwen_tui.core.launch import FIRST_GIVING_GEMINI_ITS_BASE_URL
    from qwen_tui.core.model_choice import other_model

    key_name, base_name, default_base = _OTHER_PROTOCOLS[protocol]
    model = other_model(lookup, protocol, key_name, base_name)
    base_url, key, env_key = _active_provider(lookup, model, protocol)
    if protocol == Protocol.GEMINI and not lookup.qwen_is_at_least(FIRST_GIVING_GEMINI_ITS_BASE_URL):
        base_url = Value(None)
    if env_key is not None and key.value:
        key_name = env_key   # the name `qwen-tui run` passes it under
    base_url = _first(base_url, lookup.variable(base_name), Value(default_base, Source(SourceKind.DEFAULT)))
    if not key.value:
        key = lookup.secret(key_name)
    credential = Credential(True, mask_secret(key.value), key.source, variable=key_name, secret=key.value) \
        if isinstance(key.value, str) and key.value else Credential(False, variable=key_name)
    return base_url, model, credential


def _qwen_oauth(lookup: ConfigLookup) -> tuple[Value[Any], Value[Any], Credential]:
    from qwen_tui.core.oauth.credentials import api_base, load_credentials, only_in_keyring

    model = lookup.setting(MODEL_NAME)
    if not model.value:
        model = Value(QWEN_OAUTH_MODEL, Source(SourceKind.DEFAULT))
    if not lookup.keyring and only_in_keyring(lookup.env):
        raise KeyringNeeded("oauth credentials")
    creds, location = load_credentials(lookup.env)
    if creds is None:
        return Value(None), model, Credential(False)
    source = Source(SourceKind.OAUTH_CREDS, location) if isinstance(location, Path) \
        else Source(SourceKind.KEYRING, key=str(location))
    from datetime import UTC, datetime  # only a Qwen OAuth expiry needs it: off `run`'s path otherwise

    try:
        expiry = datetime.fromtimestamp(creds.expiry_date / 1000, tz=UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):  # a number no clock can show: say so, don't crash
        expiry = t("resolver.invalid_expiry")
    credential = Credential(True, mask_secret(creds.access_token), source, expiry)
    return Value(api_base(creds), source), model, credential
