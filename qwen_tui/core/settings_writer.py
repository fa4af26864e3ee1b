"""The one settings writer.

API CONTRACT:
    DELETE                               # sentinel value: remove the key
    def update_settings(path: Path, changes: Mapping[str, Any]) -> None
        # dotted keys → new values (or DELETE). Under `<path>.lock` (fileops.LockFile): read the raw file
        # (JSON with comments; missing or empty file = {}), refuse (raise SettingsError, file untouched
        # byte for byte) when it cannot be parsed, change only the keys asked (no $VAR expansion written
        # back; a v1 flat alias of a changed key is removed so the new value is the one read), keep
        # `$version` and every other key, copy the previous file to settings.json.orig, write atomically
        # with 2-space indent and mode 0600 (dir 0700 when created). Raises fileops.FileOpError on I/O.
    def update_layer(scope: Scope, changes, cwd: Path | None = None, env=None) -> Path
        # resolves the layer's path with settings.layer_path and calls update_settings; returns the path.
"""
