"""Frozen records: ``@record`` classes are what ``@dataclass(frozen=True)`` would make, for less.

``@dataclass`` writes and compiles ``__init__``, ``__repr__``, ``__eq__``, ``__setattr__`` and
``__delattr__`` for every class as its module is imported: ~1 ms a class, and the TUI reads
some forty records before its first frame (``yeji status`` as many). Here the class body
is processed by ``@dataclass`` (fields, defaults, ``fields()`` and ``replace()`` as usual),
``Record`` holds one ``__repr__``, ``__eq__``, ``__hash__`` and the refusal to change a field
for all of them, and each class's ``__init__`` is compiled when its first instance is made —
never, for a record that only arrives unpickled from the start-up's child process.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T", bound=type)
#: The default of a field whose default is made by a factory (the caller gave none).
_FACTORY = object()


class Record:
    """The base of every ``@record`` class: compared, hashed and shown by its fields, as
    ``@dataclass`` would, and never changed once made (``FrozenInstanceError``)."""

    __slots__ = ()

    def _fields(self) -> dict[str, Any]:
        return getattr(self, "__dataclass_fields__", {})

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, n) for n, f in self._fields().items() if f.compare)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n, f in self._fields().items() if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(eq_default=False, frozen_default=True, field_specifiers=(field, Field))
def record(cls: _T) -> _T:
    """Make ``cls`` (a ``Record`` subclass) a frozen dataclass whose ``__init__`` is compiled
    on first use."""
    made: Any = dataclass(init=False, repr=False, eq=False)(cls)
    _check_order(made)

    def first_init(self: object, *args: object, **kwargs: object) -> None:
        init = _compile_init(made)
        type.__setattr__(made, "__init__", init)  # later instances call it straight away
        init(self, *args, **kwargs)

    first_init.__qualname__ = f"{made.__qualname__}.__init__"
    made.__init__ = first_init
    return made  # type: ignore[no-any-return]


def _check_order(cls: type) -> None:
    """Refuse, as ``@dataclass`` does, a field without a default after one with a default."""
    seen_default = False
    for f in fields(cls):
        if not f.init or f.kw_only:
            continue
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        seen_default = seen_default or has_default


def _compile_init(cls: type) -> Any:
    """The ``__init__`` ``@dataclass(frozen=True)`` would have written for ``cls``."""
    env: dict[str, object] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for f in fields(cls):
        value = f.name
        if f.default is not MISSING:
            env[f"_d_{f.name}"] = f.default
            spec = f"{f.name}=_d_{f.name}"
            value = value if f.init else f"_d_{f.name}"
        elif f.default_factory is not MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            spec = f"{f.name}=_FACTORY"
            if f.init:
                body.append(f"if {f.name} is _FACTORY: {f.name} = _f_{f.name}()")
            else:
                value = f"_f_{f.name}()"
        elif not f.init:
            continue  # as @dataclass: never set
        else:
            spec = f.name
        if f.init:
            (keywords if f.kw_only else params).append(spec)
        body.append(f"_set(self, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    signature = ", ".join(["self", *params, *(["*", *keywords] if keywords else [])])
    source = f"def __init__({signature}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    made: dict[str, Any] = {}
    exec(source, env, made)
    init = made["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
