"""``@record`` classes (models.frozen) behave as ``@dataclass(frozen=True)`` ones: fields
compared in order, ``compare=False`` left out, other classes never equal, equal records hashing
alike; defaults, factories, keyword-only and ``init=False`` fields, ``__post_init__``,
``replace`` and pickling as usual; no field can be changed."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, field, fields, replace

import pytest

from models.frozen import Record, record
from models.records import UnitSpec
from yeji_tui.settings import UserSettings


@record
class Pair(Record):
    a: int
    b: str = "x"
    note: str = field(default="", compare=False, repr=False)


@record
class OtherPair(Record):
    a: int
    b: str = "x"


def test_equal_by_compared_fields_only() -> None:
    assert Pair(1) == Pair(1, "x", note="ignored")
    assert Pair(1) != Pair(2) and Pair(1) != Pair(1, "y")
    assert Pair(1) != OtherPair(1)  # another class is never equal, as with @dataclass
    assert Pair(1) != (1, "x")


def test_equal_records_hash_alike_and_work_as_keys() -> None:
    assert hash(Pair(1, note="a")) == hash(Pair(1, note="b"))
    assert {Pair(1): "found"}[Pair(1, note="other")] == "found"
    assert len({UserSettings(), UserSettings(), UserSettings(lang="en")}) == 2


def test_repr_names_the_fields_shown() -> None:
    assert repr(Pair(1, "y", note="hidden")) == "Pair(a=1, b='y')"
    assert repr(UserSettings()).startswith("UserSettings(lang='zh', ")
    assert "name='三元镇'" in repr(UnitSpec("三元镇", "town"))


@record
class Shaped(Record):
    """Every kind of field ``@record`` takes, as ``@dataclass`` does."""

    name: str
    tags: tuple[str, ...] = ()
    seen: list[str] = field(default_factory=list)
    derived: str = field(default="", init=False)
    flag: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", self.name.upper())


def test_a_record_is_made_as_a_frozen_dataclass_would_be() -> None:
    one = Shaped("a", ("x",), flag=True)
    assert (one.name, one.tags, one.seen, one.derived, one.flag) == ("a", ("x",), [], "A", True)
    assert Shaped("b").seen is not Shaped("b").seen  # a fresh list each time
    assert [f.name for f in fields(Shaped)] == ["name", "tags", "seen", "derived", "flag"]
    assert replace(one, name="c").derived == "C"
    with pytest.raises(TypeError):
        Shaped("a", (), [], True)  # type: ignore[misc]  # flag is keyword-only
    with pytest.raises(TypeError):
        Shaped()  # type: ignore[call-arg]


def test_a_record_cannot_be_changed() -> None:
    one = Pair(1)
    with pytest.raises(FrozenInstanceError):
        one.a = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del one.b  # type: ignore[misc]
    assert one.a == 1


def test_a_record_survives_pickling_and_its_init_is_compiled_once() -> None:
    one = Shaped("p", ("t",))
    assert pickle.loads(pickle.dumps(one)) == one
    compiled = Shaped.__init__
    Shaped("q")
    assert Shaped.__init__ is compiled and compiled.__qualname__ == "Shaped.__init__"


def test_a_field_without_a_default_after_one_with_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b'"):

        @record
        class Wrong(Record):
            a: int = 0
            b: int  # type: ignore[misc]
