"""Property tests: the writer loses nothing, any bytes are parsed or refused cleanly."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qwen_tui.core.settings import V1_KEYS, SettingsError, parse_settings_bytes, read_settings_file
from qwen_tui.core.settings_writer import update_settings

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys that the writer treats specially (v1 aliases and their nested roots) are kept out of "other keys".
_SPECIAL = set(V1_KEYS) | {"security", "privacy"}
keys = st.text(min_size=1, max_size=8).filter(lambda key: "." not in key and key not in _SPECIAL)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=20
)
json_objects = st.dictionaries(keys, json_values, max_size=6)


def _workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="qwen-tui-settings-")


@PROPERTY_SETTINGS
@given(data=json_objects, new_value=json_values, pick=st.integers(min_value=0), nested=st.booleans())
def test_changing_one_key_keeps_every_other_key(data: dict, new_value, pick: int, nested: bool) -> None:
    with _workdir() as folder:
        path = Path(folder) / "settings.json"
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        existing = sorted(data)
        target = existing[pick % len(existing)] if existing and pick % 3 else "qwen-tui-new"
        expected = dict(data)
        if nested:
            below = data.get(target, {})
            if not isinstance(below, dict):  # a non-object in the way: the writer refuses, changes nothing
                try:
                    update_settings(path, {f"{target}.leaf": new_value})
                except SettingsError:
                    assert read_settings_file(path) == data
                    return
                raise AssertionError("a non-object intermediate must be refused")
            expected[target] = {**below, "leaf": new_value}
            update_settings(path, {f"{target}.leaf": new_value})
        else:
            expected[target] = new_value
            update_settings(path, {target: new_value})
        assert read_settings_file(path) == expected


# Fragments that make bytes look like (broken) JSON with comments, so the parser's paths get exercised.
_FRAGMENTS = ['{', '}', '[', ']', '"', '"a"', ':', ',', ' ', '\n', '//', '/*', '*/', '\\', '1', '-2.5e3',
              'true', 'null', 'NaN', '1e999', '\ufeff', '\ud800', 'é', '"\\ud800"', '"\\u00e9"']
jsonish = st.lists(st.sampled_from(_FRAGMENTS), max_size=30).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=200) | jsonish)
def test_any_bytes_are_parsed_or_refused_and_refusal_leaves_the_file_alone(raw: bytes) -> None:
    path_for_errors = Path("settings.json")
    try:
        parsed = parse_settings_bytes(raw, path_for_errors)
    except SettingsError as error:
        parsed = None
        assert "\n" not in str(error)
    else:
        assert isinstance(parsed, dict)
    with _workdir() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(raw)
        if parsed is None:
            try:
                update_settings(path, {"qwen-tui-key": 1})
            except SettingsError:
                pass
            else:
                raise AssertionError("an unparsable file must be refused")
            assert path.read_bytes() == raw
            assert not (Path(folder) / "settings.json.orig").exists()
        else:
            update_settings(path, {"qwen-tui-key": 1})
            assert read_settings_file(path) == {**parsed, "qwen-tui-key": 1}
            assert (Path(folder) / "settings.json.orig").read_bytes() == raw
        assert not (Path(folder) / "settings.json.lock").exists()


def test_lone_surrogate_escape_survives_a_write(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"odd": "\\ud800x", "é": "ü"}')
    update_settings(path, {"k": 1})
    assert read_settings_file(path) == {"odd": "\ud800x", "é": "ü", "k": 1}
