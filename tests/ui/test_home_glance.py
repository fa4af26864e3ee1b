"""Issue 14 point 10: home reads at a glance — paths shortened (`~/.qwen/…`, `./.qwen/…`) with the full path
one key away, the sign-in token's time human, and the source words (settings layer names) translated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ui_helpers import appeared, make_app, resolution, until, workers_done

from qwen_tui.core.i18n import set_language
from qwen_tui.core.resolver import Credential, Source, SourceKind, Value

SIZE = (80, 24)


async def _settle(pilot) -> None:
    await workers_done(pilot.app)
    await pilot.pause()


def _source(app, row: str) -> str:
    """The row's source line; empty while home (re)composes (when its resolution arrives, when `f` is pressed)."""
    rows = app.screen.query(f"#{row}")
    return rows.first().source if rows else ""


async def test_paths_are_short_and_full_on_demand() -> None:
    home = Path.home()
    app = make_app(resolution("openai", home=home))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await appeared(pilot, "#row-auth")
        assert _source(app, "row-auth") == \
            "from user settings (~/.qwen/settings.json) security.auth.selectedType"
        assert str(app.screen.query_one("#row-dotenv").value) == "~/.qwen/.env"
        await pilot.press("f")                  # home recomposes a few rounds after the key
        await until(pilot, lambda: f"({home}/.qwen/settings.json)" in _source(app, "row-auth"), "full paths")
        await pilot.press("f")
        await until(pilot, lambda: "(~/.qwen/settings.json)" in _source(app, "row-auth"), "short paths again")


async def test_a_workspace_path_is_relative_and_the_layer_name_translated(project_dir: Path) -> None:
    workspace = Path.cwd() / ".qwen" / "settings.json"
    res = resolution("openai")
    res = res.__class__(**{**res.__dict__, "model": Value("m", Source(SourceKind.SETTINGS, workspace, "model.name",
                                                                       "workspace"))})
    try:
        app = make_app(res, LC_ALL="fr_FR.UTF-8")
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await appeared(pilot, "#row-model")
            assert _source(app, "row-model") == \
                "provenance : paramètres espace de travail (./.qwen/settings.json) model.name"
    finally:
        set_language("en")


async def test_the_sign_in_token_time_is_human() -> None:
    res = resolution("qwen-oauth")
    soon = (datetime.now(UTC) + timedelta(minutes=59, seconds=59)).isoformat(timespec="seconds")
    past = (datetime.now(UTC) - timedelta(minutes=2, seconds=1)).isoformat(timespec="seconds")
    for expiry, words in ((soon, "valid for 59 min, until "), (past, "expired 2 min ago")):
        cred = Credential(True, "…wxyz", res.credential.source, expiry)
        app = make_app(res.__class__(**{**res.__dict__, "credential": cred}))
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            row = await appeared(pilot, "#row-token-expiry")     # home recomposes when its resolution arrives
            assert row.label == "Sign-in token" and row.value.startswith(words)
            assert expiry not in app.screen.query_one("#row-credential").value   # said once, not twice
