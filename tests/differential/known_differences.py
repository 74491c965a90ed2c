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
        "*",
        "ok.*WarmThroughput",
        "DynamoDB describes every table's and GSI's WarmThroughput (Developer Guide, 'Check "
        "your DynamoDB table's current warm throughput'); DynamoDB Local leaves it out",
        local="<absent>",
    ),
    KnownDifference(
        "*delete*",
        "ok.TableDescription.[ACDK]*",
        "DeleteTable answers a short description without the schema, creation time or "
        "deletion protection (API reference, DeleteTable example; validated outside suites); "
        "DynamoDB Local describes the whole table",
        mock="<absent>",
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
        "ReturnValues outside the enum: the live service answers a Coral enum text; "
        "DynamoDB Local 'Return values set to invalid value' (as both do for a value the "
        "operation does not take)",
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
        "Index key type mismatch: DynamoDB names the attribute, both types and the index ('... "
        "Type mismatch for Index Key <k> Expected: S Actual: N IndexName: <i>'); DynamoDB "
        "Local stops after 'Type mismatch for Index Key'",
        mock="*Type mismatch for Index Key * Expected: * Actual: * IndexName: *",
        local="*Type mismatch for Index Key",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "A value that is not a number: the live service says 'The parameter cannot be "
        "converted to a numeric value: <value>' (reported by users against AWS, e.g. "
        "jovotech/jovo-framework#197, internetarchive/internet-archive-voice-apps#225); "
        "DynamoDB Local says 'A value provided cannot be converted into a number'",
        mock="*The parameter cannot be converted to a numeric value: *",
        local="*A value provided cannot be converted into a number*",
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
    # -- GSI changes by UpdateTable (test_index_changes.py) ---------------------------------
    KnownDifference(
        "test_gsi_changes_*/create index*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].IndexStatus",
        "A GSI added by UpdateTable is CREATING while DynamoDB backfills it (API reference, "
        "GlobalSecondaryIndexDescription); dynastream_mock's default transitions=0 makes every "
        "transition immediate (docs/options.md), so the index is ACTIVE at once (with "
        "transitions > 0 it is CREATING with Backfilling true: tests/dynamodb/test_indexes.py); "
        "DynamoDB Local answers CREATING",
        mock="ACTIVE",
        local="CREATING",
    ),
    KnownDifference(
        "test_gsi_changes_*/create index*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].Backfilling",
        "Backfilling accompanies a CREATING GSI (API reference, GlobalSecondaryIndexDescription); "
        "the mock's index is already ACTIVE (transitions=0, see the entry above) and has none; "
        "DynamoDB Local's CREATING index shows Backfilling false",
        mock="<absent>",
        local="false",
    ),
    KnownDifference(
        "test_gsi_changes_*/create index*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].ItemCount",
        "The mock's new GSI is ACTIVE and backfilled at once (transitions=0, see above) and "
        "counts its items; DynamoDB Local's CREATING index has no ItemCount yet",
        local="<absent>",
    ),
    KnownDifference(
        "test_gsi_changes_*/create index*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].IndexSizeBytes",
        "The mock's new GSI is ACTIVE and backfilled at once (transitions=0, see above) and "
        "sizes its entries; DynamoDB Local's CREATING index has no IndexSizeBytes yet",
        local="<absent>",
    ),
    KnownDifference(
        "test_gsi_changes_*/*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].IndexSizeBytes",
        "IndexSizeBytes is the size of the index (API reference, GlobalSecondaryIndexDescription): "
        "its entries' keys and projected attributes, so a sparse or INCLUDE index is smaller "
        "than its table; DynamoDB Local reports the whole table's TableSizeBytes for every GSI",
        mock="[0-9]*",
        local="[0-9]*",
    ),
    KnownDifference(
        "test_gsi_changes_*/delete index",
        "ok.TableDescription.GlobalSecondaryIndexes",
        "UpdateTable deleting a GSI: with the mock's default transitions=0 (docs/options.md) the "
        "index is gone when the response is made, so only the remaining GSI is described; "
        "DynamoDB Local (like DynamoDB while it deletes) still lists the index as DELETING. With "
        "transitions > 0 the mock describes it DELETING (tests/dynamodb/test_indexes.py)",
        mock='[[]{"IndexArn": "*/index/by_c", *}]',
        local='[[]{"IndexArn": "*/index/by_g", "IndexName": "by_g", *"IndexStatus": "DELETING", *',
    ),
    KnownDifference(
        "test_gsi_changes_on_demand/*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].ProvisionedThroughput",
        "On an on-demand table DynamoDB describes each GSI's throughput as 0/0 (API reference, "
        "ProvisionedThroughput: 'If read/write capacity mode is PAY_PER_REQUEST the value is set "
        "to 0'), with NumberOfDecreasesToday as for any ProvisionedThroughputDescription; "
        "DynamoDB Local leaves ProvisionedThroughput out",
        mock='{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}',
        local="<absent>",
    ),
    KnownDifference(
        "test_gsi_changes_on_demand/*",
        "ok.*.GlobalSecondaryIndexes[[]*[]].OnDemandThroughput",
        "DynamoDB describes a GSI's OnDemandThroughput only while a maximum is set (live probe "
        "in go-to-k/cdkd#3403: an on-demand GSI without maxima has no OnDemandThroughput; the "
        "table-level rule is the same); DynamoDB Local adds -1/-1 to a GSI created by UpdateTable "
        "(not to one created by CreateTable)",
        mock="<absent>",
        local='{"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}',
    ),
    KnownDifference(
        "test_gsi_changes_*/delete unknown index",
        "error.Message",
        "An unknown index in GlobalSecondaryIndexUpdates: the live service names the index and "
        "the table ('Requested resource not found: Index ghost for table <t>', live probe rows "
        "of ack-api-quirks DynamoDB finding DDB-TABLE-456, 2026); DynamoDB Local says only "
        "'Requested resource not found'",
        mock="Requested resource not found: Index * for table *",
        local="Requested resource not found",
    ),
    KnownDifference(
        "test_gsi_changes_*/two updates of one index",
        "error.Message",
        "Two actions on one index: the live service answers 'One or more parameter values were "
        "invalid: Only one global secondary index update per index is allowed simultaneously. "
        "Index: <i>' (dynalite's test/updateTable.js, written against the live service; "
        "ack-api-quirks DynamoDB message catalogue DDB-TABLE-442); DynamoDB Local drops the "
        "prefix and the index name",
        mock="One or more parameter values were invalid: Only one global secondary index update "
        "per index is allowed simultaneously. Index: *",
        local="Only one global secondary index update per index is allowed simultaneously.",
    ),
    KnownDifference(
        "test_gsi_changes_*/missing attribute definition",
        "error.Message",
        "Creating a GSI on an attribute without an AttributeDefinition: the live service answers "
        "'One or more parameter values were invalid: AttributeDefinitions is not specified for "
        "index: <i>' (ack-api-quirks DynamoDB message catalogue DDB-TABLE-442, UpdateTable); "
        "DynamoDB Local says 'No Attribute Schema Defined'",
        mock="One or more parameter values were invalid: AttributeDefinitions is not specified "
        "for index: *",
        local="No Attribute Schema Defined",
    ),
    # -- transactions --------------------------------------------------------------------------
    KnownDifference(
        "test_transact_write_cancelled/*",
        "error.CancellationReasons[[]*[]].Message",
        "ConditionalCheckFailed reasons read 'The conditional request failed' on the live "
        "service (responses quoted in boto3#2657, PynamoDB#1143/#1144); DynamoDB Local adds a "
        "period for ConditionCheck actions only",
        mock="The conditional request failed",
        local="The conditional request failed.",
    ),
    KnownDifference(
        "test_transact_write_cancelled/two actions on one item",
        "error*",
        "Two actions on one item: the live service rejects the request with ValidationException "
        "'Transaction request cannot include multiple operations on one item' (live responses "
        "quoted in moto#6685 and moto#7378); DynamoDB Local runs the actions one after the "
        "other and cancels with reasons (and answers the documented text for TransactGetItems)",
    ),
    KnownDifference(
        "test_transact_write_cancelled/arithmetic on a missing attribute",
        "error*",
        "An update that fails against the stored item cancels the transaction with a "
        "ValidationError reason (API reference, TransactionCanceledException: ValidationError "
        "messages include 'The provided expression refers to an attribute that does not exist "
        "in the item'; live response quoted in aws-sdk-net#1292); DynamoDB Local answers a "
        "plain ValidationException",
    ),
    KnownDifference(
        "test_client_request_token/same token other request",
        "error.Message",
        "DynamoDB Local answers IdempotentParameterMismatchException with an empty message "
        "(also seen in aws-sdk-go-v2#1900); dynastream_mock gives one",
        local="",
    ),
    KnownDifference(
        "test_transact_get_items/partial key",
        "error*",
        "A Get key that does not match the schema is the request's ValidationException 'The "
        "provided key element does not match the schema', as for GetItem (a "
        "TransactionCanceledException always carries CancellationReasons: API reference); "
        "DynamoDB Local answers TransactionCanceledException without reasons and with its own "
        "key text",
    ),
    # -- Time To Live ------------------------------------------------------------------------
    KnownDifference(
        "test_time_to_live_errors/*other attribute",
        "error.Message",
        "UpdateTimeToLive naming another attribute while TTL is on: the live service adds "
        "': current AttributeName is <name>' (reported live texts, e.g. probes of "
        "UpdateTimeToLive after an enable); DynamoDB Local stops after 'AttributeName'",
        mock="TimeToLive is active on a different AttributeName: current AttributeName is *",
        local="TimeToLive is active on a different AttributeName",
    ),
    KnownDifference(
        "test_time_to_live_errors/empty attribute name",
        "error.Message",
        "An empty TimeToLiveSpecification.AttributeName breaks the documented length "
        "constraint (API reference, TimeToLiveSpecification: 'Minimum length of 1'), which "
        "DynamoDB answers with Coral's '1 validation error detected: ... at "
        "'timeToLiveSpecification.attributeName' ...'; DynamoDB Local reuses its key/projected "
        "attribute name text",
        mock="1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName'*",
        local="Names of key attributes and attributes projected into an index must be *",
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
    # -- legacy parameters (test_legacy.py) --------------------------------------------------
    KnownDifference(
        "test_attribute_updates/*",
        "error.Message",
        "AttributeUpdates ADD/DELETE of an unsupported type: DynamoDB names the type by its "
        "code ('... not supported for the type S': dynalite's AWS-recorded test/updateItem.js, "
        "and user reports of the live text); DynamoDB Local spells it out (STRING, BINARY)",
        mock="* action * not supported for the type [A-Z]*",
        local="* action * not supported for the type [A-Z]*",
    ),
    KnownDifference(
        "test_key_conditions_and_filters/AttributesToGet with COUNT",
        "error.Message",
        "Query's Select errors come inside Coral's one-error envelope on the live service "
        "(captured on real AWS, see api/item_pages.py check_select); DynamoDB Local leaves "
        "the prefix out",
        mock="1 validation error detected: Cannot specify the AttributesToGet *",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "PutItem, UpdateItem and DeleteItem report an empty set and unused placeholders inside "
        "Coral's one-error envelope on the live service ('1 validation error detected: One or "
        "more parameter values were invalid: An string set  may not be empty', '1 validation "
        "error detected: Value provided in ExpressionAttributeValues unused in expressions: "
        "...': moto's aws_verified test_put_item_empty_set, test_update_item_add_empty_set, "
        "test_update_item_unused_attributes); dynastream_mock applies the same envelope to "
        "empty sets in the legacy Expected and AttributeUpdates values of those operations; "
        "DynamoDB Local answers the bare message",
        mock="1 validation error detected: *",
        local="[OV]*",
    ),
    KnownDifference(
        "*",
        "error.Message",
        "A PartiQL SELECT on a missing index: the live service answers 'The table does not "
        "have the specified index' without the name (moto's aws_verified "
        "test_execute_statement_on_unknown_gsi_table); DynamoDB Local appends ': <index>'",
        mock="The table does not have the specified index",
        local="The table does not have the specified index: *",
    ),
    # -- PartiQL (test_partiql.py) ---------------------------------------------------------
    KnownDifference(
        "test_partiql_*",
        "ok.NextToken",
        "NextToken is opaque (API reference, ExecuteStatement: 'Set this value to get remaining "
        "results, if NextToken was returned in the statement response'): each side encodes its "
        "own position, so only its presence is compared; each scenario pages on with its own",
        mock="[!<]*",
        local="[!<]*",
    ),
    KnownDifference(
        "test_partiql_*",
        "ok.LastEvaluatedKey",
        "A paged SELECT answers LastEvaluatedKey beside NextToken (API reference, "
        "ExecuteStatement response: 'The primary key of the item where the operation stopped'); "
        "DynamoDB Local answers NextToken only",
        mock="{*",
        local="<absent>",
    ),
    KnownDifference(
        "test_partiql_*",
        "ok.ConsumedCapacity",
        "ExecuteStatement, BatchExecuteStatement and ExecuteTransaction return ConsumedCapacity "
        "when ReturnConsumedCapacity asks for it (API reference of each); DynamoDB Local leaves "
        "it out of PartiQL answers",
        mock="[[{]*",
        local="<absent>",
    ),
    KnownDifference(
        "test_partiql_*",
        "error.Code",
        "INSERT of an existing key: the service model names ExecuteStatement's error "
        "DuplicateItemException (API reference, ExecuteStatement errors; botocore's "
        "DynamoDB.Client.exceptions.DuplicateItemException); DynamoDB Local answers the batch "
        "code DuplicateItem (BatchStatementError's code, which both sides use in batches)",
        mock="DuplicateItemException",
        local="DuplicateItem",
    ),
    KnownDifference(
        "test_partiql_writes/nested SET with MODIFIED *",
        "ok.Items[[]0[]].m.M.*",
        "RETURNING MODIFIED OLD|NEW * returns the updated attributes as UpdateItem's "
        "UPDATED_OLD|UPDATED_NEW do (developer guide, PartiQL update statements), which for a "
        "nested path is only the updated fragment (see the UpdateItem entry above); DynamoDB "
        "Local returns the whole top-level attribute",
    ),
    KnownDifference(
        "test_partiql_malformed_statements/overlapping*",
        "error.Message",
        "Two overlapping paths: dynastream_mock names them in the order the expression language "
        "names them for UpdateExpression and ProjectionExpression (checked against AWS in "
        "tests/differential/test_items.py's recordings); DynamoDB Local's PartiQL names them "
        "the other way round",
        mock="Two document paths overlap with each other; *",
        local="Two document paths overlap with each other; *",
    ),
    KnownDifference(
        "test_partiql_*",
        "*Message",
        "A statement that is one bare word: DynamoDB answers it as not well formed (the project's "
        "DynamoDB Local facts); DynamoDB Local names the PartiQL node it parsed ('Unsupported "
        "operation: VariableReference')",
        mock="Statement wasn't well formed, can't be processed: hello",
        local="Unsupported operation: VariableReference",
    ),
    KnownDifference(
        "test_partiql_*",
        "ok.Responses[[]*[]].Error.Message",
        "A bare word among BatchExecuteStatement's statements: not well formed on DynamoDB, as "
        "above; DynamoDB Local answers 'Invalid operation. Only select, insert, update and "
        "delete operations are valid' there",
        mock="Statement wasn't well formed, can't be processed: hello",
        local="Invalid operation. Only select, insert, update and delete operations are valid",
    ),
    KnownDifference(
        "test_partiql_batch/*",
        "ok.Responses[[]*[]].TableName",
        "A batch statement that fails with a ValidationError once run (an attribute the update "
        "reads is missing) carries no TableName on the live service (the project's DynamoDB "
        "Local facts; api/partiql/handlers.py names the table for the other runtime errors, as "
        "the live response in boto3#3834 does for a ThrottlingError); DynamoDB Local names it",
        mock="<absent>",
        local="partiql",
    ),
    KnownDifference(
        "test_partiql_transactions/a statement refused",
        "error*",
        "A transaction statement the planner refuses (no equality on every key attribute) is "
        "the request's ValidationException 'Validation failed in TransactStatements[<i>]: "
        "<message>', as DynamoDB Local itself words RETURNING and EXISTS refusals; a "
        "TransactionCanceledException always carries CancellationReasons (API reference), but "
        "DynamoDB Local answers one without reasons, its message prefixed 'ValidationError'",
    ),
    KnownDifference(
        "test_partiql_malformed_statements/empty",
        "error.Message",
        "An empty Statement breaks its documented length constraint (API reference, "
        "ExecuteStatement: 'Minimum length of 1'), which DynamoDB answers with Coral's '1 "
        "validation error detected: ...'; DynamoDB Local parses it as a statement not well formed",
        mock="1 validation error detected: Value '' at 'statement' failed to satisfy constraint*",
        local="Statement wasn't well formed, can't be processed: ",
    ),
    KnownDifference(
        "test_partiql_transactions/cancelled",
        "error.CancellationReasons[[]3[]].Item",
        "ReturnValuesOnConditionCheckFailure ALL_OLD returns the item that failed a "
        "statement's condition (API reference, ParameterizedStatement), an EXISTS check's as "
        "TransactWriteItems' ConditionCheck does; DynamoDB Local returns it for UPDATE and "
        "DELETE but not for EXISTS",
        mock="{*",
        local="<absent>",
    ),
    KnownDifference(
        "test_partiql_*",
        "ok.Responses[[]*[]].Error.Message",
        "A batch statement on a missing table: the same ResourceNotFound, worded 'Requested "
        "resource not found' as the service words it elsewhere (see the entry above); DynamoDB "
        "Local says 'Cannot do operations on a non-existent table'",
        mock="Requested resource not found",
        local=_LOCAL_NOT_FOUND,
    ),
    # -- item writes -----------------------------------------------------------------------
    KnownDifference(
        "test_update_expressions_and_return_values/*remove-only update*",
        "ok.*",
        "An UpdateItem whose actions only REMOVE attributes or DELETE set elements does not "
        "create a missing item on DynamoDB (no item, no stream record, no Attributes for "
        "ALL_NEW); DynamoDB Local creates the item from its key",
        mock="<absent>",
        local='{"pk": {"S": "absent"}}',
    ),
)
