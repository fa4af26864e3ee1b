"""`@record`: frozen value classes without `dataclasses`, for the modules on `qwen-tui run`'s path.

Importing `dataclasses` pulls in `inspect` (ast, dis, tokenize, …), and each dataclass is built by generating and
exec-ing its methods: ~40 M instructions for the import and ~4 M per class (callgrind, Python 3.11), paid by every
`qwen` started through `qwen-tui run` — more than all of qwen-tui's own work there. A record declares its fields as
a frozen dataclass does (annotations in order, defaults, `field(default=…, default_factory=…, repr=…, compare=…)`)
and behaves like one: `__init__` by position or keyword, `==` and `hash` over the compared fields, a repr without
the `repr=False` fields (they hold secrets), no assignment after construction, `replace()` and `fields()`. Methods
the class defines itself are kept. Type checkers see a frozen dataclass (`dataclass_transform`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform

_T = TypeVar("_T")
_R = TypeVar("_R")
_NO_DEFAULT: Any = object()
_FIELDS = "__record_fields__"   # the class attribute holding the declared fields


class Field:
    """One declared field: its name and options (`fields()` lists them)."""
    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, repr: bool, compare: bool) -> None:
        self.name = ""
        self.default = default
        self.factory = factory
        self.repr = repr
        self.compare = compare


def field(*, default: Any = _NO_DEFAULT, default_factory: Callable[[], Any] | None = None, repr: bool = True,
          compare: bool = True) -> Any:
    """A field's options, as `dataclasses.field` takes them."""
    return Field(default, default_factory, repr, compare)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T]) -> type[_T]:
    """Make `cls` a frozen record of its annotated fields (every annotation is a field: no ClassVar here)."""
    declared: list[Field] = []
    for name in cls.__dict__.get("__annotations__", {}):
        value = cls.__dict__.get(name, _NO_DEFAULT)
        spec = value if isinstance(value, Field) else Field(value, None, True, True)
        spec.name = name
        declared.append(spec)
        if isinstance(value, Field):   # as dataclasses do: a plain default stays a class attribute, a field() not
            delattr(cls, name)
    setattr(cls, _FIELDS, tuple(declared))
    for method in (_init, _repr, _eq, _hash, _setattr, _delattr):
        name = method.__name__.replace("_", "__", 1) + "__"
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return cls


def fields(obj: object) -> tuple[Field, ...]:
    """The fields of a record class or instance, in declaration order."""
    found: tuple[Field, ...] = getattr(obj, _FIELDS)   # AttributeError for anything else
    return found


def replace(obj: _R, **changes: Any) -> _R:
    """A copy of the record `obj` with `changes` applied (as `dataclasses.replace`)."""
    values = {spec.name: getattr(obj, spec.name) for spec in fields(obj)}
    values.update(changes)
    return type(obj)(**values)


def _compared(obj: object) -> tuple[Any, ...]:
    return tuple(getattr(obj, spec.name) for spec in fields(obj) if spec.compare)


def _init(self: object, *args: Any, **kwargs: Any) -> None:
    declared = fields(self)
    kind = type(self).__name__
    if len(args) > len(declared):
        raise TypeError(f"{kind}() takes {len(declared)} arguments but {len(args)} were given")
    unknown = set(kwargs) - {spec.name for spec in declared}
    if unknown:
        raise TypeError(f"{kind}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    for index, spec in enumerate(declared):
        if index < len(args):
            if spec.name in kwargs:
                raise TypeError(f"{kind}() got multiple values for argument {spec.name!r}")
            value = args[index]
        elif spec.name in kwargs:
            value = kwargs[spec.name]
        elif spec.factory is not None:
            value = spec.factory()
        elif spec.default is not _NO_DEFAULT:
            value = spec.default
        else:
            raise TypeError(f"{kind}() missing required argument {spec.name!r}")
        object.__setattr__(self, spec.name, value)


def _repr(self: object) -> str:
    shown = ", ".join(f"{spec.name}={getattr(self, spec.name)!r}" for spec in fields(self) if spec.repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: object, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return cast(bool, NotImplemented)   # Python then asks the other side, as with dataclasses
    same: bool = _compared(self) == _compared(other)
    return same


def _hash(self: object) -> int:
    return hash(_compared(self))


def _setattr(self: object, name: str, value: object) -> None:
    raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _delattr(self: object, name: str) -> None:
    raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")
