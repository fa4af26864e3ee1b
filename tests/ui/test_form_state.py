"""The provider form's state across a language switch (issue 12 point 3): the form is composed again from its
state, in the new language, and nothing is fetched or probed again.

Real app, real files, a real loopback OpenAI server. The workers' own targets (core's `environment_values`,
`SecretStore.keyring_available`) are wrapped to count their calls: the seam is the worker's target itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_provider_form import MODEL, SIZE, fill, make_real_app, open_form, settle
from textual.widgets import Button, Input, RadioButton, Select

from qwen_tui.core.i18n import set_language
from qwen_tui.core.providers import saved
from qwen_tui.core.secrets import SecretStore
from tests.servers.openai_server import OpenAIServer


@pytest.fixture
def worker_calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"environment": 0, "keyring": 0}
    environment_values, keyring_available = saved.environment_values, SecretStore.keyring_available

    def counted_environment(*args, **kwargs):
        calls["environment"] += 1
        return environment_values(*args, **kwargs)

    def counted_keyring(self, *args, **kwargs):
        calls["keyring"] += 1
        return keyring_available(self, *args, **kwargs)

    monkeypatch.setattr(saved, "environment_values", counted_environment)
    monkeypatch.setattr(SecretStore, "keyring_available", counted_keyring)
    return calls


async def test_a_language_switch_relabels_the_form_and_runs_no_worker_again(
        openai_server: OpenAIServer, isolated_home: Path, project_dir: Path, worker_calls: dict[str, int]) -> None:
    (project_dir / ".env").write_text("OPENAI_MODEL=from-the-project\n")
    app = make_real_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            assert worker_calls == {"environment": 1, "keyring": 1}
            fill(form, openai_server.url, openai_server.key)
            await pilot.press("ctrl+f")
            await settle(pilot)
            fill(form, model=MODEL)
            form.query_one("#chat-check").value = True
            form.query_one("#store-file", RadioButton).value = True
            await pilot.press("ctrl+r")                          # the key shown
            await settle(pilot)
            seen = {"env-notice": True, "model-list": True, "store-warning": True}
            assert {name: form.query_one(f"#{name}").display for name in seen} == seen
            app.change_language("fr")
            await settle(pilot)
            assert str(form.query_one("#test", Button).label) == "Tester la connexion"
            assert str(form.query_one("#env-lines").render()).startswith("Qwen Code verrait aussi")
            assert "2 modèles trouvés" in str(form.query_one("#model-message").render())
            assert worker_calls == {"environment": 1, "keyring": 1}
            assert len(openai_server.requests_to("/models")) == 1
            # What the user entered and chose is still there, and so is what the workers found.
            assert [form.query_one(f"#{name}", Input).value for name in ("base-url", "api-key", "model")] == [
                openai_server.url, openai_server.key, MODEL]
            assert form.query_one("#api-key", Input).password is False
            assert form.query_one("#chat-check").value is True
            assert form.query_one("#store-file", RadioButton).value is True and form.store_chooser.chosen
            assert {name: form.query_one(f"#{name}").display for name in seen} == seen
            assert len(form.query_one("#model-list", Select)._options) == 1 + len(openai_server.models)
    finally:
        set_language("en")
