"""`@record` (core/record.py) behaves as the frozen dataclasses it replaces on `run`'s path."""

from __future__ import annotations

import copy
import pickle

import pytest

from qwen_tui.core.record import field, fields, record, replace


@record
class Key:
    name: str
    where: str | None = None
    secret: str | None = field(default=None, repr=False, compare=False)
    tags: list[str] = field(default_factory=list, repr=False)

    def shown(self) -> str:
        return f"{self.name}@{self.where}"


@record
class Masked:
    value: str

    def __repr__(self) -> str:   # a class's own method is kept
        return "Masked(***)"


def test_fields_by_position_keyword_and_default() -> None:
    key = Key("OPENAI_API_KEY", where="keyring")
    assert (key.name, key.where, key.secret, key.tags) == ("OPENAI_API_KEY", "keyring", None, [])
    assert Key("A", "b", "s", ["t"]).tags == ["t"]
    assert key.shown() == "OPENAI_API_KEY@keyring"
    assert [spec.name for spec in fields(Key)] == ["name", "where", "secret", "tags"]
    assert Key("A").tags is not Key("A").tags   # a factory per instance, never a shared list


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "missing required argument 'name'"),
    (("A", "b", "c", [], "extra"), {}, "takes 4 arguments but 5 were given"),
    (("A",), {"name": "B"}, "multiple values for argument 'name'"),
    (("A",), {"nope": 1}, "unexpected keyword argument 'nope'"),
])
def test_wrong_arguments_are_type_errors(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Key(*args, **kwargs)


def test_equality_and_hash_over_the_compared_fields() -> None:
    assert Key("A", "b", secret="one") == Key("A", "b", secret="two")   # compare=False
    assert Key("A", "b") != Key("A", "c")
    assert Key("A") != ("A", None, None, [])          # another class is never equal
    assert Masked("x") != Key("x")
    assert hash(Masked("x")) == hash(Masked("x"))
    assert len({Masked("x"), Masked("x"), Masked("y")}) == 2


def test_repr_leaves_out_the_secret_fields() -> None:
    assert repr(Key("A", "b", secret="sk-secret-value", tags=["t"])) == "Key(name='A', where='b')"
    assert repr(Masked("sk-secret-value")) == "Masked(***)"


def test_frozen() -> None:
    key = Key("A")
    with pytest.raises(AttributeError):
        key.name = "B"   # type: ignore[misc]
    with pytest.raises(AttributeError):
        del key.name
    assert key.name == "A"


def test_replace_copy_and_pickle() -> None:
    key = Key("A", "b", secret="s", tags=["t"])
    changed = replace(key, where="c")
    assert (changed.name, changed.where, changed.secret, changed.tags) == ("A", "c", "s", ["t"])
    assert key.where == "b"
    assert copy.deepcopy(key) == key and pickle.loads(pickle.dumps(key)) == key
    assert pickle.loads(pickle.dumps(key)).secret == "s"
