"""The provider form's workers and the messages they post back: every network call and disk access of the form.

`FormWorkers` is the form's base screen: the form itself (provider_form.py) only starts these and renders what
they post. Each worker that receives the key names itself: Textual's default description is repr(args).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from qwen_tui.core.i18n import t
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.screens.form_store import Keyring

# How long after the probe's own cap (3 s) the form still listens for the keyring's answer.
LATE_PROBE_S = 30.0

if TYPE_CHECKING:
    from qwen_tui.core.providers.profiles import SaveResult
    from qwen_tui.core.providers.saved import EnvironmentValues
    from qwen_tui.core.providers.setup import ProviderDraft
    from qwen_tui.core.providers.verify import CheckResult
    from qwen_tui.core.secrets import SecretStore


class ChecksFinished(Message):
    """The connection test: one CheckResult per check run, for the form state `fingerprint`; for Coding Plan and
    Token Plan also the draft with the models the key is offered (`discovered`; None: the list was not
    available, or not asked for: `discovery_tried`)."""

    def __init__(self, results: list[CheckResult], fingerprint: str, then_save: bool,
                 discovered: ProviderDraft | None = None, discovery_tried: bool = False) -> None:
        super().__init__()
        self.results = results
        self.fingerprint = fingerprint
        self.then_save = then_save
        self.discovered = discovered
        self.discovery_tried = discovery_tried


class ModelsFetched(Message):
    def __init__(self, models: list[str], result: CheckResult) -> None:
        super().__init__()
        self.models = models
        self.result = result


class ProfileSaved(Message):
    def __init__(self, result: SaveResult | None, error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error


class SharedKeyFound(Message):
    """Nothing saved yet: other providers share this endpoint's key and a different one is stored there."""

    def __init__(self, names: list[str], env_key: str, draft: ProviderDraft, store: str) -> None:
        super().__init__()
        self.names = names
        self.env_key = env_key
        self.draft = draft
        self.store = store


class EnvironmentFound(Message):
    """OPENAI_* values Qwen Code would see (key masked), or why they could not be read."""

    def __init__(self, values: EnvironmentValues | None, error: str | None = None) -> None:
        super().__init__()
        self.values = values
        self.error = error


class EnvironmentImported(Message):
    """The values to put in the form. Carries the key itself: kept out of reprs."""

    def __init__(self, base_url: str | None, key: str | None, model: str | None) -> None:
        super().__init__()
        self.base_url = base_url
        self.key = key
        self.model = model

    def __rich_repr__(self):
        yield "base_url", self.base_url
        yield "model", self.model


class KeyringProbed(Message):
    """What the keyring did; and the `.env` qwen would read from here instead of Qwen Code's own (None: none)."""

    def __init__(self, state: Keyring, dotenv_winner: Path | None) -> None:
        super().__init__()
        self.state = state
        self.dotenv_winner = dotenv_winner


def crashed(exc: Exception) -> CheckResult:
    """A bug in a check shows as a failed check, not a crash."""
    from qwen_tui.core.providers.verify import CheckResult, ErrorKind

    return CheckResult(False, ErrorKind.OTHER, t("form.error.check_crashed", kind=type(exc).__name__), None, None)


def qwen_dotenv(env: Mapping[str, str]) -> Path:
    """Qwen Code's own `.env` (`~/.qwen/.env`), the store plain `qwen` reads."""
    from qwen_tui.core import paths

    return paths.qwen_home(env) / ".env"


