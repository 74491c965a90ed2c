"""Recognise the hosts botocore sends DynamoDB and DynamoDB Streams requests to.

The table is derived, not written by hand: on first use we ask botocore's own
endpoint rule engine (``EndpointProvider`` over the shipped
``endpoint-rule-set-1`` files and ``partitions.json``) for the URL of each
combination of region, FIPS, dual-stack, account-based routing and operation
flag, and record host -> (service, region).

The rule engine costs 100-200 µs a call and the full matrix is thousands of
calls, so we lean on how the rule sets are written (and check it when loading
them): they see the region only through ``aws.partition`` and comparisons with
literal region names, and see the partition only through a few attributes.
So all regions the rules never name, in partitions that agree on those
attributes, behave the same up to the region label and the DNS suffixes. We
resolve one made-up region per such class of partitions, turn the hosts into
templates (``dynamodb.{region}.amazonaws.com``) and stamp out the known
regions; regions the rules name are resolved one by one. The templates
("shapes") also recognise regions newer than this botocore.

A lookup is one dict hit on the exact host, or on the host minus a leading
12-digit account label; only a miss tries the shapes, and results are cached.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .. import models
from ..backend.arns import stream_arn, table_arn
from ..partitions import Partition, find_partition, partitions_data
from ..partitions import partitions as all_partitions

__all__ = [
    "SERVICES",
    "Destination",
    "account_hosts",
    "all_hosts",
    "host_shapes",
    "resolve_host",
]

# botocore service names we fake.
SERVICES = ("dynamodb", "dynamodbstreams")

# Any valid 12-digit id: botocore only needs a valid host label here, and the
# leading label of the resolved host tells us the URL is account-based.
_PROBE_ACCOUNT = "111122223333"
_ACCOUNT_LEN = len(_PROBE_ACCOUNT)

# How many hosts we remember beyond the static table before starting over; the
# dynamic part holds account-based hosts, new regions and misses.
_DYNAMIC_CACHE_LIMIT = 4096

# Ways the rules may use the region without breaking "unnamed regions behave
# the same".
_REGION_SAFE_FUNCTIONS = frozenset({"isSet", "aws.partition", "stringEquals"})

# Partition outputs we turn into placeholders; longest match wins when both
# end a host.
_SUFFIX_ATTRS = ("dnsSuffix", "dualStackDnsSuffix")

_REGION_PLACEHOLDER = "{region}"
_ACCOUNT_PLACEHOLDER = "{account}."
_REGION_LABEL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TEMPLATE_REF = re.compile(r"\{(\w+)#(\w+)\}")


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a request is headed: the faked service and the region it targets."""

    service: str  # "dynamodb" or "dynamodbstreams"
    region: str
    account_id: str | None  # from an account-based host, else None


@dataclass(frozen=True, slots=True)
class _ShapeTarget:
    partition: str
    service: str
    signing_region: str | None  # fixed by the endpoint, else the host's region


@dataclass(frozen=True, slots=True)
class _Shape:
    template: str
    account_based: bool  # the host starts with an account label
    # The host around the region label (account label removed): prefix and
    # suffix tests are cheaper to set up than a regex per shape, and as exact.
    before: str
    after: str
    targets: tuple[_ShapeTarget, ...]


@dataclass(frozen=True, slots=True)
class _Table:
    fixed: dict[str, Destination]  # complete host -> destination
    account: dict[str, tuple[str, str]]  # host minus account label -> (service, region)
    shapes: tuple[_Shape, ...]
    # Hosts two probes mapped to different destinations: empty unless
    # botocore's data changes in a way this module does not expect.
    conflicts: tuple[str, ...]


# Sentinel for "not cached"; a Destination so the hot path needs no casts.
_MISS = Destination("", "", None)

_cache: dict[str, Destination | None] = {}
_table: _Table | None = None
_build_lock = threading.Lock()


def resolve_host(host: str) -> Destination | None:
    """Return where a request to ``host`` (a URL's netloc) goes, or None if not ours.

    ``localhost:8000`` (the rule sets' ``local`` region, i.e. DynamoDB Local),
    other ports, and hosts botocore does not produce for these services give
    None. Account-based hosts need a 12-digit account label.
    """
    found = _cache.get(host, _MISS)
    if found is not _MISS:
        return found
    return _resolve_uncached(host)


