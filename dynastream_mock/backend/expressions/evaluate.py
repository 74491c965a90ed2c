"""Binding parsed expressions to ExpressionAttributeNames/Values and evaluating them.

Binding resolves placeholders and runs every check that needs the values (operand types,
BETWEEN bounds, distinct operands), raising AWS's messages in AWS's order: undefined names
first (all of them, in order of appearance), then values and semantic checks walking the tree
left to right. The result is a tree of closures, so a bound FilterExpression evaluates fast
over many items.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from dynastream_mock.errors import ValidationException

from ..values import (
    NUMBER_CONTEXT,
    AttributeValue,
    Item,
    b64_bytes,
    compare_values,
    number_from_decimal,
    values_equal,
)
from .ast import (
    And,
    Arithmetic,
    Between,
    Comparison,
    Condition,
    FunctionCall,
    In,
    NameRef,
    Not,
    Operand,
    Or,
    ParsedCondition,
    ParsedExpression,
    Path,
    ResolvedPath,
    Value,
    render_path,
)
from .parser import (
    BEGINS_WITH_TYPES,
    SCALAR_TYPES,
    SIZE_TYPES,
    expression_error,
    operand_type_error,
)

Getter = Callable[[Mapping[str, AttributeValue] | None], AttributeValue | None]
Predicate = Callable[[Mapping[str, AttributeValue] | None], bool]

MISSING_ATTRIBUTE: Final = (
    "The provided expression refers to an attribute that does not exist in the item"
)
INCORRECT_DATA_TYPE: Final = "An operand in the update expression has an incorrect data type"

VALID_TYPE_NAMES: Final = ("N", "BS", "L", "B", "NULL", "M", "S", "SS", "NS", "BOOL")


def get_path(
    item: Mapping[str, AttributeValue] | None, path: ResolvedPath
) -> AttributeValue | None:
    """The value at ``path`` in ``item``, or None where any step is missing or mistyped."""
    if item is None:
        return None
    value = item.get(path[0])  # type: ignore[arg-type]
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            elements = value.get("L")
            if elements is None or element >= len(elements):
                return None
            value = elements[element]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(element)
    return value


def value_type(value: Mapping[str, Any]) -> str:
    for key in value:
        return key
    return ""


def render_value(value: Mapping[str, Any]) -> str:
    """An AttributeValue as DynamoDB prints it in messages: ``{N:2}``, ``{S:abc}``."""
    kind = value_type(value)
    inner = value[kind]
    if isinstance(inner, list):
        inner = "[" + ",".join(str(x) for x in inner) + "]"
    return f"{{{kind}:{inner}}}"


class Binder:
    """Resolves the placeholders of one parsed expression for one request."""

    def __init__(
        self,
        parsed: ParsedExpression,
        names: Mapping[str, str] | None,
        values: Mapping[str, AttributeValue] | None,
    ) -> None:
        self.param = parsed.param
        self.names: Mapping[str, str] = names or {}
        self.values: Mapping[str, AttributeValue] = values or {}

    def path(self, path: Path) -> ResolvedPath:
        """Substitute ``#name`` placeholders; raises if one is not defined."""
        resolved: list[str | int] = []
        for element in path.elements:
            if isinstance(element, NameRef):
                name = self.names.get(element.placeholder)
                if name is None:
                    raise expression_error(
                        self.param,
                        "An expression attribute name used in the document path is not defined; "
                        f"attribute name: {element.placeholder}",
                    )
                resolved.append(name)
            else:
                resolved.append(element)
        return tuple(resolved)

    def document_path(self, function: str, node: Operand) -> ResolvedPath:
        """The path a function's first operand must be (its other operands resolve first)."""
        if isinstance(node, Path):
            return self.path(node)
        self.operand(node)
        raise expression_error(
            self.param,
            f"Operator or function requires a document path; operator or function: {function}",
        )

    def value(self, node: Value) -> AttributeValue:
        try:
            return self.values[node.placeholder]
        except KeyError:
            raise expression_error(
                self.param,
                "An expression attribute value used in expression is not defined; "
                f"attribute value: {node.placeholder}",
            ) from None

    def check_type(
        self, function: str, value: AttributeValue | None, allowed: frozenset[str]
    ) -> None:
        if value is not None:
            kind = value_type(value)
            if kind not in allowed:
                raise operand_type_error(self.param, function, kind)

    def check_distinct(self, operator: str, first: Operand, others: tuple[Operand, ...]) -> None:
        if not isinstance(first, Path):
            return
        resolved = self.path(first)
        for other in others:
            if isinstance(other, Path) and self.path(other) == resolved:
                raise expression_error(
                    self.param,
                    "The first operand must be distinct from the remaining operands for this "
                    f"operator or function; operator: {operator}, "
                    f"first operand: {render_path(resolved)}",
                )

    # -- operands --------------------------------------------------------------------------

    def operand(
        self, node: Operand, *, update: bool = False
    ) -> tuple[Getter, AttributeValue | None]:
        """A getter for an operand, and its value when it is a constant (``:value``)."""
        if isinstance(node, Value):
            constant = self.value(node)
            return (lambda _item: constant), constant
        if isinstance(node, Path):
            path = self.path(node)
            if update:
                return _required_getter(path), None
            return (lambda item: get_path(item, path)), None
        if isinstance(node, Arithmetic):
            return self._arithmetic(node), None
        return self._function_operand(node, update=update), None

    def _arithmetic(self, node: Arithmetic) -> Getter:
        left, left_value = self.operand(node.left, update=True)
        right, right_value = self.operand(node.right, update=True)
        self.check_type(node.op, left_value, frozenset({"N"}))
        self.check_type(node.op, right_value, frozenset({"N"}))
        subtract = node.op == "-"

        def compute(item: Mapping[str, AttributeValue] | None) -> AttributeValue:
            a = left(item)
            b = right(item)
            assert a is not None and b is not None
            if "N" not in a or "N" not in b:
                raise ValidationException(INCORRECT_DATA_TYPE)
            x, y = Decimal(a["N"]), Decimal(b["N"])
            result = NUMBER_CONTEXT.subtract(x, y) if subtract else NUMBER_CONTEXT.add(x, y)
            return {"N": number_from_decimal(result)}

        return compute

    def _function_operand(self, node: FunctionCall, *, update: bool) -> Getter:
        name = node.name
        if name == "size":
            inner, constant = self.operand(node.args[0])
            self.check_type("size", constant, SIZE_TYPES)
            return lambda item: _size(inner(item))
        if name == "if_not_exists":
            path = self.document_path(name, node.args[0])
            fallback, _ = self.operand(node.args[1], update=True)

            def if_not_exists(item: Mapping[str, AttributeValue] | None) -> AttributeValue | None:
                found = get_path(item, path)
                return found if found is not None else fallback(item)

            return if_not_exists
        # list_append
        first, first_value = self.operand(node.args[0], update=True)
        second, second_value = self.operand(node.args[1], update=True)
        self.check_type("list_append", first_value, frozenset({"L"}))
        self.check_type("list_append", second_value, frozenset({"L"}))

        def list_append(item: Mapping[str, AttributeValue] | None) -> AttributeValue:
            a = first(item)
            b = second(item)
            assert a is not None and b is not None
            if "L" not in a or "L" not in b:
                raise ValidationException(INCORRECT_DATA_TYPE)
            return {"L": [*a["L"], *b["L"]]}

        return list_append

    # -- conditions ------------------------------------------------------------------------

    def condition(self, node: Condition) -> Predicate:
        """Compile a condition tree into a predicate over items (None = no item)."""
        if isinstance(node, And):
            left_and = self.condition(node.left)
            right_and = self.condition(node.right)
            return lambda item: left_and(item) and right_and(item)
        if isinstance(node, Or):
            left_or = self.condition(node.left)
            right_or = self.condition(node.right)
            return lambda item: left_or(item) or right_or(item)
        if isinstance(node, Not):
            inner = self.condition(node.operand)
            return lambda item: not inner(item)
        if isinstance(node, Comparison):
            return self._comparison(node)
        if isinstance(node, Between):
            return self._between(node)
        if isinstance(node, In):
            return self._in(node)
        return self._function_condition(node)

    def _comparison(self, node: Comparison) -> Predicate:
        left, left_value = self.operand(node.left)
        right, right_value = self.operand(node.right)
        self.check_distinct(node.op, node.left, (node.right,))
        op = node.op
        if op == "=":
            return lambda item: _equal(left(item), right(item))
        if op == "<>":
            return lambda item: not _equal(left(item), right(item))
        self.check_type(op, left_value, SCALAR_TYPES)
        self.check_type(op, right_value, SCALAR_TYPES)
        accept = _ORDER_TESTS[op]

        def ordered(item: Mapping[str, AttributeValue] | None) -> bool:
            a = left(item)
            b = right(item)
            if a is None or b is None:
                return False
            result = compare_values(a, b)
            return result is not None and accept(result)

        return ordered

    def _between(self, node: Between) -> Predicate:
        operand, operand_value = self.operand(node.operand)
        low, low_value = self.operand(node.low)
        high, high_value = self.operand(node.high)
        self.check_distinct("BETWEEN", node.operand, (node.low, node.high))
        for constant in (operand_value, low_value, high_value):
            self.check_type("BETWEEN", constant, SCALAR_TYPES)
        if low_value is not None and high_value is not None:
            check_between_bounds(self.param, low_value, high_value)

        def between(item: Mapping[str, AttributeValue] | None) -> bool:
            value = operand(item)
            lower = low(item)
            upper = high(item)
            if value is None or lower is None or upper is None:
                return False
            above = compare_values(value, lower)
            below = compare_values(value, upper)
            return above is not None and below is not None and above >= 0 and below <= 0

        return between

    def _in(self, node: In) -> Predicate:
        operand, _ = self.operand(node.operand)
        options = [self.operand(option)[0] for option in node.options]
        self.check_distinct("IN", node.operand, node.options)

        def is_in(item: Mapping[str, AttributeValue] | None) -> bool:
            value = operand(item)
            if value is None:
                return False
            for option in options:
                candidate = option(item)
                if candidate is not None and values_equal(value, candidate):
                    return True
            return False

        return is_in

    def _function_condition(self, node: FunctionCall) -> Predicate:
        name = node.name
        if name in ("attribute_exists", "attribute_not_exists"):
            path = self.document_path(name, node.args[0])
            if name == "attribute_exists":
                return lambda item: get_path(item, path) is not None
            return lambda item: get_path(item, path) is None
        if name == "attribute_type":
            path = self.document_path(name, node.args[0])
            type_getter, type_value = self.operand(node.args[1])
            if type_value is not None:
                self.check_type("attribute_type", type_value, frozenset({"S"}))
                if type_value["S"] not in VALID_TYPE_NAMES:
                    raise expression_error(
                        self.param,
                        f"Invalid attribute type name found; type: {type_value['S']}, "
                        "valid types: {" + ",".join(VALID_TYPE_NAMES) + "}",
                    )

            def has_type(item: Mapping[str, AttributeValue] | None) -> bool:
                value = get_path(item, path)
                wanted = type_getter(item)
                if value is None or wanted is None or "S" not in wanted:
                    return False
                return wanted["S"] in value

            return has_type
        first, first_value = self.operand(node.args[0])
        second, second_value = self.operand(node.args[1])
        self.check_distinct(name, node.args[0], (node.args[1],))
        if name == "begins_with":
            self.check_type(name, first_value, BEGINS_WITH_TYPES)
            self.check_type(name, second_value, BEGINS_WITH_TYPES)
            return lambda item: _begins_with(first(item), second(item))
        return lambda item: _contains(first(item), second(item))


