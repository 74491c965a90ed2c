"""Resource-based policies: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy and
CreateTable's ``ResourcePolicy``. Stored, validated and read back as DynamoDB does; never
enforced (the mock has no IAM).

A policy attaches to a table ARN or to a stream ARN, each its own slot with its own
revision ids. The document is checked for the policy grammar and the 20 KB limit
(developer guide, "Resource-based policy considerations") and stored in the canonical form
GetResourcePolicy answers on the live service: minified, ``Version, Statement`` then
``Sid, Effect, Principal, Action, Resource, Condition``, one-element lists as plain
strings, an account id principal as its root ARN, ``Version`` 2008-10-17 when none was
given. A re-put of an equivalent document is a no-op that answers the same revision id.

Not modelled: the 15-second window in which the service refuses a further change
(ThrottlingException), the lock-out check ConfirmRemoveSelfResourceAccess confirms (it is
accepted and has no effect), and the check of action names against the resource type.

Example::

    arn = ddb.describe_table(TableName="Orders")["Table"]["TableArn"]
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]
    ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == revision  # True
"""

from __future__ import annotations

import json
from typing import Any, Final

from ..backend.arns import parse_arn
from ..backend.resource_policies import PolicyTarget
from ..backend.tables import Table
from ..backend.world import RegionWorld
from ..errors import (
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
    invalid_parameters,
)
from .router import Params, Result, handles

#: "The maximum size supported for a resource-based policy document is 20 KB. DynamoDB
#: counts whitespaces" (API reference, PutResourcePolicy); the live text names 20480 bytes.
MAX_POLICY_BYTES: Final = 20480
_VERSIONS = ("2012-10-17", "2008-10-17")
#: IAM's default when a policy names no version (the live read-back shows it).
_DEFAULT_VERSION = "2008-10-17"
_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")


def _invalid_document(detail: str) -> ValidationException:
    return invalid_parameters(f"Invalid policy document: {detail}")


