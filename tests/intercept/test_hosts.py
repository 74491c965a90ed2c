"""resolve_host against what botocore really does.

Real boto3 clients (with a ``before-send`` hook that records the URL and the
SigV4 scope, then aborts) cover a sample of regions in every partition; the
rule engine itself covers every known region and parameter combination, so a
botocore upgrade that changes endpoints fails here rather than in users' tests.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError, EndpointVariantError
from botocore.loaders import create_loader

from dynastream_mock.intercept import hosts
from dynastream_mock.intercept.hosts import (
    Destination,
    account_hosts,
    all_hosts,
    host_shapes,
    resolve_host,
)

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

_LOADER = create_loader()
PARTITIONS: list[dict[str, Any]] = _LOADER.load_data("partitions")["partitions"]
RULE_SETS = {
    service: _LOADER.load_data(f"{service}/2012-08-10/endpoint-rule-set-1")
    for service in ("dynamodb", "dynamodbstreams")
}


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    # Endpoint settings from the environment or a config file (AWS_ENDPOINT_URL,
    # AWS_USE_FIPS_ENDPOINT, account id mode, ...) would change the URLs.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


class _Sent(Exception):
    def __init__(self, url: str, scope_region: str, scope_service: str) -> None:
        super().__init__(url)
        self.url = url
        self.scope_region = scope_region
        self.scope_service = scope_service


def _abort_with_request(request: Any, **_: Any) -> None:
    authorization = request.headers["Authorization"]
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    match = _SCOPE.search(authorization)
    assert match is not None, authorization
    raise _Sent(request.url, match[1], match[2])


@functools.cache
def _session(account_id: str | None) -> Any:
    # One per account: a session loads botocore's data files, clients reuse it.
    return boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="x", aws_account_id=account_id
    )


def _client(service: str, region: str, account_id: str | None = None, **config: Any) -> Any:
    client = _session(account_id).client(
        service, region_name=region, config=Config(retries={"max_attempts": 1}, **config)
    )
    client.meta.events.register("before-send", _abort_with_request)
    return client


def _send(call: Callable[..., Any], **params: Any) -> _Sent:
    with pytest.raises(_Sent) as caught:
        call(**params)
    return caught.value


def _default_call(client: Any) -> _Sent:
    if client.meta.service_model.service_name == "dynamodb":
        return _send(client.list_tables)
    return _send(client.list_streams)


def _netloc(url: str) -> str:
    return urlsplit(url).netloc


def _table_arn(region: str, account: str = OTHER_ACCOUNT, partition: str = "aws") -> str:
    return f"arn:{partition}:dynamodb:{region}:{account}:table/Users"


def _stream_arn(region: str, account: str = OTHER_ACCOUNT, partition: str = "aws") -> str:
    return _table_arn(region, account, partition) + "/stream/2024-01-01T00:00:00.000"


def _sample_regions(partition: dict[str, Any]) -> list[str]:
    regions = sorted(partition["regions"])
    ordinary = [r for r in regions if not r.endswith("-global")]
    # Regions the rule sets single out, plus the "<partition>-global" pseudo
    # regions botocore accepts like any other.
    special = {"us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1", "me-central-1"}
    chosen = ordinary[:2] + [r for r in regions if r in special or r.endswith("-global")]
    return sorted(set(chosen))


# --- real clients -------------------------------------------------------------


@pytest.mark.parametrize("partition", PARTITIONS, ids=[p["id"] for p in PARTITIONS])
def test_regional_hosts_of_real_clients(partition: dict[str, Any]) -> None:
    failures = []
    checked = 0
    for region, service, fips, dualstack in itertools.product(
        _sample_regions(partition), hosts.SERVICES, (False, True), (False, True)
    ):
        options: dict[str, Any] = {"use_fips_endpoint": fips, "use_dualstack_endpoint": dualstack}
        try:
            client = _client(service, region, **options)
        except EndpointVariantError:
            # botocore's client constructor still consults the legacy
            # endpoints.json, which lacks dual-stack in some iso partitions.
            continue
        sent = _default_call(client)
        got = resolve_host(_netloc(sent.url))
        # The region must be the one botocore signs for.
        want = Destination(service, sent.scope_region, None)
        checked += 1
        if got != want:
            failures.append((region, service, options, sent.url, got))
    assert checked
    assert not failures


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1"]
)
@pytest.mark.parametrize("service", hosts.SERVICES)
def test_endpoint_url_of_a_default_client(service: str, region: str) -> None:
    client = _client(service, region)
    assert resolve_host(_netloc(client.meta.endpoint_url)) == Destination(service, region, None)


def test_endpoint_url_can_differ_from_where_requests_go() -> None:
    # client.meta.endpoint_url comes from the legacy endpoints.json resolver;
    # requests go where the rule set says. Interception must use the latter.
    client = _client("dynamodbstreams", "us-east-1", use_dualstack_endpoint=True)
    sent = _default_call(client)
    assert _netloc(sent.url) == "streams-dynamodb.us-east-1.api.aws"
    assert _netloc(client.meta.endpoint_url) == "streams.dynamodb.us-east-1.api.aws"
    assert resolve_host(_netloc(sent.url)) == Destination("dynamodbstreams", "us-east-1", None)


def test_pseudo_global_region_is_signed_as_itself() -> None:
    sent = _default_call(_client("dynamodb", "aws-global"))
    assert _netloc(sent.url) == "dynamodb.aws-global.amazonaws.com"
    assert sent.scope_region == "aws-global"
    assert resolve_host(_netloc(sent.url)) == Destination("dynamodb", "aws-global", None)


def test_fips_pseudo_region() -> None:
    sent = _default_call(_client("dynamodb", "us-east-1-fips"))
    assert _netloc(sent.url) == "dynamodb-fips.us-east-1.amazonaws.com"
    assert resolve_host(_netloc(sent.url)) == Destination("dynamodb", "us-east-1", None)


def test_local_region_is_not_ours() -> None:
    sent = _default_call(_client("dynamodb", "local"))
    assert _netloc(sent.url) == "localhost:8000"
    assert resolve_host("localhost:8000") is None


# --- account-based endpoints --------------------------------------------------


@pytest.mark.parametrize(
    ("options", "host", "account"),
    [
        ({}, f"{ACCOUNT}.ddb.eu-west-1.amazonaws.com", ACCOUNT),
        ({"use_dualstack_endpoint": True}, f"{ACCOUNT}.ddb.eu-west-1.api.aws", ACCOUNT),
        # No FIPS account endpoints for DynamoDB: "preferred" falls back.
        ({"use_fips_endpoint": True}, "dynamodb-fips.eu-west-1.amazonaws.com", None),
        ({"account_id_endpoint_mode": "disabled"}, "dynamodb.eu-west-1.amazonaws.com", None),
    ],
)
def test_dynamodb_account_endpoint_from_credentials(
    options: dict[str, Any], host: str, account: str | None
) -> None:
    sent = _default_call(_client("dynamodb", "eu-west-1", ACCOUNT, **options))
    assert _netloc(sent.url) == host
    assert resolve_host(host) == Destination("dynamodb", "eu-west-1", account)


def test_dynamodb_account_endpoint_from_table_arns() -> None:
    client = _client("dynamodb", "eu-west-1")
    arn = _table_arn("eu-west-1")
    want = Destination("dynamodb", "eu-west-1", OTHER_ACCOUNT)
    for sent in (
        _send(client.get_item, TableName=arn, Key={"id": {"S": "1"}}),
        _send(client.batch_get_item, RequestItems={arn: {"Keys": [{"id": {"S": "1"}}]}}),
    ):
        assert _netloc(sent.url) == f"{OTHER_ACCOUNT}.ddb.eu-west-1.amazonaws.com"
        assert resolve_host(_netloc(sent.url)) == want


def test_search_vectors_endpoints() -> None:
    params = {"TableName": "Users", "IndexName": "idx", "SearchVector": [{"N": "0.5"}], "TopK": 1}
    plain = _send(_client("dynamodb", "eu-west-1").search_vectors, **params)
    assert _netloc(plain.url) == "search-dynamodb.eu-west-1.amazonaws.com"
    by_account = _send(_client("dynamodb", "eu-west-1", ACCOUNT).search_vectors, **params)
    assert _netloc(by_account.url) == f"{ACCOUNT}.search-ddb.eu-west-1.amazonaws.com"
    assert resolve_host(_netloc(plain.url)) == Destination("dynamodb", "eu-west-1", None)
    assert resolve_host(_netloc(by_account.url)) == Destination("dynamodb", "eu-west-1", ACCOUNT)


@pytest.mark.parametrize(
    ("region", "partition", "options", "host_tail"),
    [
        ("eu-west-1", "aws", {}, "streams-ddb.eu-west-1.amazonaws.com"),
        ("eu-west-1", "aws", {"use_dualstack_endpoint": True}, "streams-ddb.eu-west-1.api.aws"),
        (
            "us-east-1",
            "aws",
            {"use_fips_endpoint": True},
            "streams-ddb-fips.us-east-1.amazonaws.com",
        ),
        ("us-gov-west-1", "aws-us-gov", {}, "streams-ddb.us-gov-west-1.amazonaws.com"),
        ("cn-north-1", "aws-cn", {}, "streams-ddb.cn-north-1.amazonaws.com.cn"),
    ],
)
def test_streams_account_endpoint_from_stream_arn(
    region: str, partition: str, options: dict[str, Any], host_tail: str
) -> None:
    client = _client("dynamodbstreams", region, **options)
    arn = _stream_arn(region, partition=partition)
    want = Destination("dynamodbstreams", region, OTHER_ACCOUNT)
    for sent in (
        _send(client.describe_stream, StreamArn=arn),
        _send(
            client.get_shard_iterator,
            StreamArn=arn,
            ShardId="shardId-00000001700000000000-abcdef12",
            ShardIteratorType="LATEST",
        ),
        # Real shard iterators start with the stream ARN, and botocore parses them.
        _send(client.get_records, ShardIterator=f"{arn}|1|AAAAexample"),
    ):
        assert _netloc(sent.url) == f"{OTHER_ACCOUNT}.{host_tail}"
        assert resolve_host(_netloc(sent.url)) == want


def test_streams_account_endpoint_from_credentials() -> None:
    sent = _default_call(_client("dynamodbstreams", "eu-west-1", ACCOUNT))
    assert _netloc(sent.url) == f"{ACCOUNT}.streams-ddb.eu-west-1.amazonaws.com"
    assert resolve_host(_netloc(sent.url)) == Destination("dynamodbstreams", "eu-west-1", ACCOUNT)


# --- the whole rule engine ----------------------------------------------------


def _known_regions() -> list[str]:
    return sorted({r for p in PARTITIONS for r in p["regions"]})


def _new_regions() -> list[str]:
    """One made-up region per partition that botocore files there by regex alone."""
    known = set(_known_regions())
    found = []
    for partition in PARTITIONS:
        for region in sorted(partition["regions"]):
            candidate = region.rsplit("-", 1)[0] + "-77"
            if candidate not in known and re.match(partition["regionRegex"], candidate):
                found.append(candidate)
                break
    return found


def _rule_engine_cases(regions: list[str]) -> Iterator[tuple[str, dict[str, Any], str, str | None]]:
    """(service, params, netloc, signing region) for everything the rule sets allow."""
    for service, rule_set in RULE_SETS.items():
        provider = EndpointProvider(rule_set, {"partitions": PARTITIONS, "version": "1.1"})
        parameters = rule_set["parameters"]
        for region in regions:
            partition = next(
                (p["id"] for p in PARTITIONS if region in p["regions"]),
                next((p["id"] for p in PARTITIONS if re.match(p["regionRegex"], region)), "aws"),
            )
            routings: list[dict[str, Any]] = [{}]
            for mode in ("preferred", "required", "disabled"):
                routings.append({"AccountId": ACCOUNT, "AccountIdEndpointMode": mode})
            for name in ("ResourceArn", "ResourceArnList", "StreamArn", "ShardIterator"):
                if name in parameters:
                    arn = _stream_arn(region, partition=partition)
                    value: Any = (arn,) if name == "ResourceArnList" else arn
                    routings.append({name: value, "AccountIdEndpointMode": "preferred"})
            flags: list[dict[str, Any]] = [{}]
            if "IsSearchOperation" in parameters:
                flags.append({"IsSearchOperation": True})
            for fips, dualstack, routing, flag in itertools.product(
                (False, True), (False, True), routings, flags
            ):
                params = {"Region": region, "UseFIPS": fips, "UseDualStack": dualstack}
                params.update(routing)
                params.update(flag)
                try:
                    endpoint = provider.resolve_endpoint(**params)
                except EndpointResolutionError:
                    continue
                schemes = endpoint.properties.get("authSchemes") or [{}]
                yield service, params, _netloc(endpoint.url), schemes[0].get("signingRegion")


def _expected(service: str, region: str, netloc: str, signing: str | None) -> Destination:
    account = netloc.split(".", 1)[0]
    return Destination(
        service, signing or region, account if account in (ACCOUNT, OTHER_ACCOUNT) else None
    )


def test_every_host_the_rule_engine_produces_for_known_regions() -> None:
    produced: set[str] = set()
    produced_account: set[str] = set()
    failures = []
    for service, params, netloc, signing in _rule_engine_cases(_known_regions()):
        if params["Region"] == "local":
            continue
        want = _expected(service, params["Region"], netloc, signing)
        if want.account_id is None:
            produced.add(netloc)
        else:
            produced_account.add(netloc.split(".", 1)[1])
        got = resolve_host(netloc)
        if got != want:
            failures.append((params, netloc, got, want))
    assert not failures
    # The derived table holds exactly what the rule engine yields, no more.
    assert all_hosts() == produced
    assert account_hosts() == produced_account
    assert hosts._get_table().conflicts == ()


def test_regions_newer_than_botocore() -> None:
    regions = _new_regions()
    assert len(regions) == len(PARTITIONS)
    failures = []
    for service, params, netloc, signing in _rule_engine_cases(regions):
        want = _expected(service, params["Region"], netloc, signing)
        assert netloc not in all_hosts()
        got = resolve_host(netloc)
        if got != want:
            failures.append((params, netloc, got, want))
    assert not failures


def test_new_region_through_a_real_client() -> None:
    sent = _default_call(_client("dynamodbstreams", "eu-south-77", ACCOUNT))
    assert _netloc(sent.url) == f"{ACCOUNT}.streams-ddb.eu-south-77.amazonaws.com"
    assert resolve_host(_netloc(sent.url)) == Destination("dynamodbstreams", "eu-south-77", ACCOUNT)


# --- not ours, normalisation, API ---------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "localhost:8000",
        "localhost",
        "127.0.0.1:8000",
        "s3.amazonaws.com",
        "dynamodb.example.com",
        "sqs.us-east-1.amazonaws.com",
        "dynamodb.us-east-1.amazonaws.com:8443",  # a local proxy, not AWS
        "dynamodb.xx-foo-1.amazonaws.com",  # no partition claims this region
        "dynamodb.cn-north-1.amazonaws.com",  # China region, global DNS suffix
        "dynamodb.eu-west-1.amazonaws.com.cn",
        "dynamodb.local.amazonaws.com",
        "ddb.eu-west-1.amazonaws.com",  # the account label is missing
        "1234.ddb.eu-west-1.amazonaws.com",  # not a 12-digit account id
        f"{ACCOUNT}.dynamodb.eu-west-1.amazonaws.com",
        f"{ACCOUNT}.ddb.cn-north-1.amazonaws.com",  # China region, global DNS suffix
        "dynamodb.us-gov-west-1.amazonaws.com.cn",
        "dynamodb..amazonaws.com",
        "",
    ],
)
def test_not_ours(host: str) -> None:
    assert resolve_host(host) is None
    assert resolve_host(host) is None  # and from the cache


@pytest.mark.parametrize(
    "host",
    [
        "dynamodb.eu-west-1.amazonaws.com:443",
        "dynamodb.eu-west-1.amazonaws.com:80",
        "DynamoDB.EU-West-1.amazonaws.com",
        "dynamodb.eu-west-1.amazonaws.com.",
    ],
)
def test_host_spellings(host: str) -> None:
    assert resolve_host(host) == Destination("dynamodb", "eu-west-1", None)


def test_account_host_with_port() -> None:
    assert resolve_host(f"{ACCOUNT}.streams-ddb.us-west-2.api.aws:443") == Destination(
        "dynamodbstreams", "us-west-2", ACCOUNT
    )


@pytest.mark.parametrize(
    ("host", "want"),
    [
        # botocore sends GovCloud FIPS traffic to dynamodb.<region>.amazonaws.com;
        # the documented FIPS host, set as endpoint_url, is still DynamoDB.
        (
            "dynamodb-fips.us-gov-west-1.amazonaws.com",
            Destination("dynamodb", "us-gov-west-1", None),
        ),
        # Account endpoints exist for the two named GovCloud regions only.
        (
            f"{ACCOUNT}.ddb.us-gov-north-77.amazonaws.com",
            Destination("dynamodb", "us-gov-north-77", ACCOUNT),
        ),
    ],
)
def test_hand_set_endpoint_in_a_sibling_partitions_shape(host: str, want: Destination) -> None:
    assert host not in all_hosts()
    assert resolve_host(host) == want


def test_shapes_and_hosts() -> None:
    shapes = host_shapes()
    for shape in (
        "dynamodb.{region}.amazonaws.com",
        "dynamodb-fips.{region}.api.aws",
        "streams.dynamodb.{region}.amazonaws.com",
        "streams-dynamodb.{region}.api.aws",
        "{account}.ddb.{region}.amazonaws.com",
        "{account}.streams-ddb-fips.{region}.amazonaws.com",
    ):
        assert shape in shapes
    assert "localhost:8000" not in all_hosts()
    assert "dynamodb.us-east-1.amazonaws.com" in all_hosts()
    assert "streams.dynamodb.cn-north-1.amazonaws.com.cn" in all_hosts()
    assert "ddb.eu-west-1.amazonaws.com" in account_hosts()


def test_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hosts, "_DYNAMIC_CACHE_LIMIT", 50)
    table = hosts._get_table()
    for n in range(200):
        account = f"{n:012d}"
        host = f"{account}.ddb.eu-west-1.amazonaws.com"
        assert resolve_host(host) == Destination("dynamodb", "eu-west-1", account)
        assert len(hosts._cache) <= len(table.fixed) + 50
    assert resolve_host("dynamodb.eu-west-1.amazonaws.com") is not None


# --- cost ---------------------------------------------------------------------