def check_between_bounds(param: str, low: AttributeValue, high: AttributeValue) -> None:
    """BETWEEN's static checks on constant bounds: same type, and low <= high."""
    order = compare_values(low, high)
    bounds = (
        f"lower bound operand: AttributeValue: {render_value(low)}, "
        f"upper bound operand: AttributeValue: {render_value(high)}"
    )
    if order is None:
        raise expression_error(
            param,
            f"The BETWEEN operator requires same data type for lower and upper bounds; {bounds}",
        )
    if order > 0:
        raise expression_error(
            param,
            "The BETWEEN operator requires upper bound to be greater than or equal to lower "
            f"bound; {bounds}",
        )


_ORDER_TESTS: Final[dict[str, Callable[[int], bool]]] = {
    "<": lambda r: r < 0,
    "<=": lambda r: r <= 0,
    ">": lambda r: r > 0,
    ">=": lambda r: r >= 0,
}


def _required_getter(path: ResolvedPath) -> Getter:
    def required(item: Mapping[str, AttributeValue] | None) -> AttributeValue:
        value = get_path(item, path)
        if value is None:
            raise ValidationException(MISSING_ATTRIBUTE)
        return value

    return required


def _equal(a: AttributeValue | None, b: AttributeValue | None) -> bool:
    return a is not None and b is not None and values_equal(a, b)


