"""How ``@mock_streams`` wraps a function, coroutine function, generator or class.

Each call of a decorated function runs inside ``fresh()``, a new context manager (a new,
inactive mock with the decorator's options), so every call gets its own world and clock.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

# Set on the functions the decorator made, so a class decorator never wraps one twice.
_DECORATED = "__dynastream_mock_decorated__"

Fresh = Callable[[], AbstractContextManager[Any]]


def decorate(target: Any, fresh: Fresh) -> Any:
    """``target`` wrapped so that each call runs in ``fresh()``."""
    if inspect.isclass(target):
        return _decorate_class(target, fresh)
    if isinstance(target, (staticmethod, classmethod)):
        return type(target)(_decorate_function(target.__func__, fresh))
    if not callable(target):
        raise TypeError(
            "mock_streams decorates a function, a coroutine function or a class, got "
            f"{target!r}; options are keywords: mock_streams(partitions=4)"
        )
    return _decorate_function(target, fresh)


def _decorate_function(function: Callable[..., Any], fresh: Fresh) -> Callable[..., Any]:
    # functools.wraps keeps the name, the marks and (through __wrapped__) the
    # signature, so pytest still injects fixtures into a decorated test.
    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return await function(*args, **kwargs)

    elif inspect.isasyncgenfunction(function):

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                async for item in function(*args, **kwargs):
                    yield item

    elif inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return (yield from function(*args, **kwargs))

    else:

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return function(*args, **kwargs)

    setattr(wrapper, _DECORATED, True)
    return wrapper


def _decorate_class(cls: type, fresh: Fresh) -> type:
    if issubclass(cls, unittest.TestCase):
        # Around run(): one fresh world per test method, shared by its setUp, the test,
        # its tearDown and its cleanups, and stopped even when setUp raises.
        for name in ("run", "debug"):
            setattr(cls, name, _around_test_case(getattr(cls, name), fresh))
        return cls
    for name in dir(cls):
        if not name.startswith("test"):
            continue
        member = inspect.getattr_static(cls, name)
        function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
        # Methods already decorated (here, or on a decorated base class) keep theirs.
        if not inspect.isfunction(function) or getattr(function, _DECORATED, False):
            continue
        setattr(cls, name, decorate(member, fresh))
    return cls


def _around_test_case(method: Callable[..., Any], fresh: Fresh) -> Callable[..., Any]:
    @functools.wraps(method)
    def around(test: unittest.TestCase, *args: Any, **kwargs: Any) -> Any:
        with fresh():
            return method(test, *args, **kwargs)

    return around
