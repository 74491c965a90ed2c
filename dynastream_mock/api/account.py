"""Account-level answers: DescribeLimits and DescribeEndpoints.

DescribeLimits answers the default quotas of a new account (developer guide, "Service,
account, and table quotas": 80,000 read and write capacity units per account, 40,000 per
table). DescribeEndpoints answers the regional endpoint, cached for a day, as the API
reference shows it; botocore's endpoint discovery then keeps talking to the mock.

Example::

    ddb.describe_limits()["AccountMaxReadCapacityUnits"]  # 80000
    ddb.describe_endpoints()["Endpoints"]
    # [{"Address": "dynamodb.eu-west-1.amazonaws.com", "CachePeriodInMinutes": 1440}]
"""

from __future__ import annotations

from ..backend.world import RegionWorld
from ..partitions import dns_suffix
from .router import Params, Result, handles

ACCOUNT_MAX_CAPACITY_UNITS = 80_000
TABLE_MAX_CAPACITY_UNITS = 40_000
_ENDPOINT_CACHE_MINUTES = 1440


@handles("dynamodb", "DescribeLimits")
def describe_limits(world: RegionWorld, params: Params) -> Result:
    return {
        "AccountMaxReadCapacityUnits": ACCOUNT_MAX_CAPACITY_UNITS,
        "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_CAPACITY_UNITS,
        "TableMaxReadCapacityUnits": TABLE_MAX_CAPACITY_UNITS,
        "TableMaxWriteCapacityUnits": TABLE_MAX_CAPACITY_UNITS,
    }


@handles("dynamodb", "DescribeEndpoints")
def describe_endpoints(world: RegionWorld, params: Params) -> Result:
    suffix = dns_suffix(world.region)
    return {
        "Endpoints": [
            {
                "Address": f"dynamodb.{world.region}.{suffix}",
                "CachePeriodInMinutes": _ENDPOINT_CACHE_MINUTES,
            }
        ]
    }
