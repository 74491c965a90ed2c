"""botocore's data files, loaded once: the one place this package reads them.

Service models (``service-2``) give the request validators their shapes, fault injection its
operations and errors, and ``add_trigger`` Lambda's parameter ranges. Other data files (the
partitions, endpoint rule sets) load through :func:`load_data`.

>>> "GetRecords" in service_model("dynamodbstreams")["operations"]
True
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.loaders import Loader, create_loader


@cache
def _loader() -> Loader:
    # create_loader() searches the same paths botocore's own sessions do (~/.aws/models too).
    return create_loader()


@cache
def service_model(service: str) -> dict[str, Any]:
    """The latest ``service-2`` model of ``service`` (``dynamodb``, ``lambda``, ...).

    Shared between callers: read it, never change it.
    """
    model: dict[str, Any] = _loader().load_service_model(service, "service-2")
    return model


@cache
def load_data(name: str) -> Any:
    """A botocore data file by its path without extension (``"partitions"``,
    ``"dynamodb/2012-08-10/endpoint-rule-set-1"``). Shared: read it, never change it."""
    return _loader().load_data(name)


def api_versions(service: str, type_name: str) -> list[str]:
    """The API versions botocore has a ``type_name`` file for, e.g. ``endpoint-rule-set-1``."""
    versions: list[str] = _loader().list_api_versions(service, type_name)
    return versions
