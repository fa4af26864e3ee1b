"""The provider form and a keyring that answers after the probe's 3 s cap (a real Secret Service behind a bus that
holds its answers until the test lets them through: tests/slow_bus.py). On a loaded machine a working keyring
answers so: the form first goes on as without one (Qwen Code's own `.env`, and a line saying the keyring has not
answered yet), and when the answer comes the keyring gets the choice back, unless the user picked a store
meanwhile. The save uses what the form found: it does not probe the keyring a second time."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import RadioButton
from ui_helpers import settle, until

from qwen_tui.core import secrets
from qwen_tui.core.context import Context
from qwen_tui.core.dotenv import read_dotenv_file
from qwen_tui.core.i18n import t
from qwen_tui.core.providers.install import env_key_for
from qwen_tui.core.secrets import SecretStore
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens import form_workers
from qwen_tui.ui.screens.form_store import Keyring
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from tests.servers.openai_server import OpenAIServer
from tests.slow_bus import SlowBus, keyring_threads

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
# What a probe asks the keyring about (a marker item it writes, reads and deletes), as the bus carries it.
PROBE_ITEM = b"qwen-tui-keyring-probe"


def _chosen(form: ProviderFormScreen) -> str:
    return next(store for store in ("keyring", "settings", "dotenv", "file")
                if form.query_one(f"#store-{store}", RadioButton).value)


@contextmanager
def late_keyring(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SlowBus, dict]]:
    """The tests' Secret Service behind a bus that holds its answers; the environment that reaches it."""
    with SlowBus(secret_service["DBUS_SESSION_BUS_ADDRESS"]) as bus:
        env = {**secret_service, "DBUS_SESSION_BUS_ADDRESS": bus.address, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE}
        for name, value in env.items():   # the D-Bus client reads the process environment
            monkeypatch.setenv(name, value)
        yield bus, {**os.environ, **env}


async def open_form(pilot, *, probed: bool = True) -> ProviderFormScreen:
    """The provider form, once the probe gave its first answer (`probed`: the keyring has not answered within its
    cap), else as soon as it is there."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("2")           # the chooser's "OpenAI-compatible": the form probes the keyring
    await until(pilot, lambda: isinstance(app.screen, ProviderFormScreen), "the provider form")
    form = app.screen
    assert isinstance(form, ProviderFormScreen)
    if probed:
        await until(pilot, lambda: form.keyring_probe is not None, "the probe's first answer (after its cap)")
    return form


async def save(pilot, form: ProviderFormScreen, server: OpenAIServer) -> None:
    """The form filled for `server` and saved (checked first): home once saved."""
    form.query_one("#base-url").value = server.url
    form.query_one("#api-key").value = server.key
    form.query_one("#model").value = "qwen3-coder-plus"
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home, after the save")
    await settle(pilot)


def _warning(form: ProviderFormScreen) -> str:
    return str(form.query_one("#store-warning").render())


@pytest.mark.keyring
@pytest.mark.parametrize("user_picks", [None, "settings"])
async def test_a_keyring_answering_after_the_cap_gets_the_choice_back_unless_the_user_chose(
    user_picks: str | None, openai_server: OpenAIServer, isolated_home: Path, secret_service: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if user_picks:   # it ends before the save: every keyring call in it is meant to miss the cap, however short
        monkeypatch.setattr(secrets, "KEYRING_CAP_S", 0.2)
    with late_keyring(secret_service, monkeypatch) as (bus, env):
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(pilot)
            assert form.keyring_probe == (Keyring.LATE, None)
            assert _chosen(form) == "dotenv" and form.query_one("#store-warning").display is True
            # What is true while it waits: not "no keyring here", the keyring has not answered yet.
            assert _warning(form) == t("run_ui.store.keyring_late", path=isolated_home / ".qwen" / ".env")
            if user_picks:
                form.query_one(f"#store-{user_picks}", RadioButton).value = True   # as a press does
                await pilot.pause()
            bus.answer()
            await until(pilot, lambda: form.keyring_probe == (Keyring.WORKS, None), "the keyring's late answer")
            await pilot.pause()
            assert _chosen(form) == (user_picks or "keyring")
            assert form.query_one("#store-warning").display is False
            if user_picks:
                return
            # A busy bus again: a second probe (a marker written, read and deleted) would miss its cap and the key
            # go to the .env; the save uses the keyring the form found, and a write meets the cap.
            bus.hold(PROBE_ITEM)
            await save(pilot, form, openai_server)
        name = env_key_for(openai_server.url, None)
        bus.answer()
        found = SecretStore(env).get(name)
        assert found.value == openai_server.key and found.location == "keyring"
        assert name not in read_dotenv_file(isolated_home / ".qwen" / ".env")


@pytest.mark.keyring
async def test_a_keyring_failing_the_save_after_answering_late_loses_nothing(
    openai_server: OpenAIServer, isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The form found a keyring (late); at the save it does not answer at all: the key is kept in Qwen Code's own
    `.env` (as without a keyring: plain `qwen` reads it), said in one line, and nothing lands in the keyring later.
    The save waits for the silent keyring once (its look for a key other providers share), not once more for the
    write: each wait is a cap the user sits through, and the form already knows the answer."""
    monkeypatch.setattr(secrets, "KEYRING_CAP_S", 0.2)   # every call here misses it (the bus holds its answers)
    with late_keyring(secret_service, monkeypatch) as (bus, env):
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(pilot)
            bus.answer()
            await until(pilot, lambda: form.keyring_probe == (Keyring.WORKS, None), "the keyring's late answer")
            bus.hold()
            before = keyring_threads()
            await save(pilot, form, openai_server)   # saved, home shown, the refresh and its workers done
            waits = keyring_threads() - before       # a call that ran out its cap waits in its thread for the bus
            assert len(waits) == 1, f"the save waited out the keyring's cap {len(waits)} times"
            dotenv = isolated_home / ".qwen" / ".env"
            said = [line for line in app.notices.lines() if str(dotenv) in line]
            assert len(said) == 1 and "\n" not in said[0], app.notices.lines()
        bus.answer()
        for thread in waits:
            thread.join(60)
        name = env_key_for(openai_server.url, None)
        assert read_dotenv_file(dotenv)[name] == openai_server.key
        assert dotenv.stat().st_mode & 0o777 == 0o600
        # One copy: none in qwen-tui's file, none in the keyring (asked directly, with no timeout: an answer that
        # did not come must not pass for "not there").
        from keyring.core import load_keyring

        assert SecretStore(env).file_get(name) is None
        assert load_keyring(SECRET_SERVICE).get_password(secrets.SERVICE, name) is None