def _size(value: AttributeValue | None) -> AttributeValue | None:
    if value is None:
        return None
    kind = value_type(value)
    inner = value[kind]
    if kind == "S":
        # DynamoDB counts UTF-16 code units, as Java's String.length() does.
        size = (
            len(inner) if inner.isascii() else len(inner.encode("utf-16-le", "surrogatepass")) // 2
        )
    elif kind == "B":
        size = len(b64_bytes(inner))
    elif kind in ("SS", "NS", "BS", "L", "M"):
        size = len(inner)
    else:
        return None
    return {"N": str(size)}


def _begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if value is None or prefix is None:
        return False
    if "S" in value and "S" in prefix:
        return bool(value["S"].startswith(prefix["S"]))
    if "B" in value and "B" in prefix:
        return b64_bytes(value["B"]).startswith(b64_bytes(prefix["B"]))
    return False


def _contains(value: AttributeValue | None, needle: AttributeValue | None) -> bool:
    if value is None or needle is None:
        return False
    kind = value_type(value)
    inner = value[kind]
    if kind == "S":
        return "S" in needle and needle["S"] in inner
    if kind == "B":
        return "B" in needle and b64_bytes(needle["B"]) in b64_bytes(inner)
    if kind == "SS":
        return "S" in needle and needle["S"] in inner
    if kind == "NS":
        if "N" not in needle:
            return False
        wanted = Decimal(needle["N"])
        return any(Decimal(n) == wanted for n in inner)
    if kind == "BS":
        if "B" not in needle:
            return False
        wanted_bytes = b64_bytes(needle["B"])
        return any(b64_bytes(m) == wanted_bytes for m in inner)
    if kind == "L":
        return any(values_equal(element, needle) for element in inner)
    return False


class BoundCondition:
    """A condition bound to one request's names and values; call ``evaluate(item)``."""

    __slots__ = ("_predicate", "parsed")

    def __init__(
        self,
        parsed: ParsedCondition,
        names: Mapping[str, str] | None,
        values: Mapping[str, AttributeValue] | None,
    ) -> None:
        self.parsed = parsed
        self._predicate = Binder(parsed, names, values).condition(parsed.root)

    def evaluate(self, item: Mapping[str, AttributeValue] | None) -> bool:
        """Whether ``item`` (None when there is no item) satisfies the condition."""
        return self._predicate(item)


def bind_condition(
    parsed: ParsedCondition,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> BoundCondition:
    """Resolve placeholders and run the value-dependent checks; raises ValidationException."""
    return BoundCondition(parsed, names, values)


def evaluate_condition(
    parsed: ParsedCondition,
    item: Item | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
) -> bool:
    """Bind and evaluate in one go (bind once with ``bind_condition`` to evaluate many items)."""
    return BoundCondition(parsed, names, values).evaluate(item)