def all_hosts() -> frozenset[str]:
    """Every concrete host (no account label) botocore produces for known regions."""
    return frozenset(_get_table().fixed)


def account_hosts() -> frozenset[str]:
    """Account-based hosts for known regions, without the ``<account>.`` label."""
    return frozenset(_get_table().account)


def host_shapes() -> list[str]:
    """Host templates such as ``dynamodb.{region}.amazonaws.com`` or
    ``{account}.ddb.{region}.api.aws``; regions newer than botocore match these."""
    return sorted({shape.template for shape in _get_table().shapes})


# --- lookup -------------------------------------------------------------------


def _resolve_uncached(host: str) -> Destination | None:
    table = _get_table()
    found = _cache.get(host, _MISS)  # the first call seeds the cache
    if found is not _MISS:
        return found
    dest = _lookup(table, host)
    if len(_cache) >= len(table.fixed) + _DYNAMIC_CACHE_LIMIT:
        # An application uses few hosts; a full cache means churn (many
        # accounts, junk), where starting over is as good as LRU and cheaper.
        _cache.clear()
        _cache.update(table.fixed)
    _cache[host] = dest
    return dest


def _lookup(table: _Table, host: str) -> Destination | None:
    name = _normalise(host)
    if name is None:
        return None
    dest = table.fixed.get(name)
    if dest is not None:
        return dest
    label, dot, rest = name.partition(".")
    if dot and _is_account_id(label):
        entry = table.account.get(rest)
        if entry is not None:
            return Destination(entry[0], entry[1], label)
        return _match_shapes(table, rest, label)
    return _match_shapes(table, name, None)


def _normalise(host: str) -> str | None:
    name = host.strip().lower()
    head, colon, port = name.rpartition(":")
    if colon and port.isdigit():
        # Only the scheme default ports can still mean an AWS endpoint; any
        # other port is a local server such as DynamoDB Local.
        if port not in ("443", "80"):
            return None
        name = head
    return name.removesuffix(".")


def _is_account_id(label: str) -> bool:
    return len(label) == _ACCOUNT_LEN and label.isascii() and label.isdigit()


def _match_shapes(table: _Table, name: str, account: str | None) -> Destination | None:
    """Recognise a region botocore's data does not list yet, or a host set by hand."""
    for shape in table.shapes:
        if shape.account_based != (account is not None):
            continue
        before, after = shape.before, shape.after
        if len(name) <= len(before) + len(after):
            continue
        if not (name.startswith(before) and name.endswith(after)):
            continue
        region = name[len(before) : len(name) - len(after)]
        if not _REGION_LABEL.fullmatch(region):
            continue
        # botocore files an unmatched region under "aws"; too loose for us.
        partition = find_partition(region, default=False)
        if partition is None:
            continue
        for target in shape.targets:
            if target.partition == partition.id:
                return Destination(target.service, target.signing_region or region, account)
        # Another partition's shape on this partition's own DNS suffix: not a
        # host botocore picks for this region, but one a user may set as
        # endpoint_url (e.g. the documented GovCloud FIPS host). Still DynamoDB.
        if any(shape.after == f".{partition.outputs.get(a)}" for a in _SUFFIX_ATTRS):
            target = shape.targets[0]
            return Destination(target.service, target.signing_region or region, account)
    return None


# --- table construction -------------------------------------------------------


def _get_table() -> _Table:
    table = _table
    if table is None:
        table = _build_and_publish()
    return table


def _build_and_publish() -> _Table:
    global _table
    with _build_lock:
        if _table is None:
            table = _build_table()
            _cache.update(table.fixed)
            _table = table
        return _table


def _build_table() -> _Table:
    from botocore.endpoint_provider import EndpointProvider

    partitions = all_partitions()
    known_regions = frozenset(itertools.chain.from_iterable(p.regions for p in partitions))
    members = {p.id: sorted(r for r in known_regions if find_partition(r) is p) for p in partitions}
    rule_sets = {service: _load_rule_set(service) for service in SERVICES}
    infos = {service: _RuleSetInfo(rule_set) for service, rule_set in rule_sets.items()}
    taken = known_regions.union(*(info.named_regions for info in infos.values()))
    stand_ins = {p.id: _stand_in_region(p, taken) for p in partitions}

    builder = _TableBuilder()
    for service, rule_set in rule_sets.items():
        info = infos[service]
        provider = EndpointProvider(rule_set, partitions_data())
        for group in info.partition_classes(partitions):
            rep = next((p for p in group if stand_ins[p.id] is not None), None)
            if rep is not None:
                stand_in = stand_ins[rep.id]
                assert stand_in is not None
                for params in info.probes(stand_in, rep.id):
                    builder.add_template(service, group, rep, stand_in, _resolve(provider, params))
            for partition in group:
                for region in members[partition.id]:
                    if rep is not None and info.is_generic(region):
                        builder.expand(service, partition, region)
                        continue
                    for params in info.probes(region, partition.id):
                        builder.add_concrete(service, partition, region, _resolve(provider, params))
    return builder.finish()