@pytest.mark.keyring
@pytest.mark.parametrize("closed_in", ["the late wait", "the probe's cap"])
async def test_a_closed_forms_wait_ends_and_waits_do_not_pile_up(
    closed_in: str, isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyring that never answers, and the form opened and closed again and again (while it waits for a late
    answer, or before the probe's cap): each closed form's wait ends, giving back the thread it held (a thread
    worker runs in the event loop's executor, a few threads that every thread worker shares: Textual marks a
    cancelled one finished while its thread still runs), and the forms share the one unanswered probe instead of
    leaving one more hung thread and bus connection each."""
    # Waits longer than the test: only the form's closing can end them.
    monkeypatch.setattr(form_workers, "LATE_PROBE_S", 3600.0)
    # Closed in the probe's cap: a cap no test outlives; in the late wait: a short one, to get there soon.
    monkeypatch.setattr(secrets, "KEYRING_CAP_S", 3600.0 if closed_in == "the probe's cap" else 0.2)
    before = keyring_threads()   # (an earlier test's may still be ending)
    with late_keyring(secret_service, monkeypatch) as (bus, env):
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            try:
                for _ in range(3):
                    form = await open_form(pilot, probed=closed_in == "the late wait")
                    await until(pilot, lambda form=form: any(job.node is form and job.group == "provider-keyring"
                                                             for job in app.workers), "the form's probe")
                    assert form.keyring_probe == ((Keyring.LATE, None) if closed_in == "the late wait" else None)
                    waiting = [job for job in app.workers if job.node is form and job.group == "provider-keyring"]
                    assert len(waiting) == 1 and not waiting[0].is_finished
                    wait = waiting[0]
                    await pilot.press("escape")
                    await until(pilot, lambda: not isinstance(app.screen, ProviderFormScreen), "the form closed")
                    await until(pilot, lambda wait=wait: wait.is_finished, "the closed form's wait ended")
                assert len(keyring_threads() - before) == 1
                # Every thread of the executor free: as many jobs as it has threads all run at once. A wait still
                # holding one leaves the last job queued behind it, and the others' barrier breaks.
                loop = asyncio.get_running_loop()
                threads = loop._default_executor._max_workers   # type: ignore[attr-defined]
                barrier = threading.Barrier(threads)
                jobs = [loop.run_in_executor(None, barrier.wait, 60.0) for _ in range(threads)]
                await asyncio.gather(*jobs)
            finally:
                bus.answer()   # a failed check must not leave threads waiting for the keyring past the test


@pytest.mark.keyring
async def test_a_keyring_that_never_answers_is_said_so(
    isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the form stops listening, the line says the keyring did not answer (not that there is none)."""
    monkeypatch.setattr(form_workers, "LATE_PROBE_S", 0.0)   # the form stops listening at once
    monkeypatch.setattr(secrets, "KEYRING_CAP_S", 0.2)       # and the bus never answers: any cap is missed
    with late_keyring(secret_service, monkeypatch) as (_bus, env):
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(pilot)
            await until(pilot, lambda: form.keyring_probe == (Keyring.SILENT, None), "the form's last word")
            await pilot.pause()
            assert _chosen(form) == "dotenv" and form.query_one("#store-warning").display is True
            assert _warning(form) == t("run_ui.store.keyring_silent", path=isolated_home / ".qwen" / ".env")


@pytest.mark.keyring
async def test_a_keyring_answering_just_after_the_cap_is_not_taken_for_none(
    isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The keyring answers after the probe's cap but before the form's first word (while it looks for the installed
    qwen and the `.env` files, seconds on a loaded machine): the form says the keyring works and selects it, not
    "no keyring" with Qwen Code's `.env`. The answer's moment is set by letting the bus through from that lookup
    (the real one runs after it)."""
    from qwen_tui.core import launch

    with late_keyring(secret_service, monkeypatch) as (bus, env):
        looked_up = launch.installed_qwen_skips_home_dotenv

        def answered_meanwhile(environment):
            bus.answer()   # the probe's thread (this bus's: an earlier test's may be hung) ends once it answers
            secrets._RUNNING_PROBES[(SECRET_SERVICE, bus.address)]._thread.join(20)
            return looked_up(environment)

        monkeypatch.setattr(launch, "installed_qwen_skips_home_dotenv", answered_meanwhile)
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(pilot)
            await until(pilot, lambda: form.keyring_probe == (Keyring.WORKS, None), "the keyring found working")
            await pilot.pause()
            assert _chosen(form) == "keyring" and form.query_one("#store-warning").display is False


@pytest.mark.keyring
async def test_a_late_answer_handled_before_the_users_press_keeps_the_press(
    isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The user picks a store and the keyring's late answer is handled before the press has reached the chooser (its
    RadioSet.Changed still queued): the user's store stays. The answer is handed to the form as its message would be,
    right after the press, so that order is certain."""
    from qwen_tui.ui.screens.form_workers import KeyringProbed

    with late_keyring(secret_service, monkeypatch) as (bus, env):
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            try:
                form = await open_form(pilot)
                assert _chosen(form) == "dotenv"
                form.query_one("#store-settings", RadioButton).value = True   # as a press does
                form.on_keyring_probed(KeyringProbed(Keyring.WORKS, None))
                bus.answer()   # the probe's own answer comes after: the form stops listening (else for 30 s)
                await settle(pilot)
                assert _chosen(form) == "settings"
            finally:
                bus.answer()


@pytest.mark.keyring
async def test_a_keyring_late_for_the_probe_is_still_asked_for_a_key_other_providers_share(
    isolated_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two providers at one URL share a key kept in the keyring. The bus is slow for the probe (a marker written,
    read and deleted) but answers a single read: the form says the keyring has not answered, and a save of a
    different key at that URL still finds the shared one and asks before replacing it for the others."""
    from qwen_tui.core.providers.profiles import KeyStore, save_profile
    from qwen_tui.ui.screens.confirm import ConfirmScreen

    url, shared = "http://127.0.0.1:9/v1", "sk-shared-old-0123456789"
    for name, value in {**secret_service, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE}.items():
        monkeypatch.setenv(name, value)   # the bus itself, for the D-Bus client: it reads the process environment
    for model in ("shared-a", "shared-b"):
        saved = save_profile(base_url=url, model=model, key=shared, store=KeyStore.KEYRING,
                             context=Context(Path.cwd(), dict(os.environ)))
    from keyring.core import load_keyring

    assert load_keyring(SECRET_SERVICE).get_password(secrets.SERVICE, saved.profile.env_key) == shared
    with late_keyring(secret_service, monkeypatch) as (bus, env):
        bus.hold(PROBE_ITEM)
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            try:
                form = await open_form(pilot)
                assert form.keyring_probe == (Keyring.LATE, None)
                form.query_one("#base-url").value = url
                form.query_one("#api-key").value = "sk-shared-new-0123456789"
                form.query_one("#model").value = "shared-c"
                form.query_one("#save-unverified").press()
                await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "save without verifying?")
                await pilot.press("y")
                await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and "shared-a" in app.screen.question,
                            "the question naming the providers that share the key")
                assert "shared-b" in app.screen.question
            finally:
                bus.answer()
