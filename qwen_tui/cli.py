"""Command-line entry point: parses arguments, runs a core command, or starts the TUI.

Only the interactive commands import Textual (lazily, in `_run_tui`): `status`, `usage-stats` and the
`auth` subcommands run on the headless core alone. Exit codes: 0 ok, 1 operation failed (one line on
stderr), 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from qwen_tui import __version__
from qwen_tui.core.i18n import choose_language, set_language, t

TUI_SCREENS = ("auth", "settings", "privacy")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qwen-tui", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"qwen-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    status = commands.add_parser("status", help=t("cli.status.help"), description=t("cli.status.help"))
    status.add_argument("--json", action="store_true", help=t("cli.json.help"))

    usage = commands.add_parser("usage-stats", help=t("cli.usage.help"), description=t("cli.usage.help"))
    usage.add_argument("action", choices=("on", "off", "status"))
    usage.add_argument("--scope", choices=("user", "workspace"), default="user", help=t("cli.scope.help"))
    usage.add_argument("--json", action="store_true", help=t("cli.json.help"))

    auth = commands.add_parser("auth", help=t("cli.auth.help"), description=t("cli.auth.help"))
    auth_commands = auth.add_subparsers(dest="auth_command", metavar="SUBCOMMAND")
    login = auth_commands.add_parser("login", help=t("cli.login.help"), description=t("cli.login.help"))
    login.add_argument("--method", choices=("qwen-oauth", "openai"), required=True)
    login.add_argument("--no-browser", action="store_true", help=t("cli.no_browser.help"))
    auth_commands.add_parser("logout", help=t("cli.logout.help"), description=t("cli.logout.help"))
    auth_commands.add_parser("token", help=t("cli.token.help"), description=t("cli.token.help"))

    for screen in ("settings", "privacy"):
        commands.add_parser(screen, help=t(f"cli.{screen}.help"), description=t(f"cli.{screen}.help"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    set_language(_language())
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        _log_exception(exc)
        print(t("cli.internal_error", kind=type(exc).__name__), file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _run_tui(None)
    if args.command in ("settings", "privacy"):
        return _run_tui(args.command)
    if args.command == "status":
        from qwen_tui.commands.status import status

        return status(as_json=args.json)
    if args.command == "usage-stats":
        from qwen_tui.commands.usage_stats import usage_stats

        return usage_stats(args.action, scope=args.scope, as_json=args.json)
    return _auth(args)


def _auth(args: argparse.Namespace) -> int:
    if args.auth_command is None:
        return _run_tui("auth")
    from qwen_tui.commands import oauth

    if args.auth_command == "token":
        return oauth.token()
    if args.auth_command == "logout":
        return oauth.logout()
    if args.method == "qwen-oauth":
        return oauth.login(no_browser=args.no_browser)
    print(t("cli.openai_login_not_ready"), file=sys.stderr)
    return 1


def _run_tui(initial: str | None) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print(t("cli.needs_terminal"), file=sys.stderr)
        return 1
    from qwen_tui.ui.app import run_app

    return run_app(initial)


def _language() -> str:
    try:
        from qwen_tui.core.prefs import peek_prefs

        preference = peek_prefs().get("language")
    except Exception:  # noqa: BLE001 - a broken prefs file must not stop the CLI; the TUI reports it
        preference = None
    return choose_language(preference)


def _log_exception(exc: BaseException) -> None:
    try:
        from qwen_tui.core.log import configure_logging, get_logger

        configure_logging(interactive=False)
        get_logger("cli").error("unexpected error", exc_info=exc)
    except Exception:  # noqa: BLE001 - logging must never turn one error into two
        pass


if __name__ == "__main__":
    raise SystemExit(main())
