"""Qwen Code's settings.json layers: reading, v1→nested key mapping, `$VAR` expansion, merging.

API CONTRACT (other modules and helpers code against this; implement it, keep the names):

    class Scope(StrEnum): SYSTEM_DEFAULTS = "system-defaults"; USER = "user"; WORKSPACE = "workspace"; SYSTEM = "system"
    PRECEDENCE: tuple[Scope, ...]     # lowest → highest: SYSTEM_DEFAULTS, USER, WORKSPACE, SYSTEM
    V1_KEYS: dict[str, str]           # flat v1 key → nested dotted key
    MISSING                           # sentinel for "key absent"

    class SettingsError(Exception):   # a layer that cannot be parsed / read
        path: Path; line: int | None; column: int | None; reason: str
        str(err) == "<path>:<line>:<column>: <reason>" (one line; no line/col part when unknown)

    @dataclass(frozen=True)
    class Layer:
        scope: Scope
        path: Path | None             # None: the layer does not apply (workspace when cwd == HOME)
        exists: bool
        data: dict                    # v1 keys mapped to nested names, $VAR/${VAR} expanded; {} if missing/broken
        error: SettingsError | None
        def get(self, dotted: str) -> Any      # MISSING when absent
        def key_as_written(self, dotted: str) -> str   # e.g. "selectedAuthType" when the file uses the v1 key

    @dataclass(frozen=True)
    class LoadedSettings:
        layers: tuple[Layer, ...]     # PRECEDENCE order
        merged: dict                  # Qwen Code's merge of all layers
        def layer(self, scope: Scope) -> Layer
        def lookup(self, dotted: str) -> tuple[Any, Layer] | None   # value + highest layer that sets it
        errors: list[SettingsError]   # property
        model: QwenSettings           # cached property: pydantic view of `merged` (imports pydantic lazily)

    def load_settings(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> LoadedSettings
    def layer_path(scope: Scope, cwd: Path | None = None, env=None) -> Path | None
    def parse_settings_text(text: str, path: Path) -> dict          # JSON with comments; raises SettingsError
    def merge_layers(datas: Iterable[dict]) -> dict                   # deep merge, arrays replaced, `env` shallow,
                                                                      # each modelProviders.<type> list replaced whole
    def expand_env_vars(value: Any, env: Mapping[str, str]) -> Any    # undefined vars left as written
    def migrate_v1(data: dict) -> tuple[dict, dict[str, str]]         # (nested data, nested key → key as written)
    def get_dotted(data: dict, dotted: str) -> Any                    # MISSING when absent

Models (qwen_tui/core/settings_models.py, pydantic, extra="allow" everywhere so unknown keys survive):
    QwenSettings(version: int | None = Field(alias="$version"), security, model, modelProviders, env, privacy,
                 telemetry, general)
"""
