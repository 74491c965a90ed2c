"""Shape validation of requests, compiled from botocore's service models.

DynamoDB's front end (Amazon's "Coral" framework) handles a request in two steps before any
handler runs, and this module does the same:

1. Deserialization. A JSON value of the wrong type fails the whole request with a
   ``SerializationException`` (``NUMBER_VALUE cannot be converted to String``, ``Start of
   structure or map found where not expected``, ...). The first mismatch in document order
   wins. Unknown members are skipped and JSON ``null`` counts as absent.
2. Constraint validation. Every violated constraint (required, length, range, pattern, enum)
   becomes one ``Value <v> at '<path>' failed to satisfy constraint: <phrase>`` and the
   request fails with one ``ValidationException``: ``N validation error(s) detected: a; b``,
   listing at most 10 of them, as Coral does.

Sources for the exact texts: the DynamoDB test suites of dynalite (recorded against real AWS,
last refreshed 2018-2023), public reports of real AWS answers (2015-2026), the messages the
brief quotes, and Amazon's DynamoDB Local where it performs this validation itself (it mostly
does not). Where these disagree, real AWS wins. Details that cannot be known are chosen as
the plainest faithful rendering and marked "unknowable" below.

Each (service, operation) compiles once into a tree of small node objects; a request then
only walks its own values. AttributeValues (``Item``, ``Key``, ``ExpressionAttributeValues``
values, ...) are checked only for being JSON objects where a map is required: their deep
validation belongs to ``backend/values.py``.
"""

from __future__ import annotations

from .compiler import Validator, members_validator, operation_names, validator_for

__all__ = ["Validator", "members_validator", "operation_names", "validator_for"]
