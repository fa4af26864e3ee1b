"""Secrets (API keys, optionally OAuth tokens): the OS keyring, or an explicit 0600 file.

API CONTRACT:
    SERVICE = "qwen-tui"
    class SecretLocation(StrEnum): KEYRING = "keyring"; FILE = "file"
    @dataclass(frozen=True)
    class SecretLookup: value: str | None; location: SecretLocation | None; path: Path | None
    @dataclass(frozen=True)
    class SecretWrite: location: SecretLocation; path: Path | None; warning: str | None
    class SecretStore:
        def __init__(self, env: Mapping[str, str] | None = None, timeout: float = 3.0)
        def keyring_available(self) -> bool        # real probe, ≤ timeout, cached; False for fail.Keyring/chainer w/o backends
        def get(self, name: str) -> SecretLookup   # keyring (if available) first, then the file
        def set(self, name: str, value: str) -> SecretWrite
            # keyring when available; otherwise `paths.secrets_file_path()` (JSON name → value, 0600, dir 0700)
            # with warning "No OS keyring available: <name> stored in plain text in <file> (0600)".
        def delete(self, name: str) -> None        # from both places
    Every keyring call runs in a daemon thread joined with `timeout`; a timeout or keyring error is treated
    as "no keyring" (never hangs, never raises to the caller). Secrets never appear in exceptions or logs.
"""
