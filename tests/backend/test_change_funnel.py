"""The change funnel and the table commands, driven on a region world without any request."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from dynastream_mock.backend import values
from dynastream_mock.backend.changes import change_item
from dynastream_mock.backend.items import ItemStore
from dynastream_mock.backend.table_updates import (
    IndexCreation,
    IndexDeletion,
    TableUpdate,
    set_time_to_live,
    update_table,
)
from dynastream_mock.backend.tables import IndexDefinition, KeySchema, Table, TableSettings
from dynastream_mock.backend.world import RegionWorld
from dynastream_mock.clock import Clock
from dynastream_mock.errors import ValidationException
from dynastream_mock.options import build_settings


def make_table(**settings: object) -> tuple[RegionWorld, Table, Clock]:
    clock = Clock()
    clock.freeze()
    chosen = replace(build_settings({}), **settings)  # type: ignore[arg-type]
    world = RegionWorld("123456789012", "eu-west-1", chosen, clock)
    table = world.create_table(
        "Users",
        KeySchema("id", "S"),
        {"id": "S"},
        (),
        TableSettings("PAY_PER_REQUEST", 0, 0),
        "NEW_AND_OLD_IMAGES",
    )
    return world, table, clock


def records_of(table: Table) -> list[str]:
    stream = table.latest_stream
    assert stream is not None
    return [r.event_name for shard in stream.shards.values() for r in shard.retained()]


def item(name: str, **more: dict[str, str]) -> dict[str, dict[str, str]]:
    return {"id": {"S": name}, **more}


def test_every_change_is_one_record_and_no_change_is_none() -> None:
    world, table, _ = make_table()
    key = ("u1", None)
    change_item(world, table, key, item("u1", n={"N": "1"}), 20)
    change_item(world, table, key, item("u1", n={"N": "1.0"}), 20)  # the same number
    change_item(world, table, key, item("u1", n={"N": "2"}), 20)
    change_item(world, table, key, None)
    change_item(world, table, key, None)  # deleting what is not there
    assert records_of(table) == ["INSERT", "MODIFY", "REMOVE"]
    assert len(table.items) == 0 and table.items.size_bytes == 0


def test_a_mistyped_index_key_is_refused_before_the_funnel_and_changes_nothing() -> None:
    # The handlers check index keys (keys.check_index_keys) before their first change; the
    # funnel does not check again. tests/dynamodb/test_indexes.py drives it through requests.
    world, table, _ = make_table()
    index = IndexDefinition("ByEmail", "GLOBAL", KeySchema("email", "S"), "ALL")
    update_table(world, table, TableUpdate(index_changes=(IndexCreation(index, {"email": "S"}),)))
    with pytest.raises(ValidationException, match="email"):
        table.check_index_keys(item("u1", email={"N": "1"}))
    assert table.items.get(("u1", None)) is None
    assert records_of(table) == []


def test_index_creation_backfills_and_deletion_drops_unused_definitions() -> None:
    world, table, _ = make_table()
    change_item(world, table, ("u1", None), item("u1", email={"S": "a@x"}), 20)
    index = IndexDefinition("ByEmail", "GLOBAL", KeySchema("email", "S"), "ALL")
    update_table(world, table, TableUpdate(index_changes=(IndexCreation(index, {"email": "S"}),)))
    store = table.index_stores["ByEmail"]
    assert len(list(store.partition_keys("a@x"))) == 1
    assert table.definition.attribute_definitions == {"id": "S", "email": "S"}
    update_table(world, table, TableUpdate(index_changes=(IndexDeletion("ByEmail"),)))
    assert "ByEmail" not in table.index_stores
    assert table.definition.attribute_definitions == {"id": "S"}


def test_an_update_makes_the_table_updating_for_transitions() -> None:
    world, table, clock = make_table(transitions_ms=1_000)
    clock.advance(seconds=1)
    assert table.status(world.now_ms()) == "ACTIVE"
    update_table(world, table, TableUpdate(billing_mode="PROVISIONED", throughput=(5, 5)))
    assert table.status(world.now_ms()) == "UPDATING"
    assert (table.settings.read_capacity, table.settings.billing_mode) == (5, "PROVISIONED")
    clock.advance(seconds=1)
    assert table.status(world.now_ms()) == "ACTIVE"


def test_ttl_deletions_go_through_the_funnel() -> None:
    world, table, clock = make_table()
    expires = str(world.now_ms() // 1000 + 1)
    change_item(world, table, ("u1", None), item("u1", expires={"N": expires}), 20)
    set_time_to_live(world, table, "expires", True)
    clock.advance(seconds=2)
    world.touch()
    assert table.items.get(("u1", None)) is None
    stream = table.latest_stream
    assert stream is not None
    removes = [r for s in stream.shards.values() for r in s.retained() if r.event_name == "REMOVE"]
    assert len(removes) == 1 and removes[0].by_ttl


def test_the_item_store_keeps_sort_order_and_sizes() -> None:
    store = ItemStore("id", sorted_partitions=True)
    for sort in ("b", "a", "c"):
        store.store(("p", sort), {"id": {"S": "p"}, "s": {"S": sort}}, 10)
    assert [i["s"]["S"] for i in store.partition_items("p")] == ["a", "b", "c"]
    assert [i["s"]["S"] for i in store.partition_items("p", forward=False)] == ["c", "b", "a"]
    assert store.size_bytes == 30
    store.remove(("p", "b"))
    assert [i["s"]["S"] for i in store.partition_items("p")] == ["a", "c"]
    assert store.size_bytes == 20 and store.size_of(("p", "b")) == 0


def test_item_collection_bytes_follow_every_change_of_items_and_local_entries() -> None:
    clock = Clock()
    clock.freeze()
    world = RegionWorld("123456789012", "eu-west-1", build_settings({}), clock)
    schema = KeySchema("id", "S", "at", "N")
    by_tag = IndexDefinition("ByTag", "LOCAL", KeySchema("id", "S", "tag", "S"), "KEYS_ONLY")
    table = world.create_table(
        "Events",
        schema,
        {"id": "S", "at": "N", "tag": "S"},
        (by_tag,),
        TableSettings("PAY_PER_REQUEST", 0, 0),
        None,
    )
    tagged = {"id": {"S": "u1"}, "at": {"N": "1"}, "tag": {"S": "t"}, "note": {"S": "x" * 50}}
    untagged = {"id": {"S": "u1"}, "at": {"N": "2"}}
    entry = {name: tagged[name] for name in ("id", "at", "tag")}
    change_item(world, table, ("u1", Decimal(1)), tagged, values.item_size(tagged))
    change_item(world, table, ("u1", Decimal(2)), untagged, values.item_size(untagged))
    expected = values.item_size(tagged) + values.item_size(entry) + values.item_size(untagged)
    assert table.item_collection_bytes("u1") == expected
    assert table.item_collection_bytes("u2") == 0
    change_item(world, table, ("u1", Decimal(1)), None)
    change_item(world, table, ("u1", Decimal(2)), None)
    assert table.item_collection_bytes("u1") == 0