def _scalar_if_single(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _strings(value: Any, field: str) -> Any:
    """A string or a non-empty list of strings, a one-element list as its string."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return _scalar_if_single(value)
    raise _invalid_document(f"Invalid {field} in policy statement")


def _principal(value: Any, partition: str) -> Any:
    if value == "*":
        return value
    if not isinstance(value, dict) or not value or any(k not in _PRINCIPAL_KINDS for k in value):
        raise invalid_parameters("Invalid principal in policy document.")
    shaped: dict[str, Any] = {}
    for kind, names in value.items():
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise invalid_parameters("Invalid principal in policy document.")
        unique: list[str] = []
        for name in names:
            # An account id means that account's root (live read-back, probed 2026).
            if kind == "AWS" and len(name) == 12 and name.isdigit():
                name = f"arn:{partition}:iam::{name}:root"
            if name not in unique:
                unique.append(name)
        shaped[kind] = _scalar_if_single(unique)
    return shaped


def _statement(statement: Any, partition: str) -> dict[str, Any]:
    if not isinstance(statement, dict) or any(key not in _STATEMENT_KEYS for key in statement):
        raise _invalid_document("Syntax errors in policy.")
    effect = statement.get("Effect")
    if effect is None:
        raise _invalid_document("Missing required field Effect")
    if not isinstance(effect, str) or effect.capitalize() not in ("Allow", "Deny"):
        raise _invalid_document(f"Invalid effect: {effect}")
    shaped: dict[str, Any] = {}
    if "Sid" in statement:
        if not isinstance(statement["Sid"], str):
            raise _invalid_document("Syntax errors in policy.")
        shaped["Sid"] = statement["Sid"]
    # The service title-cases Effect rather than refusing "allow" (probed 2026).
    shaped["Effect"] = effect.capitalize()
    for field in ("Principal", "Action", "Resource"):
        given = [name for name in (field, f"Not{field}") if name in statement]
        if not given:
            raise _invalid_document(f"Missing required field {field}")
        if len(given) == 2:
            raise _invalid_document("Syntax errors in policy.")
        name = given[0]
        if field == "Principal":
            shaped[name] = _principal(statement[name], partition)
        else:
            shaped[name] = _strings(statement[name], field)
    if "Condition" in statement:
        condition = statement["Condition"]
        if not isinstance(condition, dict) or not all(
            isinstance(v, dict) for v in condition.values()
        ):
            raise _invalid_document("Syntax errors in policy.")
        shaped["Condition"] = {
            operator: {key: _scalar_if_single(value) for key, value in pairs.items()}
            for operator, pairs in condition.items()
        }
    return shaped


def _check_bounded(statements: list[dict[str, Any]]) -> None:
    # DynamoDB refuses a policy that allows everyone (live service, probed 2026); a
    # Condition may bound the access, which the mock does not judge.
    for statement in statements:
        principal = statement.get("Principal")
        everyone = principal == "*" or (
            isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))
        )
        if statement["Effect"] == "Allow" and everyone and "Condition" not in statement:
            raise ValidationException(
                "Resource-based policy grants unbounded access in one or more elements. "
                "Please revise the policy to ensure least-privilege form of access"
            )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def parse_policy(text: str, partition: str) -> tuple[str, str]:
    """Check a policy document; (its canonical text, its identity for no-op re-puts).

    Raises ``ValidationException`` in the service's words for what is not a policy.
    """
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise invalid_parameters(f"Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise _invalid_document("This policy contains invalid Json")
    if any(key not in ("Version", "Id", "Statement") for key in document):
        raise _invalid_document("Syntax errors in policy.")
    version = document.get("Version")
    if version is not None and version not in _VERSIONS:
        raise _invalid_document("The policy must contain a valid version string")
    if "Statement" not in document:
        raise _invalid_document("Missing required field Statement")
    statements = document["Statement"]
    # A single statement object stands for a list of one (probed 2026).
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list):
        raise _invalid_document("Syntax errors in policy.")
    if not statements:
        raise _invalid_document("Could not parse the policy: Statement is empty!")
    shaped = [_statement(statement, partition) for statement in statements]
    sids = [statement["Sid"] for statement in shaped if "Sid" in statement]
    if len(set(sids)) != len(sids):
        raise _invalid_document("The Statement Ids in the policy are not unique")
    _check_bounded(shaped)
    canonical: dict[str, Any] = {}
    if version is not None:
        canonical["Version"] = version
    if "Id" in document:
        canonical["Id"] = document["Id"]
    canonical["Statement"] = shaped
    # Identity is the document as given, Version included only if given: an omitted
    # Version and an explicit 2008-10-17 are different documents to the service.
    identity = _minified(canonical)
    canonical = {"Version": version or _DEFAULT_VERSION, **canonical}
    return _minified(canonical), identity


def _minified(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def table_target(table: Table) -> PolicyTarget:
    """The policy slot of ``table`` (CreateTable's ``ResourcePolicy`` goes there)."""
    return PolicyTarget(table.definition.table_id, "table", table.name, table.arn)


def _target(world: RegionWorld, arn: str, *, changing: bool) -> PolicyTarget:
    """The slot a ``ResourceArn`` names, with the service's errors (probed 2026) otherwise."""
    parsed = parse_arn(arn)
    if parsed is None:
        raise invalid_parameters(f"ARNs must start with 'arn:': {arn}")
    if parsed.account != world.account_id:
        # Over HTTP the caller's account may differ from the ARN's; in process botocore
        # sends the request to the ARN's account. The curly apostrophe is AWS's.
        raise ValidationException(
            "This action is only supported by accounts that match the resource owner’s account."  # noqa: RUF001
        )
    if parsed.partition != world.partition or parsed.region != world.region:
        raise invalid_parameters(f"Invalid resource Arn: {arn}")
    name = parsed.table_name
    label = parsed.stream_label
    if not name or (not parsed.is_table and label is None):
        if name and "/index/" in parsed.resource:
            raise invalid_parameters(
                "Invalid resource arn provided, only table or stream is accepted. "
                f"Provided resource arn: {arn}"
            )
        raise invalid_parameters(f"Provided Arn is not a DynamoDB resource arn: {arn}")
    table = world.tables.get(name)
    if label is not None:
        stream = world.streams.get(arn)
        if stream is not None:
            return PolicyTarget(stream.arn, "stream", stream.label, stream.arn)
        if table is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found"
            )
        raise ResourceNotFoundException(
            f"Requested resource not found: Stream: {label} not found for Table: {name}"
        )
    if table is None:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
    if changing and table.status(world.now_ms()) == "DELETING":
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being deleted: {name}"
        )
    return table_target(table)


@handles("dynamodb", "PutResourcePolicy")
def put_resource_policy(world: RegionWorld, params: Params) -> Result:
    target = _target(world, params["ResourceArn"], changing=True)
    document, identity = parse_policy(params["Policy"], world.partition)
    # ConfirmRemoveSelfResourceAccess is accepted: without IAM nobody can be locked out.
    revision = world.resource_policies.put(
        target, document, identity, params.get("ExpectedRevisionId"), world.now_ms()
    )
    return {"RevisionId": revision}


@handles("dynamodb", "GetResourcePolicy")
def get_resource_policy(world: RegionWorld, params: Params) -> Result:
    policy = world.resource_policies.get(_target(world, params["ResourceArn"], changing=False))
    return {"Policy": policy.document, "RevisionId": policy.revision_id}


@handles("dynamodb", "DeleteResourcePolicy")
def delete_resource_policy(world: RegionWorld, params: Params) -> Result:
    target = _target(world, params["ResourceArn"], changing=True)
    revision = world.resource_policies.delete(
        target, params.get("ExpectedRevisionId"), world.now_ms()
    )
    return {} if revision is None else {"RevisionId": revision}
