"""`.env` files the way Qwen Code finds and reads them.

API CONTRACT:
    def parse_dotenv(text: str) -> dict[str, str]
        # the `dotenv` npm package's rules: KEY=VALUE lines, optional `export `, # comments, single/double/
        # backtick quotes, \n expansion in double quotes, multi-line quoted values, inline comments after
        # unquoted values, whitespace trimmed. Never raises on any text.
    def find_dotenv(cwd: Path, env: Mapping[str, str] | None = None) -> Path | None
        # walk up from cwd: in each dir `.qwen/.env` then `.env`; then `<QWEN_HOME>/.env`, then `~/.env`.
    @dataclass(frozen=True)
    class DotenvFile: path: Path | None; values: dict[str, str]; error: str | None
    def load_dotenv(cwd: Path, env: Mapping[str, str] | None = None) -> DotenvFile
        # the first file found only; an unreadable file gives error (one line), values {}.
    def shadowed_dotenv_files(cwd, env) -> list[Path]
        # other .env files that exist in the search but are NOT loaded because an earlier one won
        # (Qwen Code #3877: a project .env hides ~/.qwen/.env).
"""
