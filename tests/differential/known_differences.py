"""Where DynamoDB Local and the real service (hence dynastream_mock) knowingly differ.

Each entry names the step(s) (``<test name>/<step label>``, shell-style wildcards) and the
field(s) (dotted path in the recorded outcome: ``ok.<response member>...`` or
``error.Code`` / ``error.Message``) the comparison skips, optionally only for values matching
``mock`` / ``local`` patterns, and why. dynastream_mock follows
the AWS documentation and well-sourced reports of the live service; DynamoDB Local is an
emulator with its own texts and shortcuts (recorded in the project's DynamoDB Local facts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownDifference:
    where: str
    field: str
    reason: str
    #: Patterns the differing values must match (their text, JSON for non-strings).
    mock: str = "*"
    local: str = "*"

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError(f"known difference {self.where} {self.field} needs a reason")


_LOCAL_NOT_FOUND = "Cannot do operations on a non-existent table"

KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    # -- table descriptions --------------------------------------------------------------
    KnownDifference(
        "*",
        "ok.*.TableId",
        "DynamoDB returns TableId (API reference, TableDescription); DynamoDB Local has none",
    ),
    KnownDifference(
        "*",
        "ok.*.ProvisionedThroughput.Last*creaseDateTime",
        "DynamoDB omits LastIncrease/LastDecreaseDateTime until the throughput changed "
        "(API reference, ProvisionedThroughputDescription); DynamoDB Local prints epoch 0",
        mock="<absent>",
    ),
    KnownDifference(
        "*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].ProvisionedThroughput.NumberOfDecreasesToday",
        "DynamoDB describes NumberOfDecreasesToday for index throughput as for the table's "
        "(API reference, ProvisionedThroughputDescription); DynamoDB Local leaves it out",
        local="<absent>",
    ),
    KnownDifference(
        "*delete*",
        "ok.TableDescription.TableStatus",
        "DeleteTable answers TableStatus DELETING (API reference, DeleteTable example); "
        "DynamoDB Local answers ACTIVE",
        mock="DELETING",
        local="ACTIVE",
    ),
    # -- error texts where DynamoDB Local words its own ----------------------------------
    KnownDifference(
        "*",
        "error.Message",
        "DynamoDB answers 'Requested resource not found' (DescribeTable, DeleteTable: "
        "'Requested resource not found: Table: <name> not found'; developer guide, Error "
        "handling); DynamoDB Local says 'Cannot do operations on a non-existent table'",
        mock="Requested resource not found*",
        local=_LOCAL_NOT_FOUND,
    ),
    KnownDifference(
        "*",
        "error.Message",
        "CreateTable of an existing name: DynamoDB says 'Table already exists: <name>' "
        "(widely reported live text); DynamoDB Local 'Cannot create preexisting table'",
        mock="Table already exists: *",
        local="Cannot create preexisting table",
    ),
    KnownDifference(
        "test_create_table_errors/*",
        "error.Message",
        "CreateTable validation: same ValidationException, but DynamoDB Local words every "
        "check its own way ('Hash Key not specified in Attribute Definitions.  Type unknown.', "
        "'No provisioned throughput specified for the table', 'Invalid table/index name. ...'); "
        "dynastream_mock answers the live service's texts (Coral's aggregate messages, "
        "'One or more parameter values were invalid: ...')",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "UpdateTable stream errors name the table on the live service ('Table already has an "
        "enabled stream: TableName: <t>', 'Table has no stream to disable: TableName: <t>', "
        "probed 2026); DynamoDB Local leaves the table name out",
        mock="Table * stream*: TableName: *",
        local="Table * stream*",
    ),
    # -- item errors: DynamoDB Local's own texts -----------------------------------------
    KnownDifference(
        "*",
        "error.Message",
        "Invalid ReturnValues: the live service answers a Coral validation text; DynamoDB "
        "Local 'Return values set to invalid value'",
        local="Return values set to invalid value",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "Missing key attribute: DynamoDB says 'One or more parameter values were invalid: "
        "Missing the key <k> in the item'; DynamoDB Local 'One of the required keys was not "
        "given a value'",
        mock="*Missing the key * in the item",
        local="One of the required keys was not given a value",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "Key type mismatch: DynamoDB names the key and both types ('... Type mismatch for key "
        "<k> expected: S actual: N'); DynamoDB Local stops after 'Type mismatch for key'",
        mock="*Type mismatch for key * expected: * actual: *",
        local="*Type mismatch for key",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "A Key with missing or extra attributes: DynamoDB says 'The provided key element does "
        "not match the schema'; DynamoDB Local 'The number of conditions on the keys is invalid'",
        mock="The provided key element does not match the schema",
        local="The number of conditions on the keys is invalid",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "Duplicate set elements: the live service's text ends with a period; DynamoDB Local's "
        "does not",
        mock="*contains duplicates.",
        local="*contains duplicates",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "A key condition without the partition key: DynamoDB names the missing key ('Query "
        "condition missed key schema element: <k>'); DynamoDB Local does not",
        mock="Query condition missed key schema element: *",
        local="Query condition missed key schema element",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "More than 25 write requests: DynamoDB answers Coral's constraint message on "
        "'requestItems' (member length <= 25); DynamoDB Local 'Too many items requested for "
        "the BatchWriteItem call'",
        mock="1 validation error detected: Value '{*' at 'requestItems' failed to satisfy *",
        local="Too many items requested for the BatchWriteItem call",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "Limit 0: DynamoDB answers Coral's constraint message ('1 validation error detected: "
        "Value '0' at 'limit' ...'); DynamoDB Local 'Limit must be greater than or equal to 1'",
        mock="1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: *",
        local="Limit must be greater than or equal to 1",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "GetShardIterator of an unknown shard: DynamoDB prefixes 'Requested resource not "
        "found' (developer guide, Error handling); DynamoDB Local says 'Shard does not exist'",
        mock="Requested resource not found: Shard does not exist*",
        local="Shard does not exist",
    ),
    # -- item results ----------------------------------------------------------------------
    KnownDifference(
        "*",
        "ok.ConsumedCapacity",
        "DynamoDB returns ConsumedCapacity only when ReturnConsumedCapacity asks for it (API "
        "reference, DeleteItem); DynamoDB Local adds it to DeleteItem of a missing key",
        mock="<absent>",
    ),
    KnownDifference(
        "test_update_expressions_and_return_values/list_append",
        "ok.Attributes.doc.M.*",
        "UPDATED_NEW of a nested path returns only the updated fragment on DynamoDB (reports "
        "checked against the live service); DynamoDB Local returns the whole top-level map",
        mock="<absent>",
    ),
    KnownDifference(
        "test_records_per_view_type/*records",
        "[[]*[]].dynamodb.OldImage.n.N",
        "DynamoDB stores numbers normalised ('1.0' is stored as '1'); DynamoDB Local keeps "
        "the text an UpdateItem SET of an equal number sent (no record, but the text changes)",
        mock="1",
        local="1.0",
    ),
    # -- settings DynamoDB Local accepts but does not keep -----------------------------
    KnownDifference(
        "test_table_settings_round_trip/*",
        "ok.*.SSEDescription",
        "DynamoDB describes KMS encryption as SSEDescription (API reference, "
        "TableDescription); DynamoDB Local accepts SSESpecification and describes nothing",
        local="<absent>",
    ),
    KnownDifference(
        "test_table_settings_round_trip/*",
        "ok.*.TableClassSummary",
        "DynamoDB describes a table class given at creation as TableClassSummary (API "
        "reference, TableClassSummary); DynamoDB Local accepts TableClass and describes nothing",
        local="<absent>",
    ),
    KnownDifference(
        "test_table_settings_round_trip/*tag*",
        "ok",
        "DynamoDB Local does not implement tagging ('Tagging is not currently supported in "
        "DynamoDB Local.'); TagResource, UntagResource and ListTagsOfResource follow the API "
        "reference and are tested in tests/dynamodb/test_tags.py",
        local="<absent>",
    ),
    KnownDifference(
        "test_table_settings_round_trip/*tag*",
        "error",
        "DynamoDB Local does not implement tagging (see the entry above)",
        mock="<absent>",
        local="*Tagging is not currently supported in DynamoDB Local.*",
    ),
    KnownDifference(
        "test_table_settings_round_trip/endpoints",
        "ok",
        "DynamoDB Local does not implement DescribeEndpoints (UnknownOperationException); "
        "DynamoDB answers the regional endpoint (API reference, DescribeEndpoints)",
        local="<absent>",
    ),
    KnownDifference(
        "test_table_settings_round_trip/endpoints",
        "error",
        "DynamoDB Local does not implement DescribeEndpoints (see the entry above)",
        mock="<absent>",
        local="*UnknownOperationException*",
    ),
)
