"""The app's commands, shared by the command palette and the `/` command input.

`/` matches a unique prefix (`/sta` is /status) and aliases (`/logout`); commands run from either place
navigate by replacing a read-only screen on top (settings, privacy, usage data) instead of stacking on it,
so Esc goes back to where the user was working, not through every screen opened on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    name: str          # what the user types after `/`
    action: str        # the app action it runs
    title_key: str
    help_key: str
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("run", "start_qwen", "run_ui.command.title", "run_ui.command.help"),
    Command("auth", "auth", "app.command.auth", "app.command.auth_help", ("login",)),
    Command("settings", "settings", "app.command.settings", "app.command.settings_help"),
    Command("privacy", "privacy", "app.command.privacy", "app.command.privacy_help"),
    Command("provider", "provider_form", "form.command.title", "form.command.help"),
    Command("status", "status", "app.command.status", "app.command.status_help", ("home",)),
    Command("usage", "usage_data", "usage_data.command.title", "usage_data.command.help"),
    Command("theme", "theme", "command.theme", "command.theme_help"),
    Command("language", "language", "command.language", "command.language_help"),
    Command("signout", "sign_out", "command.sign_out", "command.sign_out_help", ("logout",)),
    Command("help", "command_help", "command.help", "command.help_help"),
    Command("quit", "quit", "app.command.quit", "app.command.quit_help", ("exit",)),
)
# Screens a command replaces rather than stacks on: they hold nothing the user typed.
REPLACEABLE = frozenset({"settings", "privacy", "usage_data"})


def matching(text: str) -> list[Command]:
    """The commands `text` names: an exact name or alias, else every command it is a prefix of."""
    name = text.strip().lstrip("/").lower()
    exact = [c for c in COMMANDS if name == c.name or name in c.aliases]
    if exact or not name:
        return exact
    return [c for c in COMMANDS if c.name.startswith(name) or any(a.startswith(name) for a in c.aliases)]


def run_command(app: Any, command: Command) -> None:
    """Run `command` as navigation: a read-only screen on top gives way to the one asked for."""
    from qwen_tui.ui.app import BASE_DEPTH

    if app.screen.name in REPLACEABLE and len(app.screen_stack) > BASE_DEPTH and command.action != "quit":
        app.pop_screen()
    app.call_later(app.run_action, command.action)
