"""Command-line entry point: parses arguments, runs a core command, or starts the TUI.

Only the interactive commands import Textual (lazily, in `_run_tui`): `status`, `usage-stats` and the
`auth` subcommands run on the headless core alone. Exit codes: 0 ok, 1 operation failed (one line on
stderr), 2 usage error (argparse's own).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING

from qwen_tui import __version__, collector
from qwen_tui.core.context import Context, NoWorkingDirectory
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import choose_language, language_from_env, set_language, t
from qwen_tui.core.names import AuthMethod

if TYPE_CHECKING:
    import argparse

    # The parsed command line; the TUI and `run` skip the parser (launch path) with a SimpleNamespace.
    Args = argparse.Namespace | SimpleNamespace

TUI_SCREENS = ("auth", "settings", "privacy")


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not on the TUI's launch path: `qwen-tui` alone never builds a parser

    from qwen_tui.commands.output import CleanArgumentParser

    parser = CleanArgumentParser(prog="qwen-tui", description=t("cli.description"), epilog=_examples("app"),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"qwen-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    status = _command(commands, "status", "status")
    status.add_argument("--json", action="store_true", help=t("cli.json.help"))

    usage = _command(commands, "usage-stats", "usage")
    usage.add_argument("action", choices=("on", "off", "status"), nargs="?", default="status",
                       help=t("cli.usage.action.help"))
    usage.add_argument("--scope", choices=("user", "workspace"), default="user", help=t("cli.scope.help"))
    usage.add_argument("--json", action="store_true", help=t("cli.json.help"))

    auth = _command(commands, "auth", "auth")
    auth_commands = auth.add_subparsers(dest="auth_command", metavar="SUBCOMMAND")
    login = _command(auth_commands, "login", "login")
    from qwen_tui.core.names import Protocol

    methods = [str(method) for method in (AuthMethod.QWEN_OAUTH, *Protocol)]   # plain strings: argparse reprs them
    login.add_argument("--method", choices=methods, required=True, help=t("cli.method.help"))
    login.add_argument("--no-browser", action="store_true", help=t("cli.no_browser.help"))
    _add_openai_login_options(login)
    _command(auth_commands, "logout", "logout")
    _command(auth_commands, "token", "token")
    move = _command(auth_commands, "move-key", "move_key", help_key="keys.cli.help")
    move.add_argument("--to", choices=("keyring", "settings", "dotenv", "file"), required=True,
                      help=t("keys.cli.to.help"))
    move.add_argument("--profile", metavar="ID", help=t("keys.cli.profile.help"))

    run = commands.add_parser("run", help=t("run.help"), description=t("run.help"), add_help=False)
    run.add_argument("args", nargs="*", metavar="[--qwen PATH] [--] ARGS")

    providers = _command(commands, "providers", "providers", help_key="setup.cli.providers.help")
    providers.add_argument("--json", action="store_true", help=t("cli.json.help"))

    for screen in ("settings", "privacy"):
        _command(commands, screen, screen)
    return parser


# Each command's examples: (command line, message key of what it does). Shown at the end of its --help.
EXAMPLES = {
    "app": [("qwen-tui", "cli.example.app"), ("qwen-tui status", "cli.example.status"),
            ("qwen-tui usage-stats", "cli.example.usage_status"), ("qwen-tui run", "cli.example.run")],
    "status": [("qwen-tui status", "cli.example.status"), ("qwen-tui status --json", "cli.example.status_json")],
    "usage": [("qwen-tui usage-stats", "cli.example.usage_status"),
              ("qwen-tui usage-stats off", "cli.example.usage_off"),
              ("qwen-tui usage-stats on --scope workspace", "cli.example.usage_workspace")],
    "auth": [("qwen-tui auth", "cli.example.auth"),
             ("qwen-tui auth login --method qwen-oauth --no-browser", "cli.example.login_oauth")],
    "login": [("qwen-tui auth login --method qwen-oauth --no-browser", "cli.example.login_oauth"),
              ("qwen-tui auth login --method openai --base-url https://api.openai.com/v1 \\\n"
               "      --model gpt-4.1 --api-key-env OPENAI_API_KEY", "cli.example.login_openai"),
              ("pass show openrouter | qwen-tui auth login --method openai \\\n"
               "      --preset openrouter --model qwen/qwen3-coder --api-key-stdin", "cli.example.login_stdin"),
              ("qwen-tui auth login --method openai --preset coding-plan --region alibabacloud",
               "setup.example.login_region"),
              ("qwen-tui auth login --method anthropic --base-url https://api.anthropic.com \\\n"
               "      --model claude-sonnet-4-5 --api-key-env ANTHROPIC_API_KEY", "setup.example.login_anthropic")],
    "providers": [("qwen-tui providers", "setup.example.providers"),
                  ("qwen-tui providers --json", "setup.example.providers_json")],
    "logout": [("qwen-tui auth logout", "cli.example.logout")],
    "move_key": [("qwen-tui auth move-key --to dotenv", "cli.example.move_key"),
                 ("qwen-tui auth move-key --to keyring --profile qwen3-coder-plus", "cli.example.move_key_profile")],
    "token": [('curl -H "Authorization: Bearer $(qwen-tui auth token)" …', "cli.example.token")],
    "settings": [("qwen-tui settings", "cli.example.settings")],
    "privacy": [("qwen-tui privacy", "cli.example.privacy")],
}


def _examples(key: str) -> str:
    lines = [t("cli.examples.title")]
    for command, what in EXAMPLES[key]:
        lines += [f"  # {t(what)}", f"  $ {command}"]
    return "\n".join(lines)


def _command(commands: argparse._SubParsersAction, name: str, key: str,
             help_key: str | None = None) -> argparse.ArgumentParser:
    """A subcommand with its one-line help as description and its examples after the options."""
    import argparse

    help_text = t(help_key or f"cli.{key}.help")
    return commands.add_parser(name, help=help_text, description=help_text, epilog=_examples(key),
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def main(argv: Sequence[str] | None = None) -> int:
    collector.pause()   # until the TUI's first screen is drawn, or until another command starts
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        collector.resume()


def _main(argv: list[str]) -> int:
    # The one read of the process's working directory and environment: every command gets this context.
    try:
        context = Context.current()
    except NoWorkingDirectory as exc:   # deleted under the shell
        return _without_directory(argv, exc)
    set_language(_language(context.env))
    args: Args
    if argv[:1] == ["run"]:
        # On the path of every `qwen` started through qwen-tui: no parser (its arguments are qwen's anyway).
        args = SimpleNamespace(command="run", qwen_args=argv[1:])
    else:
        # No arguments opens the TUI: building the whole parser (translated help included) would slow its launch.
        args = build_parser().parse_args(argv) if argv else SimpleNamespace(command=None)
    started = time.monotonic()
    try:
        with _sigterm_exits():
            code = _dispatch(args, context)
            sys.stdout.flush()  # buffered output meets a closed pipe here, not at interpreter exit
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = _stdout_closed()
    except QwenTuiError as exc:   # an expected failure a command did not word itself: its own line
        _log_exception(exc, context.env)
        from qwen_tui.commands.output import say

        say(exc.message)
        code = 1
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        _log_exception(exc, context.env)
        print(t("cli.internal_error", kind=type(exc).__name__), file=sys.stderr)
        code = 1
    _record_usage(args, code, time.monotonic() - started, context)
    return code


def _without_directory(argv: list[str], gone: NoWorkingDirectory) -> int:
    """No working directory: `--help` and `--version` need none (the parser prints them and exits 0, a usage error
    exits 2); every command, the TUI and `run` stop with one line, exit 1."""
    set_language(_language(gone.env))
    if argv and argv[0] != "run":
        build_parser().parse_args(argv)
    print(t("context.no_cwd", reason=gone.strerror or gone), file=sys.stderr)
    return 1


SIGTERM_EXIT_CODE = 128 + signal.SIGTERM


def _raise_system_exit(signum: int, frame: object) -> None:
    raise SystemExit(SIGTERM_EXIT_CODE)


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """Turn SIGTERM into SystemExit(143) so `with` blocks clean up (the OAuth lock is removed), as on Ctrl+C.

    Signal handlers can only be installed from the main thread; elsewhere SIGTERM keeps its default.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_system_exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stdout_closed() -> int:
    """The reader of our output went away (`qwen-tui status | head -1`): Python's documented pattern
    (signal module, "Note on SIGPIPE") — point stdout at /dev/null so the final flush cannot fail, exit 1."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (captured): nothing to redirect
        pass
    return 1


def _dispatch(args: Args, context: Context) -> int:
    if args.command == "run":   # the collector stays paused: this process becomes qwen, nothing to collect
        return _run_qwen(args.qwen_args, context)
    if not _opens_tui(args):
        collector.resume()
    if args.command is None:
        return _run_tui(None, context)
    if args.command in ("settings", "privacy"):
        return _run_tui(args.command, context)
    if args.command == "status":
        from qwen_tui.commands.status import status

        return status(as_json=args.json, context=context)
    if args.command == "providers":
        from qwen_tui.commands.providers import providers

        return providers(as_json=args.json)
    if args.command == "usage-stats":
        from qwen_tui.commands.usage_stats import usage_stats

        return usage_stats(args.action, scope=args.scope, as_json=args.json, context=context)
    return _auth(args, context)


def _run_qwen(argv: list[str], context: Context) -> int:
    """`qwen-tui run [--qwen PATH] [--] [ARGS…]`: options are read up to `--` or the first argument that is
    not one of ours; everything from there goes to `qwen` untouched. Only returns when `qwen` did not start."""
    qwen: str | None = None
    while argv:
        head = argv[0]
        if head in ("-h", "--help"):
            print(t("run.usage"))
            return 0
        if head == "--qwen" or head.startswith("--qwen="):
            value = head.partition("=")[2] if "=" in head else (argv[1] if len(argv) > 1 else "")
            if not value:
                print(t("run.usage_error", problem=t("run.qwen_missing_value")), file=sys.stderr)
                return 2
            qwen, argv = value, argv[1 if "=" in head else 2:]
            continue
        if head == "--":
            argv = argv[1:]
        break
    from qwen_tui.core.launch import LaunchError, exec_launch, prepare_launch

    try:
        exec_launch(prepare_launch(argv, qwen=qwen, context=context))
    except LaunchError as exc:
        from qwen_tui.core.sanitize import clean  # only a failure prints outside text

        print(clean(exc, limit=1000), file=sys.stderr)   # the reason may quote a workspace's values
        return 1


def _opens_tui(args: Args) -> bool:
    return args.command in (None, "settings", "privacy") or (args.command == "auth" and args.auth_command is None)


def _auth(args: Args, context: Context) -> int:
    if args.auth_command is None:
        return _run_tui("auth", context)
    from qwen_tui.commands import oauth

    if args.auth_command == "token":
        return oauth.token(context.env)
    if args.auth_command == "logout":
        return oauth.logout(context)
    if args.auth_command == "move-key":
        return _move_key(args.to, args.profile, context)
    if args.method == AuthMethod.QWEN_OAUTH:
        return oauth.login(context, no_browser=args.no_browser)
    from qwen_tui.commands import openai_login

    return openai_login.login(
        base_url=args.base_url, model=args.model, preset_id=args.preset, region=args.region, method=args.method,
        api_key_stdin=args.api_key_stdin, api_key_env=args.api_key_env, store=args.store, no_verify=args.no_verify,
        allow_cleartext=args.allow_cleartext, chat_check=args.chat_check, yes=args.yes, context=context,
    )


def _move_key(to: str, profile_id: str | None, context: Context) -> int:
    from qwen_tui.commands.output import say  # the lines name profiles from settings files
    from qwen_tui.core.keystores import MoveKeyError, move_key
    from qwen_tui.core.providers.profiles import KeyStore

    try:
        say(move_key(KeyStore(to), context, profile_id=profile_id))
    except MoveKeyError as exc:
        say(exc)
        return 1
    return 0


def _add_openai_login_options(login: argparse.ArgumentParser) -> None:
    """API-key method options; the preset ids come from the (light) catalogue (`qwen-tui providers` lists them)."""
    from qwen_tui.core.providers.catalog import PRESETS

    login.add_argument("--base-url", metavar="URL", help=t("providers.cli.base_url.help"))
    login.add_argument("--model", metavar="M", help=t("providers.cli.model.help"))
    login.add_argument("--preset", metavar="ID",
                       help=t("providers.cli.preset.help", names=", ".join(p.id for p in PRESETS)))
    login.add_argument("--region", metavar="REGION_ID", help=t("setup.cli.region.help"))
    login.add_argument("--chat-check", action="store_true", help=t("setup.cli.chat_check.help"))
    login.add_argument("--yes", action="store_true", help=t("setup.cli.yes.help"))
    key = login.add_mutually_exclusive_group()
    key.add_argument("--api-key-stdin", action="store_true", help=t("providers.cli.key_stdin.help"))
    key.add_argument("--api-key-env", metavar="VAR", help=t("providers.cli.key_env.help"))
    login.add_argument("--store", choices=("keyring", "settings", "dotenv", "file"), default="keyring",
                       help=t("providers.cli.store.help"))
    login.add_argument("--no-verify", action="store_true", help=t("providers.cli.no_verify.help"))
    login.add_argument("--allow-cleartext", action="store_true", help=t("providers.cli.allow_cleartext.help"))


def _usage_command(args: Args) -> str | None:
    """The closed command name of a non-interactive command (the TUI records its own events)."""
    if args.command == "status":
        return "status"
    if args.command == "usage-stats":
        return f"usage_stats_{args.action}"
    if args.command == "auth" and args.auth_command == "login":
        # The closed schema knows two methods: every API-key protocol counts as the API-key one.
        return "auth_login_qwen_oauth" if args.method == AuthMethod.QWEN_OAUTH else "auth_login_openai"
    if args.command == "auth" and args.auth_command in ("logout", "token"):
        return f"auth_{args.auth_command}"
    return None


def _record_usage(args: Args, exit_code: int, duration_s: float, context: Context) -> None:
    """A command-run usage event, only if the gate is open (closed, no pydantic/httpx import, no connection):
    stored in the outbox, then sent with 1 s for the exchange before the process exits (see oneshot)."""
    name = _usage_command(args)
    if name is None:
        return
    try:
        from qwen_tui.core.telemetry.names import Command
        from qwen_tui.core.telemetry.oneshot import record_command_run

        login = args.command == "auth" and args.auth_command == "login"
        sign_in = (AuthMethod.QWEN_OAUTH if args.method == AuthMethod.QWEN_OAUTH else AuthMethod.OPENAI) \
            if login else None
        record_command_run(Command(name), exit_code, sign_in=sign_in, duration_s=duration_s, context=context)
    except Exception as exc:  # noqa: BLE001 - statistics must never change a command's outcome
        _log_exception(exc, context.env)


def _run_tui(initial: str | None, context: Context) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print(t("cli.needs_terminal"), file=sys.stderr)
        return 1
    from qwen_tui.ui.app import run_app

    result = run_app(initial, context)
    if isinstance(result, int):
        return result
    # "Start qwen": the app prepared the launch as `qwen-tui run` does; become qwen now the terminal is restored.
    from qwen_tui.core.launch import LaunchError, exec_launch
    from qwen_tui.core.sanitize import clean

    try:
        exec_launch(result)
    except LaunchError as exc:
        print(clean(exc, limit=1000), file=sys.stderr)   # the reason may quote a workspace's values
        return 1


def _language(env: Mapping[str, str]) -> str:
    """qwen-tui's language preference, else LC_ALL / LANG. A broken tui.json yields defaults (the TUI reports it)."""
    try:
        from qwen_tui.core.prefs import load_prefs

        return choose_language(load_prefs(env).language, env)
    except Exception as exc:  # noqa: BLE001 - a language preference must never stop a command
        _log_exception(exc, env)
        return language_from_env(env)


def _log_exception(exc: BaseException, env: Mapping[str, str]) -> None:
    try:
        from qwen_tui.core.log import configure_logging, get_logger

        configure_logging(env, interactive=False)
        get_logger("cli").error("unexpected error", exc_info=exc)
    except Exception:  # noqa: BLE001 - logging must never turn one error into two
        pass


if __name__ == "__main__":
    raise SystemExit(main())
