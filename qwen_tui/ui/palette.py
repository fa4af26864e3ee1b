"""The app's commands, shared by the command palette and the `/` command input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str          # what the user types after `/`
    action: str        # the app action it runs
    title_key: str
    help_key: str


COMMANDS: tuple[Command, ...] = (
    Command("run", "start_qwen", "run_ui.command.title", "run_ui.command.help"),
    Command("auth", "auth", "app.command.auth", "app.command.auth_help"),
    Command("settings", "settings", "app.command.settings", "app.command.settings_help"),
    Command("privacy", "privacy", "app.command.privacy", "app.command.privacy_help"),
    Command("provider", "provider_form", "form.command.title", "form.command.help"),
    Command("status", "status", "app.command.status", "app.command.status_help"),
    Command("usage", "usage_data", "usage_data.command.title", "usage_data.command.help"),
    Command("quit", "quit", "app.command.quit", "app.command.quit_help"),
)


def find_command(text: str) -> Command | None:
    """`/auth`, `auth`, ` /Auth ` → the auth command; None when unknown."""
    name = text.strip().lstrip("/").lower()
    return next((c for c in COMMANDS if c.name == name), None)
