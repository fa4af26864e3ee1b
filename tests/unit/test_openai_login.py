"""`qwen-tui auth login --method openai` against the loopback OpenAI server: run in-process
(`tests/cli_run.py`), and as a real process on a pseudo-terminal where the claim is about the terminal."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from qwen_tui.core import paths
from tests.cli_run import Ran
from tests.cli_run import run_cli as run_main
from tests.servers.openai_server import OpenAIServer

FAIL_BACKEND = "keyring.backends.fail.Keyring"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
MODEL = "qwen3-coder-plus"


def run_cli(*args: str, stdin: str = "", **extra_env: str) -> Ran:
    return run_main(*args, stdin=stdin, env={"PYTHON_KEYRING_BACKEND": FAIL_BACKEND, **extra_env})


def login(*args: str, stdin: str = "", **extra_env: str) -> Ran:
    return run_cli("auth", "login", "--method", "openai", *args, stdin=stdin, **extra_env)


def settings() -> dict:
    return json.loads(paths.user_settings_path(os.environ).read_text())


def assert_one_line(text: str) -> None:
    assert len(text.strip().splitlines()) == 1, text
    assert "Traceback" not in text


def test_login_with_pasted_key_saves_and_reports_where(openai_server: OpenAIServer) -> None:
    result = login("--base-url", openai_server.url + "/", "--model", MODEL, "--api-key-stdin",
                   "--store", "settings", stdin=openai_server.key + "\r\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # Qwen Code 0.24's generated variable: URL segment + first 12 hex digits of sha256("openai\0" + URL).
    suffix = hashlib.sha256(f"openai\0{openai_server.url}".encode()).hexdigest()[:12].upper()
    env_key = f"QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_{openai_server.port}_V1_{suffix}"
    data = settings()
    assert data["env"] == {env_key: openai_server.key}  # the pasted newline is gone
    assert data["security"]["auth"] == {"selectedType": "openai"}
    assert data["model"] == {"name": MODEL, "baseUrl": openai_server.url}
    assert data["modelProviders"]["openai"] == [
        {"id": MODEL, "name": MODEL, "baseUrl": openai_server.url, "envKey": env_key, "wireApi": "chat-completions"}]
    assert str(paths.user_settings_path(os.environ)) in result.stderr
    assert openai_server.key not in result.stderr
    [check] = openai_server.requests_to("/models")
    assert check.headers["authorization"] == f"Bearer {openai_server.key}"
    status = run_cli("status", "--json")
    assert status.returncode == 0 and openai_server.key not in status.stdout
    assert json.loads(status.stdout)["credential"]["source"]["kind"] == "settings-env"


def test_wrong_key_fails_with_one_line_and_saves_nothing(openai_server: OpenAIServer) -> None:
    result = login("--base-url", openai_server.url, "--model", MODEL, "--api-key-stdin", stdin="sk-wrong-0123456789\n")
    assert result.returncode == 1
    assert_one_line(result.stderr)
    assert "401" in result.stderr and "sk-wrong-0123456789" not in result.stderr
    assert not paths.qwen_home(os.environ).exists() or not any(paths.qwen_home(os.environ).iterdir())


def test_key_from_a_named_variable_and_default_store_without_keyring(openai_server: OpenAIServer) -> None:
    result = login("--base-url", openai_server.url, "--model", MODEL, "--api-key-env", "MY_KEY",
                   MY_KEY=openai_server.key)
    assert result.returncode == 0, result.stderr
    # No keyring: Qwen Code's own <QWEN_HOME>/.env (which plain `qwen` reads), said in one line naming it.
    dotenv = paths.qwen_home(os.environ) / ".env"
    assert dotenv.read_text().strip().endswith("=" + openai_server.key)
    assert not paths.secrets_file_path(os.environ).exists()
    assert f"No keyring works here, so the key is in {dotenv} (0600), which qwen reads." in result.stderr


def test_keyless_local_server_needs_no_key() -> None:
    with OpenAIServer(key=None) as server:
        result = login("--base-url", server.url, "--model", MODEL)
    assert result.returncode == 0, result.stderr
    assert "needs none" in result.stderr
    assert not paths.secrets_file_path(os.environ).exists()
    assert settings()["model"]["name"] == MODEL


def test_chat_preset_is_verified_with_a_one_token_completion() -> None:
    coding_plan_key = "sk-sp-0123456789abcdef"   # Coding Plan keys start with sk-sp- (Qwen Code's rule)
    with OpenAIServer(key=coding_plan_key) as openai_server:
        result = login("--preset", "coding-plan-intl", "--base-url", openai_server.url, "--model", MODEL,
                       "--api-key-stdin", "--store", "dotenv", stdin=openai_server.key)
    assert result.returncode == 0, result.stderr
    [chat] = openai_server.requests_to("/chat/completions")
    assert chat.body["max_tokens"] == 1
    dotenv = paths.qwen_home(os.environ) / ".env"
    assert dotenv.read_text() == f"BAILIAN_CODING_PLAN_API_KEY={openai_server.key}\n"
    assert dotenv.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("args", "needle"), [
    (("--model", MODEL, "--api-key-stdin"), "--base-url"),
    (("--base-url", "api.example.com/v1", "--model", MODEL, "--api-key-stdin"), "https://"),
    (("--base-url", "https://api.example.com/v1", "--api-key-stdin"), "--model"),
    (("--preset", "nope", "--model", MODEL), "coding-plan, token-plan, alibabaStandard"),
    (("--base-url", "http://192.0.2.1/v1", "--model", MODEL, "--api-key-stdin"), "--allow-cleartext"),
    (("--base-url", "https://api.example.com/v1", "--model", MODEL), "--api-key-stdin"),
    (("--base-url", "https://api.example.com/v1", "--model", MODEL, "--api-key-env", "UNSET_VAR"), "UNSET_VAR"),
])
def test_usage_errors_exit_2_with_one_line(args: tuple[str, ...], needle: str) -> None:
    result = login(*args, stdin="sk-some-0123456789\n")
    assert result.returncode == 2
    assert_one_line(result.stderr)
    assert needle in result.stderr
    assert not paths.user_settings_path(os.environ).exists()


def test_both_key_sources_is_a_usage_error() -> None:
    result = login("--base-url", "https://api.example.com/v1", "--model", MODEL, "--api-key-stdin",
                   "--api-key-env", "X", stdin="k")
    assert result.returncode == 2


def test_empty_stdin_is_a_usage_error() -> None:
    result = login("--base-url", "https://api.example.com/v1", "--model", MODEL, "--api-key-stdin", stdin=" \n")
    assert result.returncode == 2 and "standard input" in result.stderr


def test_no_verify_saves_even_when_unreachable() -> None:
    result = login("--base-url", "https://api.no-such-provider.invalid/v1", "--model", MODEL,
                   "--api-key-stdin", "--no-verify", "--store", "file", stdin="sk-unverified-0123456789")
    assert result.returncode == 0, result.stderr
    assert "--no-verify" in result.stderr
    assert settings()["model"]["baseUrl"] == "https://api.no-such-provider.invalid/v1"


def test_cleartext_allowed_when_asked() -> None:
    result = login("--base-url", "http://192.0.2.1/v1", "--model", MODEL, "--api-key-stdin", "--no-verify",
                   "--allow-cleartext", "--store", "file", stdin="sk-clear-0123456789")
    assert result.returncode == 0, result.stderr


def test_unreachable_server_fails_with_the_refused_line() -> None:
    from tests.servers.device_server import closed_port_url

    url = closed_port_url() + "/v1"
    result = login("--base-url", url, "--model", MODEL, "--api-key-stdin", stdin="sk-x-0123456789")
    assert result.returncode == 1
    assert_one_line(result.stderr)
    assert "refused" in result.stderr.lower()


@pytest.mark.keyring
def test_keyring_stored_key_resolves_in_status(openai_server: OpenAIServer, secret_service: dict[str, str]) -> None:
    bus = {**secret_service, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND}
    result = login("--base-url", openai_server.url, "--model", MODEL, "--api-key-stdin", stdin=openai_server.key, **bus)
    try:
        assert result.returncode == 0, result.stderr
        assert "keyring" in result.stderr.lower()
        assert not paths.secrets_file_path(os.environ).exists()
        assert openai_server.key not in paths.user_settings_path(os.environ).read_text()
        status = run_cli("status", "--json", **bus)
        assert status.returncode == 0, status.stdout
        doc = json.loads(status.stdout)
        assert doc["credential"]["source"]["kind"] == "keyring"
        assert doc["credential"]["masked"].endswith(openai_server.key[-4:])
        assert openai_server.key not in status.stdout
    finally:
        saved = paths.user_settings_path(os.environ).exists()
        env_key = settings()["modelProviders"]["openai"][0]["envKey"] if saved else None
        if env_key:
            subprocess.run(["secret-tool", "clear", "service", "qwen-tui", "username", env_key],
                           env={**os.environ, **secret_service}, timeout=30)


def test_a_two_line_paste_is_joined_into_the_key(openai_server: OpenAIServer) -> None:
    half = len(openai_server.key) // 2
    pasted = openai_server.key[:half] + "\n" + openai_server.key[half:] + "\n"
    result = login("--base-url", openai_server.url, "--model", MODEL, "--api-key-stdin", "--store", "settings",
                   stdin=pasted)
    assert result.returncode == 0, result.stderr
    assert openai_server.key in settings()["env"].values()


def test_a_key_rejected_after_reshaping_gets_a_message_about_its_shape(openai_server: OpenAIServer) -> None:
    result = login("--base-url", openai_server.url, "--model", MODEL, "--api-key-stdin",
                   stdin="sk-two keys-0123456789\n")
    assert result.returncode == 1
    assert_one_line(result.stderr)
    assert "spaces or line breaks inside" in result.stderr


def test_coding_plan_key_rule_is_checked_before_the_network() -> None:
    result = login("--preset", "coding-plan", "--region", "alibabacloud", "--api-key-stdin",
                   stdin="sk-0123456789abcdef\n")
    assert result.returncode == 2
    assert_one_line(result.stderr)
    assert 'Coding Plan API keys start with "sk-sp-"' in result.stderr and "Standard API Key" in result.stderr


def test_a_coding_plan_key_in_a_standard_endpoint_names_the_right_preset() -> None:
    result = login("--preset", "alibabaStandard", "--region", "sg-singapore", "--api-key-stdin",
                   stdin="sk-sp-0123456789abcdef\n")
    assert result.returncode == 2 and "Coding Plan" in result.stderr


def test_a_rejected_regional_key_names_the_other_regions(openai_server: OpenAIServer) -> None:
    result = login("--preset", "alibabaStandard", "--region", "us-virginia", "--base-url", openai_server.url,
                   "--api-key-stdin", stdin="sk-wrong-0123456789\n")
    assert result.returncode == 1
    assert "China (Beijing), Singapore, China (Hong Kong)" in result.stderr


def test_no_key_and_no_terminal_is_a_usage_error_naming_stdin() -> None:
    result = login("--base-url", "https://api.example.com/v1", "--model", MODEL)
    assert result.returncode == 2 and "--api-key-stdin" in result.stderr
    assert_one_line(result.stderr)


def test_a_different_key_for_a_shared_endpoint_names_the_providers_and_needs_yes() -> None:
    """Issue 14.1: providers at one endpoint share one key (Qwen Code's key variable); nothing is replaced
    silently."""
    url = "https://api.shared.invalid/v1"
    first = login("--base-url", url, "--model", "model-a", "--api-key-stdin", "--no-verify", "--store", "settings",
                  stdin="sk-first-0123456789")
    assert first.returncode == 0, first.stderr
    same = login("--base-url", url, "--model", "model-b", "--api-key-stdin", "--no-verify", "--store", "settings",
                 stdin="sk-first-0123456789")
    assert same.returncode == 0, same.stderr            # the same key changes nothing for model-a: no question
    before = paths.user_settings_path(os.environ).read_text()
    other = login("--base-url", url, "--model", "model-c", "--api-key-stdin", "--no-verify", "--store", "settings",
                  stdin="sk-second-0123456789")
    assert other.returncode == 2
    assert_one_line(other.stderr)
    assert "model-a" in other.stderr and "model-b" in other.stderr and "--yes" in other.stderr
    assert paths.user_settings_path(os.environ).read_text() == before   # nothing saved
    confirmed = login("--base-url", url, "--model", "model-c", "--api-key-stdin", "--no-verify", "--store",
                      "settings", "--yes", stdin="sk-second-0123456789")
    assert confirmed.returncode == 0, confirmed.stderr
    assert list(settings()["env"].values()) == ["sk-second-0123456789"]


def _read_until(fd: int, needle: bytes, seconds: float = 30.0) -> bytes:
    import select
    import time

    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:   # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_on_a_terminal_the_key_is_asked_with_hidden_input(openai_server: OpenAIServer) -> None:
    """Issue 14.3: a real pseudo-terminal (the child's controlling terminal), as a person at a shell."""
    import pty

    env = {**os.environ, "PYTHON_KEYRING_BACKEND": FAIL_BACKEND, "LANG": "C.UTF-8"}
    # 0.0.0.0 is not a loopback name (a loopback server may need no key, so none would be asked), yet on
    # Linux it reaches the local server.
    url = f"http://0.0.0.0:{openai_server.port}/v1"
    args = [sys.executable, "-m", "qwen_tui.cli", "auth", "login", "--method", "openai", "--base-url", url,
            "--model", MODEL, "--store", "settings", "--allow-cleartext"]
    pid, fd = pty.fork()
    if pid == 0:   # the child: its stdin, stdout and stderr are the terminal
        os.execve(sys.executable, args, env)
    try:
        prompt = _read_until(fd, b"hidden")
        assert b"API key" in prompt, prompt
        os.write(fd, openai_server.key.encode() + b"\r")
        rest = _read_until(fd, b"\x00", seconds=30)   # everything until the child exits
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, rest
    assert openai_server.key.encode() not in prompt + rest    # never echoed
    assert openai_server.key in settings()["env"].values()