def _load_rule_set(service: str) -> dict[str, Any]:
    # Not load_service_model(): it validates the name by listing every service
    # directory, which costs more than all our probing.
    type_name = "endpoint-rule-set-1"
    version = max(models.api_versions(service, type_name))
    rule_set: dict[str, Any] = models.load_data(f"{service}/{version}/{type_name}")
    return rule_set


def _stand_in_region(partition: Partition, taken: frozenset[str]) -> str | None:
    """A region name botocore files under ``partition`` but nothing lists or names."""
    for known in sorted(partition.regions):
        base, dash, number = known.rpartition("-")
        if not dash or not number.isdigit():
            continue
        for n in range(9, 100):
            candidate = f"{base}-{n}"
            if candidate not in taken and (find_partition(candidate, default=False) is partition):
                return candidate
    return None


def _resolve(provider: Any, params: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The netloc botocore would send to and the region it would sign for, or None."""
    from botocore.exceptions import EndpointResolutionError

    try:
        endpoint = provider.resolve_endpoint(**params)
    except EndpointResolutionError:
        return None  # an invalid combination, e.g. FIPS with required account routing
    signing_region: str | None = None
    for scheme in endpoint.properties.get("authSchemes") or ():
        signing_region = scheme.get("signingRegion")
        break
    return urlsplit(endpoint.url).netloc.lower(), signing_region


def _walk_rules(rules: Any) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """All function calls (nested ones too) and all endpoint objects in a rule tree."""
    calls: list[Mapping[str, Any]] = []
    endpoints: list[Mapping[str, Any]] = []
    stack = [rules]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "fn" in node:
                calls.append(node)
            if node.get("type") == "endpoint" and isinstance(node.get("endpoint"), dict):
                endpoints.append(node["endpoint"])
            stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return calls, endpoints


def _strings(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


class _RuleSetInfo:
    """What a rule set takes as input and how it looks at regions and partitions."""

    def __init__(self, rule_set: Mapping[str, Any]) -> None:
        params: Mapping[str, Mapping[str, Any]] = rule_set["parameters"]
        by_builtin = {spec["builtIn"]: name for name, spec in params.items() if "builtIn" in spec}
        self.region_param = by_builtin.get("AWS::Region", "Region")
        self.switch_params = [
            name
            for name in (by_builtin.get("AWS::UseFIPS"), by_builtin.get("AWS::UseDualStack"))
            if name is not None
        ]
        self.account_param = by_builtin.get("AWS::Auth::AccountId")
        self.account_mode_param = by_builtin.get("AWS::Auth::AccountIdEndpointMode")
        free = {
            name: str(spec.get("type", "")).lower()
            for name, spec in params.items()
            if "builtIn" not in spec
        }
        # Operation-bound switches such as IsSearchOperation (SearchVectors).
        self.flag_params = sorted(name for name, kind in free.items() if kind == "boolean")
        # Operation-bound strings: ResourceArn(List), StreamArn, ShardIterator.
        self.arn_params = {
            name: kind for name, kind in free.items() if kind in ("string", "stringarray")
        }

        calls, endpoints = _walk_rules(rule_set["rules"])
        self.named_regions: set[str] = set()
        self.region_safe = True
        for call in calls:
            self._note_region_use(call["fn"], call.get("argv", []))
        self._scan_partition_use(calls, endpoints)

        # URLs built from an ARN's account mirror the AccountId ones today; only
        # probe with ARNs if some ARN URL has no AccountId twin.
        urls = {str(e.get("url")) for e in endpoints}
        self.needs_arn_probes = any(
            url.replace("{ParsedArn#accountId}", "{AccountId}") not in urls
            for url in urls
            if "{ParsedArn#" in url
        )

    def _note_region_use(self, fn: str, argv: list[Any]) -> None:
        region_ref = {"ref": self.region_param}
        template = "{" + self.region_param + "}"
        if not any(arg == region_ref or (isinstance(arg, str) and template in arg) for arg in argv):
            return
        if fn not in _REGION_SAFE_FUNCTIONS:
            self.region_safe = False
        elif fn == "stringEquals" and region_ref in argv:
            for arg in argv:
                if isinstance(arg, str) and "{" not in arg:
                    self.named_regions.add(arg)
                elif arg != region_ref:
                    self.region_safe = False  # compared with something computed

    def _scan_partition_use(
        self, calls: Sequence[Mapping[str, Any]], endpoints: Sequence[Mapping[str, Any]]
    ) -> None:
        variables = {c["assign"] for c in calls if c["fn"] == "aws.partition" and "assign" in c}
        refs = [{"ref": v} for v in variables]
        # Attributes the conditions read decide behaviour, suffixes included.
        self.partition_attrs = {str(c["argv"][1]) for c in calls if _reads_partition(c, refs)}
        self.named_partitions: set[str] = set()
        name_compares = 0
        for call in calls:
            argv = call.get("argv", [])
            literals = [a for a in argv if isinstance(a, str) and "{" not in a]
            if (
                call["fn"] == "stringEquals"
                and len(argv) == 2
                and len(literals) == 1
                and any(_reads_partition(a, refs, "name") for a in argv)
            ):
                self.named_partitions.add(literals[0])
                name_compares += 1
        name_reads = sum(1 for c in calls if _reads_partition(c, refs, "name"))
        # Attributes only spliced into URLs: the DNS suffixes become template
        # placeholders, anything else must match.
        spliced = {
            attr
            for text in _strings(endpoints)
            for var, attr in _TEMPLATE_REF.findall(text)
            if var in variables
        }
        self.partition_attrs |= spliced - set(_SUFFIX_ATTRS)
        # A name only ever compared with literals makes the partitions it is
        # never compared with interchangeable.
        self.name_opaque = name_reads != name_compares or "name" in spliced

    def partition_classes(self, partitions: Iterable[Partition]) -> list[list[Partition]]:
        """Partitions grouped by everything the rules can tell apart, bar DNS suffixes."""
        classes: dict[tuple[tuple[str, str], ...], list[Partition]] = {}
        for partition in partitions:
            key = []
            for attr in sorted(self.partition_attrs):
                value = partition.outputs.get(attr)
                if attr == "name" and not self.name_opaque and value not in self.named_partitions:
                    value = "*"
                key.append((attr, repr(value)))
            classes.setdefault(tuple(key), []).append(partition)
        return list(classes.values())

    def is_generic(self, region: str) -> bool:
        """Whether ``region`` behaves like any region of its partition the rules don't name."""
        return self.region_safe and region not in self.named_regions

    def probes(self, region: str, partition_id: str) -> Iterator[dict[str, Any]]:
        """Every parameter combination that can change the host for ``region``."""
        routings: list[dict[str, Any]] = [{}]
        if self.account_param and self.account_mode_param:
            routings.append(
                {self.account_param: _PROBE_ACCOUNT, self.account_mode_param: "required"}
            )
        if self.needs_arn_probes and self.account_mode_param:
            arn = stream_arn(table_arn(partition_id, region, _PROBE_ACCOUNT, "probe"), "x")
            for name, kind in self.arn_params.items():
                value: Any = (arn,) if kind == "stringarray" else arn
                routings.append({name: value, self.account_mode_param: "required"})
        for switches in itertools.product((False, True), repeat=len(self.switch_params)):
            for routing in routings:
                for flags in itertools.product((False, True), repeat=len(self.flag_params)):
                    params: dict[str, Any] = {self.region_param: region}
                    params.update(zip(self.switch_params, switches, strict=True))
                    params.update(routing)
                    params.update(
                        (f, True) for f, on in zip(self.flag_params, flags, strict=True) if on
                    )
                    yield params


def _reads_partition(node: Any, refs: Sequence[Any], attr: str | None = None) -> bool:
    """Whether ``node`` is ``getAttr(<partition variable>, attr)``."""
    if not (isinstance(node, Mapping) and node.get("fn") == "getAttr"):
        return False
    argv = node.get("argv", [])
    return len(argv) == 2 and argv[0] in refs and (attr is None or argv[1] == attr)


@dataclass(frozen=True, slots=True)
class _Template:
    host: str  # with {region}; account label removed
    account_based: bool
    signing_region: str | None  # fixed by the endpoint, else None


class _TableBuilder:
    def __init__(self) -> None:
        self.fixed: dict[str, Destination] = {}
        self.account: dict[str, tuple[str, str]] = {}
        self.templates: dict[tuple[str, str], set[_Template]] = {}  # (service, partition)
        self.conflicts: set[str] = set()

    def add_concrete(
        self,
        service: str,
        partition: Partition,
        region: str,
        resolved: tuple[str, str | None] | None,
    ) -> None:
        split = _split(partition, resolved)
        if split is not None:
            host, account_based, signing_region = split
            self._put(service, host, signing_region or region, account_based)

    def add_template(
        self,
        service: str,
        group: Sequence[Partition],
        rep: Partition,
        stand_in: str,
        resolved: tuple[str, str | None] | None,
    ) -> None:
        split = _split(rep, resolved)
        if split is None:
            return
        host, account_based, signing_region = split
        labels = host.split(".")
        if labels.count(stand_in) > 1:
            return  # cannot tell which label is the region
        host = ".".join(_REGION_PLACEHOLDER if label == stand_in else label for label in labels)
        attr = max(
            (a for a in _SUFFIX_ATTRS if host.endswith("." + rep.outputs.get(a, "\0"))),
            key=lambda a: len(rep.outputs[a]),
        )
        generic = host.removesuffix(rep.outputs[attr])
        fixed_signing = None if signing_region in (None, stand_in) else signing_region
        for partition in group:
            member_host = generic + partition.outputs[attr]
            if _REGION_PLACEHOLDER not in member_host:
                # A global host, shared by every region of the partition: sign
                # as the endpoint says, else as botocore would for the partition.
                region = fixed_signing or partition.outputs.get("implicitGlobalRegion")
                if region is not None:
                    self._put(service, member_host, region, account_based)
                continue
            template = _Template(member_host, account_based, fixed_signing)
            self.templates.setdefault((service, partition.id), set()).add(template)

    def expand(self, service: str, partition: Partition, region: str) -> None:
        for template in self.templates.get((service, partition.id), ()):
            host = template.host.replace(_REGION_PLACEHOLDER, region)
            self._put(service, host, template.signing_region or region, template.account_based)

    def _put(self, service: str, host: str, region: str, account_based: bool) -> None:
        if account_based:
            if self.account.setdefault(host, (service, region)) != (service, region):
                self.conflicts.add(_ACCOUNT_PLACEHOLDER + host)
        else:
            dest = Destination(service, region, None)
            if self.fixed.setdefault(host, dest) != dest:
                self.conflicts.add(host)

    def finish(self) -> _Table:
        grouped: dict[tuple[str, bool], list[_ShapeTarget]] = {}
        for (service, partition), templates in self.templates.items():
            for t in templates:
                target = _ShapeTarget(partition, service, t.signing_region)
                grouped.setdefault((t.host, t.account_based), []).append(target)
        shapes = []
        for (host, account_based), targets in sorted(grouped.items()):
            before, _, after = host.partition(_REGION_PLACEHOLDER)
            template = (_ACCOUNT_PLACEHOLDER if account_based else "") + host
            shapes.append(_Shape(template, account_based, before, after, tuple(targets)))
        return _Table(
            fixed=self.fixed,
            account=self.account,
            shapes=tuple(shapes),
            conflicts=tuple(sorted(self.conflicts)),
        )


def _split(
    partition: Partition, resolved: tuple[str, str | None] | None
) -> tuple[str, bool, str | None] | None:
    """(host without account label, account-based?, signing region), or None if not AWS."""
    if resolved is None:
        return None
    host, signing_region = resolved
    account_based = host.startswith(_PROBE_ACCOUNT + ".")
    if account_based:
        host = host[_ACCOUNT_LEN + 1 :]
    elif _PROBE_ACCOUNT in host:
        return None  # the account somewhere other than the first label: unexpected
    # Off the partition's DNS suffixes means not AWS: localhost:8000 and the like.
    if not any(host.endswith("." + partition.outputs.get(a, "\0")) for a in _SUFFIX_ATTRS):
        return None
    return host, account_based, signing_region
