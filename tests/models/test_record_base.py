"""The records' shared ``__repr__``, ``__eq__`` and ``__hash__`` (models.records.Record) behave as
the ones ``@dataclass`` would write: fields compared in order, ``compare=False`` left out, other
classes never equal, equal records hashing alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.records import Record, UnitSpec
from yeji_tui.settings import UserSettings


@dataclass(frozen=True, repr=False, eq=False)
class Pair(Record):
    a: int
    b: str = "x"
    note: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, repr=False, eq=False)
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
