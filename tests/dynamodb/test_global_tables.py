"""Global tables (version 2019.11.21) through boto3: replicas in other regions of one mock.

AWS's pages decide: "Global tables core concepts" and "How global tables work" (a write in
any replica reaches every other; concurrent writes resolve last writer wins; each replica's
stream carries the changes that reached it; DescribeTable shows GlobalTableVersion
2019.11.21 and the other regions' Replicas), "Adding a replica" (UpdateTable ReplicaUpdates
enables a NEW_AND_OLD_IMAGES stream; existing items are copied) and "Deleting a replica"
(a region that sourced a new replica cannot be deleted for 24 hours). Disabling a replica's
stream answers "Disabling Stream is not allowed for a Global Table replica" (the live
service, as reported in hashicorp/terraform-provider-aws#34450).
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from dynastream_mock import MockStreams

EAST, WEST, ASIA = "us-east-1", "eu-west-1", "ap-southeast-2"
TABLE = "Players"


def _client(region: str) -> Any:
    return boto3.client("dynamodb", region_name=region)


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _create(ddb: Any, **extra: Any) -> None:
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def _add_replica(ddb: Any, region: str) -> dict[str, Any]:
    answer: dict[str, Any] = ddb.update_table(
        TableName=TABLE, ReplicaUpdates=[{"Create": {"RegionName": region}}]
    )["TableDescription"]
    return answer


def _global(dynastream: MockStreams, *regions: str) -> dict[str, Any]:
    """A table in EAST with replicas in ``regions``; the clients by region."""
    dynastream.clock.freeze()
    clients = {region: _client(region) for region in (EAST, *regions)}
    _create(clients[EAST])
    for region in regions:
        _add_replica(clients[EAST], region)
    return clients


def _get(ddb: Any, key: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = ddb.get_item(TableName=TABLE, Key={"id": {"S": key}}).get("Item")
    return item


def _records(region: str, ddb: Any) -> list[tuple[str, str, Any]]:
    """(event, key, new score) of every record of the region's replica stream, in order."""
    streams = boto3.client("dynamodbstreams", region_name=region)
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    found = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator)["Records"]:
            image = record["dynamodb"].get("NewImage", {})
            score = image.get("score", {}).get("N")
            found.append((record["eventName"], record["dynamodb"]["Keys"]["id"]["S"], score))
    return found


def _put(ddb: Any, key: str, score: int) -> None:
    ddb.put_item(TableName=TABLE, Item={"id": {"S": key}, "score": {"N": str(score)}})


# -- making replicas --------------------------------------------------------------------------