class FormWorkers(QwenScreen):
    """The provider form's background jobs; each posts one of the messages above."""

    check_timeout = 10.0   # seconds per request (verify's default); tests of the timeout path shorten it
    # The store the keyring probe asked: the save uses it, so what the form found (a keyring that answered
    # late included) is what the save finds, with no second probe of its own (one per form).
    secrets: SecretStore | None = None

    @work(exclusive=True, exit_on_error=False, group="provider-check", description="provider checks")
    async def _run_checks(self, draft: ProviderDraft, key: str | None, fingerprint: str, then_save: bool) -> None:
        # Coding Plan and Token Plan: the models offered for this key, as `auth login` and Qwen Code's /auth ask
        # (unless the user fetched the list already); the built-in list when unavailable.
        tried = draft.preset is not None and draft.preset.discovery and not draft.models and key is not None
        discovered = None
        try:
            discovered = await draft.discover(key) if tried else None
            results = await (discovered or draft).verify(key, timeout=self.check_timeout)
        except Exception as exc:  # noqa: BLE001 - see crashed()
            results = [crashed(exc)]
        self.post_message(ChecksFinished(results, fingerprint, then_save, discovered, tried))

    @work(exclusive=True, exit_on_error=False, group="provider-models", description="fetch models")
    async def _fetch_models(self, url: str, key: str | None) -> None:
        from qwen_tui.core.providers.verify import fetch_models

        try:
            models, result = await fetch_models(url, key, timeout=self.check_timeout)
        except Exception as exc:  # noqa: BLE001 - see crashed()
            models, result = [], crashed(exc)
        self.post_message(ModelsFetched(models, result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-save", description="save profile")
    def _save(self, draft: ProviderDraft, key: str | None, store: str, shared_ok: bool = False) -> None:
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.core.providers.profiles import KeyStore, ProfileError

        app, probed = self.app, self.secrets
        try:
            # The look for a key other providers share asks through the form's store once its keyring answered: a
            # read there that runs out its cap spares the write a wait of its own. Not before: a keyring that has
            # not answered the probe (late on a loaded machine) may still answer one read in time.
            known = probed if probed is not None and probed.keyring_available() else None
            others = [] if shared_ok else draft.shared_with(key, app.context, known)
            if others:
                self.post_message(SharedKeyFound(others, draft.env_key() or "", draft, store))
                return
            result = draft.save(key, KeyStore(store), app.context, self.secrets)
        except (ProfileError, FileOpError) as exc:
            self.post_message(ProfileSaved(None, str(exc)))
        else:
            # The app follows the saved profile even if the user left this form while it was saving (this
            # screen's own message would be lost then).
            app.call_from_thread(app.refresh_resolution)
            self.post_message(ProfileSaved(result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-env")
    def _load_environment(self) -> None:
        from qwen_tui.core.providers.saved import environment_values

        try:   # from the files the current resolution read: nothing is loaded again
            values = environment_values(self.app.resolution) if self.app.resolution else None
        except Exception as exc:  # noqa: BLE001 - unreadable settings: the form still works without the notice
            self.post_message(EnvironmentFound(None, str(exc)))
        else:
            self.post_message(EnvironmentFound(values))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-env-import")
    def _import_environment(self) -> None:
        from qwen_tui.core.providers.saved import environment_values

        # The key itself, not masked: it fills the (masked) key field.
        values = environment_values(self.app.resolution, unmasked=True) if self.app.resolution else None
        base_url, key, model = (values.base_url, values.key, values.model) if values else (None, None, None)
        self.post_message(EnvironmentImported(
            base_url.value if base_url else None, key.value if key else None, model.value if model else None))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-keyring")
    def _probe_keyring(self) -> None:
        from qwen_tui.core.dotenv import dotenv_hiding
        from qwen_tui.core.launch import installed_qwen_skips_home_dotenv
        from qwen_tui.core.secrets import SecretStore

        app, worker = self.app, get_current_worker()
        store = self.secrets = SecretStore(app.env)
        # The wait holds one of the few threads every thread worker shares: a closed form (a cancelled worker)
        # gives it back within 0.25 s, here and in the late wait below.
        available = store.keyring_available(stop=lambda: worker.is_cancelled)
        # A nearer .env hides Qwen Code's own only from the installed qwen versions that load the first .env alone.
        hidden = installed_qwen_skips_home_dotenv(app.env)
        winner = dotenv_hiding(qwen_dotenv(app.env), app.context) if hidden else None
        # Asked again, not assumed: a probe past its cap may have answered during the lookups just above.
        late = None if available else store.late_answer(0)
        pending = late is None and not available
        self.post_message(KeyringProbed(Keyring.WORKS if available or late else Keyring.LATE if pending
                                        else Keyring.NONE, winner))
        # A keyring that did not answer within the probe's cap (a loaded machine's answers late, not never): the
        # form goes on as without one, and its answer, while the form is open (at most LATE_PROBE_S more), still
        # counts; the chooser goes back to the keyring unless the user picked a store meanwhile.
        deadline = time.monotonic() + LATE_PROBE_S
        while pending and not worker.is_cancelled:
            late = store.late_answer(0.25)
            if late is not None or time.monotonic() >= deadline:
                state = Keyring.SILENT if late is None else Keyring.WORKS if late else Keyring.NONE
                self.post_message(KeyringProbed(state, winner))
                return