def test_a_replica_is_made_in_the_other_region_with_the_items_and_a_stream(
    dynastream: MockStreams,
) -> None:
    dynastream.clock.freeze()
    east, west = _client(EAST), _client(WEST)
    _create(east)
    _put(east, "before", 1)
    answer = _add_replica(east, WEST)
    assert answer["GlobalTableVersion"] == "2019.11.21"
    assert answer["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "ACTIVE"}]
    # DynamoDB turns on the stream every replica needs.
    assert answer["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    replica = west.describe_table(TableName=TABLE)["Table"]
    assert replica["TableStatus"] == "ACTIVE"
    assert replica["Replicas"] == [{"RegionName": EAST, "ReplicaStatus": "ACTIVE"}]
    assert replica["GlobalTableVersion"] == "2019.11.21"
    assert replica["TableArn"] == f"arn:aws:dynamodb:{WEST}:123456789012:table/{TABLE}"
    assert replica["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert replica["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert _get(west, "before") == {"id": {"S": "before"}, "score": {"N": "1"}}
    # The copy is where the replica starts, not changes: its stream has no record of it.
    assert _records(WEST, west) == []


def test_replicas_keep_the_global_secondary_indexes(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    east, west = _client(EAST), _client(WEST)
    east.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "team", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-team",
                "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    _add_replica(east, WEST)
    east.put_item(TableName=TABLE, Item={"id": {"S": "p1"}, "team": {"S": "red"}})
    found = west.query(
        TableName=TABLE,
        IndexName="by-team",
        KeyConditionExpression="team = :t",
        ExpressionAttributeValues={":t": {"S": "red"}},
    )["Items"]
    assert found == [{"id": {"S": "p1"}, "team": {"S": "red"}}]


@pytest.mark.dynastream(transitions=10)
def test_replicas_are_creating_for_the_transitions(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    east, west = _client(EAST), _client(WEST)
    _create(east)
    dynastream.clock.advance(seconds=10)
    answer = _add_replica(east, WEST)
    assert answer["TableStatus"] == "UPDATING"
    assert answer["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "CREATING"}]
    assert west.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "CREATING"
    dynastream.clock.advance(seconds=10)
    assert east.describe_table(TableName=TABLE)["Table"]["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "ACTIVE"}
    ]
    assert west.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE"


def test_a_replica_can_be_added_from_any_replica(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    asia = _client(ASIA)
    _add_replica(clients[WEST], ASIA)
    _put(asia, "from-asia", 3)
    for region in (EAST, WEST):
        assert _get(clients[region], "from-asia") is not None
        replicas = clients[region].describe_table(TableName=TABLE)["Table"]["Replicas"]
        assert sorted(r["RegionName"] for r in replicas) == sorted({EAST, WEST, ASIA} - {region})


# -- replicated writes ------------------------------------------------------------------------


def test_every_write_path_reaches_every_replica(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST, ASIA)
    east = clients[EAST]
    _put(east, "put", 1)
    east.update_item(
        TableName=TABLE,
        Key={"id": {"S": "put"}},
        UpdateExpression="SET score = score + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    east.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": {"id": {"S": "batch"}}}}]})
    east.transact_write_items(
        TransactItems=[{"Put": {"TableName": TABLE, "Item": {"id": {"S": "transaction"}}}}]
    )
    east.execute_statement(Statement=f"INSERT INTO \"{TABLE}\" VALUE {{'id': 'partiql'}}")
    _put(east, "gone", 9)
    east.delete_item(TableName=TABLE, Key={"id": {"S": "gone"}})
    for region in (WEST, ASIA):
        ids = sorted(item["id"]["S"] for item in clients[region].scan(TableName=TABLE)["Items"])
        assert ids == ["batch", "partiql", "put", "transaction"]
        assert _get(clients[region], "put") == {"id": {"S": "put"}, "score": {"N": "2"}}


def test_each_replica_stream_carries_the_whole_tables_history(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    _put(east, "alice", 1)
    _put(west, "bob", 2)
    west.delete_item(TableName=TABLE, Key={"id": {"S": "alice"}})
    history = [("INSERT", "alice", "1"), ("INSERT", "bob", "2"), ("REMOVE", "alice", None)]
    assert _records(EAST, east) == history
    assert _records(WEST, west) == history


@pytest.mark.dynastream(replication_delay=5)
def test_replication_takes_the_replication_delay_on_the_mocks_clock(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    _put(east, "alice", 1)
    assert _get(west, "alice") is None
    assert _records(WEST, west) == []
    dynastream.clock.advance(seconds=4.999)
    assert _get(west, "alice") is None
    dynastream.clock.advance(seconds=0.001)
    assert _get(west, "alice") == {"id": {"S": "alice"}, "score": {"N": "1"}}
    assert _records(WEST, west) == [("INSERT", "alice", "1")]


@pytest.mark.dynastream(replication_delay=5)
def test_concurrent_writes_resolve_last_writer_wins_on_every_replica(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    _put(east, "alice", 1)
    dynastream.clock.advance(seconds=1)
    _put(west, "alice", 2)  # later, before the first write has reached the west
    dynastream.clock.advance(seconds=10)
    assert (
        _get(east, "alice")
        == _get(west, "alice")
        == {
            "id": {"S": "alice"},
            "score": {"N": "2"},
        }
    )
    # The west's stream never saw the older write: it lost there on arrival.
    assert _records(WEST, west) == [("INSERT", "alice", "2")]
    assert _records(EAST, east) == [("INSERT", "alice", "1"), ("MODIFY", "alice", "2")]


@pytest.mark.dynastream(replication_delay=5)
def test_a_later_delete_is_not_undone_by_an_older_write(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    _put(west, "alice", 1)
    dynastream.clock.advance(seconds=1)
    _put(east, "alice", 7)
    east.delete_item(TableName=TABLE, Key={"id": {"S": "alice"}})
    dynastream.clock.advance(seconds=10)
    assert _get(east, "alice") is None
    assert _get(west, "alice") is None


def test_a_write_after_a_replicated_one_wins_within_one_millisecond(
    dynastream: MockStreams,
) -> None:
    # The clock is frozen: both writes carry the same time, and "us-east-1" sorts after
    # "eu-west-1"; the west's write saw the east's, so it must still win everywhere.
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    _put(east, "alice", 1)
    _put(west, "alice", 2)
    assert (
        _get(east, "alice")
        == _get(west, "alice")
        == {
            "id": {"S": "alice"},
            "score": {"N": "2"},
        }
    )


def test_replicas_writing_at_once_from_threads_settle_on_one_item(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST, ASIA)
    dynastream.clock.unfreeze()
    errors: list[BaseException] = []

    def write(region: str) -> None:
        try:
            ddb = _client(region)
            for n in range(40):
                _put(ddb, f"k{n % 5}", n)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(region,)) for region in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and not any(thread.is_alive() for thread in threads)
    scans = [
        sorted(
            (item["id"]["S"], item["score"]["N"])
            for item in ddb.scan(TableName=TABLE, ConsistentRead=True)["Items"]
        )
        for ddb in clients.values()
    ]
    assert scans[0] == scans[1] == scans[2]
    assert len(scans[0]) == 5


# -- removing replicas ------------------------------------------------------------------------


def test_deleting_a_replica_deletes_its_table_and_stops_replication(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST, ASIA)
    east, west = clients[EAST], clients[WEST]
    east.update_table(TableName=TABLE, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert TABLE not in west.list_tables()["TableNames"]
    replicas = east.describe_table(TableName=TABLE)["Table"]["Replicas"]
    assert replicas == [{"RegionName": ASIA, "ReplicaStatus": "ACTIVE"}]
    _put(east, "after", 1)
    assert _get(clients[ASIA], "after") is not None


def test_the_last_replica_left_is_a_regional_table_again(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    east = clients[EAST]
    east.update_table(TableName=TABLE, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    table = east.describe_table(TableName=TABLE)["Table"]
    assert "Replicas" not in table and "GlobalTableVersion" not in table
    # A regional table may disable its stream again.
    east.update_table(TableName=TABLE, StreamSpecification={"StreamEnabled": False})


def test_delete_table_removes_a_replica_that_sourced_none(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    west.delete_table(TableName=TABLE)
    assert "Replicas" not in east.describe_table(TableName=TABLE)["Table"]
    _put(east, "after", 1)
    assert TABLE not in west.list_tables()["TableNames"]


def test_delete_table_refuses_a_replica_that_sourced_one_within_a_day(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST)
    east = clients[EAST]
    with pytest.raises(ClientError) as caught:
        east.delete_table(TableName=TABLE)
    assert _error(caught) == (
        "ValidationException",
        "Replica cannot be deleted because it has acted as a source region for new "
        "replica(s) being added to the table in the last 24 hours.",
    )
    assert TABLE in east.list_tables()["TableNames"]
    dynastream.clock.advance(hours=24)
    east.delete_table(TableName=TABLE)
    assert "Replicas" not in clients[WEST].describe_table(TableName=TABLE)["Table"]


# -- refused requests -------------------------------------------------------------------------


def _refused(ddb: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName=TABLE, **params)
    return _error(caught)


_EXISTS = (
    "ValidationException",
    f"Failed to create a the new replica of table with name: '{TABLE}' because one or more "
    "replicas already existed as tables.",
)


def test_a_replica_cannot_be_made_where_the_table_name_is_taken(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    east, west = _client(EAST), _client(WEST)
    _create(east)
    _create(west)
    assert _refused(east, ReplicaUpdates=[{"Create": {"RegionName": WEST}}]) == _EXISTS
    assert _refused(east, ReplicaUpdates=[{"Create": {"RegionName": EAST}}]) == _EXISTS
    assert "Replicas" not in east.describe_table(TableName=TABLE)["Table"]
    # Nothing changed, the stream included.
    assert "StreamSpecification" not in east.describe_table(TableName=TABLE)["Table"]


def test_a_replica_of_an_existing_replica_region_is_refused(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    assert _refused(clients[EAST], ReplicaUpdates=[{"Create": {"RegionName": WEST}}]) == _EXISTS


def test_deleting_a_replica_that_does_not_exist_is_refused(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    not_found = (
        "ValidationException",
        "Replica specified in the Replica Update or Replica Delete action of the request was "
        "not found.",
    )
    for region in (ASIA, EAST):
        assert (
            _refused(clients[EAST], ReplicaUpdates=[{"Delete": {"RegionName": region}}])
            == not_found
        )


def test_a_replicas_stream_cannot_be_disabled(dynastream: MockStreams) -> None:
    clients = _global(dynastream, WEST)
    for region in (EAST, WEST):
        assert _refused(clients[region], StreamSpecification={"StreamEnabled": False}) == (
            "ValidationException",
            "One or more parameter values were invalid: Disabling Stream is not allowed for a "
            "Global Table replica.",
        )


def test_a_stream_of_another_view_type_is_refused(dynastream: MockStreams) -> None:
    dynastream.clock.freeze()
    east = _client(EAST)
    _create(east, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    code, message = _refused(east, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert code == "ValidationException"
    assert "NEW_AND_OLD_IMAGES" in message and "KEYS_ONLY" in message
    assert TABLE not in _client(WEST).list_tables()["TableNames"]


def test_two_actions_in_one_update_or_two_for_a_region_are_refused(
    dynastream: MockStreams,
) -> None:
    dynastream.clock.freeze()
    east = _client(EAST)
    _create(east)
    both = {"Create": {"RegionName": WEST}, "Delete": {"RegionName": WEST}}
    code, message = _refused(east, ReplicaUpdates=[both])
    assert code == "ValidationException" and "One and only one of Create" in message
    twice = [{"Create": {"RegionName": WEST}}, {"Create": {"RegionName": WEST}}]
    code, message = _refused(east, ReplicaUpdates=twice)
    assert code == "ValidationException" and WEST in message
    assert TABLE not in _client(WEST).list_tables()["TableNames"]


@pytest.mark.parametrize(
    "params",
    [
        {"ReplicaUpdates": [{"Update": {"RegionName": WEST}}]},
        {"ReplicaUpdates": [{"Create": {"RegionName": WEST, "KMSMasterKeyId": "alias/k"}}]},
        {"MultiRegionConsistency": "STRONG"},
    ],
    ids=["update-overrides", "create-overrides", "strong-consistency"],
)
def test_what_is_not_served_yet_is_refused_not_ignored(
    dynastream: MockStreams, params: dict[str, Any]
) -> None:
    clients = _global(dynastream, WEST)
    code, message = _refused(clients[EAST], **params)
    assert code == "ValidationException" and "dynastream_mock does not support" in message


def test_a_time_to_live_deletion_is_replicated_as_a_plain_delete(
    dynastream: MockStreams,
) -> None:
    clients = _global(dynastream, WEST)
    east, west = clients[EAST], clients[WEST]
    east.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    now = int(dynastream.clock.now().timestamp())
    east.put_item(TableName=TABLE, Item={"id": {"S": "old"}, "expires": {"N": str(now + 60)}})
    assert _get(west, "old") is not None
    dynastream.clock.advance(seconds=120)
    east.describe_table(TableName=TABLE)  # the east is touched: its TTL deletes the item
    assert _get(west, "old") is None
    streams = boto3.client("dynamodbstreams", region_name=WEST)
    arn = west.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    removal = streams.get_records(ShardIterator=iterator)["Records"][-1]
    # Only the region whose TTL deleted the item names the TTL service as the deleter.
    assert removal["eventName"] == "REMOVE" and "userIdentity" not in removal
